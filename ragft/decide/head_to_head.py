"""Chapter 05's head-to-head: four ways to fix the model, each built from its parts, scored on the same questions.

Three test sets. No adapter is trained on a test question (each trains on train-split questions or on documents),
but what is held out differs by set:

- **knowledge**: the new cases' test questions (cases decided after the model's cutoff), exact match. The questions
  are held out of every training run; the cases are not held out of the domain adapter, which by design is trained
  on every new case's documents (the test cases' included): the column asks whether reading the documents lets a
  fine-tuned model answer questions about them it never saw;
- **skill**: the task format's test questions, answered "Holding: <rule>. Authority: <name> <citation>", scored by
  format compliance and by whether holding and authority are both right. The format and retrieval adapters learned
  the format on train-split cases only; the test cases are known cases (described in the pretraining corpus) and new
  cases (in the domain adapter's documents);
- **the law today**: the test questions about the law as the public asks them; an answer is up to date when it
  states the rule that governs today, not one a later decision overruled (`ragft.evaluate.law`). No adapter is
  trained on them; half of them are worded as documents of the pretraining corpus, answered as the law stood at
  the cutoff.

Four systems on the course's tiny GPT, each made by a builder from parts the caller loads, so a chapter can show
them being assembled:

- `prompting_system`: the base model, closed book, shown `FEW_SHOT` solved examples of the same task in its prompt;
- `rag_system`: the base model reads the passage chapter 03's retriever puts first (`Retrieval`, chapter 03's
  setting: hybrid search, one passage; for the law today, overruled passages are skipped by their metadata, chapter
  03's `UpToDateRetriever`) with chapter 03's extractive reader;
- `lora_system`: chapter 04's adapters, closed book: the domain adapter answers the knowledge and law questions,
  the format adapter the task, so each column gets fine-tuning's best shot;
- `lora_rag_system`: one adapter fine-tuned to read retrieved passages (`make_adapters`' `retrieval` adapter, the
  RAFT recipe of Zhang et al. 2024), reading the same prompt as RAG with the same reader.

Both retrieving systems read with the answer format as a template (`FORMAT_TEMPLATE`): the reader may write the
format's fixed words and copy the rest from the passage, or copy one span; the model decides which. So RAG and
LoRA + RAG differ in the adapter alone.

`head_to_head` scores given systems and adds their costs: training time, latency per answer (one question at a time,
as a user asks; the systems take turns on each question, and each answer is timed in several rounds and its median
kept), prompt length, memory.
"""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from ragft.evaluate.answer_format import format_scores
from ragft.evaluate.answers import exact_match
from ragft.evaluate.law import law_verdict
from ragft.finetune.adapters import ADAPTERS_DIR, load_results, with_adapter
from ragft.finetune.lora import merge_lora
from ragft.model.generation import generate_all
from ragft.model.gpt import TinyGPT
from ragft.rag import BM25Index, DenseRetriever, HybridRetriever, Retriever, UpToDateRetriever
from ragft.rag.embeddings import MINILM_NAME, MemoEmbedder, load_embedder
from ragft.rag.knowledge_base import COURSE_K, course_retriever, rag_prompt
from ragft.rag.reader import FORMAT_TEMPLATE, context_of, copy_greedy
from ragft.world.load import cases_of, load_knowledge_base, load_law_questions, load_questions, load_task_format
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import FormatExample, LawQuestion, Question

PROMPTING, RAG, LORA, LORA_RAG = "prompting (few-shot)", "RAG", "LoRA", "LoRA + RAG"
KNOWLEDGE, COMPLIANCE, BOTH_CORRECT = "new-case accuracy", "format compliance", "format: both correct"
UP_TO_DATE, OUT_OF_DATE = "law today: up to date", "law today: out of date"
LATENCY, PROMPT_TOKENS, TRAINING, MEMORY = "latency (ms/answer)", "prompt (tokens)", "training (s)", "memory (MB)"
SYSTEMS = (PROMPTING, RAG, LORA, LORA_RAG)
FEW_SHOT = 2  # solved examples in the prompting system's prompt
LATENCY_SAMPLE = 3  # questions of the knowledge set, and of the skill set, timed one at a time
LATENCY_REPEATS = 3  # rounds of timing: every system answers every timed question once per round
MAX_ANSWER_TOKENS = 64


