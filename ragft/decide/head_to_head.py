"""Chapter 05's head-to-head: four ways to fix the model, scored on the same questions and the same task.

Three test sets, all held out of every training run:

- **knowledge**: the new-case test questions (cases decided after the model's cutoff), exact match;
- **skill**: the task-format test questions, answered as "Holding: <rule>. Authority: <name> <citation>";
  scored by format compliance and by whether holding and authority are both right;
- **the law today**: the test questions about the law as the public asks them; an answer is up to date when it
  states the rule that governs today, not one a later decision overruled (`ragft.evaluate.law`).

Four systems, all built on the course's tiny GPT:

- **prompting**: the base model, closed book, shown `FEW_SHOT` solved examples of the same task in its prompt;
- **RAG**: the base model reads the best BM25 passage with chapter 03's extractive reader; for the law today, the
  retriever skips overruled passages by their metadata (chapter 03's `UpToDateRetriever`);
- **LoRA**: chapter 04's adapters, closed book: the domain adapter (trained on the new cases' documents) answers
  the knowledge questions, the format adapter the task, so each column gets fine-tuning's best shot;
- **LoRA + RAG**: one adapter fine-tuned to read retrieved passages (`make_adapters`' `retrieval` adapter, the
  RAFT recipe of Zhang et al. 2024) answers both, from the same passage as RAG, with the same copying reader
  given the format as a template (`FORMAT_TEMPLATE`): it may write the format's fixed words and copy the rest.

Each system also gets its costs: training time, latency per answer (one question at a time, as a user asks),
prompt length, and the memory its parts take.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from ragft.evaluate.answer_format import format_scores
from ragft.evaluate.answers import exact_match
from ragft.evaluate.law import law_verdict
from ragft.finetune.adapters import ADAPTERS_DIR, RETRIEVAL_K, load_results, with_adapter
from ragft.finetune.lora import merge_lora
from ragft.model.generation import generate_all
from ragft.model.gpt import TinyGPT
from ragft.rag import BM25Index, UpToDateRetriever
from ragft.rag.knowledge_base import bm25_retriever, rag_prompt
from ragft.rag.reader import FORMAT_TEMPLATE, context_of, copy_greedy
from ragft.world.load import cases_of, load_knowledge_base, load_law_questions, load_questions, load_task_format
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import FormatExample, LawQuestion, Question

PROMPTING, RAG, LORA, LORA_RAG = "prompting (few-shot)", "RAG", "LoRA", "LoRA + RAG"
KNOWLEDGE, COMPLIANCE, BOTH_CORRECT = "new-case accuracy", "format compliance", "format: both correct"
UP_TO_DATE, OUT_OF_DATE = "law today: up to date", "law today: out of date"
SYSTEMS = (PROMPTING, RAG, LORA, LORA_RAG)
FEW_SHOT = 2  # solved examples in the prompting system's prompt
LATENCY_SAMPLE = 6  # questions of each set timed one at a time, per system


@dataclass(frozen=True)
class System:
    """One way of answering: a function from questions to answers, with what it costs to run."""

    name: str
    answer: Callable[[Sequence[str], str], list[str]]  # (questions, "knowledge", "skill" or "law") -> answers
    prompt: Callable[[str, str], str]  # (question, task) -> the prompt the model reads
    training_seconds: float  # to build it: adapters' training, the index's building
    parameters_mb: float  # float32 weights and adapters, and the retrieval index, in memory


def few_shot_prompt(question: str, examples: Sequence[tuple[str, str]]) -> str:
    """Solved (question, answer) examples in the corpus's QA format, then the question."""
    shots = "".join(f"{closed_book_prompt(q)} {a}\n" for q, a in examples)
    return shots + closed_book_prompt(question)


def read_all(model: TinyGPT, prompts: Sequence[str], template: Sequence[str | None] | None = None) -> list[str]:
    """Answers copied from each prompt's context block (see `copy_greedy`), stripped."""
    return [copy_greedy(model, p, context_of(p), 64, template).text.strip() for p in prompts]


def tensor_mb(model: torch.nn.Module) -> float:
    """MB (2**20 bytes) of a module's parameters and buffers."""
    tensors = [*model.parameters(), *model.buffers()]
    return sum(t.numel() * t.element_size() for t in tensors) / 2**20


def index_mb(index: BM25Index) -> float:
    """MB of a BM25 index: the passages' text and the postings' arrays."""
    postings = sum(docs.nbytes + weights.nbytes for docs, weights in index.postings.values())
    return (sum(len(t.encode()) for t in index.texts) + postings) / 2**20


def merged_adapter(base: TinyGPT, directory) -> tuple[TinyGPT, float]:
    """A copy of `base` with the adapter in `directory` merged into its weights (no extra latency, as served),
    and the MB the adapter itself takes (what a server keeps per adapter)."""
    model = with_adapter(base, directory)
    adapter_mb = tensor_mb(model.model) - tensor_mb(base.model)
    merge_lora(model.model)
    return model, adapter_mb


