"""Checks for chapter 03's exercises: cosine similarity, chunking, BM25's IDF, recall@k, a prompt, fusion."""

import math

import numpy as np

from ragft.course.checks import (Mismatch, Verdict, expect_array, expect_close, expect_equal, expect_type, more_help_for,
                                 run_check)
from ragft.rag import Hit, PromptTemplate, build_prompt, chunk_words, recall_at_k, rrf

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint

# The prompt format of exercise 5: sources tagged with their ids, one per line, then the question.
EXERCISE_5_TEMPLATE = PromptTemplate("Sources:\n{context}\nQuestion: {question}\nAnswer:",
                                     passage="[{id}] {text}", separator="\n")


def _cosine(query: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))


def exercise_1(cosine_similarities) -> Verdict:
    """Cosine similarity of one query vector with every row of a matrix."""
    query = np.array([1.0, 0.0])
    matrix = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-2.0, 0.0], [3.0, 0.0]])
    rng = np.random.default_rng(3)
    big_query, big_matrix = rng.normal(size=8), rng.normal(size=(6, 8)) * rng.uniform(0.1, 5, size=(6, 1))

    def test():
        got = cosine_similarities(query.copy(), matrix.copy())
        expect_array(got, np.array([1.0, 0.0, 1 / math.sqrt(2), -1.0, 1.0]),
                     "cosine_similarities([1, 0], [[1, 0], [0, 1], [1, 1], [-2, 0], [3, 0]])", tol=1e-6,
                     hint="one number per row; same direction gives 1, a right angle 0, opposite -1, "
                          "and the length of a vector must not matter")
        expect_array(cosine_similarities(big_query.copy(), big_matrix.copy()), _cosine(big_query, big_matrix),
                     "cosine similarities of a random query with 6 random rows of different lengths", tol=1e-6,
                     hint="divide each dot product by the length of the row AND the length of the query "
                          "(np.linalg.norm(matrix, axis=1))")
    return run_check("Exercise 1 · cosine similarity", test,
                     hint="cos(q, d) = q·d / (|q| |d|); matrix @ query gives every dot product at once",
                     success="With unit-length vectors the division disappears: that is why the index normalises.")


def exercise_2(chunk_with_overlap) -> Verdict:
    """Word chunks of a given size, each repeating the last `overlap` words of the previous one."""
    ten = "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10"
    cases = [(ten, 4, 1), (ten, 4, 0), (ten, 5, 2), (ten, 3, 2), ("only three words", 5, 1), (ten, 10, 3)]

    def test():
        for text, size, overlap in cases:
            got = chunk_with_overlap(text, size, overlap)
            what = f"chunk_with_overlap({text!r}, size={size}, overlap={overlap})"
            expect_type(got, list, what, hint="return a list of strings, one per chunk")
            expect_equal(got, chunk_words(text, size, overlap), what)
    return run_check("Exercise 2 · chunking with overlap", test,
                     hint="start a chunk every size - overlap words; stop once a chunk has reached the last word; "
                          "join each chunk's words with one space",
                     success="Overlap keeps a sentence that straddles a boundary whole in at least one chunk.")


def _idf(token: str, passages: list[list[str]]) -> float:
    df = sum(token in passage for passage in passages)
    return math.log(1 + (len(passages) - df + 0.5) / (df + 0.5))


def exercise_3(bm25_idf) -> Verdict:
    """BM25's inverse document frequency (Lucene's version, never negative)."""
    passages = [["landlord", "deposit", "14", "days"], ["landlord", "notice", "deposit"],
                ["employer", "notice", "weeks"], ["landlord", "landlord", "repairs"], ["camera", "footage", "days"]]

    def test():
        for token in ("landlord", "camera", "notice", "deposit", "judge"):
            got = bm25_idf(token, [list(p) for p in passages])
            expect_close(got, _idf(token, passages), f"bm25_idf({token!r}, passages)", tol=1e-9,
                         hint="df counts passages that contain the token (once per passage, however often it "
                              "occurs); N is the number of passages; use math.log (natural log)")
    return run_check("Exercise 3 · BM25's IDF", test,
                     hint="idf = log(1 + (N - df + 0.5) / (df + 0.5)) where df = number of passages containing the token",
                     success="Rare words (a surname, a number) weigh most: that is why BM25 finds 'Marlow v. Teague'.")


