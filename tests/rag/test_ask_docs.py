"""The logic of `python -m ragft.ask`: a folder's index kept in step with its files, answers with sources, --eval."""

import sys
import types

import numpy as np
import pytest

pytest.importorskip("lancedb")

from ragft.rag import DenseRetriever, Embedder  # noqa: E402
from ragft.rag.ask_docs import (  # noqa: E402
    answer_question, default_index_dir, evaluate_questions, index_files, open_docs_index, questions_without_gold)
from ragft.rag.doc_eval import DocQuestion, doc_retrieval_scores  # noqa: E402
from ragft.rag.documents import DocumentsError, load_folder  # noqa: E402
from ragft.rag.index_folder import DocIndexError  # noqa: E402

from docs_folder import FILES, write_docs  # noqa: E402


class WordHashes:
    """A tiny fake embedder: a text's vector sums one fixed random vector per lower-cased word; counts its texts."""

    def __init__(self) -> None:
        self.encoded = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.array([sum((self._word(w) for w in text.lower().split()), np.zeros(32)) for text in texts])

    @staticmethod
    def _word(word: str) -> np.ndarray:
        return np.random.default_rng(list(word.strip(".,?()").encode()) or [0]).standard_normal(32)


def fake_embedder() -> Embedder:
    return Embedder(WordHashes(), name="word-hashes", cache_dir=None)


@pytest.fixture
def docs(tmp_path):
    return write_docs(tmp_path / "docs")


def open_index(docs, tmp_path, **kwargs):
    return open_docs_index(docs, tmp_path / "index", embedder=fake_embedder(), **kwargs)


def all_hits(docs_index, query):
    return docs_index.index.search(query, k=100)


def test_the_default_index_is_under_the_cache_keyed_by_the_absolute_path(docs, tmp_path, monkeypatch):
    twin = tmp_path / "elsewhere" / "docs"
    monkeypatch.chdir(docs.parent)
    assert default_index_dir("docs") == default_index_dir(docs) != default_index_dir(twin)
    assert default_index_dir(docs).name.startswith("docs-") and not default_index_dir(docs).is_relative_to(docs)
    assert default_index_dir(None) != default_index_dir(docs)


def test_first_open_embeds_every_chunk_and_answers_with_sources(docs, tmp_path):
    docs_index = open_index(docs, tmp_path)
    report = docs_index.report
    assert sorted(report.added) == sorted(FILES) and report.embedded == len(docs_index.chunks) == len(docs_index.index)
    result = answer_question(docs_index.index, "how do I reset the settings of sparrow?", k=3, sentences=2)
    assert result.hits[0].source == "faq.txt" and len(result.hits) == 3
    assert len(result.answer.sentences) == 2
    assert {s.source_id for s in result.answer.sentences} <= {h.id for h in result.hits}
    assert result.check.ok and result.check.counts["claims"] == 2


def test_a_second_open_embeds_nothing(docs, tmp_path):
    open_index(docs, tmp_path)
    again = open_index(docs, tmp_path)
    assert again.report.embedded == 0 and again.index.embedder.encode_fn.encoded == 0
    assert sorted(again.report.unchanged) == sorted(FILES)


def test_an_edited_file_alone_is_embedded_again_and_its_old_text_is_never_returned(docs, tmp_path):
    open_index(docs, tmp_path)
    (docs / "faq.txt").write_text("Sparrow now keeps its settings in the registry.\n", encoding="utf-8")
    edited = open_index(docs, tmp_path)
    assert (edited.report.updated, edited.report.embedded) == (["faq.txt"], 1)
    texts = [hit.text for hit in all_hits(edited, "sparrow.toml home folder")]
    assert len(texts) == len(edited.chunks) and not any("sparrow.toml" in t for t in texts)
    assert any("registry" in t for t in texts)


def test_a_deleted_file_loses_its_chunks(docs, tmp_path):
    open_index(docs, tmp_path)
    (docs / "api.html").unlink()
    shrunk = open_index(docs, tmp_path)
    assert (shrunk.report.removed, shrunk.report.embedded) == (["api.html"], 0)
    assert all(hit.source != "api.html" for hit in all_hits(shrunk, "sparrow fly sing"))