def build_systems(base: TinyGPT, adapters_dir=ADAPTERS_DIR) -> dict[str, System]:
    """The four systems, from the course model, chapter 04's adapters and the retrieval adapter."""
    results = load_results(adapters_dir)
    start = time.perf_counter()
    retriever = bm25_retriever()
    index_seconds = time.perf_counter() - start
    up_to_date = UpToDateRetriever(retriever, load_knowledge_base())
    (domain, domain_mb), (task_format, format_mb) = (merged_adapter(base, adapters_dir / name)
                                                     for name in ("domain", "task_format"))
    reader, reader_mb = merged_adapter(base, adapters_dir / "retrieval")
    shots = {"knowledge": [(q.question, q.answer) for q in load_questions(case_split="known", split="train")[:FEW_SHOT]],
             "skill": [(e.question, e.target) for e in load_task_format("train")[:FEW_SHOT]],
             "law": [(q.question, q.answer) for q in load_law_questions("dev")[:FEW_SHOT]]}
    base_mb, idx_mb = tensor_mb(base.model), index_mb(retriever)

    def prompting(questions, task):
        return generate_all(base, [few_shot_prompt(q, shots[task]) for q in questions])

    def lora(questions, task):
        return generate_all(task_format if task == "skill" else domain, [closed_book_prompt(q) for q in questions])

    def retrieve(question, task):
        return rag_prompt(up_to_date if task == "law" else retriever, question, RETRIEVAL_K)

    return {
        PROMPTING: System(PROMPTING, prompting, lambda q, task: few_shot_prompt(q, shots[task]), 0.0, base_mb),
        RAG: System(RAG, lambda qs, task: read_all(base, [retrieve(q, task) for q in qs]), retrieve, index_seconds,
                    base_mb + idx_mb),
        LORA: System(LORA, lora, lambda q, task: closed_book_prompt(q),
                     results["domain"]["seconds"] + results["task_format"]["seconds"],
                     base_mb + domain_mb + format_mb),
        LORA_RAG: System(LORA_RAG, lambda qs, task: read_all(reader, [retrieve(q, task) for q in qs], FORMAT_TEMPLATE),
                         retrieve, results["retrieval"]["seconds"] + index_seconds,
                         base_mb + reader_mb + idx_mb),
    }


@dataclass(frozen=True)
class QuestionSets:
    """The questions of the three columns, with what scoring them needs."""

    knowledge: list[Question]
    skill: list[FormatExample]
    law: list[LawQuestion]

    @classmethod
    def load(cls) -> "QuestionSets":
        """The new-case test questions, the task-format test questions and the test questions about the law."""
        return cls(load_questions(case_split="new", split="test"), load_task_format("test"), load_law_questions("test"))


def score(system: System, tests: QuestionSets, prompt_length: Callable[[str], int]) -> dict[str, float]:
    """Accuracy on the three test sets, then the costs: latency per answer, prompt tokens, training time, memory."""
    knowledge = system.answer([q.question for q in tests.knowledge], "knowledge")
    skill = format_scores(system.answer([e.question for e in tests.skill], "skill"), cases_of(tests.skill))
    law = [law_verdict(a, q) for a, q in zip(system.answer([q.question for q in tests.law], "law"), tests.law)]
    timed = [(q.question, "knowledge") for q in tests.knowledge[:LATENCY_SAMPLE]] + \
            [(e.question, "skill") for e in tests.skill[:LATENCY_SAMPLE]]  # fmt: skip
    seconds = []
    for question, task in timed:
        start = time.perf_counter()
        system.answer([question], task)
        seconds.append(time.perf_counter() - start)
    prompts = [system.prompt(q, task) for q, task in timed]
    return {
        "new-case accuracy": sum(map(exact_match, knowledge, [q.answer for q in tests.knowledge])) / len(knowledge),
        "format compliance": skill["format compliance"],
        "format: both correct": skill["both correct"],
        UP_TO_DATE: law.count("up to date") / len(law),
        OUT_OF_DATE: law.count("out of date") / len(law),
        "latency (ms/answer)": 1000 * statistics.median(seconds),
        "prompt (tokens)": statistics.mean(map(prompt_length, prompts)),
        "training (s)": system.training_seconds,
        "memory (MB)": system.parameters_mb,
    }


def head_to_head(base: TinyGPT, adapters_dir=ADAPTERS_DIR, progress: bool = True) -> dict[str, dict[str, float]]:
    """Every system scored on both test sets, with its costs: {system: {measure: value}}."""
    systems, tests = build_systems(base, adapters_dir), QuestionSets.load()
    length = lambda prompt: len(base.prompt_ids(prompt))  # noqa: E731
    return {name: score(system, tests, length) for name, system in tqdm(systems.items(), disable=not progress,
                                                                           desc="head-to-head")}


# ---- reading the table -----------------------------------------------------------------------------------------

