"""Retrieval on real documentation: the shipped question set's integrity, the metrics on tiny inputs, and chapter
06's claim: the recorded chunk size, overlap and retriever are the best on dev questions, measured again here."""

import json

import pytest

from ragft.rag.bm25 import tokenize
from ragft.rag.doc_eval import (CURVE_OVERLAPS, CURVE_SIZES, DOCS_RETRIEVER, QUESTIONS_FILE, DocQuestion,
                                RandomRetriever, best_setting, chunk_size_curve, doc_retrieval_report,
                                doc_retrieval_scores, doc_retrievers, hit_lists, load_doc_questions)
from ragft.rag.documents import DEFAULT_MODULES, DocChunk, stdlib_corpus
from ragft.rag.embeddings import MemoEmbedder
from ragft.rag.retriever import Hit
from ragft.rag.sections import DOCS_CHUNK_WORDS, DOCS_OVERLAP, chunk_documents, document_sections


@pytest.fixture(scope="module")
def documents():
    return stdlib_corpus()


@pytest.fixture(scope="module")
def section_texts(documents):
    return {doc.source: dict(document_sections(doc)) for doc in documents}


# ---- the question set ------------------------------------------------------------------------------------------


def test_the_question_set_is_large_varied_and_split_without_overlap():
    questions = load_doc_questions()
    dev, test = load_doc_questions(split="dev"), load_doc_questions(split="test")
    assert len(questions) >= 80 and len(dev) + len(test) == len(questions)
    assert len({q.id for q in questions}) == len({q.question.lower() for q in questions}) == len(questions)
    assert not {q.question.lower() for q in dev} & {q.question.lower() for q in test}
    assert 0.35 <= len(dev) / len(questions) <= 0.45
    assert {q.source for q in questions} == {f"pydoc:{m}" for m in DEFAULT_MODULES}, "every module is asked about"
    assert {q.source for q in dev} == {q.source for q in test}, "every module has questions in both splits"
    readme = (QUESTIONS_FILE.parent / "README.md").read_text()
    assert f"{len(questions)} questions" in readme and f"`dev` ({len(dev)} questions" in readme


def test_every_gold_section_exists_in_the_corpus_rendered_on_this_python(section_texts):
    missing = [(q.id, s) for q in load_doc_questions() for s in q.sections if s not in section_texts[q.source]]
    assert not missing, f"gold sections this Python's pydoc does not have: {missing}"
    assert all(q.sections for q in load_doc_questions())


def test_no_question_quotes_the_documentation(section_texts):
    def five_grams(text):
        words = tokenize(text)
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    quoting = [q.id for q in load_doc_questions()
               if any(five_grams(q.question) & five_grams(section_texts[q.source][s]) for s in q.sections)]
    assert not quoting


def test_question_files_give_clear_errors_and_accept_a_learners_own_format(tmp_path):
    with pytest.raises(FileNotFoundError, match="Fix"):
        load_doc_questions(tmp_path / "none.jsonl")
    with pytest.raises(ValueError, match="split must be"):
        load_doc_questions(split="train")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q?", "source": "a.md"}\n{"question": "no source"}\n')
    with pytest.raises(ValueError, match="line 2"):
        load_doc_questions(bad)
    own = tmp_path / "own.jsonl"
    own.write_text('{"question": "how do I install it?", "source": "guide.md"}\n\n')
    (question,) = load_doc_questions(own)
    assert question == DocQuestion("how do I install it?", "guide.md", (), "test", "own:1")
    assert question.is_hit(DocChunk("guide.md#4", "t", "guide.md", "Any > Section"))
    assert not question.is_hit(DocChunk("other.md#0", "t", "other.md", ""))


# ---- metrics on tiny inputs ------------------------------------------------------------------------------------


CHUNKS = [DocChunk(f"m#{i}", f"text {i}", "pydoc:m", section) for i, section in enumerate("abcde")]


class Fixed:
    """A retriever that returns the same chunks, in order, for every query."""

    def __init__(self, ids):
        self.ids = ids

    def search(self, query, k):
        return [Hit(i, 1.0) for i in self.ids[:k]]


