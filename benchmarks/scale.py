"""The learner's index at 1k, 10k and 100k chunks: build time, query latency, memory, approximate-search recall.

    python benchmarks/scale.py                                  # 1,000 10,000 100,000 chunks
    python benchmarks/scale.py --sizes 1000 10000               # fewer
    python benchmarks/scale.py --save-vectors /tmp/vdb-vectors  # only save the vectors (benchmarks/vector_databases.py)

The vectors: real MiniLM embeddings of 1,000 chunks of Python's own documentation (pydoc's plain-text rendering of
40 standard-library modules, cut into 100-word windows), and 100 more chunks of it as the queries (not in the index).
Larger sizes are synthesised: the 1,000 real vectors, then copies of randomly drawn real ones plus Gaussian noise
(standard deviation NOISE per dimension, about 0.4 in length) renormalised to length 1, so the data keeps the
clusters of real text instead of being uniform on the sphere (where approximate indexes look better or worse than
on text). Each index is built and queried in a process of its own, so its peak memory is its own.
Writes benchmarks/results/scale.json and prints the table.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pydoc
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psutil
from retrieval import markdown
from run_notebooks import REPO, RESULTS, PeakMemory, machine

from ragft.rag import Embedder, FaissIndex, VectorIndex
from ragft.rag.chunking import chunk_words
from ragft.rag.doc_index import import_lancedb
from ragft.rag.faiss_index import import_faiss
from ragft.rag.vector_scale import NOISE, synthesise, vector_doc_index

SEED, REAL, QUERIES, K = 1234, 1_000, 100, 10
SIZES = (1_000, 10_000, 100_000)
MODULES = ("json", "pathlib", "re", "itertools", "collections", "datetime", "subprocess", "os", "functools", "typing",
           "argparse", "logging", "csv", "sqlite3", "threading", "dataclasses", "shutil", "random", "math",
           "statistics", "string", "textwrap", "zipfile", "tarfile", "hashlib", "enum", "contextlib", "inspect", "io",
           "pickle", "tempfile", "heapq", "bisect", "decimal", "fractions", "uuid", "base64", "glob", "fnmatch",
           "struct")


def pydoc_text(module: str) -> str:
    """pydoc's plain text for a module, without the memory addresses some default values show (they change with
    every process, and would change the text, so its embeddings would never come from the cache)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", pydoc.render_doc(importlib.import_module(module), renderer=pydoc.plaintext))


def pydoc_chunks(count: int) -> list[str]:
    """`count` 100-word chunks of the modules' pydoc text, taken in turn from each module so all are represented."""
    per_module = [chunk_words(pydoc_text(m), 100, 20) for m in MODULES]
    interleaved = [chunks[i] for i in range(max(map(len, per_module))) for chunks in per_module if i < len(chunks)]
    if len(interleaved) < count:
        raise RuntimeError(f"pydoc gave only {len(interleaved)} chunks, {count} needed: add modules to MODULES")
    return interleaved[:count]


def real_vectors() -> tuple[np.ndarray, np.ndarray]:
    """The REAL chunk vectors and the QUERIES query vectors (MiniLM, cached under .cache/embeddings)."""
    vectors = Embedder().embed_corpus(pydoc_chunks(REAL + QUERIES))
    return vectors[:REAL], vectors[REAL:]


@dataclass
class Built:
    """An index ready to search: `search(query_vector) -> ids`, and the seconds building it took."""

    search: Callable[[np.ndarray], list[str]]
    build_s: float


def numpy_index(vectors: np.ndarray, ids: list[str], cls: type = VectorIndex) -> Built:
    start = time.perf_counter()
    index = cls()
    index.add(ids, vectors)
    return Built(lambda q: index.search(q[None, :], K)[0][0], time.perf_counter() - start)


def faiss_approximate(vectors: np.ndarray, ids: list[str], kind: str) -> Built:
    """FAISS HNSW (32 links per node, efSearch 64) or IVF (4 sqrt(n) lists, 8 probed), on inner products."""
    faiss = import_faiss()
    start = time.perf_counter()
    dim = vectors.shape[1]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 64
    else:
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, int(4 * len(vectors) ** 0.5), faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = 8
    index.add(vectors)
    return Built(lambda q: [ids[p] for p in index.search(q[None, :], K)[1][0]], time.perf_counter() - start)