TIE = 0.05  # scores this close to the best count as tied: a few questions of 48 or 60


def best_systems(table: dict[str, dict[str, float]], measure: str, tie: float = TIE) -> list[str]:
    """The systems whose `measure` is within `tie` of the best one's, best first."""
    if not table or any(measure not in row for row in table.values()):
        raise ValueError(f"every row of the table needs a {measure!r} value")
    best = max(row[measure] for row in table.values())
    return sorted((name for name, row in table.items() if row[measure] >= best - tie), key=lambda n: -table[n][measure])


def verdict(table: dict[str, dict[str, float]], tie: float = TIE) -> list[str]:
    """The course's conclusion as the table supports it, or says where it does not: one sentence per claim."""
    rag, lora, both, prompting = (table[name] for name in (RAG, LORA, LORA_RAG, PROMPTING))
    knowledge_gain, skill_gain = rag[KNOWLEDGE] - lora[KNOWLEDGE], lora[COMPLIANCE] - rag[COMPLIANCE]
    lines = [
        f"RAG adds knowledge: new-case accuracy {rag[KNOWLEDGE]:.2f} with RAG vs {lora[KNOWLEDGE]:.2f} with LoRA "
        f"({knowledge_gain:+.2f})." if knowledge_gain > tie else
        f"On these numbers RAG does not add more knowledge than LoRA ({rag[KNOWLEDGE]:.2f} vs {lora[KNOWLEDGE]:.2f}).",
        f"Fine-tuning adds skills: format compliance {lora[COMPLIANCE]:.2f} with LoRA vs {rag[COMPLIANCE]:.2f} with "
        f"RAG ({skill_gain:+.2f})." if skill_gain > tie else
        f"On these numbers LoRA does not add more skill than RAG ({lora[COMPLIANCE]:.2f} vs {rag[COMPLIANCE]:.2f}).",
    ]
    law_gain = rag[UP_TO_DATE] - lora[UP_TO_DATE]
    lines.append(
        f"RAG keeps answers up to date: the law in force today in {rag[UP_TO_DATE]:.2f} of the answers with RAG vs "
        f"{lora[UP_TO_DATE]:.2f} with LoRA ({law_gain:+.2f}), which states an overruled rule in {lora[OUT_OF_DATE]:.2f}."
        if law_gain > tie else
        f"On these numbers RAG does not keep answers more up to date than LoRA ({rag[UP_TO_DATE]:.2f} vs "
        f"{lora[UP_TO_DATE]:.2f}).")
    wins = [m for m in (KNOWLEDGE, COMPLIANCE, BOTH_CORRECT) if LORA_RAG in best_systems(table, m, tie)]
    lines.append(
        f"Both when you need both: LoRA + RAG is best or tied on every measure ({both[KNOWLEDGE]:.2f} new-case "
        f"accuracy, {both[COMPLIANCE]:.2f} format compliance, {both[BOTH_CORRECT]:.2f} both parts right)."
        if len(wins) == 3 else f"LoRA + RAG is best or tied only on: {', '.join(wins) or 'nothing'}.")
    lines.append(f"Prompting alone: {prompting[KNOWLEDGE]:.2f} new-case accuracy and {prompting[COMPLIANCE]:.2f} format "
                 "compliance: two examples in the prompt teach a small model neither facts nor a format.")
    return lines


def plot_head_to_head(table: dict[str, dict[str, float]], axes=None):
    """Two panels: each system's scores on both test sets (%), and its latency per answer (ms)."""
    import matplotlib.pyplot as plt

    axes = axes if axes is not None else plt.subplots(1, 2, figsize=(12, 3.8), width_ratios=[2, 1])[1]
    measures, systems = (KNOWLEDGE, COMPLIANCE, BOTH_CORRECT, UP_TO_DATE), list(table)
    width = 0.8 / len(systems)
    for i, name in enumerate(systems):
        offsets = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(measures))]
        bars = axes[0].bar(offsets, [100 * table[name][m] for m in measures], width, label=name)
        axes[0].bar_label(bars, fmt="%.0f", fontsize=8)
    axes[0].set_xticks(range(len(measures)), ["knowledge:\nnew-case accuracy", "skill:\nformat compliance",
                                              "skill + knowledge:\nformat, both parts right",
                                              "the law today:\nup to date"])
    axes[0].set(title="The same questions, four systems", xlabel="test set and measure",
                ylabel="share of test answers (%)", ylim=(0, 128))
    axes[0].legend(fontsize=8, ncols=len(systems), loc="upper center")
    bars = axes[1].bar(systems, [table[n]["latency (ms/answer)"] for n in systems], color=[f"C{i}" for i in range(len(systems))])
    axes[1].bar_label(bars, fmt="%.0f", fontsize=8)
    axes[1].set(title="What an answer costs", xlabel="system", ylabel="latency (ms per answer, median)")
    axes[1].set_xticks(range(len(systems)), [n.replace(" (", "\n(") for n in systems], fontsize=8)
    return axes
