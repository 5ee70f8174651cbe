"""The measurements of chapter 03, shared by the notebook and its tests: retrieval quality, closed book vs RAG.

- `retrieval_report`: recall@k and MRR of several retrievers on questions with gold passage ids;
- `compare_closed_book_and_rag`: exact-match accuracy and citation verdicts of the same model answering the same
  questions from memory and with retrieved passages, with one `ragft.evaluate.answers.AnswerRecord` per answer for a closer look.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from tqdm.auto import tqdm

from ragft.evaluate.answers import AnswerRecord, answer_record, closed_book_records
from ragft.evaluate.citations import CITED_KINDS, CitationChecker, citation_rates, citation_verdict
from ragft.model.gpt import Answer, TinyGPT
from ragft.evaluate.law import with_law_verdicts
from ragft.rag.knowledge_base import COURSE_K
from ragft.rag.prompt import build_prompt
from ragft.rag.metrics import mrr, recall_at_k
from ragft.rag.pipeline import RAG
from ragft.rag.reader import context_of, copy_greedy
from ragft.rag.retriever import Retriever
from ragft.world.records import LawQuestion

MRR_DEPTH = 10  # MRR counts a gold passage found in the first 10 results (MRR@10)


class GoldQuestion(Protocol):
    """A question with its gold passages (e.g. `ragft.world.records.Question`)."""

    question: str
    gold_passage_ids: Collection[str]


class EvalQuestion(GoldQuestion, Protocol):
    """A question with everything `compare_closed_book_and_rag` needs (e.g. `ragft.world.records.Question`)."""

    question_id: str
    case_id: str
    kind: str
    answer: str


# ---- retrieval -------------------------------------------------------------------------------------------------


def search_all(retriever: Retriever, questions: Sequence[GoldQuestion], k: int = MRR_DEPTH,
               progress: str | None = None) -> list[list[str]]:
    """The ids of the k best passages for each question, best first (a tqdm bar labelled `progress`, if given)."""
    return [[hit.id for hit in retriever.search(q.question, k)]
            for q in tqdm(questions, desc=progress, disable=progress is None, leave=False)]


def retrieval_scores(retrieved: Sequence[Sequence[str]], questions: Sequence[GoldQuestion],
                     ks: Iterable[int] = (1, 5)) -> dict[str, float]:
    """recall@k for each k, and MRR (over the retrieved lists as given), of rankings against the gold passages."""
    gold = [q.gold_passage_ids for q in questions]
    scores = {f"recall@{k}": recall_at_k(retrieved, gold, k) for k in ks}
    scores["MRR"] = mrr(retrieved, gold)
    return scores


def retrieval_report(retrievers: Mapping[str, Retriever], questions: Sequence[GoldQuestion],
                     ks: Iterable[int] = (1, 5), depth: int = MRR_DEPTH,
                     by_kind: bool = False) -> dict[str, dict[str, float]]:
    """Per retriever: recall@k for each k and MRR@`depth`; with `by_kind`, also one row per "name · kind"."""
    ks = tuple(ks)
    if max(ks) > depth:
        raise ValueError(f"recall@{max(ks)} needs at least {max(ks)} results, but depth={depth}")
    report, kind_rows = {}, {}
    for name, retriever in retrievers.items():
        retrieved = search_all(retriever, questions, depth, progress=name)
        report[name] = retrieval_scores(retrieved, questions, ks)
        for kind in dict.fromkeys(getattr(q, "kind", None) for q in questions) if by_kind else ():
            rows = [i for i, q in enumerate(questions) if getattr(q, "kind", None) == kind]
            kind_rows[f"{name} · {kind}"] = retrieval_scores([retrieved[i] for i in rows], [questions[i] for i in rows], ks)
    return {**report, **kind_rows}


# ---- answering: closed book vs RAG -----------------------------------------------------------------------------


def _verdict(question: EvalQuestion, prediction: str, checker: CitationChecker | None) -> str | None:
    """The citation verdict of an answer to a question whose gold answer cites a case, else None."""
    return citation_verdict(prediction, question.case_id, checker) if question.kind in CITED_KINDS else None


def answer_closed_book(model: TinyGPT, questions: Sequence[EvalQuestion],
                       checker: CitationChecker | None = None) -> list[AnswerRecord]:
    """The model's closed-book answers (`ragft.evaluate.answers`), one record per question."""
    return [replace(r, verdict=_verdict(q, r.prediction, checker))
            for q, r in zip(questions, closed_book_records(model, questions))]


