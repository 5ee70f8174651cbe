"""Chapter 06's retrieval on Python's own documentation: the chunk-size curve on dev questions, the chosen setting's
scores on test questions, and the time and memory the chapter's corpus costs.

    python benchmarks/docs_retrieval.py           # the curve and the test scores (embeddings cached in .cache/)
    python benchmarks/docs_retrieval.py --budget  # in a fresh process: render time, chunks per size, cold embedding
    python benchmarks/docs_retrieval.py --batches # chapter 06's chunks and chapter 03's passages at several batch sizes

Run with RAGFT_THREADS=1 to measure the single-thread budget. Prints Markdown and writes it to
benchmarks/results/docs_retrieval.md (the curve), docs_budget.md (the budget) or embed_batches.md (batch sizes).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

from ragft.rag.doc_eval import (CURVE_OVERLAPS, CURVE_SIZES, DOCS_RETRIEVER, best_setting, chunk_size_curve,
                                doc_retrieval_report, doc_retrievers, load_doc_questions)
from ragft.rag.documents import stdlib_corpus
from ragft.rag.embeddings import EMBED_BATCH, Embedder, MemoEmbedder
from ragft.rag.sections import DOCS_CHUNK_WORDS, DOCS_OVERLAP, chunk_documents
from ragft.threads import apply_thread_policy
from ragft.world.load import load_knowledge_base

RESULTS = Path(__file__).resolve().parent / "results"


def peak_rss_mb() -> float:
    """The process's peak resident memory in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def budget() -> list[str]:
    """Render time, words, chunks per size, and the chosen setting's embedding time with no cache, single process."""
    start = time.perf_counter()
    documents = stdlib_corpus()
    render = time.perf_counter() - start
    words = sum(len(d.text.split()) for d in documents)
    lines = [f"Python {sys.version.split()[0]}, {apply_thread_policy().threads} thread(s)", "",
             f"- corpus: {len(documents)} modules, {words:,} words, rendered in {render:.1f} s",
             "- chunks per size (overlap 0): " + ", ".join(
                 f"{size}: {len(chunk_documents(documents, size, 0))}" for size in CURVE_SIZES)]
    chunks = chunk_documents(documents)
    embedder = Embedder(cache_dir=None)
    start = time.perf_counter()
    embedder.embed(["load the model"])
    load = time.perf_counter() - start
    start, cpu_start = time.perf_counter(), time.process_time()
    embedder.embed_corpus([c.text for c in chunks])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    lines += [f"- chosen setting ({DOCS_CHUNK_WORDS} words, overlap {DOCS_OVERLAP}): {len(chunks)} chunks, "
              f"{sum(len(c.text.split()) for c in chunks):,} words; model load {load:.1f} s",
              f"- cold embedding: {wall:.1f} s wall clock, {cpu:.1f} s of CPU time (what a quiet core would take)",
              f"- peak memory of this process: {peak_rss_mb():.0f} MB"]
    return lines


def batch_sizes(sizes=(4, 8, 16, 32, 64), repeats: int = 2) -> list[str]:
    """Cold embedding time at each batch size (best of `repeats`) of chapter 06's chunks (uneven lengths) and of
    chapter 03's knowledge base (even lengths), and how far the vectors move: the measurement behind EMBED_BATCH."""
    corpora = {f"pydoc chunks ({DOCS_CHUNK_WORDS} words, overlap {DOCS_OVERLAP})":
               [c.text for c in chunk_documents(stdlib_corpus())],
               "the world's knowledge base": [p.text for p in load_knowledge_base()]}
    threads = apply_thread_policy().threads
    Embedder(cache_dir=None).embed(["load the model"])
    lines = [f"Python {sys.version.split()[0]}, {threads} thread(s), best of {repeats}; the course embeds "
             f"{EMBED_BATCH} texts at a time", "",
             "| texts | batch size | seconds | texts/s | max abs difference from the course's batch size |",
             "|---|---|---|---|---|"]
    for corpus, texts in corpora.items():
        seconds, vectors = {}, {}
        for size in sizes:
            for _ in range(repeats):
                start = time.perf_counter()
                vectors[size] = Embedder(batch_size=size, cache_dir=None).embed(texts)
                seconds[size] = min(seconds.get(size, float("inf")), time.perf_counter() - start)
        reference = vectors.get(EMBED_BATCH, vectors[sizes[0]])
        for size in sizes:
            lines.append(f"| {len(texts)} {corpus} | {size} | {seconds[size]:.1f} | {len(texts) / seconds[size]:.0f} | "
                         f"{float(np.abs(vectors[size] - reference).max()):.1e} |")
    return lines


def curve_and_test() -> list[str]:
    """The dev curve of BM25, dense and hybrid over sizes and overlaps, the best setting, and the test scores."""
    apply_thread_policy()
    documents, embedder = stdlib_corpus(), MemoEmbedder()
    dev, test = load_doc_questions(split="dev"), load_doc_questions(split="test")
    start = time.perf_counter()
    curve = chunk_size_curve(documents, dev, CURVE_SIZES, CURVE_OVERLAPS, embedder)
    lines = [f"Python {sys.version.split()[0]}; curve in {time.perf_counter() - start:.0f} s", "",
             f"## Dev questions ({len(dev)}): recall@5 / MRR by chunk size and overlap", "",
             "| words | overlap | chunks | BM25 | dense | hybrid |", "|---|---|---|---|---|---|"]
    for row in curve:
        cells = [f"{row['scores'][n]['recall@5']:.3f} / {row['scores'][n]['MRR']:.3f}" for n in ("BM25", "dense", "hybrid")]
        lines.append(f"| {row['size']} | {row['overlap']} | {row['chunks']} | " + " | ".join(cells) + " |")
    name, size, overlap = best_setting(curve)
    recorded = (DOCS_RETRIEVER, DOCS_CHUNK_WORDS, DOCS_OVERLAP)
    lines += ["", f"Best on dev: {name}, {size} words, overlap {overlap} (recorded in the package: {recorded})", ""]
    chunks = chunk_documents(documents)
    report = doc_retrieval_report(doc_retrievers(chunks, embedder), chunks, test)
    lines += [f"## Test questions ({len(test)}) at the recorded setting ({len(chunks)} chunks)", "",
              "| retriever | recall@1 | recall@5 | MRR@10 |", "|---|---|---|---|"]
    for retriever, s in report.items():
        lines.append(f"| {retriever} | {s['recall@1']:.3f} ({round(s['recall@1'] * len(test))}/{len(test)}) | "
                     f"{s['recall@5']:.3f} ({round(s['recall@5'] * len(test))}/{len(test)}) | {s['MRR']:.3f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--budget", action="store_true", help="measure render and cold embedding time, and memory")
    parser.add_argument("--batches", action="store_true", help="time the cold embedding at several batch sizes")
    args = parser.parse_args()
    lines, name = ((budget(), "docs_budget.md") if args.budget else (batch_sizes(), "embed_batches.md") if args.batches
                   else (curve_and_test(), "docs_retrieval.md"))
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(text)


if __name__ == "__main__":
    main()