@dataclass(frozen=True)
class System:
    """One way of answering: a function from questions to answers, with what it costs to run."""

    name: str
    answer: Callable[[Sequence[str], str], list[str]]  # (questions, "knowledge", "skill" or "law") -> answers
    prompt: Callable[[str, str], str]  # (question, task) -> the prompt the model reads
    training_seconds: float  # to build it: adapters' training, the index's building
    parameters_mb: float  # float32 weights and adapters, and the retriever, in memory


# ---- the parts ------------------------------------------------------------------------------------------------


def few_shot_prompt(question: str, examples: Sequence[tuple[str, str]]) -> str:
    """Solved (question, answer) examples in the corpus's QA format, then the question."""
    shots = "".join(f"{closed_book_prompt(q)} {a}\n" for q, a in examples)
    return shots + closed_book_prompt(question)


def few_shot_examples(count: int = FEW_SHOT) -> dict[str, list[tuple[str, str]]]:
    """Solved examples of each task from outside the test sets: known cases' train questions, the format's train
    examples, and the dev questions about the law today."""
    return {"knowledge": [(q.question, q.answer) for q in load_questions(case_split="known", split="train")[:count]],
            "skill": [(e.question, e.target) for e in load_task_format("train")[:count]],
            "law": [(q.question, q.answer) for q in load_law_questions("dev")[:count]]}


@dataclass(frozen=True)
class Retrieval:
    """What RAG puts in front of a model: chapter 03's retriever over the knowledge base (`COURSE_RETRIEVER`, the
    `COURSE_K` best passages) and, for the law today, the same retriever without the passages a later decision
    overruled."""

    retriever: Retriever
    up_to_date: UpToDateRetriever
    seconds: float  # to build it: BM25's index, the passages' vectors (chapter 03's disk cache), the embedding model
    embedder: MemoEmbedder | None = None  # remembers the questions' vectors, embedded ahead

    @classmethod
    def build(cls, questions: Iterable[str] = ()) -> "Retrieval":
        """Chapter 03's retriever over the knowledge base (timed) and its up-to-date filter; `questions` are embedded
        ahead, in batches, so that searching them reads their vectors from memory."""
        start = time.perf_counter()
        embedder = MemoEmbedder()
        retriever = course_retriever(embedder)
        load_embedder()  # the embedding model, loaded now rather than at the first question
        seconds = time.perf_counter() - start
        embedder.prefetch(questions)
        return cls(retriever, UpToDateRetriever(retriever, load_knowledge_base()), seconds, embedder)

    def prompt(self, question: str, task: str) -> str:
        """The reading prompt: the `COURSE_K` best passages (current ones only for the law), then the question."""
        return rag_prompt(self.up_to_date if task == "law" else self.retriever, question, COURSE_K)

    def mb(self) -> float:
        """MB the retriever keeps in memory (`retriever_mb`)."""
        return retriever_mb(self.retriever)


def retriever_mb(retriever: Retriever) -> float:
    """MB a retriever keeps in memory: a BM25 index's texts and postings; a dense retriever's passage vectors and
    its embedding model (the course's MiniLM); the parts of a hybrid."""
    if isinstance(retriever, HybridRetriever):
        return sum(map(retriever_mb, retriever.retrievers))
    if isinstance(retriever, DenseRetriever):
        model_mb = tensor_mb(load_embedder()) if retriever.embedder.name == MINILM_NAME else 0.0
        return len(retriever.index) * retriever.index.dim * 4 / 2**20 + model_mb  # float32 vectors
    return index_mb(retriever)


def read(model: TinyGPT, prompt: str) -> str:
    """The extractive reader's answer: a span copied from the prompt's context block, or `FORMAT_TEMPLATE` filled
    with spans of it, whichever the model prefers (`copy_greedy`)."""
    return copy_greedy(model, prompt, context_of(prompt), MAX_ANSWER_TOKENS, FORMAT_TEMPLATE).text.strip()


def tensor_mb(model: torch.nn.Module) -> float:
    """MB (2**20 bytes) of a module's parameters and buffers."""
    tensors = [*model.parameters(), *model.buffers()]
    return sum(t.numel() * t.element_size() for t in tensors) / 2**20


def index_mb(index: BM25Index) -> float:
    """MB of a BM25 index: the passages' text and the postings' arrays."""
    postings = sum(docs.nbytes + weights.nbytes for docs, weights in index.postings.values())
    return (sum(len(t.encode()) for t in index.texts) + postings) / 2**20