def test_a_hit_is_any_gold_section_and_recall_counts_questions_with_one():
    questions = [DocQuestion("q1", "pydoc:m", ("c", "d")), DocQuestion("q2", "pydoc:m", ("e",)),
                 DocQuestion("q3", "pydoc:other", ("a",))]
    retriever = Fixed(["m#0", "m#3", "m#2", "m#1", "m#4"])
    assert hit_lists(retriever, CHUNKS, questions[:1], k=3) == [["m#0", "<gold>", "<gold>"]]
    scores = doc_retrieval_scores(retriever, CHUNKS, questions)
    assert scores["recall@1"] == 0 and scores["recall@5"] == pytest.approx(2 / 3)
    assert scores["MRR"] == pytest.approx((1 / 2 + 1 / 5 + 0) / 3) and scores["questions"] == 3


def test_the_random_baseline_is_repeatable_and_draws_distinct_chunks():
    random = RandomRetriever(CHUNKS)
    first = [hit.id for hit in random.search("a question", 3)]
    assert first == [hit.id for hit in random.search("a question", 3)] and len(set(first)) == 3
    assert len(random.search("another", 10)) == len(CHUNKS)


def test_best_setting_prefers_the_metric_then_the_other_then_smaller_chunks():
    def row(size, overlap, **scores):
        return {"size": size, "overlap": overlap, "scores": {n: {"recall@5": r, "MRR": m} for n, (r, m) in scores.items()}}

    curve = [row(64, 0, dense=(0.8, 0.6), BM25=(0.7, 0.7)), row(128, 0, dense=(0.8, 0.6), BM25=(0.8, 0.5)),
             row(256, 0, dense=(0.8, 0.6)), row(256, 13, BM25=(0.6, 0.7))]
    assert best_setting(curve) == ("BM25", 64, 0)
    assert best_setting(curve, "recall@5", then="MRR") == ("dense", 64, 0)


# ---- the claim: the recorded setting is the best on dev questions ------------------------------------------------


@pytest.fixture(scope="module")
def embedder():
    return MemoEmbedder()


@pytest.fixture(scope="module")
def dev_curve(documents, embedder):
    return chunk_size_curve(documents, load_doc_questions(split="dev"), CURVE_SIZES, CURVE_OVERLAPS, embedder)


def test_the_recorded_setting_is_the_best_on_dev_within_noise(dev_curve):
    # One question moves recall@5 by 1/n and MRR by at most 1/n: the recorded setting may trail the best by the
    # equivalent of three questions (pydoc's text differs a little between Python versions).
    n_dev = len(load_doc_questions(split="dev"))
    rows = {(row["size"], row["overlap"]): row["scores"] for row in dev_curve}
    chosen = rows[(DOCS_CHUNK_WORDS, DOCS_OVERLAP)][DOCS_RETRIEVER]
    best = {m: max(s[m] for row in rows.values() for s in row.values()) for m in ("MRR", "recall@5")}
    print(f"\ndev ({n_dev} questions): recorded {DOCS_RETRIEVER}, {DOCS_CHUNK_WORDS} words, overlap {DOCS_OVERLAP}: "
          f"MRR {chosen['MRR']:.3f}, recall@5 {chosen['recall@5']:.3f}; best on the curve {best}; "
          f"best_setting {best_setting(dev_curve)}")
    for metric in ("MRR", "recall@5"):
        assert chosen[metric] >= best[metric] - 3 / n_dev, f"the recorded setting's {metric} is far from the best"
    others = [name for name in rows[(DOCS_CHUNK_WORDS, DOCS_OVERLAP)] if name != DOCS_RETRIEVER]
    assert all(chosen["MRR"] >= rows[(DOCS_CHUNK_WORDS, DOCS_OVERLAP)][n]["MRR"] for n in others)


def test_on_test_questions_retrieval_finds_the_right_section_far_above_chance(documents, embedder):
    test = load_doc_questions(split="test")
    chunks = chunk_documents(documents)
    report = doc_retrieval_report(doc_retrievers(chunks, embedder), chunks, test)
    print(f"\ntest ({len(test)} questions, {len(chunks)} chunks): " + json.dumps(
        {name: {k: round(v, 3) for k, v in s.items() if k != "questions"} for name, s in report.items()}))
    chosen = report[DOCS_RETRIEVER]
    assert report["random"]["recall@5"] <= 0.1, "chance finds a gold section for a few questions at most"
    assert chosen["recall@5"] >= 0.6 and chosen["recall@1"] >= 0.3
    assert chosen["recall@5"] >= report["random"]["recall@5"] + 0.5
    assert chosen["MRR"] >= report["BM25"]["MRR"], "developer words are not the documentation's: BM25 trails"
