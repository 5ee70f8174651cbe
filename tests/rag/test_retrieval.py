"""RAG pieces without embeddings: chunking, BM25 (by hand and against bm25s), RRF, metrics, prompts, the pipeline."""

import math

import numpy as np
import pytest

from ragft.rag import (RAG, SOURCES_TEMPLATE, BM25Index, Hit, HybridRetriever, PromptTemplate, build_prompt,
                       chunk_sentences, chunk_words, mrr, recall_at_k, rrf, same_top_k, split_sentences, tokenize)
from ragft.world.prompts import reading_prompt

# ---- chunking ------------------------------------------------------------------------------------------------


def test_chunk_words_overlap_repeats_the_tail_of_the_previous_chunk_and_covers_every_word():
    text = " ".join(f"w{i}" for i in range(11))
    chunks = chunk_words(text, size=4, overlap=2)
    assert chunks == ["w0 w1 w2 w3", "w2 w3 w4 w5", "w4 w5 w6 w7", "w6 w7 w8 w9", "w8 w9 w10"]
    for previous, chunk in zip(chunks, chunks[1:]):
        assert previous.split()[-2:] == chunk.split()[:2]
    assert chunk_words(text, size=4) == ["w0 w1 w2 w3", "w4 w5 w6 w7", "w8 w9 w10"]


def test_chunk_words_short_and_empty_texts():
    assert chunk_words("only three words", size=10, overlap=5) == ["only three words"]
    assert chunk_words("  ", size=10) == []


@pytest.mark.parametrize(
    "size, overlap, message",
    [(4, 4, "overlap must be at least 0 and smaller than size"), (4, 7, "smaller than size.*overlap=1"),
     (4, -1, "at least 0"), (0, 0, "size must be a positive number of words"), (-3, 0, "positive number of words")],
)
def test_chunk_words_rejects_bad_windows_with_the_fix(size, overlap, message):
    with pytest.raises(ValueError, match=message):
        chunk_words("a b c d e f", size, overlap)


def test_sentences_keep_case_names_together_and_chunk_with_overlap():
    text = "Marlow v. Teague [2019] VHC 114 is a tenancy case. Marlow sued Teague. The court held that x! Why?"
    assert split_sentences(text) == [
        "Marlow v. Teague [2019] VHC 114 is a tenancy case.", "Marlow sued Teague.", "The court held that x!", "Why?"
    ]
    assert chunk_sentences(text, size=3, overlap=1) == [
        "Marlow v. Teague [2019] VHC 114 is a tenancy case. Marlow sued Teague. The court held that x!",
        "The court held that x! Why?",
    ]
    with pytest.raises(ValueError, match="size must be a positive number of sentences"):
        chunk_sentences(text, size=0)


# ---- BM25 ----------------------------------------------------------------------------------------------------


def test_tokenize_lowercases_keeps_letters_and_digits_and_drops_stopwords():
    assert tokenize("Marlow v. Teague [2019] VHC 114: the tenant's deposit") == [
        "marlow", "v", "teague", "2019", "vhc", "114", "the", "tenant", "s", "deposit"
    ]
    assert tokenize("What did the court hold?", stopwords={"what", "did", "the"}) == ["court", "hold"]


def test_bm25_scores_match_a_hand_computation():
    index = BM25Index(["the cat sat", "the dog sat on the mat", "cats and dogs"], ids=["d0", "d1", "d2"])
    # N = 3 passages of 3, 6 and 3 tokens: avgdl = 4. "cat" is in 1 passage, "sat" in 2.
    idf_cat = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    idf_sat = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    tf_part_d0 = 1 * (1.5 + 1) / (1 + 1.5 * (1 - 0.75 + 0.75 * 3 / 4))  # tf = 1 in a 3-token passage
    tf_part_d1 = 1 * (1.5 + 1) / (1 + 1.5 * (1 - 0.75 + 0.75 * 6 / 4))  # tf = 1 in a 6-token passage
    expected = [(idf_cat + idf_sat) * tf_part_d0, idf_sat * tf_part_d1, 0.0]
    assert index.scores("cat sat") == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx([1.634741, 0.383676, 0.0], abs=1e-6)
    hits = index.search("Cat, sat!", k=3)
    assert [(h.id, h.text) for h in hits] == [("d0", "the cat sat"), ("d1", "the dog sat on the mat")]  # d2 no match
    assert [h.score for h in hits] == pytest.approx(expected[:2])