def served(base: TinyGPT, adapted: TinyGPT) -> tuple[TinyGPT, float]:
    """A copy of `adapted` (base + a LoRA adapter) with the adapter merged into its weights, as a server runs it (no
    extra latency), and the MB the adapter itself takes (what a server keeps per adapter)."""
    model = copy.deepcopy(adapted)
    merge_lora(model.model)
    return model, tensor_mb(adapted.model) - tensor_mb(base.model)


# ---- the four systems -----------------------------------------------------------------------------------------


def prompting_system(base: TinyGPT, shots: dict[str, list[tuple[str, str]]]) -> System:
    """The base model, closed book, with `shots[task]` solved examples in front of each question."""
    prompt = lambda question, task: few_shot_prompt(question, shots[task])  # noqa: E731
    return System(PROMPTING, lambda questions, task: generate_all(base, [prompt(q, task) for q in questions]),
                  prompt, 0.0, tensor_mb(base.model))


def rag_system(base: TinyGPT, retrieval: Retrieval) -> System:
    """The base model reading the retrieved passage with the extractive reader (the format as a template)."""
    return System(RAG, lambda questions, task: [read(base, retrieval.prompt(q, task)) for q in questions],
                  retrieval.prompt, retrieval.seconds, tensor_mb(base.model) + retrieval.mb())


def lora_system(base: TinyGPT, domain: TinyGPT, task_format: TinyGPT, training_seconds: float) -> System:
    """Closed book with adapters: `task_format` (base + the format adapter) answers the skill task, `domain` (base
    + the domain adapter) the questions about facts; `training_seconds`: both adapters' training."""
    (domain, domain_mb), (task_format, format_mb) = served(base, domain), served(base, task_format)

    def answer(questions, task):
        return generate_all(task_format if task == "skill" else domain, [closed_book_prompt(q) for q in questions])

    return System(LORA, answer, lambda question, task: closed_book_prompt(question), training_seconds,
                  tensor_mb(base.model) + domain_mb + format_mb)


def lora_rag_system(base: TinyGPT, retrieval: Retrieval, reader: TinyGPT, training_seconds: float) -> System:
    """`reader` (base + the retrieval adapter) reading the retrieved passage, exactly as `rag_system` reads it;
    `training_seconds`: the adapter's training (the index's building is added)."""
    reader, reader_mb = served(base, reader)
    return System(LORA_RAG, lambda questions, task: [read(reader, retrieval.prompt(q, task)) for q in questions],
                  retrieval.prompt, training_seconds + retrieval.seconds,
                  tensor_mb(base.model) + reader_mb + retrieval.mb())


def course_systems(base: TinyGPT, adapters_dir=ADAPTERS_DIR) -> list[System]:
    """The four systems as chapter 05 assembles them, from the course model and chapter 04's shipped adapters."""
    training, retrieval = load_results(adapters_dir), Retrieval.build(QuestionSets.load().texts())
    adapter = lambda name: with_adapter(base, adapters_dir / name)  # noqa: E731
    seconds = lambda name: training[name]["seconds"]  # noqa: E731
    return [prompting_system(base, few_shot_examples()),
            rag_system(base, retrieval),
            lora_system(base, adapter("domain"), adapter("task_format"), seconds("domain") + seconds("task_format")),
            lora_rag_system(base, retrieval, adapter("retrieval"), seconds("retrieval"))]


# ---- scoring --------------------------------------------------------------------------------------------------


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

    def texts(self) -> list[str]:
        """Every question of the three sets."""
        return [q.question for q in [*self.knowledge, *self.skill, *self.law]]

    def knowledge_and_skill(self, first: int | None = None) -> list[tuple[str, str]]:
        """(question, task) pairs of the knowledge and skill sets: every question, or the `first` of each set."""
        return [(q.question, "knowledge") for q in self.knowledge[:first]] + \
               [(e.question, "skill") for e in self.skill[:first]]  # fmt: skip


def accuracy(system: System, tests: QuestionSets) -> dict[str, float]:
    """The system's scores on the three test sets."""
    knowledge = system.answer([q.question for q in tests.knowledge], "knowledge")
    skill = format_scores(system.answer([e.question for e in tests.skill], "skill"), cases_of(tests.skill))
    law = [law_verdict(a, q) for a, q in zip(system.answer([q.question for q in tests.law], "law"), tests.law)]
    return {KNOWLEDGE: sum(map(exact_match, knowledge, [q.answer for q in tests.knowledge])) / len(knowledge),
            COMPLIANCE: skill["format compliance"], BOTH_CORRECT: skill["both correct"],
            UP_TO_DATE: law.count("up to date") / len(law), OUT_OF_DATE: law.count("out of date") / len(law)}


