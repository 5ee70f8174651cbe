"""Chapter 05's checks accept the solutions notebook's answers and reject wrong, mistyped or missing ones."""

from dataclasses import replace

import pytest

from ragft.checks import FAILED, ch05
from ragft.decision import BOTH, FINE_TUNING, PROMPTING, RAG, SCENARIOS, UseCase
from ragft.paths import REPO_ROOT

from exercise_harness import assert_stub_and_crash_are_explained, assert_the_solution_passes, solution_functions

SOLUTIONS = REPO_ROOT / "solutions" / "05_choosing_solutions.ipynb"


@pytest.fixture(scope="module")
def solutions() -> dict:
    """The functions the solutions notebook defines in its exercise cells (the check calls are not run)."""
    return solution_functions(SOLUTIONS, "ch05", 6, BOTH=BOTH, FINE_TUNING=FINE_TUNING, PROMPTING=PROMPTING,
                              RAG=RAG, SCENARIOS=SCENARIOS, UseCase=UseCase)


CHECKS = {  # exercise -> (check, name of the solution function)
    1: (ch05.exercise_1, "quadrant"),
    2: (ch05.exercise_2, "tax_helpline"),
    3: (ch05.exercise_3, "place_scenarios"),
    4: (ch05.exercise_4, "factor_moves"),
    5: (ch05.exercise_5, "winners"),
    6: (ch05.exercise_6, "cheapest_good_enough"),
}


@pytest.mark.parametrize("exercise", CHECKS)
def test_the_solutions_pass(exercise, solutions, capsys):
    check, name = CHECKS[exercise]
    assert_the_solution_passes(check, solutions[name], capsys)


@pytest.mark.parametrize("exercise", CHECKS)
def test_stubs_are_not_attempted_and_crashes_are_explained(exercise):
    assert_stub_and_crash_are_explained(CHECKS[exercise][0])


def _placements(**changes):
    right = {"Jedi-style bio": PROMPTING, "American Revolution Q&A": RAG, "Medical report summaries": FINE_TUNING,
             "Personal assistant on private data": BOTH, "Product support bot": RAG,
             "Contract clause classifier": FINE_TUNING}
    right.update(changes)
    return lambda: {name: (approach, "because of the two dependencies and the factors") for name, approach in right.items()}


WRONG = {
    1: [lambda x, y: RAG if x > 0.5 else PROMPTING,  # > instead of >=, and ignores capability
        lambda x, y: {(True, True): BOTH}.get((x >= 0.5, y >= 0.5), RAG),
        lambda x, y: 1],  # not a name
    2: [lambda: UseCase(0.85, 0.2),  # no citations, yearly, 500 examples, a budget
        lambda: UseCase(0.85, 0.2, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                        training_budget="none", latency_budget_ms=300),  # answers may take seconds
        lambda: UseCase(0.3, 0.2, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                        training_budget="none"),  # external data too low
        lambda: "RAG"],
    3: [_placements(**{"Product support bot": FINE_TUNING}),
        _placements(**{"Jedi-style bio": BOTH, "Contract clause classifier": RAG}),
        _placements(**{"Jedi-style bio": "prompting"}),  # not one of the approach names
        lambda: {name: (approach, "ok") for name, (approach, _) in _placements()().items()},  # reasons too short
        lambda: dict(list(_placements()().items())[:5]),  # one missing
        lambda: {name: approach for name, (approach, _) in _placements()().items()}],  # no reasons
    4: [lambda uc: (0.0, 0.0),
        lambda uc: (0.2 if uc.knowledge_changes == "daily" else 0.0, 0.0),  # forgets citations and capability
        lambda uc: (0.0, -0.15 if uc.labelled_examples <= 100 else 0.0),
        lambda uc: 0.0],
    5: [lambda t, m, tie=0.05: [max(t, key=lambda n: t[n][m])],  # ignores ties
        lambda t, m, tie=0.05: [n for n, r in t.items() if r[m] > max(x[m] for x in t.values()) - tie - 0.3],
        lambda t, m, tie=0.05: "RAG"],
    6: [lambda t, a, c: min(t, key=lambda n: t[n]["latency (ms/answer)"]),  # ignores quality
        lambda t, a, c: next((n for n, r in t.items() if r["new-case accuracy"] >= a and r["format compliance"] >= c), None),
        lambda t, a, c: max((n for n, r in t.items() if r["new-case accuracy"] > a and r["format compliance"] > c),
                            key=lambda n: t[n]["latency (ms/answer)"], default=None)],
}


@pytest.mark.parametrize("exercise,wrong", [(e, w) for e, ws in WRONG.items() for w in ws])
def test_wrong_answers_fail_with_an_explanation(exercise, wrong, capsys):
    verdict = CHECKS[exercise][0](wrong)
    assert verdict.status == FAILED, verdict.message
    assert "expected" in verdict.message and "received" in verdict.message and "Traceback" not in verdict.message


def test_a_wrong_placement_is_explained_with_the_scenario_s_own_reason():
    verdict = ch05.exercise_3(_placements(**{"Product support bot": FINE_TUNING}))
    support = next(s for s in SCENARIOS if s.name == "Product support bot")
    assert support.explanations[FINE_TUNING] in verdict.message


def test_the_tax_helpline_check_explains_which_field_is_off():
    solution = UseCase(0.85, 0.2, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                       training_budget="none")
    assert ch05.exercise_2(lambda: solution).passed
    verdict = ch05.exercise_2(lambda: replace(solution, needs_citations=False))
    assert "needs_citations" in verdict.message and "name the ruling" in verdict.message