def lancedb_index(vectors: np.ndarray, ids: list[str], folder: Path, approximate: bool) -> Built:
    """The learner's DocIndex, filled through `sync` like the tool (`ragft.rag.vector_scale.vector_doc_index`)."""
    start = time.perf_counter()
    index = vector_doc_index(folder, vectors, ids)
    if approximate:
        index.build_approximate_index()
    return Built(lambda q: [h.id for h in index.search(q, K, approximate=approximate)], time.perf_counter() - start)


INDEXES = {
    "NumPy VectorIndex (exact)": lambda v, ids, _folder: numpy_index(v, ids),
    "FAISS flat (exact)": lambda v, ids, _folder: numpy_index(v, ids, FaissIndex),
    "FAISS HNSW (approximate)": lambda v, ids, _folder: faiss_approximate(v, ids, "hnsw"),
    "FAISS IVF (approximate)": lambda v, ids, _folder: faiss_approximate(v, ids, "ivf"),
    "LanceDB DocIndex (exact)": lambda v, ids, folder: lancedb_index(v, ids, folder, approximate=False),
    "LanceDB DocIndex (IVF-HNSW)": lambda v, ids, folder: lancedb_index(v, ids, folder, approximate=True),
}


def measure(name: str, vectors_dir: Path, size: int) -> dict:
    """Build one index of `size` vectors and query it; runs in a process of its own."""
    vectors, queries = np.load(vectors_dir / f"vectors_{size}.npy"), np.load(vectors_dir / "queries.npy")
    ids = [f"chunk{i}" for i in range(size)]
    exact = [[ids[p] for p in np.argsort(-row, kind="stable")[:K]] for row in queries @ vectors.T]
    if name.startswith("FAISS"):  # the library's import is not part of the index's memory
        import_faiss()
    elif name.startswith("LanceDB"):
        import_lancedb()
    before = psutil.Process().memory_info().rss / 2**20
    memory = PeakMemory(os.getpid(), interval=0.01)
    memory.start()
    with tempfile.TemporaryDirectory(prefix="ragft-scale-") as folder:  # the database's files
        built = INDEXES[name](vectors, ids, Path(folder))
        found, latencies = [], []
        for query in queries:
            start = time.perf_counter()
            found.append(built.search(query))
            latencies.append(time.perf_counter() - start)
    memory.stop()
    return {"index": name, "chunks": size, "build_s": round(built.build_s, 3),
            "query_ms": round(1000 * statistics.median(latencies), 3),
            "recall@10": round(float(np.mean([len(set(f) & set(e)) / K for f, e in zip(found, exact)])), 3),
            "index_mb": round(memory.peak_mb - before), "process_peak_mb": round(memory.peak_mb)}


def save_vectors(folder: Path, sizes: list[int]) -> None:
    """The queries and one vectors_<size>.npy per size in `folder` (what `measure` and vector_databases.py read)."""
    real, queries = real_vectors()
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "queries.npy", queries)
    rng = np.random.default_rng(SEED)
    for size in sorted(sizes):
        np.save(folder / f"vectors_{size}.npy", synthesise(real, size, rng))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--save-vectors", type=Path, metavar="DIR", help="only save the vectors into DIR")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # a child process: INDEX VECTORS_DIR SIZE
    args = parser.parse_args()
    if args.one:
        name, folder, size = args.one
        print(json.dumps(measure(name, Path(folder), int(size))))
        return
    if args.save_vectors:
        save_vectors(args.save_vectors, args.sizes)
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        save_vectors(Path(folder), args.sizes)
        for size in args.sizes:
            for name in INDEXES:
                child = subprocess.run([sys.executable, __file__, "--one", name, folder, str(size)],
                                       capture_output=True, text=True, check=True)
                rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
                print(rows[-1], flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    results = {"machine": machine(), "measured": datetime.date.today().isoformat(), "commit": commit.strip(),
               "queries": QUERIES, "k": K, "noise": NOISE, "rows": rows}
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(markdown([{key: f"{value:,}" if isinstance(value, int) else str(value) for key, value in row.items()}
                    for row in rows]))
    print(f"\nwritten to {RESULTS / 'scale.json'}")


if __name__ == "__main__":
    main()