def test_another_chunk_size_counts_as_a_change(docs, tmp_path):
    first = open_index(docs, tmp_path)
    resized = open_index(docs, tmp_path, size=4, overlap=1)
    assert sorted(resized.report.updated) == sorted(FILES) and len(resized.chunks) > len(first.chunks)
    assert index_files(load_folder(docs))["faq.txt"][0] != index_files(load_folder(docs), 4, 1)["faq.txt"][0]


def test_an_index_of_another_embedder_is_refused_until_rebuilt(docs, tmp_path):
    open_index(docs, tmp_path)
    other = Embedder(WordHashes(), name="other-words", cache_dir=None)
    with pytest.raises(DocIndexError, match="built with the embedder 'word-hashes'"):
        open_docs_index(docs, tmp_path / "index", embedder=other)
    rebuilt = open_docs_index(docs, tmp_path / "index", embedder=other, rebuild=True)
    assert rebuilt.report.embedded == len(rebuilt.chunks)


def test_the_index_never_goes_into_the_documents_folder(docs, tmp_path):
    with pytest.raises(DocIndexError, match="inside the documents folder"):
        open_docs_index(docs, docs / "index", embedder=fake_embedder())
    assert not (docs / "index").exists()


def test_documents_without_text_are_an_error(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "blank.md").write_text("\n  \n", encoding="utf-8")
    with pytest.raises(DocumentsError, match="hold no text"):
        open_index(tmp_path / "docs", tmp_path)


def test_eval_scores_equal_the_dense_retriever_on_the_same_chunks(docs, tmp_path):
    docs_index = open_index(docs, tmp_path)
    questions = [DocQuestion("how do I install on windows?", "guide/install.md", ("Install > Windows",)),
                 DocQuestion("how do I install on linux?", "guide/install.md", ("Install > Linux",)),
                 DocQuestion("where are the settings kept?", "faq.txt"),
                 DocQuestion("what does fly return?", "api.html", ("API > sparrow.fly",)),
                 DocQuestion("how do I play a song?", "api.html", ("API > sparrow.sing",))]
    scores = evaluate_questions(docs_index, questions)
    chunks = docs_index.chunks
    twin = DenseRetriever([c.text for c in chunks], [c.id for c in chunks], fake_embedder())
    assert scores == pytest.approx(doc_retrieval_scores(twin, chunks, questions)) and scores["questions"] == 5
    with pytest.raises(ValueError, match="no questions"):
        evaluate_questions(docs_index, [])


def test_questions_whose_gold_is_in_no_chunk_are_named(docs, tmp_path):
    chunks = open_index(docs, tmp_path).chunks
    good = DocQuestion("q", "faq.txt")
    misspelt_source, misspelt_section = DocQuestion("q", "FAQ.txt"), DocQuestion("q", "api.html", ("API > fly",))
    assert questions_without_gold([good, misspelt_source, misspelt_section], chunks) == [misspelt_source,
                                                                                         misspelt_section]


def test_the_default_corpus_is_the_stdlib_pydoc(tmp_path):
    docs_index = open_docs_index(None, tmp_path / "index", embedder=fake_embedder())
    sources = docs_index.index.sources
    assert {c.source for c in docs_index.chunks} == set(sources) and "pydoc:json" in sources
    assert any(c.section == "json.load" for c in docs_index.chunks)


def test_updates_work_while_the_course_datasets_folder_shadows_hugging_faces_datasets(docs, tmp_path, monkeypatch):
    # Run from the repository, transformers imports the course's datasets/ folder as the namespace package
    # `datasets`; LanceDB's add (an update, not the first write) then tried to convert from it and failed.
    open_index(docs, tmp_path)
    monkeypatch.setitem(sys.modules, "datasets", types.ModuleType("datasets"))  # like a namespace package: no file
    (docs / "faq.txt").write_text("Sparrow now keeps its settings in the registry.\n", encoding="utf-8")
    assert open_index(docs, tmp_path).report.updated == ["faq.txt"]