def test_bm25_length_normalisation_and_stable_ties():
    texts = ["deposit", "deposit deposit rent rent rent rent", "deposit", "rent"]
    assert [h.id for h in BM25Index(texts).search("deposit", 3)] == ["0", "2", "1"]  # short first, ties by position
    assert [h.id for h in BM25Index(texts, b=0.0).search("deposit", 3)] == ["1", "0", "2"]  # b=0: no length penalty


def test_bm25_top10_equals_bm25s_with_lucene_idf_and_okapi_tf():
    bm25s = pytest.importorskip("bm25s")
    rng = np.random.default_rng(7)
    vocab = [f"term{i}" for i in range(150)]
    zipf = 1 / np.arange(1, 151)
    texts = [" ".join(rng.choice(vocab, size=rng.integers(4, 40), p=zipf / zipf.sum())) for _ in range(200)]
    queries = [" ".join(rng.choice(vocab, size=rng.integers(1, 5))) for _ in range(50)]
    ours = BM25Index(texts)
    # bm25s's "atire" term weight is Okapi's tf * (k1 + 1) / (tf + k1 * norm); its "lucene" IDF is ours.
    reference = bm25s.BM25(k1=1.5, b=0.75, method="atire", idf_method="lucene", dtype="float64")
    reference.index([tokenize(t) for t in texts], show_progress=False)
    for query in queries:
        assert ours.scores(query) == pytest.approx(reference.get_scores(tokenize(query)), abs=1e-9)
        hits = ours.search(query, 10)
        docs, scores = reference.retrieve([tokenize(query)], k=10, show_progress=False)
        matched = scores[0] > 0  # bm25s pads with passages that share no token with the query
        assert same_top_k([h.id for h in hits], [h.score for h in hits], [str(d) for d in docs[0][matched]],
                          scores[0][matched])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [({"texts": []}, ValueError, "non-empty list"), ({"texts": "one text"}, ValueError, "non-empty list"),
     ({"texts": ["a", "b"], "ids": ["x", "x"]}, ValueError, "duplicate id 'x'"),
     ({"texts": ["a", "b"], "ids": ["x"]}, ValueError, "got 1 ids for 2 items"),
     ({"texts": ["a"], "b": 1.5}, ValueError, "0 <= b <= 1")],
)
def test_bm25_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        BM25Index(**kwargs)


def test_search_rejects_a_bad_k():
    with pytest.raises(ValueError, match="k must be a positive integer"):
        BM25Index(["a"]).search("a", 0)


# ---- hybrid ranking --------------------------------------------------------------------------------------------


def test_rrf_on_a_hand_example():
    rankings = [["a", "b", "c"], ["b", "c", "d"]]
    fused = rrf(rankings, k=60)
    assert [doc for doc, _ in fused] == ["b", "c", "a", "d"]
    assert [score for _, score in fused] == pytest.approx([1 / 62 + 1 / 61, 1 / 63 + 1 / 62, 1 / 61, 1 / 63])
    assert [doc for doc, _ in rrf(rankings, k=0)] == ["b", "a", "c", "d"]  # k=0: a first place counts far more
    assert rrf([["x", "y"], ["y", "x"]]) == [("x", 1 / 61 + 1 / 62), ("y", 1 / 62 + 1 / 61)]  # tie: first seen first


class FixedRetriever:
    """A retriever that always returns the same ranking."""

    def __init__(self, *ids: str) -> None:
        self.ids = ids

    def search(self, query: str, k: int) -> list[Hit]:
        return [Hit(i, 1.0 / rank, f"text of {i}") for rank, i in enumerate(self.ids[:k], start=1)]


def test_hybrid_retriever_fuses_rankings_and_keeps_texts():
    hybrid = HybridRetriever(FixedRetriever("a", "b", "c"), FixedRetriever("b", "c", "d"), depth=10)
    hits = hybrid.search("anything", k=3)
    assert [h.id for h in hits] == ["b", "c", "a"]
    assert hits[0].score == pytest.approx(1 / 62 + 1 / 61)
    assert hits[2].text == "text of a"
    with pytest.raises(ValueError, match="at least one retriever"):
        HybridRetriever()


def test_hybrid_of_two_bm25_settings_runs_end_to_end():
    texts = ["the deposit must be returned", "rent is due monthly", "a deposit and the rent"]
    hybrid = HybridRetriever(BM25Index(texts), BM25Index(texts, b=0.0))
    assert [h.id for h in hybrid.search("deposit", 5)] == ["0", "2"]


# ---- metrics -----------------------------------------------------------------------------------------------------

RETRIEVED = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]
GOLD = [{"b"}, {"f", "x"}, {"z"}]


