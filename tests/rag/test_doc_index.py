"""The learner's document index in LanceDB: kept in step with its files, persistent, and equal to NumPy's top-k."""

import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("lancedb")

from ragft.paths import REPO_ROOT  # noqa: E402
from ragft.rag import Embedder, VectorIndex  # noqa: E402
from ragft.rag.doc_index import DocIndex, DocIndexError, same_results_as_numpy  # noqa: E402
from ragft.rag.documents import DocChunk as Chunk  # noqa: E402
from ragft.rag.index_folder import MANIFEST  # noqa: E402
from ragft.rag.metrics import same_top_k  # noqa: E402



class WordHashes:
    """A tiny fake embedder: a text's vector sums one fixed random vector per word. Counts the texts it encodes."""

    def __init__(self, dim: int = 32) -> None:
        self.dim, self.encoded = dim, 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.array([sum(self._word(w) for w in text.split()) for text in texts])

    def _word(self, word: str) -> np.ndarray:
        return np.random.default_rng(list(word.encode())).standard_normal(self.dim)


def embedder(dim: int = 32, name: str = "word-hashes") -> Embedder:
    return Embedder(WordHashes(dim), name=name, cache_dir=None)


def encoded(index: DocIndex) -> int:
    return index.embedder.encode_fn.encoded


def document(source: str, *texts: str, digest: str = "v1") -> tuple[str, tuple[str, list[Chunk]]]:
    """One source's entry for `sync`: its digest and its chunks."""
    return source, (digest, [Chunk(f"{source}#{n}", text, source, f"part {n}") for n, text in enumerate(texts)])


FILES = dict([
    document("json.md", "json load reads a file into a dict", "json dumps writes a dict as text"),
    document("pathlib.md", "path read text opens and reads a file", "path glob lists files by pattern"),
    document("re.md", "re search finds a pattern in a string"),
])


def all_hits(index: DocIndex, query: str, **kwargs) -> list:
    return index.search(query, k=100, **kwargs)


def test_sync_adds_everything_once_and_search_finds_a_chunk_by_its_text(tmp_path):
    index = DocIndex(tmp_path / "index", embedder())
    report = index.sync(FILES)
    assert (report.added, report.updated, report.removed, report.embedded) == (list(FILES), [], [], 5)
    assert str(report) == "3 added, 0 updated, 0 removed, 0 unchanged (5 chunks embedded)"
    assert len(index) == 5 and encoded(index) == 5
    best = index.search("path glob lists files by pattern", k=2)
    assert (best[0].id, best[0].source, best[0].section) == ("pathlib.md#1", "pathlib.md", "part 1")
    assert best[0].score == pytest.approx(1.0, abs=1e-5) and best[0].score > best[1].score


def test_reopening_the_folder_embeds_nothing_and_keeps_every_chunk(tmp_path):
    DocIndex(tmp_path, embedder()).sync(FILES)
    reopened = DocIndex(tmp_path, embedder())  # as another process would: a new object, a new embedder
    report = reopened.sync(FILES)
    assert encoded(reopened) == 0 and report.unchanged == list(FILES) and report.embedded == 0
    assert len(reopened) == 5 and reopened.sources == {source: "v1" for source in FILES}
    assert reopened.search("re search finds a pattern in a string", 1)[0].id == "re.md#0"


def test_an_edited_or_deleted_source_leaves_nothing_stale(tmp_path):
    index = DocIndex(tmp_path, embedder())
    index.sync(FILES)
    files = dict(FILES)
    files.update([document("json.md", "json loads parses a string", digest="v2")])
    del files["re.md"]
    report = DocIndex(tmp_path, embedder()).sync(files)
    assert (report.added, report.updated, report.removed, report.unchanged) == ([], ["json.md"], ["re.md"],
                                                                               ["pathlib.md"])
    assert report.embedded == 1
    index = DocIndex(tmp_path, embedder())
    hits = all_hits(index, "json load reads a file into a dict")
    assert sorted(h.id for h in hits) == ["json.md#0", "pathlib.md#0", "pathlib.md#1"]
    assert [h.text for h in hits if h.source == "json.md"] == ["json loads parses a string"]


