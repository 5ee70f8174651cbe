"""The learner's document index on disk: chunks and their embeddings in LanceDB, kept in step with their files.

LanceDB is an embedded vector database: a folder of files, no server. Of the four compared on the same vectors
(benchmarks/results/vector_databases.md: LanceDB, Qdrant's local mode, Chroma, sqlite-vec), it is the only one
that offers both exact search (the same top-k as NumPy) and an approximate index (IVF + HNSW), with filtering by
source, on Linux, Windows and macOS (Apple silicon) for Python 3.10 to 3.13. Chapter 03's NumPy `VectorIndex` is its
teaching twin: `same_results_as_numpy` checks that both return the same top-k for the same vectors.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np

from ragft.rag.dense import VectorIndex, as_unit_rows
from ragft.rag.embeddings import Embedder
from ragft.rag.index_folder import REBUILD, DocIndexError, damaged, new_manifest, read_manifest, write_manifest
from ragft.rag.metrics import same_top_k
from ragft.rag.retriever import Hit, check_k

LANCEDB_PACKAGE = "lancedb==0.40.0"
TABLE = "chunks"
COLUMNS = ["id", "text", "source", "section"]
CLEANUP_AFTER = timedelta(minutes=10)  # older table versions are deleted after each sync (a reader may still use one)


@dataclass(frozen=True)
class DocHit(Hit):
    """A retrieved chunk with where it comes from, for citations."""

    source: str = ""
    section: str = ""


@dataclass(frozen=True)
class SyncReport:
    """What `sync` did, source by source, and how many chunks it embedded (or read from the embeddings cache)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded: int = 0

    def __str__(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged ({self.embedded} chunks embedded)")


class DocIndex:
    """A persistent index of document chunks (anything with id, text, source, section) in `folder`.

    `rebuild=True` empties the index first (only its own files), e.g. after changing the embedder.
    """

    def __init__(self, folder: str | Path, embedder: Embedder | None = None, rebuild: bool = False) -> None:
        self.folder, self.embedder = Path(folder), embedder or Embedder()
        if self.embedder.name is None:
            raise ValueError("the index records which model embedded it: give the Embedder a name")
        self._manifest = read_manifest(self.folder)
        if rebuild or self._manifest is None:
            self._manifest = new_manifest(self.embedder.name)
        elif self._manifest["embedder"] != self.embedder.name:
            raise DocIndexError(f"{self.folder} was built with the embedder {self._manifest['embedder']!r}, not "
                                f"{self.embedder.name!r}: its vectors cannot be compared. Fix: use that embedder, "
                                f"or rebuild the index with this one ({REBUILD}).")
        self._db = import_lancedb().connect(str(self.folder.resolve()))
        self._table = self._open_table(drop=rebuild)
        write_manifest(self.folder, self._manifest)

    def __len__(self) -> int:
        return 0 if self._table is None else self._table.count_rows()

    @property
    def sources(self) -> dict[str, str]:
        """Each indexed source and the digest of the content it was indexed from."""
        return dict(self._manifest["sources"])

    def sync(self, files: Mapping[str, tuple[str, Sequence]]) -> SyncReport:
        """Make the index hold exactly `files` ({source: (digest, chunks)}): embed only new or changed sources."""
        files = {source: (digest, list(chunks)) for source, (digest, chunks) in files.items()}
        _check_chunks(files)
        old = self._manifest["sources"]
        added = [s for s in files if s not in old]
        updated = [s for s in files if s in old and old[s] != files[s][0]]
        removed = [s for s in old if s not in files]
        chunks = [c for s in added + updated for c in files[s][1]]
        # embed_corpus: chunks some cached corpus already holds (a chapter's, another index's) are read, not embedded
        vectors = self.embedder.embed_corpus([c.text for c in chunks]) if chunks else None
        if vectors is not None and vectors.shape[1] != (self._manifest["dim"] or vectors.shape[1]):
            raise DocIndexError(f"the embedder {self.embedder.name!r} returned {vectors.shape[1]}-dimensional "
                                f"vectors but the index holds {self._manifest['dim']}-dimensional ones. Fix: rebuild "
                                f"the index ({REBUILD}).")
        # Delete before adding, also for added sources: rows a crash left behind never outlive their source.
        stale = added + updated + removed
        if self._table is not None and stale:
            self._table.delete(f"source IN ({', '.join(map(_sql_string, stale))})")
        if chunks:
            self._add(chunks, vectors)
        self._manifest["sources"] = {s: digest for s, (digest, _chunks) in files.items()}
        write_manifest(self.folder, self._manifest)
        if self._table is not None and stale:
            self._table.optimize(cleanup_older_than=CLEANUP_AFTER)  # compacts, and bounds the disk used
        unchanged = [s for s in files if s not in added and s not in updated]
        return SyncReport(added, updated, removed, unchanged, len(chunks))

    def search(self, query: str | np.ndarray, k: int, source: str | None = None,
               approximate: bool = False) -> list[DocHit]:
        """The k chunks most similar to a text or a query vector (best first), optionally from one source only.

        Exact by default; `approximate=True` uses the index made by `build_approximate_index` (faster, may miss).
        """
        check_k(k)
        if not len(self):
            raise ValueError("the index is empty: add documents first with index.sync(files)")
        vector = (self.embedder.embed([query]) if isinstance(query, str)
                  else as_unit_rows(np.asarray(query)[None, :], self._manifest["dim"], "the query vector"))[0]
        search = (self._table.search(vector, vector_column_name="vector").distance_type("cosine").limit(k)
                  .select([*COLUMNS, "_distance"]))
        if source is not None:
            search = search.where(f"source = {_sql_string(source)}", prefilter=True)
        search = search.nprobes(20).ef(100) if approximate else search.bypass_vector_index()
        return [DocHit(r["id"], 1.0 - r["_distance"], r["text"], r["source"], r["section"])
                for r in search.to_arrow().to_pylist()]

    def build_approximate_index(self) -> None:
        """An IVF index with HNSW graphs in its partitions (LanceDB's IVF_HNSW_SQ) for `search(approximate=True)`."""
        if len(self) < 256:
            raise ValueError(f"the index holds {len(self)} chunks: exact search is fast below thousands, and an "
                             "approximate index needs at least 256 vectors to train on")
        from lancedb.index import IvfHnswSq

        partitions = max(1, len(self) // 4096)  # LanceDB's advice: a few thousand vectors per partition
        self._table.create_index("vector", config=IvfHnswSq(distance_type="cosine", num_partitions=partitions))

    def vectors(self) -> tuple[list[str], np.ndarray]:
        """Every chunk id and its stored unit vector (one row per chunk)."""
        if self._table is None:
            return [], np.empty((0, self._manifest["dim"] or 0), dtype=np.float32)
        data = self._table.to_arrow().select(["id", "vector"])
        flat = data["vector"].combine_chunks().flatten().to_numpy()
        return data["id"].to_pylist(), flat.reshape(len(data), -1).astype(np.float32, copy=False)

    def _add(self, chunks: list, vectors: np.ndarray) -> None:
        import pyarrow as pa

        columns = {name: [str(getattr(c, name)) for c in chunks] for name in COLUMNS}
        columns["vector"] = pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel()), vectors.shape[1])
        if self._table is None:
            self._table = self._db.create_table(TABLE, data=pa.table(columns))
        else:
            self._table.add(pa.table(columns))
        self._manifest["dim"] = vectors.shape[1]

    def _open_table(self, drop: bool):
        """The chunks table (None before the first chunk); dropped first when `drop`."""
        exists = TABLE in self._db.list_tables().tables
        if exists and drop:
            self._db.drop_table(TABLE)
        elif exists:
            try:
                return self._db.open_table(TABLE)
            except Exception as err:  # LanceDB raises several types for damaged files
                raise damaged(self.folder, f"its table cannot be opened ({err})") from err
        elif self._manifest["dim"] is not None:
            raise damaged(self.folder, "its table of chunks is missing")
        return None


