"""The decision matrix: which approach, prompt engineering, RAG, fine-tuning or both, fits a use case, and why.

Two axes decide (the article's matrix): the use case's dependency on external data (x) and its dependency on
capability / domain understanding (y), each a score from 0 to 1. A score of 0.5 or more counts as high, so a
point exactly on a line goes to the higher side: at 0.5 the dependency is already real enough to plan for.

    low x,  low y:  prompt engineering        high x, low y:  RAG
    low x,  high y: fine-tuning               high x, high y: fine-tuning + RAG

Then a few factors move the point by fixed amounts (the `*_NUDGE` constants) before it is read, so they decide
only borderline cases; each moved point comes with its reason:

- knowledge that changes monthly (+0.10) or daily (+0.20) and answers that must cite sources (+0.10) push
  towards external data: RAG updates by adding documents and can point to its sources;
- fewer than 100 labelled examples (-0.15) or no training budget (-0.15) pull away from capability, because
  fine-tuning could not be done well; 1,000 examples or more (+0.10) and a latency budget under 500 ms (+0.10)
  push towards it (a fine-tuned model needs no long instructions in every prompt).

Caveats depend on the result: too few examples or no budget for a fine-tuning answer, retrieval latency for a
RAG answer, stale facts or missing citations for fine-tuning alone, and private data (a caveat, never a quadrant
change: both approaches can be self-hosted). `recommend` is pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from numbers import Integral, Real

PROMPTING, RAG, FINE_TUNING, BOTH = "prompt engineering", "RAG", "fine-tuning", "fine-tuning + RAG"
APPROACHES: tuple[str, ...] = (PROMPTING, RAG, FINE_TUNING, BOTH)
# (high dependency on external data, high dependency on capability) -> approach
QUADRANTS: dict[tuple[bool, bool], str] = {(False, False): PROMPTING, (True, False): RAG,
                                           (False, True): FINE_TUNING, (True, True): BOTH}
THRESHOLD = 0.5

KNOWLEDGE_CHANGES: tuple[str, ...] = ("never", "yearly", "monthly", "daily")
TRAINING_BUDGETS: tuple[str, ...] = ("none", "small", "large")

CHANGE_NUDGE = {"monthly": 0.10, "daily": 0.20}
CITATIONS_NUDGE = 0.10
FEW_EXAMPLES, FEW_EXAMPLES_NUDGE = 100, -0.15  # below this many, fine-tuning overfits or learns little
MANY_EXAMPLES, MANY_EXAMPLES_NUDGE = 1000, 0.10
NO_BUDGET_NUDGE = -0.15
TIGHT_LATENCY_MS, TIGHT_LATENCY_NUDGE = 500, 0.10  # below this, a retrieval round trip and a long prompt hurt


def _fail(name: str, allowed: str, value: object) -> None:
    raise ValueError(f"{name} must be {allowed}, got {value!r}")


@dataclass(frozen=True)
class UseCase:
    """A use case as the matrix sees it; the defaults are neutral (they move nothing)."""

    external_data: float  # 0..1: how much the answers depend on facts the model has not seen
    capability: float  # 0..1: how much they depend on a skill, format or domain understanding it lacks
    knowledge_changes: str = "yearly"  # how often the facts behind the answers change: one of KNOWLEDGE_CHANGES
    needs_citations: bool = False  # answers must point to their sources (traceability)
    labelled_examples: int = 500  # input -> output examples available for training
    latency_budget_ms: int = 2000  # time allowed per answer
    training_budget: str = "small"  # compute budget for training: one of TRAINING_BUDGETS
    private_data: bool = False  # the data may not leave the organisation or go into a hosted model's weights
    name: str = ""

    def __post_init__(self) -> None:
        for axis in ("external_data", "capability"):
            value = getattr(self, axis)
            if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
                _fail(axis, "a number from 0 to 1", value)
            object.__setattr__(self, axis, float(value))
        for name, allowed in (("knowledge_changes", KNOWLEDGE_CHANGES), ("training_budget", TRAINING_BUDGETS)):
            if getattr(self, name) not in allowed:
                _fail(name, "one of " + ", ".join(map(repr, allowed)), getattr(self, name))
        for name in ("needs_citations", "private_data"):
            if not isinstance(getattr(self, name), bool):
                _fail(name, "True or False", getattr(self, name))
        examples = self.labelled_examples
        if isinstance(examples, bool) or not isinstance(examples, Integral) or examples < 0:
            _fail("labelled_examples", "a whole number of examples, 0 or more", examples)
        latency = self.latency_budget_ms
        if isinstance(latency, bool) or not isinstance(latency, Integral) or latency <= 0:
            _fail("latency_budget_ms", "a whole number of milliseconds, more than 0", latency)
        if not isinstance(self.name, str):
            _fail("name", "a string", self.name)


@dataclass(frozen=True)
class Recommendation:
    """The approach for a use case, where the factors moved it, and why, in plain words."""

    approach: str
    quadrant: tuple[bool, bool]  # (high dependency on external data, high dependency on capability), after factors
    position: tuple[float, float]  # the point after the factors moved it, clipped to 0..1
    reasons: tuple[str, ...]
    caveats: tuple[str, ...]


def _examples(n: int) -> str:
    """'no labelled examples' or 'only 20 labelled examples'."""
    return "no labelled examples" if n == 0 else f"only {n} labelled examples"


def _nudges(use_case: UseCase) -> list[tuple[float, float, str]]:
    """The active factors: each moves the point by (dx, dy) and says why."""
    uc, nudges = use_case, []
    if uc.knowledge_changes in CHANGE_NUDGE:
        dx = CHANGE_NUDGE[uc.knowledge_changes]
        nudges.append((dx, 0.0, f"knowledge changes {uc.knowledge_changes} ({dx:+.2f} external data): retraining "
                       f"that often costs more than re-indexing; RAG updates by adding documents"))
    if uc.needs_citations:
        nudges.append((CITATIONS_NUDGE, 0.0, f"answers must cite their sources ({CITATIONS_NUDGE:+.2f} external "
                       "data): RAG answers from passages it can point to; fine-tuned weights cannot say where a "
                       "fact came from"))
    if uc.labelled_examples < FEW_EXAMPLES:
        nudges.append((0.0, FEW_EXAMPLES_NUDGE, f"{_examples(uc.labelled_examples)} "
                       f"({FEW_EXAMPLES_NUDGE:+.2f} capability): fine-tuning needs a few hundred input -> output "
                       "examples to learn from"))
    elif uc.labelled_examples >= MANY_EXAMPLES:
        nudges.append((0.0, MANY_EXAMPLES_NUDGE, f"{uc.labelled_examples:,} labelled examples "
                       f"({MANY_EXAMPLES_NUDGE:+.2f} capability): enough to teach a model the task by fine-tuning"))
    if uc.training_budget == "none":
        nudges.append((0.0, NO_BUDGET_NUDGE, f"no training budget ({NO_BUDGET_NUDGE:+.2f} capability): fine-tuning "
                       "needs compute and someone to run it; prompting and RAG need neither"))
    if uc.latency_budget_ms < TIGHT_LATENCY_MS:
        nudges.append((0.0, TIGHT_LATENCY_NUDGE, f"latency budget {uc.latency_budget_ms} ms "
                       f"({TIGHT_LATENCY_NUDGE:+.2f} capability): a fine-tuned model needs no long instructions or "
                       "examples in every prompt, so it answers faster"))
    return nudges


def _axis_reasons(use_case: UseCase) -> list[str]:
    """Why the point sits where it does on each axis, before the factors."""
    x, y = use_case.external_data, use_case.capability
    return [
        f"dependency on external data {x:.2f} ≥ {THRESHOLD}: the answers need facts the model has not seen "
        "(recent, private or niche documents), so they must be looked up" if x >= THRESHOLD else
        f"dependency on external data {x:.2f} < {THRESHOLD}: the prompt and the model's own knowledge hold what "
        "the answers need",
        f"dependency on capability {y:.2f} ≥ {THRESHOLD}: the task needs a skill, format or domain understanding "
        "the base model lacks, which examples can teach" if y >= THRESHOLD else
        f"dependency on capability {y:.2f} < {THRESHOLD}: the base model can already do the task when told "
        "clearly what to do",
    ]


def _private_data_caveat(approach: str) -> str:
    """What private data means for the chosen approach: where to host, what may go into the weights."""
    if approach == PROMPTING:
        return ("private data: send prompts only to a self-hosted model, or to a service whose contract keeps "
                "your data out of its training")
    if approach == RAG:
        return ("private data: self-host the retriever and the model; RAG keeps private documents out of the "
                "weights and allows per-user access control")
    if approach == FINE_TUNING:
        return ("private data: fine-tune a self-hosted open model, not a hosted one; a model can repeat what it was "
                "trained on to anyone who queries it, so train only on data every user may see")
    return ("private data: self-host both parts; keep private documents in the index, where per-user access "
            "control works, and fine-tune only on data every user may see")


def _caveats(use_case: UseCase, approach: str) -> list[str]:
    """Warnings that depend on the chosen approach."""
    uc, caveats = use_case, []
    fine_tunes, retrieves = approach in (FINE_TUNING, BOTH), approach in (RAG, BOTH)
    if fine_tunes and uc.labelled_examples < FEW_EXAMPLES:
        caveats.append(f"{_examples(uc.labelled_examples)}: collect a few hundred before fine-tuning; "
                       "start with few-shot prompting")
    if fine_tunes and uc.training_budget == "none":
        caveats.append("no training budget: fine-tuning needs one; LoRA on a small open model keeps it cheap")
    if not fine_tunes and uc.capability >= THRESHOLD:  # the factors pulled a capability need below the line
        missing = [what for what, lacking in (("a few hundred labelled examples", uc.labelled_examples < FEW_EXAMPLES),
                                              ("a training budget", uc.training_budget == "none")) if lacking]
        caveats.append(f"the task does depend on capability ({uc.capability:.2f}), but fine-tuning is not practical "
                       f"yet: start with {approach}, and revisit fine-tuning once you have {' and '.join(missing)}")
    if retrieves and uc.latency_budget_ms < TIGHT_LATENCY_MS:
        caveats.append(f"latency budget {uc.latency_budget_ms} ms: retrieval adds a search and a longer prompt to "
                       "every answer; retrieve few, short passages and cache frequent questions")
    if approach == FINE_TUNING and uc.knowledge_changes in CHANGE_NUDGE:
        caveats.append(f"knowledge changes {uc.knowledge_changes}: facts learned by fine-tuning go stale; put the "
                       "changing facts in the prompt or add retrieval")
    if approach == FINE_TUNING and uc.needs_citations:
        caveats.append("answers must cite sources: a fine-tuned model cannot; add retrieval (fine-tuning + RAG) "
                       "for traceable answers")
    if uc.private_data:
        caveats.append(_private_data_caveat(approach))
    return caveats


def _shift(nudges: list[tuple[float, float, str]]) -> tuple[float, float]:
    """The nudges added up, (along external data, along capability)."""
    return sum(dx for dx, _, _ in nudges), sum(dy for _, dy, _ in nudges)


def factor_shift(use_case: UseCase) -> tuple[float, float]:
    """How far the factors move the point, (along external data, along capability), before clipping to 0..1."""
    return _shift(_nudges(use_case))


def recommend(use_case: UseCase) -> Recommendation:
    """The approach for a use case: its quadrant after the factors' nudges, with reasons and caveats."""
    nudges = _nudges(use_case)
    dx, dy = _shift(nudges)
    # Rounding keeps sums like 0.35 + 0.15 exactly on the line, so the "0.5 is high" rule holds after nudges too.
    x = round(min(max(use_case.external_data + dx, 0.0), 1.0), 6)
    y = round(min(max(use_case.capability + dy, 0.0), 1.0), 6)
    quadrant = (x >= THRESHOLD, y >= THRESHOLD)
    approach = QUADRANTS[quadrant]
    reasons = _axis_reasons(use_case) + [reason for _, _, reason in nudges]
    if nudges:
        reasons.append(f"the factors move the point from ({use_case.external_data:.2f}, {use_case.capability:.2f}) "
                       f"to ({x:.2f}, {y:.2f}): the {approach} quadrant")
    return Recommendation(approach, quadrant, (x, y), tuple(reasons), tuple(_caveats(use_case, approach)))


