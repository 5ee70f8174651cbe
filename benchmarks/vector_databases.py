"""Four embedded vector databases on the same vectors: the measurement behind ragft/rag/doc_index.py's choice.

Each database runs in a fresh virtual environment of its own (it is not installed in the course's), with numpy:

    python -m venv /tmp/vdb-lancedb && /tmp/vdb-lancedb/bin/pip install lancedb==0.40.0 numpy
    python benchmarks/scale.py --save-vectors /tmp/vdb-vectors        # in the course's venv: the vectors
    /tmp/vdb-lancedb/bin/python benchmarks/vector_databases.py lancedb /tmp/vdb-vectors --sizes 10000 100000

It needs only the standard library, numpy and the database. For each size, in a new process (so peak memory is
that size's): build a persistent store in a temporary folder (a `source` field per vector, 50 sources), query it
100 times for the top 10 (median latency), once more with a filter on one source, build the approximate index where
the database has one and query it again, and close and reopen the store. Recall@10 is against exact NumPy search.
One JSON line per size is printed; the results are in benchmarks/results/vector_databases.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()
DB = sys.argv[1] if len(sys.argv) > 1 else ""
if DB == "lancedb":
    import lancedb
    import pyarrow as pa
elif DB == "qdrant":
    from qdrant_client import QdrantClient, models
elif DB == "chroma":
    import chromadb
elif DB == "sqlite-vec":
    import sqlite3

    import sqlite_vec
IMPORT_S = time.perf_counter() - START

import numpy as np  # noqa: E402  (after the database, so IMPORT_S is the database's own import time)

K, SOURCES, FILTER_SOURCE = 10, 50, "src7"


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LanceStore:
    def __init__(self, folder: str) -> None:
        self.db = lancedb.connect(folder)

    def build(self, ids, sources, vectors) -> None:
        data = pa.table({"id": ids, "source": sources,
                         "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), vectors.shape[1])})
        self.table = self.db.create_table("chunks", data=data)

    def search(self, query, source=None, ann=False) -> list[str]:
        q = self.table.search(query).distance_type("cosine").limit(K).select(["id"])
        if source:
            q = q.where(f"source = '{source}'", prefilter=True)
        q = q.nprobes(20).refine_factor(5) if ann else q.bypass_vector_index()
        return q.to_arrow()["id"].to_pylist()

    def build_ann(self, n) -> bool:
        self.table.create_index(metric="cosine", index_type="IVF_HNSW_SQ", num_partitions=max(1, n // 4096))
        return True

    def reopen(self, folder: str) -> int:
        return lancedb.connect(folder).open_table("chunks").count_rows()


class QdrantStore:
    def __init__(self, folder: str) -> None:
        self.client = QdrantClient(path=folder)

    def build(self, ids, sources, vectors) -> None:
        self.client.create_collection("chunks", vectors_config=models.VectorParams(
            size=vectors.shape[1], distance=models.Distance.COSINE))
        self.client.upload_collection("chunks", vectors=vectors, ids=list(range(len(ids))),
                                      payload=[{"id": i, "source": s} for i, s in zip(ids, sources)])

    def search(self, query, source=None, ann=False) -> list[str]:
        where = source and models.Filter(must=[models.FieldCondition(key="source",
                                                                     match=models.MatchValue(value=source))])
        points = self.client.query_points("chunks", query=query.tolist(), limit=K, query_filter=where).points
        return [p.payload["id"] for p in points]

    def build_ann(self, n) -> bool:
        return False  # local mode searches exhaustively; HNSW exists only in the Qdrant server

    def reopen(self, folder: str) -> int:
        self.client.close()
        return QdrantClient(path=folder).count("chunks").count


class ChromaStore:
    def __init__(self, folder: str) -> None:
        self.client = chromadb.PersistentClient(path=folder, settings=chromadb.Settings(anonymized_telemetry=False))

    def build(self, ids, sources, vectors) -> None:
        self.col = self.client.create_collection("chunks", embedding_function=None,
                                                 configuration={"hnsw": {"space": "cosine"}})
        step = self.client.get_max_batch_size()
        for i in range(0, len(ids), step):
            self.col.add(ids=ids[i:i + step], embeddings=vectors[i:i + step],
                         metadatas=[{"source": s} for s in sources[i:i + step]])

    def search(self, query, source=None, ann=False) -> list[str]:
        return self.col.query(query_embeddings=[query], n_results=K, include=[],
                              where={"source": source} if source else None)["ids"][0]

    def build_ann(self, n) -> bool:
        return False  # always HNSW, built while adding: "exact" above is already approximate

    def reopen(self, folder: str) -> int:
        return chromadb.PersistentClient(path=folder).get_collection("chunks").count()


class SqliteVecStore:
    def __init__(self, folder: str) -> None:
        self.path = f"{folder}/chunks.db"
        self.con = self.connect(self.path)

    @staticmethod
    def connect(path):
        con = sqlite3.connect(path)
        con.enable_load_extension(True)  # AttributeError on Pythons built without loadable extensions
        sqlite_vec.load(con)
        return con

    def build(self, ids, sources, vectors) -> None:
        self.con.execute(f"create virtual table chunks using vec0(embedding float[{vectors.shape[1]}] "
                         "distance_metric=cosine, source text, +id text)")
        self.con.executemany("insert into chunks(embedding, source, id) values (?, ?, ?)",
                             ((v.tobytes(), s, i) for v, s, i in zip(vectors, sources, ids)))
        self.con.commit()

    def search(self, query, source=None, ann=False) -> list[str]:
        where = "and source = ?" if source else ""
        rows = self.con.execute(f"select id from chunks where embedding match ? and k = ? {where} order by distance",
                                (query.tobytes(), K, *([source] if source else []))).fetchall()
        return [r[0] for r in rows]

    def build_ann(self, n) -> bool:
        return False  # vec0 0.1.x scans every vector

    def reopen(self, folder: str) -> int:
        self.con.close()
        return self.connect(self.path).execute("select count(*) from chunks").fetchone()[0]


STORES = {"lancedb": LanceStore, "qdrant": QdrantStore, "chroma": ChromaStore, "sqlite-vec": SqliteVecStore}


def exact_top(vectors, queries, mask=None) -> list[list[int]]:
    """Exact cosine top-K positions per query (unit vectors), optionally among the rows where `mask` is True."""
    scores = queries @ vectors.T
    if mask is not None:
        scores[:, ~mask] = -np.inf
    return [list(np.argsort(-row, kind="stable")[:K]) for row in scores]


def recall(found: list[list[str]], truth: list[list[int]], ids: list[str]) -> float:
    return float(np.mean([len(set(f) & {ids[p] for p in t}) / len(t) for f, t in zip(found, truth)]))


def timed_queries(store, queries, **kwargs) -> tuple[float, list[list[str]]]:
    """Median latency in ms of one query at a time, and the results."""
    found, times = [], []
    for q in queries:
        start = time.perf_counter()
        found.append(store.search(q, **kwargs))
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), found


def measure(db: str, vectors_dir: Path, size: int) -> dict:
    vectors = np.load(vectors_dir / f"vectors_{size}.npy")
    queries = np.load(vectors_dir / "queries.npy")
    ids = [f"doc{i % 997}.md#{i}" for i in range(size)]
    sources = [f"src{i % SOURCES}" for i in range(size)]
    base_mb = rss_mb()
    row = {"db": db, "size": size, "import_s": round(IMPORT_S, 2)}
    with tempfile.TemporaryDirectory() as folder:
        store = STORES[db](folder)
        start = time.perf_counter()
        store.build(ids, sources, vectors)
        row["build_s"] = round(time.perf_counter() - start, 2)
        truth = exact_top(vectors, queries)
        row["query_ms"], found = timed_queries(store, queries)
        row["recall@10"] = recall(found, truth, ids)
        mask = np.array([s == FILTER_SOURCE for s in sources])
        row["filtered_ms"], found = timed_queries(store, queries, source=FILTER_SOURCE)
        row["filtered_recall@10"] = recall(found, exact_top(vectors, queries, mask), ids)
        start = time.perf_counter()
        if store.build_ann(size):
            row["ann_build_s"] = round(time.perf_counter() - start, 2)
            row["ann_query_ms"], found = timed_queries(store, queries, ann=True)
            row["ann_recall@10"] = recall(found, truth, ids)
        row["disk_mb"] = round(sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 2**20, 1)
        start = time.perf_counter()
        row["reopened_count_ok"] = store.reopen(folder) == size
        row["reopen_s"] = round(time.perf_counter() - start, 2)
    row["peak_rss_delta_mb"] = round(rss_mb() - base_mb)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", choices=sorted(STORES))
    parser.add_argument("vectors_dir", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child process: one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.db, args.vectors_dir, args.sizes[0])))
        return
    for size in args.sizes:
        subprocess.run([sys.executable, __file__, args.db, str(args.vectors_dir), "--sizes", str(size), "--one"],
                       check=False)


if __name__ == "__main__":
    main()