def test_search_filters_by_source_even_with_quotes_in_its_name(tmp_path):
    index = DocIndex(tmp_path, embedder())
    index.sync({**FILES, **dict([document("it's.md", "a file with a quote", "read a file")])})
    assert {h.source for h in all_hits(index, "read a file", source="it's.md")} == {"it's.md"}
    assert [h.id for h in index.search("read a file", 5, source="pathlib.md")] == ["pathlib.md#0", "pathlib.md#1"]
    assert index.search("read a file", 5, source="missing.md") == []


def test_rows_a_crash_left_behind_are_replaced_not_duplicated(tmp_path):
    DocIndex(tmp_path, embedder()).sync(FILES)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    del manifest["sources"]["re.md"]  # as if the process died after writing the table, before the manifest
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    index = DocIndex(tmp_path, embedder())
    assert index.sync(FILES).added == ["re.md"]
    assert len(index) == 5 and len(index.search("re search", 10, source="re.md")) == 1


def test_another_embedder_or_dimension_is_refused_until_rebuilt(tmp_path):
    DocIndex(tmp_path, embedder()).sync(FILES)
    with pytest.raises(DocIndexError, match=r"built with the embedder .word-hashes.*rebuild=True\)"):
        DocIndex(tmp_path, embedder(name="other-model"))
    with pytest.raises(DocIndexError, match="16-dimensional vectors but the index holds 32"):
        DocIndex(tmp_path, embedder(dim=16)).sync({**FILES, **dict([document("new.md", "new text")])})
    rebuilt = DocIndex(tmp_path, embedder(dim=16, name="other-model"), rebuild=True)
    assert len(rebuilt) == 0 and rebuilt.sync(FILES).embedded == 5
    assert DocIndex(tmp_path, embedder(dim=16, name="other-model")).vectors()[1].shape == (5, 16)
    with pytest.raises(ValueError, match="give the Embedder a name"):
        DocIndex(tmp_path, Embedder(WordHashes(), cache_dir=None))


def test_a_foreign_or_damaged_folder_is_refused_and_left_untouched(tmp_path):
    foreign = tmp_path / "my_notes"
    foreign.mkdir()
    (foreign / "todo.md").write_text("keep me")
    with pytest.raises(DocIndexError, match="not a document index"):
        DocIndex(foreign, embedder())
    assert [p.name for p in foreign.iterdir()] == ["todo.md"]
    with pytest.raises(DocIndexError, match="not a document index"):
        DocIndex(foreign, embedder(), rebuild=True)  # rebuilding never empties a folder that is not an index
    assert (foreign / "todo.md").read_text() == "keep me"
    damaged = tmp_path / "index"
    DocIndex(damaged, embedder()).sync(FILES)
    (damaged / MANIFEST).write_text("{not json")
    with pytest.raises(DocIndexError, match="damaged.*unreadable"):
        DocIndex(damaged, embedder())
    (damaged / MANIFEST).write_text(json.dumps({"format": "ragft-doc-index/1", "embedder": "word-hashes",
                                                "dim": 32, "sources": {"json.md": "v1"}}))
    for table_file in sorted((damaged / "chunks.lance").rglob("*"), reverse=True):
        table_file.unlink() if table_file.is_file() else table_file.rmdir()
    (damaged / "chunks.lance").rmdir()
    with pytest.raises(DocIndexError, match="damaged: its table of chunks is missing"):
        DocIndex(damaged, embedder())
    assert DocIndex(damaged, embedder(), rebuild=True).sync(FILES).embedded == 5


def test_bad_input_is_refused_before_the_index_changes(tmp_path):
    index = DocIndex(tmp_path, embedder())
    with pytest.raises(ValueError, match="index is empty"):
        index.search("anything", 3)
    with pytest.raises(ValueError, match="says its source is 'a.md' but is listed under 'b.md'"):
        index.sync({"b.md": ("v1", [Chunk("a.md#0", "text", "a.md", "")])})
    with pytest.raises(ValueError, match="duplicate chunk id 'a.md#0'"):
        index.sync({"a.md": ("v1", [Chunk("a.md#0", "one", "a.md", ""), Chunk("a.md#0", "two", "a.md", "")])})
    assert len(index) == 0 and index.sources == {} and encoded(index) == 0
    index.sync(FILES)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        index.search("json", 0)
    with pytest.raises(ValueError, match="have 3 dimensions but the index holds 32"):
        index.search(np.ones(3), 1)