def latencies(systems: Sequence[System], timed: Sequence[tuple[str, str]], repeats: int = LATENCY_REPEATS,
              clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Seconds per answer of each system, one question at a time: each question's median over `repeats` rounds,
    averaged over the questions. The systems take turns on each question (the first to answer rotates), so a change
    of machine load hits them all alike."""
    seconds = {system.name: {i: [] for i in range(len(timed))} for system in systems}
    turn = 0
    for _ in range(repeats):
        for i, (question, task) in enumerate(timed):
            for system in [*systems[turn:], *systems[:turn]]:
                start = clock()
                system.answer([question], task)
                seconds[system.name][i].append(clock() - start)
            turn = (turn + 1) % len(systems)
    return {name: statistics.mean(map(statistics.median, rounds.values())) for name, rounds in seconds.items()}


def head_to_head(systems: Sequence[System], base: TinyGPT, tests: QuestionSets | None = None,
                 repeats: int = LATENCY_REPEATS, progress: bool = True) -> dict[str, dict[str, float]]:
    """Every system scored on the three test sets, with its costs: {system: {measure: value}}. `base` counts the
    prompts' tokens (every system shares its tokenizer), averaged over the knowledge and skill questions."""
    tests = tests or QuestionSets.load()
    table = {system.name: accuracy(system, tests)
             for system in tqdm(systems, disable=not progress, desc="head-to-head")}
    latency = latencies(systems, tests.knowledge_and_skill(LATENCY_SAMPLE), repeats)
    for system in systems:
        prompts = [system.prompt(question, task) for question, task in tests.knowledge_and_skill()]
        table[system.name] |= {LATENCY: 1000 * latency[system.name],
                               PROMPT_TOKENS: statistics.fmean(len(base.prompt_ids(p)) for p in prompts),
                               TRAINING: system.training_seconds, MEMORY: system.parameters_mb}
    return table


# ---- reading the table -----------------------------------------------------------------------------------------

TIE = 0.05  # scores this close to the best count as tied: two or three answers of a test set of a few dozen


def best_systems(table: dict[str, dict[str, float]], measure: str, tie: float = TIE) -> list[str]:
    """The systems whose `measure` is within `tie` of the best one's, best first."""
    if not table or any(measure not in row for row in table.values()):
        raise ValueError(f"every row of the table needs a {measure!r} value")
    best = max(row[measure] for row in table.values())
    return sorted((name for name, row in table.items() if row[measure] >= best - tie), key=lambda n: -table[n][measure])


def verdict(table: dict[str, dict[str, float]], tie: float = TIE) -> list[str]:
    """The course's five claims, each stated as the table supports it or said not to hold: one sentence per claim."""
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
    lines.append(_prompting_line(prompting, rag, lora, tie))
    return lines


def _prompting_line(prompting: dict[str, float], rag: dict[str, float], lora: dict[str, float], tie: float) -> str:
    """Whether solved examples in the prompt come within `tie` of RAG on the facts and of LoRA on the format."""
    facts = f"new-case accuracy {prompting[KNOWLEDGE]:.2f} (RAG {rag[KNOWLEDGE]:.2f})"
    form = f"format compliance {prompting[COMPLIANCE]:.2f} (LoRA {lora[COMPLIANCE]:.2f})"
    has_facts, has_format = prompting[KNOWLEDGE] >= rag[KNOWLEDGE] - tie, prompting[COMPLIANCE] >= lora[COMPLIANCE] - tie
    if has_facts and has_format:
        return f"Prompting alone is enough here: {facts}, {form}."
    if has_facts or has_format:
        good, short = (facts, form) if has_facts else (form, facts)
        return f"Prompting alone matches one fix only: {good}, but {short}."
    return f"Prompting alone brings neither the facts nor the format: {facts}, {form}."


def plot_head_to_head(table: dict[str, dict[str, float]], axes=None):
    """Two panels: each system's scores on the test sets (%), and its latency per answer (ms)."""
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
    bars = axes[1].bar(systems, [table[n][LATENCY] for n in systems], color=[f"C{i}" for i in range(len(systems))])
    axes[1].bar_label(bars, fmt="%.0f", fontsize=8)
    axes[1].set(title="What an answer costs", xlabel="system", ylabel="latency (ms per answer)")
    axes[1].set_xticks(range(len(systems)), [n.replace(" (", "\n(") for n in systems], fontsize=8)
    return axes