def answer_with_rag(rag: RAG, questions: Sequence[EvalQuestion], checker: CitationChecker | None = None,
                    progress: bool = True) -> list[AnswerRecord]:
    """The RAG pipeline's answers, one record per question, noting whether a gold passage was retrieved."""
    records = []
    for q in tqdm(questions, desc="RAG", disable=not progress, leave=False):
        result = rag.answer(q.question)
        prediction = result.answer.strip()
        records.append(answer_record(
            q, Answer(prediction, []), verdict=_verdict(q, prediction, checker), passage_ids=tuple(result.passage_ids),
            gold_retrieved=bool(set(result.passage_ids) & set(q.gold_passage_ids)), prompt=result.prompt))
    return records


def summarize(records: Sequence[AnswerRecord]) -> dict:
    """Accuracy (overall and by kind), and citation-verdict rates over the answers that should cite a case."""
    if not records:
        raise ValueError("no answers to summarize")
    kinds = dict.fromkeys(r.kind for r in records)
    verdicts = [r.verdict for r in records if r.verdict is not None]
    return {
        "accuracy": sum(r.correct for r in records) / len(records),
        "accuracy_by_kind": {k: _mean([r.correct for r in records if r.kind == k]) for k in kinds},
        "citations": citation_rates(verdicts) if verdicts else {},
        "n_questions": len(records),
        "n_cited": len(verdicts),
    }


def compare_closed_book_and_rag(model: TinyGPT, rags: Mapping[str, RAG], questions: Sequence[EvalQuestion],
                                checker: CitationChecker | None = None) -> dict[str, dict]:
    """`summarize` of the closed-book answers and of each named RAG pipeline's answers to the same questions, each
    with its records under "records"."""
    records = {"closed book": answer_closed_book(model, questions, checker)}
    records.update({name: answer_with_rag(rag, questions, checker) for name, rag in rags.items()})
    return {name: {**summarize(recs), "records": recs} for name, recs in records.items()}


def failure_breakdown(records: Sequence[AnswerRecord]) -> dict[str, dict[str, int]]:
    """Per kind, RAG answers that were right, wrong with the gold passage in context (reading), or without (retrieval)."""
    table: dict[str, dict[str, int]] = {}
    for r in records:
        if r.gold_retrieved is None:
            raise ValueError("failure_breakdown needs RAG records (from answer_with_rag)")
        row = table.setdefault(r.kind, {"correct": 0, "reading failure": 0, "retrieval miss": 0})
        row["correct" if r.correct else "reading failure" if r.gold_retrieved else "retrieval miss"] += 1
    return table


def _mean(values: Sequence[bool]) -> float:
    return sum(values) / len(values)


def generator(model: TinyGPT, max_new_tokens: int = 48) -> Callable[[str], str]:
    """The model's greedy answer to a prompt, up to the line break: the `generate_fn` a `RAG` pipeline needs."""
    return lambda prompt: model.generate(prompt, max_new_tokens=max_new_tokens)


def rag_records(model: TinyGPT, retriever: Retriever, questions: Sequence[GoldQuestion],
                k: int = COURSE_K) -> list[AnswerRecord]:
    """Answers read by chapter 03's extractive reader from the k best passages, each with its confidence and the
    passages it read."""
    records = []
    for q in questions:
        hits = retriever.search(q.question, k)
        prompt = build_prompt(q.question, hits)
        ids = tuple(hit.id for hit in hits)
        records.append(answer_record(q, copy_greedy(model, prompt, context_of(prompt)), prompt=prompt, passage_ids=ids,
                                     gold_retrieved=bool(set(ids) & set(q.gold_passage_ids))))
    return records


# ---- questions about the law today -----------------------------------------------------------------------------


def law_rag_records(model: TinyGPT, retriever: Retriever, questions: Sequence[LawQuestion],
                    k: int = COURSE_K) -> list[AnswerRecord]:
    """`rag_records` of questions about the law, each with its law verdict (up to date, out of date, wrong)."""
    return with_law_verdicts(rag_records(model, retriever, questions, k), questions)


def overruled_first(records: Sequence[AnswerRecord], questions: Sequence[LawQuestion]) -> int:
    """How many answers read an overruled decision of the rule as their first passage."""
    return sum(bool(r.passage_ids) and r.passage_ids[0] in q.overruled_passage_ids for r, q in zip(records, questions))
