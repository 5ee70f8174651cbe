"""Checks for chapter 05's exercises: the quadrant rule, describing a use case, placing six real-world use cases,
what the factors add up to, reading the head-to-head table, and the cheapest system that is good enough."""

from __future__ import annotations

from ragft.course.checks import Mismatch, Verdict, expect_close, expect_equal, expect_type, more_help_for, run_check
from ragft.decide.head_to_head import COMPLIANCE, KNOWLEDGE, best_systems
from ragft.decide.matrix import APPROACHES, QUADRANTS, RAG, SCENARIOS, THRESHOLD, UseCase, factor_shift, recommend

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint

LATENCY = "latency (ms/answer)"
MIN_REASON_WORDS = 6
# Words any reason could use: a reason must also name something of its own scenario (see _refers_to).
_GENERIC = {"about", "answer", "answers", "approach", "because", "model", "right", "their", "there", "these", "which",
            "would"}


def _stems(text: str) -> set[str]:
    """The text's words of five letters or more, cut to five ("documents" and "document" alike)."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return {w[:5] for w in words if len(w) >= 5 and w not in _GENERIC}


def _refers_to(reason: str, scenario) -> bool:
    """True when `reason` names a factor of `scenario`: a word of its description (the data, the skill, the numbers)."""
    return bool(_stems(reason) & _stems(scenario.description))


def exercise_1(quadrant) -> Verdict:
    """The approach of a point on the matrix, 0.5 or more counting as high."""
    points = [(0.1, 0.2), (0.9, 0.1), (0.2, 0.8), (0.7, 0.9), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5), (0.49, 0.49),
              (1.0, 1.0), (0.0, 0.0)]

    def test():
        for x, y in points:
            expected = QUADRANTS[(x >= THRESHOLD, y >= THRESHOLD)]
            got = quadrant(x, y)
            expect_type(got, str, f"quadrant({x}, {y})", hint=f"return one of {APPROACHES}")
            expect_equal(got, expected, f"quadrant({x}, {y})",
                         hint="high means 0.5 or more; high external data alone: RAG; high capability alone: "
                              "fine-tuning; both high: fine-tuning + RAG; neither: prompt engineering")
    return run_check("Exercise 1 · the quadrant rule", test,
                     hint="compare each dependency with 0.5: four combinations, one approach each",
                     success="A point exactly on a line counts as high: at 0.5 the dependency is real enough to plan for.")


def exercise_2(tax_helpline) -> Verdict:
    """A use case described in words, as `UseCase` fields that make `recommend` say RAG for the right reasons."""
    def test():
        use_case = tax_helpline()
        expect_type(use_case, UseCase, "tax_helpline()", hint="return UseCase(external_data=..., capability=..., ...)")
        facts = [
            ("needs_citations", use_case.needs_citations, True, "each answer must name the ruling it comes from"),
            ("knowledge_changes in ('monthly', 'daily')", use_case.knowledge_changes in ("monthly", "daily"), True,
             "rulings come out every week: more often than monthly"),
            ("labelled_examples < 100", use_case.labelled_examples < 100, True, "there are no labelled examples"),
            ("training_budget", use_case.training_budget, "none", "there is no budget for training"),
            ("latency_budget_ms >= 1000", use_case.latency_budget_ms >= 1000, True, "answers may take a few seconds"),
            ("external_data >= 0.5", use_case.external_data >= THRESHOLD, True,
             "the answers come from rulings the model has never seen"),
        ]
        for what, got, expected, why in facts:
            expect_equal(got, expected, f"tax_helpline().{what}", hint=why)
        expect_equal(recommend(use_case).approach, RAG, "recommend(tax_helpline()).approach",
                     hint="answering in plain sentences is a skill the model has: keep capability low")
    return run_check("Exercise 2 · describing a use case", test, hint="one field per sentence of the description",
                     success="Weekly rulings, citations, no examples, no budget: every factor points to RAG.")


def exercise_3(place_scenarios) -> Verdict:
    """Six real-world use cases placed on the matrix, each with a reason; defensible answers pass, others are explained."""
    def test():
        placed = place_scenarios()
        expect_type(placed, dict, "place_scenarios()", hint="return {scenario name: (approach, reason)}")
        names = [s.name for s in SCENARIOS]
        expect_equal(sorted(placed), sorted(names), "the scenarios you placed", hint="place all six, by their names")
        wrong = []
        for scenario in SCENARIOS:
            answer = placed[scenario.name]
            if not (isinstance(answer, tuple) and len(answer) == 2):
                raise Mismatch(f"place_scenarios()[{scenario.name!r}]", "(approach, reason)", answer)
            approach, reason = answer
            if approach not in APPROACHES:
                raise Mismatch(f"the approach for {scenario.name!r}", f"one of {APPROACHES}", approach,
                               "use the names PROMPTING, RAG, FINE_TUNING or BOTH from ragft.decide.matrix")
            if not isinstance(reason, str) or len(reason.split()) < MIN_REASON_WORDS:
                raise Mismatch(f"your reason for {scenario.name!r}", f"a sentence of {MIN_REASON_WORDS} words or more",
                               reason, "say which dependency is high or low, and which factor decides")
            if not _refers_to(reason, scenario):
                raise Mismatch(f"your reason for {scenario.name!r}", "a reason about this scenario's factors",
                               reason, "name what the description says: its documents, its data, its examples, "
                                       "its format or its numbers")
            if approach not in scenario.defensible:
                wrong.append(f"{scenario.name}: {scenario.explanations[approach]}")
        if wrong:
            raise Mismatch(f"{len(wrong)} of the six placements", "a defensible approach for every scenario",
                           f"{len(wrong)} that do not fit", " | ".join(wrong))
    verdict = run_check("Exercise 3 · six use cases on the matrix", test,
                        hint="does the answer need facts from outside the model, a skill it lacks, or both?",
                        success="Every placement is defensible. How the course argues each one:")
    if verdict.passed:
        for scenario in SCENARIOS:
            print(f"   • {scenario.name} ({' or '.join(sorted(scenario.defensible))}): {scenario.rationale}")
    return verdict


def exercise_4(factor_moves) -> Verdict:
    """How far the factors move a use case's point, along each axis."""
    cases = [UseCase(0.3, 0.3), UseCase(0.3, 0.3, knowledge_changes="daily", needs_citations=True),
             UseCase(0.6, 0.6, labelled_examples=50, training_budget="none"),
             UseCase(0.2, 0.7, labelled_examples=5000, latency_budget_ms=200),
             UseCase(0.5, 0.5, knowledge_changes="monthly", labelled_examples=0)]

    def test():
        for use_case in cases:
            got = factor_moves(use_case)
            what = f"factor_moves({use_case})"
            if not (isinstance(got, tuple) and len(got) == 2):
                raise Mismatch(what, "a pair (dx, dy)", got)
            expected = factor_shift(use_case)
            expect_close(got[0], expected[0], what + "[0], the move along external data", tol=1e-9,
                         hint="monthly +0.10, daily +0.20, citations +0.10")
            expect_close(got[1], expected[1], what + "[1], the move along capability", tol=1e-9,
                         hint="< 100 examples -0.15, >= 1,000 examples +0.10, no budget -0.15, latency < 500 ms +0.10")
    return run_check("Exercise 4 · what the factors add up to", test,
                     hint="start from (0.0, 0.0) and add each factor that applies",
                     success="Each factor moves the point by a tenth or so: it decides borderline cases only.")


