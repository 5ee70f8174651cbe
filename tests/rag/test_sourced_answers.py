"""Answers with sources on real documentation: the sentence splitter, the extractive answer and the citation checker."""

import json
import pydoc
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ragft.rag.citation_check import MIN_SUPPORT, check_citations, cited_ids, split_claims
from ragft.rag.doc_sentences import plain_text, split_units
from ragft.rag.embeddings import Embedder
from ragft.rag.sourced_answers import DENSE_CANDIDATES, candidate_sentences, extractive_answer, sourced_messages


@dataclass(frozen=True)
class Chunk:  # duck-types ragft.rag.documents.DocChunk
    id: str
    text: str
    source: str = "pydoc:json"
    section: str = ""


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


@pytest.fixture(scope="module")
def json_chunks() -> list[Chunk]:
    """Four chunks of `json`'s documentation as the running Python renders it, sliced by hand."""
    doc = pydoc.render_doc(json, renderer=pydoc.plaintext)
    return [
        Chunk("pydoc:json#0", _between(doc, "DESCRIPTION", "Compact encoding"), section="json"),
        Chunk("pydoc:json#1", _between(doc, "\n    dumps(", "\n    load("), section="json.dumps"),
        Chunk("pydoc:json#2", _between(doc, "\n    load(", "\n    loads("), section="json.load"),
        Chunk("pydoc:json#3", _between(doc, "\n    class JSONDecoder", "Methods defined here"), section="JSONDecoder"),
    ]


def test_pydoc_signatures_and_doctests_are_whole_units_and_prose_is_cut_into_sentences(json_chunks):
    units = split_units(json_chunks[2].text)
    assert units[0].is_code and units[0].text.startswith("load(fp, *, cls=None") and units[0].text.endswith("**kw)")
    assert not units[1].is_code and units[1].text.startswith("Deserialize ``fp``")
    assert units[1].text.endswith("to a Python object.")
    description = split_units(json_chunks[0].text)
    assert ">>> import json" in [u.text for u in description if u.is_code]
    assert all(u.text != "DESCRIPTION" for u in description)  # a heading separates units, it is none
    for chunk in json_chunks:  # every unit can be found again in its chunk
        assert all(u.text in plain_text(chunk.text) for u in split_units(chunk.text))


def test_a_signature_over_several_lines_is_one_unit_as_on_one_line():
    python_3_13 = ("    load(\n        fp,\n        *,\n        cls=None,\n        **kw\n    )\n"
                   "        Deserialize ``fp``.\n")
    python_3_11 = "    load(fp, *, cls=None, **kw)\n        Deserialize ``fp``.\n"
    assert split_units(python_3_13) == split_units(python_3_11) == [("load(fp, *, cls=None, **kw)", True),
                                                                     ("Deserialize ``fp``.", False)]
    assert plain_text(python_3_13) == plain_text(python_3_11)


def test_pydoc_class_margins_go_and_markdown_code_stays_whole():
    text = (" |  Simple decoder.\n |  It also understands ``NaN``.\n\n"
            "## Install\n\n- Run it. Then wait, e.g. a minute.\n- Done here.\n\n```\nx = f(). Then(y)\n```")
    assert split_units(text) == [("Simple decoder.", False), ("It also understands ``NaN``.", False),
                                 ("- Run it.", False), ("Then wait, e.g. a minute.", False),
                                 ("- Done here.", False), ("x = f(). Then(y)", True)]


def test_the_extractive_answer_copies_the_best_sentences_with_their_ids(json_chunks):
    answer = extractive_answer("How do I read a JSON document from a file into a Python object?", json_chunks)
    assert 1 <= len(answer.sentences) <= 3
    assert [s.score for s in answer.sentences] == sorted((s.score for s in answer.sentences), reverse=True)
    by_id = {c.id: c for c in json_chunks}
    for sentence, line in zip(answer.sentences, answer.text.splitlines()):
        assert line.endswith(f" [{sentence.source_id}]") and sentence.text in plain_text(by_id[sentence.source_id].text)
    assert any(s.text.startswith("Deserialize ``fp``") and s.source_id == "pydoc:json#2" for s in answer.sentences)


@pytest.mark.parametrize("method", ["dense", "bm25"])
def test_extractive_answers_pass_the_checker_on_real_pydoc(json_chunks, method):
    for question in ["How do I read a JSON file?", "How do I pretty-print JSON?", "What does NaN decode to?",
                     "How do I turn a Python dict into a JSON string?"]:
        answer = extractive_answer(question, json_chunks, method=method)
        report = check_citations(answer.text, json_chunks)
        assert report.ok, report.offending
        assert report.counts["claims"] == report.counts["cited"] == len(answer.sentences) == 3


def test_minilm_ranks_only_the_units_bm25_finds_closest_in_words():
    chunk = Chunk("notes.md#0", " ".join(f"Filler sentence number {i} here." for i in range(40))
                  + " Parse the JSON config file.")
    embedded = []
    fake = Embedder(encode=lambda texts: embedded.extend(texts) or np.ones((len(texts), 4)), cache_dir=None)
    answer = extractive_answer("How do I parse a JSON file?", [chunk], fake, max_sentences=1)
    assert len(embedded) == DENSE_CANDIDATES + 1 and "Parse the JSON config file." in embedded  # + the question
    assert answer.sentences[0].text == "Filler sentence number 0 here."  # all equal: the first of the kept ones