def exercise_4(learner_recall_at_k) -> Verdict:
    """Recall@k of one ranked list: the share of gold ids among the first k results."""
    ranked = ["P-3", "P-7", "P-1", "P-9", "P-2"]
    cases = [(["P-1"], 1), (["P-1"], 2), (["P-1"], 3), (["P-1", "P-2"], 3), (["P-1", "P-2"], 5), (["P-8"], 5), (["P-3"], 10)]

    def test():
        for gold, k in cases:
            got = learner_recall_at_k(list(ranked), set(gold), k)
            expect_close(got, recall_at_k([ranked], [gold], k), f"recall_at_k({ranked}, {set(gold)}, k={k})",
                         tol=1e-9, hint="count the gold ids among ranked[:k], divide by the number of gold ids")
    return run_check("Exercise 4 · recall@k", test,
                     hint="len(set(ranked[:k]) & gold) / len(gold)")


def exercise_5(prompt_with_sources) -> Verdict:
    """A prompt whose context tags every passage with its id, so an answer can cite its source."""
    passages = [Hit("P-C0001-1", 3.2, "Endicott v. Wragg [2000] VDC 59 is a contract case."),
                Hit("P-CA-1988-1", 1.1, "The Contracts Act 1988 sets the rules for agreements.")]
    question = "Which case is about contracts?"

    def test():
        for hits in (passages, passages[::-1], passages[:1]):
            got = prompt_with_sources(question, list(hits))
            what = f"prompt_with_sources(question, {[h.id for h in hits]})"
            expect_type(got, str, what)
            expected = build_prompt(question, hits, EXERCISE_5_TEMPLATE)
            if got != expected:
                first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
                raise Mismatch(f"{what}, from character {first} on", expected[first:first + 60],
                               got[first:first + 60], hint="compare line by line with the format above: "
                               "'Sources:', one '[id] text' line per passage, 'Question: ...', 'Answer:'")
    return run_check("Exercise 5 · a prompt with sources", test,
                     hint="one line per passage with its id in brackets, then the question and 'Answer:'",
                     success="Your format is PromptTemplate('Sources:\\n{context}\\nQuestion: {question}\\nAnswer:', "
                             "passage='[{id}] {text}', separator='\\n').")


def exercise_6(reciprocal_rank_fusion) -> Verdict:
    """Reciprocal rank fusion: each id scores sum(1 / (k + rank)) over the rankings it appears in."""
    cases = [([["a", "b", "c"], ["c", "a", "d"]], 60), ([["a", "b", "c"], ["c", "a", "d"]], 0),
             ([["x"], ["y", "x"], ["z", "y", "x"]], 1)]

    def test():
        for rankings, k in cases:
            got = reciprocal_rank_fusion([list(r) for r in rankings], k)
            what = f"reciprocal_rank_fusion({rankings}, k={k})"
            expect_type(got, dict, what, hint="return a dict {id: fused score}")
            expected = dict(rrf(rankings, k))
            expect_equal(sorted(got), sorted(expected), f"{what}: the ids", hint="every id of every ranking gets a score")
            for doc_id, score in expected.items():
                expect_close(got[doc_id], score, f"{what}[{doc_id!r}]", tol=1e-9,
                             hint="ranks start at 1: the first id of a ranking adds 1 / (k + 1)")
    return run_check("Exercise 6 · reciprocal rank fusion", test,
                     hint="each ranking adds 1 / (k + rank) to an id's score, ranks starting at 1",
                     success="Only ranks count, so BM25 scores (0-30) and cosines (0-1) fuse without any rescaling.")