def format_recommendation(recommendation: Recommendation) -> str:
    """The recommendation as text: the approach, then its reasons and caveats as bullet lists."""
    lines = [f"Recommendation: {recommendation.approach}", "Why:"]
    lines += [f"  - {reason}" for reason in recommendation.reasons]
    lines.append("Caveats:" if recommendation.caveats else "Caveats: none")
    lines += [f"  - {caveat}" for caveat in recommendation.caveats]
    return "\n".join(lines)


@dataclass(frozen=True)
class Scenario:
    """A real-world use case to place on the matrix, the defensible answers and why the others are not."""

    name: str
    description: str
    use_case: UseCase
    defensible: frozenset[str]
    rationale: str  # why the defensible answers fit
    explanations: Mapping[str, str] = field(default_factory=dict)  # every other approach -> why it does not fit

    def __post_init__(self) -> None:
        others = set(APPROACHES) - self.defensible
        if not self.defensible <= set(APPROACHES) or set(self.explanations) != others:
            raise ValueError(f"scenario {self.name!r}: defensible approaches must come from {APPROACHES} and "
                             f"every other approach needs an explanation; missing or extra: "
                             f"{sorted(others ^ set(self.explanations))}")


def _scenario(name: str, description: str, use_case: UseCase, defensible: set[str], rationale: str,
              explanations: dict[str, str]) -> Scenario:
    """A scenario whose use case carries the scenario's name."""
    return Scenario(name, description, replace(use_case, name=name), frozenset(defensible), rationale, explanations)


