"""The course's knowledge base behind BM25, and reading prompts built from it, as chapters 03 to 05 use them."""

from __future__ import annotations

from ragft.rag.bm25 import BM25Index
from ragft.rag.prompt import build_prompt
from ragft.world.load import load_knowledge_base


def bm25_retriever() -> BM25Index:
    """BM25 over the knowledge base (every known and new case, every statute): chapter 03's best retriever here."""
    kb = load_knowledge_base()
    return BM25Index([p.text for p in kb], [p.passage_id for p in kb])


def rag_prompt(retriever, question: str, k: int) -> str:
    """The reading prompt with the k best passages in front of the question, as chapter 03 builds it."""
    return build_prompt(question, retriever.search(question, k))
