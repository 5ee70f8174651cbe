"""RAG from scratch (chapter 03): chunking, embeddings, dense and BM25 search, hybrid ranking, metrics, prompts.

Every retriever (`DenseRetriever`, `BM25Index`, `HybridRetriever`) has `search(query, k) -> list[Hit]`;
the vector indexes (`VectorIndex` in NumPy, `FaissIndex` in FAISS) have `add(ids, vectors)` and
`search(query_vectors, k) -> (ids, scores)`, so a `DenseRetriever` runs on either.
"""

from ragft.rag.bm25 import STOPWORDS, BM25Index, tokenize
from ragft.rag.chunking import chunk_sentences, chunk_words, split_sentences
from ragft.rag.dense import DenseRetriever, VectorIndex
from ragft.rag.embeddings import DEFAULT_CACHE_DIR, Embedder
from ragft.rag.faiss_index import FaissIndex
from ragft.rag.hybrid import HybridRetriever, rrf
from ragft.rag.metrics import mrr, recall_at_k, same_top_k
from ragft.rag.pipeline import RAG, RAGAnswer
from ragft.rag.prompt import SOURCES_TEMPLATE, TINY_GPT_TEMPLATE, PromptTemplate, build_prompt
from ragft.rag.retriever import Hit, Retriever, top_k
from ragft.rag.up_to_date import UpToDateRetriever

__all__ = [
    "BM25Index", "DEFAULT_CACHE_DIR", "DenseRetriever", "Embedder", "FaissIndex", "Hit", "HybridRetriever",
    "PromptTemplate", "RAG", "RAGAnswer", "Retriever", "SOURCES_TEMPLATE", "STOPWORDS", "TINY_GPT_TEMPLATE",
    "VectorIndex", "build_prompt", "chunk_sentences", "chunk_words", "mrr", "recall_at_k", "rrf", "same_top_k",
    "split_sentences", "tokenize", "top_k", "UpToDateRetriever",
]