SCENARIOS: tuple[Scenario, ...] = (
    _scenario(
        "Jedi-style bio",
        "Write a short, fun biography of a team member in the style of a Jedi legend, for the office newsletter.",
        UseCase(external_data=0.1, capability=0.2, knowledge_changes="never", labelled_examples=0,
                training_budget="none"),
        {PROMPTING},
        "The model already knows the Jedi style and the few facts fit in the prompt: a clear instruction, "
        "perhaps with one example, is enough.",
        {RAG: "There is nothing to look up: the few facts about the person fit in the prompt.",
         FINE_TUNING: "The model can already write in this style; training would spend data and compute on a "
                      "skill it has.",
         BOTH: "Neither outside knowledge nor a new skill is needed: a good prompt does it."},
    ),
    _scenario(
        "American Revolution Q&A",
        "Answer students' questions about the American Revolution from a library of digitised letters, pamphlets "
        "and archive records, citing the document behind each answer.",
        UseCase(external_data=0.85, capability=0.25, knowledge_changes="yearly", needs_citations=True,
                labelled_examples=0, training_budget="none"),
        {RAG},
        "The answers live in the document collection, and each must point to its source: retrieve the passages, "
        "let the model write the answer from them.",
        {PROMPTING: "The model does not know these archive documents, and a prompt cannot hold a whole library: "
                    "it would answer from memory and invent sources.",
         FINE_TUNING: "Fine-tuning teaches skills, not reliable facts, and a fine-tuned model cannot cite the "
                      "document a fact came from.",
         BOTH: "Answering questions in plain prose is a skill the model already has: retrieval alone is enough."},
    ),
    _scenario(
        "Medical report summaries",
        "Turn hospital discharge reports into the clinic's structured summary template, using the right medical "
        "terminology; 3,000 reports with summaries written by doctors are available.",
        UseCase(external_data=0.15, capability=0.85, knowledge_changes="never", labelled_examples=3000,
                private_data=True),
        {FINE_TUNING},
        "Each report holds every fact the summary needs; what the model lacks is the skill: the template and the "
        "terminology, which the 3,000 example summaries teach.",
        {PROMPTING: "A prompt can describe the template, but the terminology and a consistent format are a skill "
                    "that examples teach far more reliably.",
         RAG: "There is nothing to look up: the facts are in the report being summarised.",
         BOTH: "Retrieval would add nothing: the report being summarised holds every fact."},
    ),
    _scenario(
        "Personal assistant on private data",
        "An assistant that answers each employee's questions from their own emails, calendar and files, writing "
        "in the company's house style, which a style prompt has failed to hold; 800 approved replies show it.",
        UseCase(external_data=0.9, capability=0.65, knowledge_changes="daily", needs_citations=True,
                labelled_examples=800, private_data=True),
        {BOTH},
        "The facts are private and change every day (retrieval), and the house style is a skill a prompt could "
        "not hold (fine-tuning on the 800 approved replies).",
        {PROMPTING: "The model has never seen the employee's emails and files, and the prompt already failed to "
                    "hold the house style.",
         RAG: "Retrieval brings in the employee's data, but the house style, which prompting could not hold, needs "
              "fine-tuning.",
         FINE_TUNING: "The data is private to each employee and changes every day: baked into weights it goes "
                      "stale and leaks to other users."},
    ),
    _scenario(
        "Product support bot",
        "Answer customers' questions about a software product from its user manual and release notes, which "
        "change every few days, linking to the manual section used.",
        UseCase(external_data=0.75, capability=0.2, knowledge_changes="daily", needs_citations=True,
                labelled_examples=50, latency_budget_ms=1500, training_budget="none"),
        {RAG},
        "The answers are in documents that change every few days and each answer links to its source: "
        "re-index the manual, no retraining.",
        {PROMPTING: "The model does not know this product's manual, and it changes every few days.",
         FINE_TUNING: "The manual changes every few days: a fine-tuned model would be out of date within a week "
                      "and could not link to the manual.",
         BOTH: "Answering support questions politely is a skill the model already has, and 50 examples are "
               "too few to fine-tune on."},
    ),
    _scenario(
        "Contract clause classifier",
        "Sort every clause of incoming contracts into the firm's 40 clause categories, defined by its own "
        "practice; 5,000 clauses labelled by its lawyers are available, and each clause must be sorted in 200 ms.",
        UseCase(external_data=0.15, capability=0.8, knowledge_changes="yearly", labelled_examples=5000,
                latency_budget_ms=200, private_data=True),
        {FINE_TUNING},
        "Sorting into the firm's own 40 categories is a skill, the 5,000 labelled clauses teach it, and a "
        "fine-tuned model answers within the 200 ms budget without a long prompt.",
        {PROMPTING: "Forty firm-specific categories do not fit reliably in a prompt, and a prompt that long would "
                    "break the 200 ms budget.",
         RAG: "The clause itself is the input: there are no facts to look up.",
         BOTH: "Retrieval would add a search to every clause and no knowledge the task needs."},
    ),
)