def random_vector_index(tmp_path, count: int = 400, dim: int = 24) -> tuple[DocIndex, np.ndarray]:
    """An index of `count` random unit vectors (the chunk text "v{i}" embeds to vector i), in 8 sources."""
    vectors = np.random.default_rng(3).standard_normal((count, dim))
    index = DocIndex(tmp_path, Embedder(lambda texts: vectors[[int(t[1:]) for t in texts]], name="random",
                                        cache_dir=None))
    files: dict[str, tuple[str, list[Chunk]]] = {}
    for i in range(count):
        files.setdefault(f"s{i % 8}", ("v1", []))[1].append(Chunk(f"c{i}", f"v{i}", f"s{i % 8}", ""))
    index.sync(files)
    return index, vectors


def test_exact_search_returns_numpys_top_k_on_the_same_vectors(tmp_path):
    index, vectors = random_vector_index(tmp_path)
    queries = np.random.default_rng(4).standard_normal((30, vectors.shape[1]))
    same, max_diff = same_results_as_numpy(index, queries, k=10)
    assert same and max_diff < 1e-5
    twin = VectorIndex()
    twin.add([f"c{i}" for i in range(len(vectors))], vectors)
    (ids,), (scores,) = twin.search(queries[:1], 10)
    hits = index.search(queries[0], 10)
    assert same_top_k([h.id for h in hits], [h.score for h in hits], ids, scores)


def test_the_approximate_index_finds_most_of_the_exact_top_k(tmp_path):
    index, vectors = random_vector_index(tmp_path)
    index.build_approximate_index()
    queries = np.random.default_rng(5).standard_normal((20, vectors.shape[1]))
    recalls = [len({h.id for h in index.search(q, 10, approximate=True)} & {h.id for h in index.search(q, 10)}) / 10
               for q in queries]
    assert np.mean(recalls) >= 0.8
    assert {h.source for h in index.search(queries[0], 5, source="s3", approximate=True)} == {"s3"}


def test_a_folder_named_datasets_on_the_path_does_not_break_the_index(tmp_path, monkeypatch):
    # From the course's root, `import datasets` (done by sentence-transformers) loads the data folder as a namespace
    # package; LanceDB then tried Hugging Face's converter on every add and failed with an ImportError.
    import types

    from lancedb import scannable

    namespace = types.ModuleType("datasets")
    namespace.__path__ = [str(tmp_path)]  # a namespace package: a path, no __file__
    monkeypatch.setitem(sys.modules, "datasets", namespace)
    monkeypatch.setattr(scannable, "_registered_modules", set())
    index = DocIndex(tmp_path / "index", embedder())
    index.sync(dict([document("a.md", "alpha beta", "gamma delta")]))  # creates the table
    index.sync(dict([document("a.md", "alpha beta", "gamma delta"), document("b.md", "epsilon")]))  # adds rows
    assert len(index) == 3


def test_the_index_works_when_the_courses_datasets_folder_shadows_hugging_faces_datasets(tmp_path):
    # From the repository's root the datasets/ folder is a namespace package `datasets`; sentence-transformers
    # imports it at every batch, and LanceDB would take it for Hugging Face's when it imports and when it writes.
    code = ("import datasets, sys, numpy as np; assert not hasattr(datasets, 'Dataset'); "
            "from ragft.rag import Embedder; from ragft.rag.doc_index import DocIndex; "
            "from ragft.rag.documents import DocChunk; "
            "fake = Embedder(lambda texts: np.ones((len(texts), 4)), name='ones', cache_dir=None); "
            f"index = DocIndex({str(tmp_path)!r}, fake); "
            "import datasets; "  # imported again, as embedding a batch does
            "index.sync({'a.md': ('v1', [DocChunk('a.md#0', 'text', 'a.md', '')])}); print(len(index))")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "1", run.stderr[-1500:]