def same_results_as_numpy(index: DocIndex, query_vectors: np.ndarray, k: int) -> tuple[bool, float]:
    """Whether the database's exact top-k equals chapter 03's `VectorIndex`'s on the same stored vectors, for every
    query (ties allowed), and the largest difference between their scores."""
    ids, vectors = index.vectors()
    twin = VectorIndex()
    twin.add(ids, vectors)
    twin_ids, twin_scores = twin.search(query_vectors, k)
    same, max_diff = True, 0.0
    for query, expected_ids, expected_scores in zip(query_vectors, twin_ids, twin_scores):
        hits = index.search(query, k)
        scores = [h.score for h in hits]
        same &= same_top_k([h.id for h in hits], scores, expected_ids, list(expected_scores))
        if len(scores) == len(expected_scores):
            max_diff = max(max_diff, float(np.max(np.abs(np.subtract(scores, expected_scores)))))
    return same, max_diff


def _check_chunks(files: Mapping[str, tuple[str, Sequence]]) -> None:
    """Each chunk belongs to the source it is listed under, and no two chunks share an id."""
    seen: set[str] = set()
    for source, (_digest, chunks) in files.items():
        for chunk in chunks:
            if chunk.source != source:
                raise ValueError(f"chunk {chunk.id!r} says its source is {chunk.source!r} but is listed under "
                                 f"{source!r}: list each chunk under its own source")
            if chunk.id in seen:
                raise ValueError(f"duplicate chunk id {chunk.id!r}: every chunk needs its own id")
            seen.add(chunk.id)


def _sql_string(text: str) -> str:
    """`text` as an SQL string literal (quotes doubled), for LanceDB's filters."""
    return "'" + str(text).replace("'", "''") + "'"


def import_lancedb():
    """The `lancedb` module, or an error that says how to install it."""
    # LanceDB converts Hugging Face `datasets` objects whenever a module of that name is loaded. From the course's
    # root folder that name is the course's own data folder (sentence-transformers' optional `import datasets` loads
    # it as a namespace package, with no Dataset in it), and importing LanceDB or adding rows would fail. Without
    # Hugging Face's package there is nothing to convert: LanceDB is told that converter is done.
    loaded = sys.modules.get("datasets")
    spec = importlib.util.find_spec("datasets") if loaded is None else loaded.__spec__
    foreign = spec is None or spec.origin in (None, "namespace")
    if foreign and loaded is not None:
        del sys.modules["datasets"]  # while LanceDB imports, which registers its converters once
    try:
        import lancedb
        from lancedb import scannable
    except ImportError as err:
        raise ImportError(f"The document index needs LanceDB. Fix: pip install {LANCEDB_PACKAGE}") from err
    finally:
        if foreign and loaded is not None:
            sys.modules["datasets"] = loaded
    if foreign:
        getattr(scannable, "_registered_modules", set()).add("datasets")
    return lancedb