def test_recall_at_k_on_a_hand_example():
    assert recall_at_k(RETRIEVED, GOLD, k=1) == 0.0
    assert recall_at_k(RETRIEVED, GOLD, k=2) == pytest.approx((1 + 0 + 0) / 3)
    assert recall_at_k(RETRIEVED, GOLD, k=3) == pytest.approx((1 + 0.5 + 0) / 3)


def test_mrr_on_a_hand_example():
    assert mrr(RETRIEVED, GOLD) == pytest.approx((1 / 2 + 1 / 3 + 0) / 3)
    assert mrr(RETRIEVED, GOLD, k=2) == pytest.approx((1 / 2 + 0 + 0) / 3)


def test_metrics_reject_mismatched_input():
    with pytest.raises(ValueError, match="3 retrieved lists but 2 gold sets"):
        recall_at_k(RETRIEVED, GOLD[:2], k=1)
    with pytest.raises(ValueError, match=r"query 0: gold ids must be a non-empty collection.*\[id\]"):
        mrr([["a"]], ["a"])
    with pytest.raises(ValueError, match="k must be a positive integer"):
        recall_at_k(RETRIEVED, GOLD, k=0)


def test_same_top_k_forgives_only_tied_scores():
    assert same_top_k(["a", "b", "c"], [3, 2, 2], ["a", "c", "b"], [3, 2, 2])  # tie swapped
    assert same_top_k(["a", "b", "c"], [3, 2, 1], ["a", "b", "d"], [3, 2, 1])  # d ties with c at the cut-off
    assert not same_top_k(["a", "b", "c"], [3, 2, 1], ["b", "a", "c"], [3, 2, 1])  # not tied: order matters
    assert not same_top_k(["a", "b"], [3, 2], ["a", "b"], [3, 1])


# ---- prompts and the pipeline ------------------------------------------------------------------------------------

PASSAGES = [Hit("P-C0001-1", 0.9, "Marlow v. Teague [2019] VHC 114 is a tenancy case."), Hit("P-S1-1", 0.5, "The Act.")]


def test_default_prompt_is_exactly_the_tiny_gpts_reading_format():
    prompt = build_prompt("Who won?", PASSAGES)
    assert prompt == "Context: Marlow v. Teague [2019] VHC 114 is a tenancy case. The Act.\nQuestion: Who won?\nAnswer:"
    assert prompt == reading_prompt([p.text for p in PASSAGES], "Who won?")


def test_sources_prompt_tags_each_passage_with_its_id():
    prompt = build_prompt("Who won?", PASSAGES, SOURCES_TEMPLATE)
    assert "Sources:\n[P-C0001-1] Marlow v. Teague [2019] VHC 114 is a tenancy case.\n[P-S1-1] The Act.\n\n" in prompt
    assert prompt.endswith("\n\nQuestion: Who won?\nAnswer:")


def test_custom_templates_need_both_placeholders():
    template = PromptTemplate("<{context}> {question}", passage="{id}={text}")
    assert build_prompt("Q", PASSAGES[1:], template) == "<P-S1-1=The Act.> Q"
    with pytest.raises(ValueError, match=r"needs a \{question\} placeholder"):
        PromptTemplate("Context: {context}\nAnswer:")


def test_rag_pipeline_retrieves_prompts_generates_and_checks():
    texts = ["Marlow v. Teague [2019] VHC 114: a landlord must return a deposit within 14 days.",
             "Ashby v. Crane [2021] VCA 7: an employer must give four weeks notice.",
             "The Tenancy Act 2001 governs deposits."]
    prompts = []

    def generate(prompt: str) -> str:
        prompts.append(prompt)
        return " Marlow v. Teague [2019] VHC 114"

    rag = RAG(BM25Index(texts, ids=["P-1", "P-2", "P-3"]), generate, k=1, check=lambda answer: "VHC" in answer)
    result = rag.answer("Which case says a landlord must return a deposit?")
    assert result.passage_ids == ["P-1"]
    assert result.prompt == prompts[0] == (
        f"Context: {texts[0]}\nQuestion: Which case says a landlord must return a deposit?\nAnswer:"
    )
    assert result.answer == " Marlow v. Teague [2019] VHC 114"
    assert result.verdict is True
    assert RAG(BM25Index(texts), generate).answer("deposit").verdict is None


def test_rag_rejects_a_retriever_without_search():
    with pytest.raises(TypeError, match=r"search\(query, k\)"):
        RAG(["not", "a", "retriever"], str)