def test_nothing_to_copy_gives_an_empty_answer_and_a_wrong_method_is_refused(json_chunks):
    assert extractive_answer("Anything?", [Chunk("a.md#0", "FUNCTIONS\n\nTrue")]).text == ""
    with pytest.raises(ValueError, match="'dense' or 'bm25'"):
        extractive_answer("How?", json_chunks, method="tf-idf")
    with pytest.raises(ValueError, match="at least one retrieved chunk"):
        sourced_messages("How?", [])


CHUNKS = [Chunk("pydoc:json#2", "load(fp)\n    Deserialize fp (a file-like object) to a Python object."),
          Chunk("notes/setup.md#0", "Install the package with pip, then restart the kernel.")]


def test_the_checker_counts_foreign_ids_bad_quotes_uncited_and_unsupported_claims():
    answer = ("json.load deserializes a file-like object [pydoc:json#2]. "
              "Use the `load(fp)` function. [pydoc:json#2]\n"
              'It reads "a JSON string" [pydoc:json#2]. Restart the kernel [notes/setup.md#0] [pydoc:json#9].\n'
              "Kittens purr loudly at dawn [notes/setup.md#0]. It is fast.")
    report = check_citations(answer, CHUNKS)
    assert report.counts == {"claims": 6, "cited": 5, "uncited": 1, "unsupported": 2, "foreign_ids": 1,
                             "bad_quotes": 1}
    problems = dict(report.offending)
    assert problems["cites a source it was not given: pydoc:json#9"].startswith("Restart the kernel")
    assert problems["quote not in its source: 'a JSON string'"].startswith("It reads")
    assert problems["uncited"] == "It is fast."
    assert [c.support for c in report.claims][:2] == [5 / 6, 1 / 2] and not report.ok  # "json", "use", "function"


def test_a_citation_before_or_after_the_full_stop_belongs_to_its_sentence():
    for answer in ["Deserialize fp. [pydoc:json#2] Install with pip. [notes/setup.md#0]",
                   "Deserialize fp [pydoc:json#2]. Install with pip [notes/setup.md#0].",
                   "Deserialize fp.\n[pydoc:json#2]\nInstall with pip. [notes/setup.md#0]"]:
        assert [cited_ids(c) for c in split_claims(answer)] == [["pydoc:json#2"], ["notes/setup.md#0"]], answer
    assert check_citations("Install with pip and deserialize fp [notes/setup.md#0, pydoc:json#2].", CHUNKS).ok


def test_brackets_in_code_are_not_citations_but_known_ids_of_any_shape_are():
    assert cited_ids("`json.dumps(['foo', {'bar': 1}])` gives '[2.0, 1.0]' [pydoc:json#2]") == ["pydoc:json#2"]
    assert cited_ids("See [C0001] and [1, 2].", known_ids={"C0001", "1", "2"}) == ["C0001", "1", "2"]
    assert cited_ids("Read [the docs](https://x.org) [a b/c.md#12; d.txt#0]") == ["a b/c.md#12", "d.txt#0"]


@pytest.mark.parametrize("shared, total", [(1, 2), (2, 4), (3, 4), (1, 3), (0, 1)])  # exactly half is enough
def test_a_cited_claim_is_unsupported_below_half_of_its_content_words_in_its_source(shared, total):
    words = ["deserialize", "object", "python", "file"][:shared] + ["zebra", "quartz", "violin"][: total - shared]
    claim = " ".join(words) + " [pydoc:json#2]."
    (checked,) = check_citations(claim, CHUNKS).claims
    assert checked.support == shared / total
    assert ("unsupported" in " ".join(checked.problems)) == (shared / total < MIN_SUPPORT)


def test_plural_s_and_stopwords_do_not_count_and_a_sentence_without_content_words_is_no_claim():
    (checked,) = check_citations("The objects are deserialized from files [pydoc:json#2]. It is.", CHUNKS).claims
    assert checked.support == 2 / 3  # "object" and "file" match; "deserialized" is not "deserialize"


def test_quotes_are_checked_in_the_cited_chunk_or_any_chunk_when_uncited():
    cited_elsewhere = check_citations('It says "restart the kernel" [pydoc:json#2].', CHUNKS)
    assert cited_elsewhere.counts["bad_quotes"] == 1
    uncited = check_citations('It says "restart  the\tkernel" somewhere, then ``fp``.', CHUNKS)
    assert uncited.counts["bad_quotes"] == 0 and uncited.counts["uncited"] == 1


# Chunks of arbitrary text shaped like documentation: prose, code, quotes, brackets, margins, fences, headings.
_PIECES = st.sampled_from(["Read", "the", "file", "JSON", "e.g.", "x.", "Done.", "Why?", "load(fp)", ">>> f(x)",
                           "``obj``", '"quoted', "text\"", "`code`", "[1, 2]", "[a#1]", "#", "|", "```", ":", "-",
                           "1.", "THE END", "dict", "parse_float", "f(", ")", "(", "\n", "\n\n", " |  ", "    "])
_TEXTS = st.lists(_PIECES, min_size=1, max_size=40).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=4), st.data())
def test_any_answer_copied_from_the_chunks_with_their_ids_passes_the_checker(texts, data):
    chunks = [Chunk(f"doc{i}.md#{i}", text) for i, text in enumerate(texts)]
    candidates = candidate_sentences(chunks)
    copied = data.draw(st.lists(st.sampled_from(candidates), max_size=6) if candidates else st.just([]))
    report = check_citations("\n".join(s.cited() for s in copied), chunks)
    assert report.ok, report.offending
    assert report.counts["claims"] == report.counts["cited"] == len(copied)