def _table(*rows: tuple[str, float, float, float]) -> dict[str, dict[str, float]]:
    return {name: {KNOWLEDGE: k, COMPLIANCE: c, LATENCY: ms} for name, k, c, ms in rows}


TABLES = [
    _table(("prompting (few-shot)", 0.0, 0.0, 120.0), ("RAG", 0.85, 0.0, 90.0), ("LoRA", 0.19, 0.97, 250.0),
           ("LoRA + RAG", 0.98, 0.92, 160.0)),
    _table(("a", 0.50, 0.10, 10.0), ("b", 0.52, 0.40, 20.0), ("c", 0.30, 0.45, 30.0)),
    _table(("only", 0.2, 0.3, 5.0)),
    _table(("x", 0.9, 0.9, 50.0), ("y", 0.9, 0.2, 40.0), ("z", 0.1, 0.9, 30.0)),
]


def exercise_5(winners) -> Verdict:
    """The systems within `tie` of the best score on a measure."""
    calls = [(t, m, tie) for t in TABLES for m in (KNOWLEDGE, COMPLIANCE) for tie in (0.05, 0.0, 0.2)]

    def test():
        for table, measure, tie in calls:
            got = winners(table, measure, tie)
            what = f"winners(<table with {', '.join(table)}>, {measure!r}, tie={tie})"
            expect_type(got, (list, tuple, set), what, hint="return the names, e.g. ['RAG', 'LoRA + RAG']")
            expect_equal(set(got), set(best_systems(table, measure, tie)), what,
                         hint="find the best score first, then keep every system at least (best - tie)")
    return run_check("Exercise 5 · reading the head-to-head table", test,
                     hint="the best score is the largest value of the measure over the systems",
                     success="Close scores tie: in a test set of a few dozen questions, one or two answers are noise.")


def _cheapest(table: dict, min_accuracy: float, min_compliance: float) -> str | None:
    good = [n for n, row in table.items() if row[KNOWLEDGE] >= min_accuracy and row[COMPLIANCE] >= min_compliance]
    return min(good, key=lambda n: table[n][LATENCY]) if good else None


def exercise_6(cheapest_good_enough) -> Verdict:
    """The fastest system that meets both minimum scores, or None."""
    calls = [(TABLES[0], 0.8, 0.0), (TABLES[0], 0.8, 0.8), (TABLES[0], 0.0, 0.9), (TABLES[0], 0.99, 0.0),
             (TABLES[1], 0.5, 0.1), (TABLES[1], 0.0, 0.0), (TABLES[3], 0.5, 0.5), (TABLES[2], 0.5, 0.5)]

    def test():
        for table, min_accuracy, min_compliance in calls:
            what = f"cheapest_good_enough(<table with {', '.join(table)}>, {min_accuracy}, {min_compliance})"
            expect_equal(cheapest_good_enough(table, min_accuracy, min_compliance),
                         _cheapest(table, min_accuracy, min_compliance), what,
                         hint="keep the systems meeting both minimums (>=), then take the lowest latency; "
                              "None when no system is good enough")
    return run_check("Exercise 6 · the cheapest system that is good enough", test,
                     hint="keep the systems good enough first, then take the cheapest",
                     success="Decide on quality first, then on cost: the fastest system that fails the bar is no bargain.")

