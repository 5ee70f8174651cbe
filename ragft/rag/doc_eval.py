"""Retrieval measured on real documentation: developer questions with gold sections, and the setting chosen on them.

A retrieved chunk is a hit when its (source, section) is gold for the question; recall@k is then the share of
questions with a hit among their first k chunks, and MRR the mean of 1 / rank of the first hit (`ragft.rag.metrics`).
Chapter 06 chose `DOCS_RETRIEVER` with `ragft.rag.sections.DOCS_CHUNK_WORDS` and `DOCS_OVERLAP` on the dev questions
(benchmarks/docs_retrieval.py prints the curve); tests/rag/test_doc_eval.py measures the choice again.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ragft.paths import DATASETS_DIR
from ragft.rag.bm25 import BM25Index
from ragft.rag.dense import DenseRetriever
from ragft.rag.documents import DocChunk, Document
from ragft.rag.embeddings import Embedder, MemoEmbedder
from ragft.rag.hybrid import HybridRetriever
from ragft.rag.metrics import mrr, recall_at_k
from ragft.rag.retriever import Hit, Retriever, check_k
from ragft.rag.sections import chunk_documents

DOCS_RETRIEVER = "dense"  # chapter 06: the best MRR on dev questions (`best_setting`), with the chunk size and overlap
QUESTIONS_FILE = DATASETS_DIR / "stdlib_questions" / "questions.jsonl"
SPLITS = ("dev", "test")
CURVE_SIZES = (32, 64, 128, 256, 512)  # the chunk sizes (words) and overlaps (fractions of the size) compared on dev
CURVE_OVERLAPS = (0.0, 0.2)
_HIT = "<gold>"  # every retrieved gold chunk counts as the same id, so recall@k is "any gold section in the first k"


@dataclass(frozen=True)
class DocQuestion:
    """A question, the document that answers it and the sections of it that do (none listed: any of its chunks)."""

    question: str
    source: str
    sections: tuple[str, ...] = ()
    split: str = "test"
    id: str = ""

    def is_hit(self, chunk: DocChunk) -> bool:
        return chunk.source == self.source and (not self.sections or chunk.section in self.sections)


def load_doc_questions(path: str | Path = QUESTIONS_FILE, split: str | None = None) -> list[DocQuestion]:
    """Questions from a JSON Lines file, one object per line with "question" and "source", optionally "sections"
    (a list), "split" ("dev" or "test") and "id"; only those of `split` when given."""
    if split not in (None, *SPLITS):
        raise ValueError(f"split must be one of {SPLITS} or None, got {split!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no question file at {path}. Fix: write one JSON object per line, e.g. "
                                '{"question": "how do I install it?", "source": "guide/install.md"}')
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = DocQuestion(row["question"], row["source"], tuple(row.get("sections", ())),
                                   row.get("split", "test"), row.get("id", f"{path.stem}:{number}"))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path}, line {number}: {err!r}. Each line must be a JSON object with at least "
                             '"question" and "source" (and optionally "sections": [...], "split", "id")') from err
        if split in (None, question.split):
            questions.append(question)
    return questions


class RandomRetriever:
    """The trivial baseline: k chunks drawn at random (the same ones for the same query), the chance level."""

    def __init__(self, chunks: Sequence[DocChunk], seed: int = 0) -> None:
        self.chunks, self.seed = list(chunks), seed

    def search(self, query: str, k: int) -> list[Hit]:
        check_k(k)
        rng = np.random.default_rng([self.seed, zlib.crc32(query.encode())])
        picks = rng.choice(len(self.chunks), size=min(k, len(self.chunks)), replace=False)
        return [Hit(self.chunks[i].id, 0.0, self.chunks[i].text) for i in picks]


def doc_retrievers(chunks: Sequence[DocChunk], embedder: Embedder | None = None) -> dict[str, Retriever]:
    """BM25, dense (MiniLM; the chunks' vectors cached on disk) and hybrid (RRF of both) over the chunks, and the
    random baseline; `embedder` defaults to a `MemoEmbedder`."""
    texts, ids = [c.text for c in chunks], [c.id for c in chunks]
    bm25, dense = BM25Index(texts, ids), DenseRetriever(texts, ids, embedder or MemoEmbedder())
    return {"random": RandomRetriever(chunks), "BM25": bm25, "dense": dense, "hybrid": HybridRetriever(dense, bm25)}


def hit_lists(retriever: Retriever, chunks: Iterable[DocChunk], questions: Sequence[DocQuestion],
              k: int = 10) -> list[list[str]]:
    """For each question, the ids of its k retrieved chunks with every gold chunk's id replaced by one marker."""
    by_id = {c.id: c for c in chunks}
    return [[_HIT if q.is_hit(by_id[hit.id]) else hit.id for hit in retriever.search(q.question, k)]
            for q in questions]


def doc_retrieval_scores(retriever: Retriever, chunks: Sequence[DocChunk], questions: Sequence[DocQuestion],
                         ks: Iterable[int] = (1, 5), depth: int = 10) -> dict[str, float]:
    """recall@k for each k (share of questions with a gold chunk in the first k), MRR@`depth`, and the count."""
    lists = hit_lists(retriever, chunks, questions, depth)
    gold = [[_HIT]] * len(questions)
    scores = {f"recall@{k}": recall_at_k(lists, gold, k) for k in ks}
    return {**scores, "MRR": mrr(lists, gold), "questions": len(questions)}


def doc_retrieval_report(retrievers: Mapping[str, Retriever], chunks: Sequence[DocChunk],
                         questions: Sequence[DocQuestion], ks: Iterable[int] = (1, 5)) -> dict[str, dict[str, float]]:
    """`doc_retrieval_scores` of each named retriever on the same questions."""
    if isinstance(retrievers.get("dense"), DenseRetriever) and isinstance(retrievers["dense"].embedder, MemoEmbedder):
        retrievers["dense"].embedder.prefetch(q.question for q in questions)  # in batches, not one call per question
    return {name: doc_retrieval_scores(r, chunks, questions, tuple(ks)) for name, r in retrievers.items()}


def chunk_size_curve(documents: Sequence[Document], questions: Sequence[DocQuestion], sizes: Iterable[int],
                     overlaps: Iterable[float] = (0.0,), embedder: Embedder | None = None) -> list[dict]:
    """For each chunk size (words) and overlap (a fraction of the size): the number of chunks and the scores of
    BM25, dense and hybrid. One `MemoEmbedder` embeds a chunk that several settings share only once."""
    embedder = embedder or MemoEmbedder()
    rows = []
    for size in sizes:
        for fraction in overlaps:
            overlap = round(size * fraction)
            chunks = chunk_documents(documents, size, overlap)
            retrievers = {n: r for n, r in doc_retrievers(chunks, embedder).items() if n != "random"}
            report = doc_retrieval_report(retrievers, chunks, questions)
            rows.append({"size": size, "overlap": overlap, "chunks": len(chunks), "scores": report})
    return rows


def best_setting(curve: Sequence[dict], metric: str = "MRR", then: str = "recall@5") -> tuple[str, int, int]:
    """The (retriever, size, overlap) with the best `metric` on the curve; ties go to the better `then`, then to the
    smaller chunks (cheaper to embed and to read). MRR by default: on a few dozen questions it ties less often than
    recall@5, as it also counts whether the right section came first."""
    candidates = [(scores[metric], scores[then], -row["size"], -row["overlap"], name, row["size"], row["overlap"])
                  for row in curve for name, scores in row["scores"].items()]
    *_, name, size, overlap = max(candidates)
    return name, size, overlap
