"""Our retrieval code against the libraries used in production: BM25 vs bm25s, NumPy exact search vs FAISS.

    python benchmarks/retrieval.py

(a) the world's knowledge base and questions, when datasets/knowledge_base.jsonl exists (MiniLM embeddings,
    cached under .cache/embeddings after the first run);
(b) a synthetic corpus of 10,000 passages drawn from a seeded Zipf vocabulary, and 10,000 random unit vectors
    of dimension 384 (no embedding time).
Both sides get the same tokens and the same BM25 parameters. "Same up to ties" forgives only a different
order (or cut-off choice) of equal scores. Prints a Markdown table and writes it to benchmarks/results/retrieval.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from ragft.paths import DATASETS_DIR
from ragft.rag import BM25Index, Embedder, FaissIndex, VectorIndex, same_top_k, tokenize

RESULTS = Path(__file__).resolve().parent / "results" / "retrieval.md"
K = 10
SEED = 1234
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def seconds(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """The fastest of `repeat` runs of `fn` in seconds, and what it returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def synthetic_texts(n_passages: int, n_queries: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """Passages of 40-120 pseudo-words with Zipf frequencies, and queries of 2-5 words taken from random passages."""
    rng = np.random.default_rng(seed)
    words: set[str] = set()
    while len(words) < 20_000:
        words.add("".join(rng.choice(SYLLABLES, size=rng.integers(2, 5))))
    vocab = np.array(sorted(words))[rng.permutation(len(words))]  # sorted first: set order is not reproducible
    zipf = 1 / np.arange(1, len(vocab) + 1)
    lengths = rng.integers(40, 121, size=n_passages)
    tokens = vocab[rng.choice(len(vocab), size=lengths.sum(), p=zipf / zipf.sum())]
    texts = [" ".join(passage) for passage in np.split(tokens, np.cumsum(lengths)[:-1])]
    queries = [" ".join(rng.choice(texts[i].split(), size=rng.integers(2, 6), replace=False))
               for i in rng.integers(0, n_passages, size=n_queries)]
    return texts, queries


def random_unit_vectors(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """n random float32 vectors of length 1."""
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def agreement(ours: list[tuple[list[str], list[float]]], reference: list[tuple[list[str], list[float]]],
              atol: float) -> tuple[float, float]:
    """Fractions of queries whose top-k ids are identical, and identical up to tied scores."""
    identical = np.mean([a_ids == b_ids for (a_ids, _), (b_ids, _) in zip(ours, reference)])
    same = np.mean([same_top_k(*a, *b, atol=atol) for a, b in zip(ours, reference)])
    return float(identical), float(same)


def row(data: str, comparison: str, passages: int, queries: int, agree: tuple[float, float],
        index_ours: float, index_ref: float, query_ours: float, query_ref: float) -> dict:
    """One line of the results table."""
    return {
        "data": data, "comparison": comparison, "passages": f"{passages:,}", "queries": f"{queries:,}",
        "identical top-10": f"{agree[0]:.3f}", "same up to ties": f"{agree[1]:.3f}",
        "index s (ours / ref)": f"{index_ours:.3f} / {index_ref:.3f}",
        "query ms (ours / ref)": f"{1000 * query_ours / queries:.3f} / {1000 * query_ref / queries:.3f}",
        "query time ratio": f"{query_ours / query_ref:.2f}",
    }


def compare_bm25(data: str, texts: list[str], queries: list[str]) -> dict:
    """Our BM25Index against bm25s with Okapi term weights and Lucene IDF (k1=1.5, b=0.75) on the same tokens."""
    index_ours, ours = seconds(lambda: BM25Index(texts))

    def build_reference() -> bm25s.BM25:
        reference = bm25s.BM25(k1=1.5, b=0.75, method="atire", idf_method="lucene", dtype="float64")
        reference.index([tokenize(t) for t in texts], show_progress=False)
        return reference

    index_ref, reference = seconds(build_reference)
    query_ours, hits = seconds(lambda: [ours.search(q, K) for q in queries], repeat=3)
    query_ref, (docs, scores) = seconds(
        lambda: reference.retrieve([tokenize(q) for q in queries], k=K, show_progress=False), repeat=3
    )
    ours_top = [([h.id for h in top], [h.score for h in top]) for top in hits]
    # bm25s pads the top k with passages that share no token with the query (score 0); ours leaves them out.
    ref_top = [([str(d) for d in d_row[s_row > 0]], list(s_row[s_row > 0])) for d_row, s_row in zip(docs, scores)]
    return row(data, "BM25: ours vs bm25s", len(texts), len(queries), agreement(ours_top, ref_top, atol=1e-6),
               index_ours, index_ref, query_ours, query_ref)


def compare_dense(data: str, vectors: np.ndarray, queries: np.ndarray) -> dict:
    """Our NumPy VectorIndex against FAISS IndexFlatIP (both exact) on the same unit vectors."""
    ids = [str(i) for i in range(len(vectors))]
    index_times, query_times, results = [], [], []
    for index in (VectorIndex(), FaissIndex()):
        index_times.append(seconds(lambda: index.add(ids, vectors))[0])
        query_time, (top_ids, top_scores) = seconds(lambda: index.search(queries, K), repeat=3)
        query_times.append(query_time)
        results.append(list(zip(top_ids, top_scores.tolist())))
    return row(data, "dense: NumPy vs FAISS flat", len(vectors), len(queries), agreement(*results, atol=1e-5),
               *index_times, *query_times)


def world_data() -> tuple[list[str], list[str]] | None:
    """The knowledge base's passage texts and the questions, or None when the datasets are not generated."""
    if not (DATASETS_DIR / "knowledge_base.jsonl").exists():
        return None
    try:
        from ragft.world.load import load_knowledge_base, load_questions
    except ImportError:
        def read(name: str, key: str) -> list[str]:
            return [json.loads(line)[key] for line in (DATASETS_DIR / name).read_text().splitlines()]
        return read("knowledge_base.jsonl", "text"), read("questions.jsonl", "question")
    return [p.text for p in load_knowledge_base()], [q.question for q in load_questions()]


def markdown(rows: list[dict]) -> str:
    """The rows as a Markdown table, numbers right-aligned."""
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 2 + "---:|" * (len(header) - 2)]
    return "\n".join(lines + ["| " + " | ".join(r[h] for h in header) + " |" for r in rows])


def main() -> None:
    rows = []
    world = world_data()
    if world is None:
        print(f"(a) skipped: {DATASETS_DIR / 'knowledge_base.jsonl'} not found (python -m ragft.make.world makes it)")
    else:
        texts, questions = world
        rows.append(compare_bm25("world", texts, questions))
        embedder = Embedder()
        rows.append(compare_dense("world (MiniLM)", embedder.embed_corpus(texts), embedder.embed_corpus(questions)))
    texts, queries = synthetic_texts(10_000, 1_000)
    rows.append(compare_bm25("synthetic", texts, queries))
    rng = np.random.default_rng(SEED)
    rows.append(compare_dense("synthetic (random, dim 384)", random_unit_vectors(10_000, 384, rng),
                              random_unit_vectors(1_000, 384, rng)))
    table = markdown(rows)
    note = ("Top-10 agreement and timings (query time per query; ratio > 1 means ours is slower). "
            "bm25s: method='atire' (Okapi tf weight), idf_method='lucene', k1=1.5, b=0.75, float64, same tokens; "
            "FAISS: IndexFlatIP on the same unit vectors.")
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(f"{note}\n\n{table}\n")
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
