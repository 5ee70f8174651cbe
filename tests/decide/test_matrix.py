"""The decision matrix: quadrants, edges, factor rules, validation, scenarios, and the widget that shows them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from ragft.decide.matrix import (APPROACHES, BOTH, FINE_TUNING, PROMPTING, RAG, SCENARIOS, Scenario, UseCase,  # noqa: E402
                                 format_recommendation, recommend)
from ragft.course.widgets import decision_matrix_widget, plot_decision_matrix  # noqa: E402


@pytest.mark.parametrize("x, y, approach, quadrant", [
    (0.2, 0.2, PROMPTING, (False, False)),
    (0.8, 0.2, RAG, (True, False)),
    (0.2, 0.8, FINE_TUNING, (False, True)),
    (0.8, 0.8, BOTH, (True, True)),
])
def test_four_quadrants_with_neutral_factors(x, y, approach, quadrant):
    recommendation = recommend(UseCase(x, y))
    assert (recommendation.approach, recommendation.quadrant, recommendation.position) == (approach, quadrant, (x, y))
    assert len(recommendation.reasons) == 2 and not recommendation.caveats  # the defaults move nothing


@pytest.mark.parametrize("x, y, approach", [
    (0.5, 0.5, BOTH),  # a point on a line counts as high: 0.5 goes to the higher side
    (0.5, 0.49, RAG),
    (0.49, 0.5, FINE_TUNING),
    (0.0, 0.0, PROMPTING),
    (1.0, 0.0, RAG),
    (0.0, 1.0, FINE_TUNING),
    (1.0, 1.0, BOTH),
    (0, 1, FINE_TUNING),  # ints are accepted and stored as floats
])
def test_edges(x, y, approach):
    assert recommend(UseCase(x, y)).approach == approach


def test_nudges_that_land_exactly_on_the_line_count_as_high():
    assert recommend(UseCase(0.4, 0.1, needs_citations=True)).position == (0.5, 0.1)
    assert recommend(UseCase(0.4, 0.1, needs_citations=True)).approach == RAG
    assert recommend(UseCase(0.1, 0.65, labelled_examples=20)).position == (0.1, 0.5)
    assert recommend(UseCase(0.1, 0.65, labelled_examples=20)).approach == FINE_TUNING


def test_nudges_are_clipped_to_the_unit_square():
    use_case = UseCase(1.0, 0.0, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                       training_budget="none")
    assert recommend(use_case).position == (1.0, 0.0)


def test_daily_changes_move_moderate_external_data_to_rag():
    assert recommend(UseCase(0.35, 0.2)).approach == PROMPTING
    recommendation = recommend(UseCase(0.35, 0.2, knowledge_changes="daily"))
    assert recommendation.approach == RAG
    assert any("knowledge changes daily" in reason and "re-indexing" in reason for reason in recommendation.reasons)


def test_monthly_changes_and_citations_each_push_towards_rag():
    assert recommend(UseCase(0.4, 0.2, knowledge_changes="monthly")).approach == RAG
    assert recommend(UseCase(0.4, 0.2, needs_citations=True)).approach == RAG
    assert recommend(UseCase(0.25, 0.2, knowledge_changes="monthly", needs_citations=True)).approach == PROMPTING


def test_few_examples_with_high_capability_keep_fine_tuning_with_a_caveat():
    recommendation = recommend(UseCase(0.2, 0.9, labelled_examples=20))
    assert recommendation.approach == FINE_TUNING
    assert any("only 20 labelled examples" in c and "collect a few hundred" in c for c in recommendation.caveats)


def test_few_examples_and_no_budget_downgrade_moderate_capability():
    recommendation = recommend(UseCase(0.2, 0.6, labelled_examples=20, training_budget="none"))
    assert recommendation.approach == PROMPTING
    assert any("revisit fine-tuning" in c and "training budget" in c for c in recommendation.caveats)
    assert recommend(UseCase(0.8, 0.6, labelled_examples=20, training_budget="none")).approach == RAG


def test_no_training_budget_caveat_when_fine_tuning_remains():
    caveats = recommend(UseCase(0.2, 0.9, training_budget="none")).caveats
    assert any("no training budget" in c for c in caveats)


def test_many_examples_and_tight_latency_push_towards_fine_tuning():
    assert recommend(UseCase(0.2, 0.45, labelled_examples=5000)).approach == FINE_TUNING
    assert recommend(UseCase(0.2, 0.45, latency_budget_ms=200)).approach == FINE_TUNING


def test_tight_latency_warns_about_retrieval():
    caveats = recommend(UseCase(0.8, 0.2, latency_budget_ms=300)).caveats
    assert any("latency budget 300 ms" in c and "retrieval" in c for c in caveats)
    assert not recommend(UseCase(0.8, 0.2, latency_budget_ms=500)).caveats  # 500 ms is not tight


def test_fine_tuning_alone_warns_about_changing_facts_and_citations():
    caveats = recommend(UseCase(0.1, 0.9, knowledge_changes="monthly", needs_citations=True)).caveats
    assert any("go stale" in c for c in caveats) and any("cannot" in c and "cite" in c for c in caveats)


@pytest.mark.parametrize("x, y", [(0.2, 0.2), (0.8, 0.2), (0.2, 0.8), (0.8, 0.8)])
def test_private_data_is_a_caveat_never_a_quadrant_change(x, y):
    public, private = recommend(UseCase(x, y)), recommend(UseCase(x, y, private_data=True))
    assert private.approach == public.approach and private.position == public.position
    assert any(c.startswith("private data: ") and "self-host" in c for c in private.caveats)
    if private.approach in (RAG, BOTH):
        assert any("access control" in c for c in private.caveats)


def test_recommend_is_deterministic_and_pure():
    use_case = UseCase(0.45, 0.55, knowledge_changes="daily", needs_citations=True, labelled_examples=30,
                       latency_budget_ms=300, training_budget="none", private_data=True, name="x")
    first = recommend(use_case)
    assert all(recommend(use_case) == first for _ in range(3))
    assert use_case == UseCase(0.45, 0.55, "daily", True, 30, 300, "none", True, "x")


def test_reasons_are_tied_to_the_inputs():
    recommendation = recommend(UseCase(0.3, 0.7, knowledge_changes="monthly", labelled_examples=5000))
    text = " ".join(recommendation.reasons)
    assert "external data 0.30" in text and "capability 0.70" in text
    assert "monthly" in text and "5,000 labelled examples" in text and "(0.40, 0.80)" in text


def test_format_recommendation():
    text = format_recommendation(recommend(UseCase(0.8, 0.2, private_data=True)))
    assert text.splitlines()[0] == "Recommendation: RAG"
    assert "Why:" in text and "Caveats:" in text and "private data" in text
    assert format_recommendation(recommend(UseCase(0.2, 0.2))).endswith("Caveats: none")


@pytest.mark.parametrize("kwargs, field, allowed", [
    ({"external_data": 1.5}, "external_data", "from 0 to 1"),
    ({"external_data": -0.1}, "external_data", "from 0 to 1"),
    ({"capability": float("nan")}, "capability", "from 0 to 1"),
    ({"capability": "high"}, "capability", "from 0 to 1"),
    ({"capability": True}, "capability", "from 0 to 1"),
    ({"knowledge_changes": "weekly"}, "knowledge_changes", "'never', 'yearly', 'monthly', 'daily'"),
    ({"training_budget": "medium"}, "training_budget", "'none', 'small', 'large'"),
    ({"labelled_examples": -1}, "labelled_examples", "0 or more"),
    ({"labelled_examples": 2.5}, "labelled_examples", "whole number"),
    ({"latency_budget_ms": 0}, "latency_budget_ms", "more than 0"),
    ({"needs_citations": "yes"}, "needs_citations", "True or False"),
    ({"private_data": 1}, "private_data", "True or False"),
])
def test_invalid_inputs_name_the_field_and_the_allowed_values(kwargs, field, allowed):
    with pytest.raises(ValueError, match=field) as err:
        UseCase(**{"external_data": 0.5, "capability": 0.5, **kwargs})
    assert allowed in str(err.value) and "got" in str(err.value)


def test_six_scenarios_each_recommended_a_defensible_approach():
    assert len(SCENARIOS) == 6 and len({s.name for s in SCENARIOS}) == 6
    for scenario in SCENARIOS:
        assert recommend(scenario.use_case).approach in scenario.defensible, scenario.name
        assert set(scenario.explanations) == set(APPROACHES) - scenario.defensible
        assert scenario.use_case.name == scenario.name and scenario.rationale and scenario.description


def test_the_seed_examples_land_where_the_article_puts_them():
    by_name = {s.name: recommend(s.use_case).approach for s in SCENARIOS}
    assert by_name["Jedi-style bio"] == PROMPTING
    assert by_name["American Revolution Q&A"] == RAG
    assert by_name["Medical report summaries"] == FINE_TUNING
    assert by_name["Personal assistant on private data"] == BOTH


def test_a_scenario_must_explain_every_other_approach():
    with pytest.raises(ValueError, match="explanation"):
        Scenario("s", "d", UseCase(0.1, 0.1), frozenset({PROMPTING}), "r", {RAG: "no"})


def _point_x(ax, gid: str) -> float:
    (line,) = [artist for artist in ax.lines if artist.get_gid() == gid]
    return float(line.get_xdata()[0])


def test_plot_decision_matrix_labels_and_points():
    use_case = UseCase(0.3, 0.7, knowledge_changes="daily", name="demo")
    ax = plot_decision_matrix(use_case, recommend(use_case))
    assert ax.get_xlabel().startswith("dependency on external data")
    assert ax.get_ylabel().startswith("dependency on capability / domain understanding")
    assert ax.get_title() == "Decision matrix: demo → fine-tuning + RAG"
    assert {text.get_text() for text in ax.texts} - {""} == set(APPROACHES)  # "": the arrow
    assert _point_x(ax, "use case") == 0.3 and _point_x(ax, "after factors") == 0.5
    plt.close(ax.figure)


def test_widget_redraws_when_a_slider_moves():
    widget = decision_matrix_widget()
    widget.controls["capability"].value = 0.1
    widget.controls["external_data"].value = 0.1
    assert widget.report.startswith("Recommendation: prompt engineering")
    assert _point_x(widget.figure.axes[0], "use case") == pytest.approx(0.1)
    widget.controls["external_data"].value = 0.9
    assert widget.report.startswith("Recommendation: RAG")
    assert _point_x(widget.figure.axes[0], "use case") == pytest.approx(0.9)
    assert widget.figure.axes[0].get_title().endswith("→ RAG")


def test_widget_loads_a_scenario_into_its_controls():
    widget = decision_matrix_widget()
    scenario = SCENARIOS[3]
    widget.scenario.value = scenario.name
    assert widget.use_case() == scenario.use_case
    assert widget.report.startswith(f"Recommendation: {recommend(scenario.use_case).approach}")
    assert scenario.name in widget.figure.axes[0].get_title()
    widget.controls["private_data"].value = False  # an edited scenario is the learner's own use case
    assert widget.use_case().name == ""
