"""The course's knowledge base, its retrievers, and the one retrieval setting chapters 03 to 05 use.

Chapter 03 chooses the setting on dev questions and checks that its choice is the one recorded here:
`COURSE_RETRIEVER` (the best worst case over questions that quote the records and questions in users' words) and
`COURSE_K` (the number of passages the extractive reader answers best from). Chapters 04 and 05 import them.
"""

from __future__ import annotations

from ragft.rag.bm25 import BM25Index
from ragft.rag.dense import DenseRetriever
from ragft.rag.embeddings import Embedder, MemoEmbedder
from ragft.rag.hybrid import HybridRetriever
from ragft.rag.prompt import build_prompt
from ragft.rag.retriever import Retriever
from ragft.world.load import load_knowledge_base

COURSE_RETRIEVER = "hybrid"  # chapter 03: the highest worst case of recall@1 and @2 over both kinds of dev question
COURSE_K = 1  # chapter 03: on dev questions the extractive reader answers more from one passage than from two


def bm25_retriever() -> BM25Index:
    """BM25 over the knowledge base (every known and new case, every statute)."""
    kb = load_knowledge_base()
    return BM25Index([p.text for p in kb], [p.passage_id for p in kb])


def knowledge_base_retrievers(embedder: Embedder | None = None) -> dict[str, Retriever]:
    """BM25, dense (MiniLM, the passages' vectors read from the disk cache) and hybrid (RRF of both) over the
    knowledge base, as chapter 03 compares them; `embedder` defaults to a `MemoEmbedder`."""
    kb = load_knowledge_base()
    texts, ids = [p.text for p in kb], [p.passage_id for p in kb]
    bm25, dense = BM25Index(texts, ids), DenseRetriever(texts, ids, embedder or MemoEmbedder())
    return {"BM25": bm25, "dense": dense, "hybrid": HybridRetriever(dense, bm25)}


def course_retriever(embedder: Embedder | None = None) -> Retriever:
    """Chapter 03's retriever, `COURSE_RETRIEVER`, over the knowledge base."""
    return knowledge_base_retrievers(embedder)[COURSE_RETRIEVER]


def rag_prompt(retriever: Retriever, question: str, k: int = COURSE_K) -> str:
    """The reading prompt with the k best passages in front of the question, as chapter 03 builds it."""
    return build_prompt(question, retriever.search(question, k))
