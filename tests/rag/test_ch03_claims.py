"""Chapter 03's measured claims, with margins: retrieval quality, RAG vs closed book on new cases, FAISS = NumPy.

Measured (seed 1234 world with precedence, course checkpoint). Retriever choice on dev, recall@1 / recall@2 on the
48 new-case and (right rule) on the 48 user-phrased questions: BM25 0.896 / 0.958 and 0.562 / 0.562, dense
0.521 / 0.688 and 0.896 / 0.917, hybrid 0.688 / 0.875 and 0.729 / 0.750, so the best worst case is hybrid. Passages
per prompt on dev (hybrid, extractive reader): k=1 32/48 right, k=2 19/48, so k = 1 (`COURSE_K`). On the 48
user-phrased test questions, right-rule recall@1: BM25 0.396, dense 0.750, hybrid 0.708. On the 48 new-case test
questions (24 answers that should cite a case): closed book accuracy 0/48, citations 12/24 fabricated, 12/24 real
but wrong; RAG (hybrid, k=1) with free generation 19/48 right, 18/24 fabricated, 0/24 correct; with the extractive
reader 35/48 right, 0/24 fabricated (by construction), 12/24 correct, 9/24 real but wrong, 3/24 without a citation;
6 retrieval misses and 7 reading failures among its 13 wrong answers (with k=2: 24/48 right, 2 misses, 22 reading
failures).
On the 48 law test questions (gold: the governing passage): an overruled passage first for BM25 31%, dense 77%,
hybrid 62%, and for none with the metadata filter; recall@1 dense 0.21 → 0.65, hybrid 0.31 → 0.71. Answers with
the extractive reader over hybrid retrieval, k=1: up to date 12 → 29 of 48, out of date 17 → 0 (closed book 2 and 20).
The floors below leave headroom for platform noise, and break when a change breaks the story.
"""

import numpy as np
import pytest

from ragft.evaluate.citations import CitationChecker
from ragft.model.gpt import load_course_model
from ragft.rag import (RAG, BM25Index, DenseRetriever, FaissIndex, HybridRetriever, VectorIndex, mrr, recall_at_k,
                       same_top_k)
from ragft.rag.embeddings import MemoEmbedder
from ragft.evaluate.answers import AnswerRecord
from ragft.evaluate.law import law_table
from ragft.rag import UpToDateRetriever
from ragft.rag.evaluation import (compare_closed_book_and_rag, failure_breakdown, generator, law_rag_records,
                                  rag_records, retrieval_report, retrieval_scores, search_all, summarize)
from ragft.rag.knowledge_base import COURSE_K, COURSE_RETRIEVER, knowledge_base_retrievers
from ragft.rag.reader import extractive_generator
from ragft.world.load import load_knowledge_base, load_law_questions, load_questions

RAG_MARGIN = 0.3  # RAG accuracy must beat closed book by at least this much (absolute)


@pytest.fixture(scope="module")
def world():
    """The knowledge base, the test questions and the three retrievers, with every test question embedded once."""
    kb = load_knowledge_base()
    texts, ids = [p.text for p in kb], [p.passage_id for p in kb]
    embedder = MemoEmbedder()
    questions = load_questions(split="test")
    embedder.prefetch(q.question for q in questions)
    dense = DenseRetriever(texts, ids, embedder)
    bm25 = BM25Index(texts, ids)
    return {"texts": texts, "ids": ids, "embedder": embedder, "questions": questions,
            "retrievers": {"BM25": bm25, "dense": dense, "hybrid": HybridRetriever(dense, bm25)}}


@pytest.fixture(scope="module")
def report(world):
    return retrieval_report(world["retrievers"], world["questions"], ks=(1, 5), by_kind=True)


# Measured on the 240 test questions: BM25 0.925 / 1.000 / 0.960, dense 0.633 / 0.908 / 0.751,
# hybrid 0.821 / 0.975 / 0.887 (recall@1 / recall@5 / MRR@10).
FLOORS = {"BM25": (0.88, 0.97, 0.92), "dense": (0.58, 0.85, 0.70), "hybrid": (0.76, 0.93, 0.84)}


@pytest.mark.parametrize("name", FLOORS)
def test_retrieval_quality_on_the_test_questions(report, name):
    floors = dict(zip(("recall@1", "recall@5", "MRR"), FLOORS[name]))
    for metric, floor in floors.items():
        assert report[name][metric] >= floor, f"{name} {metric} = {report[name][metric]:.3f} < {floor}"


def test_the_story_of_the_retrieval_chart(report):
    # BM25 wins on questions that quote names and numbers; hybrid beats dense alone; dense fails on
    # "which case held that ..." questions, which differ from their neighbours only in a number.
    assert report["BM25"]["recall@5"] >= report["hybrid"]["recall@5"] > report["dense"]["recall@5"]
    assert report["hybrid"]["MRR"] > report["dense"]["MRR"] + 0.03
    assert report["dense · case_for_rule"]["recall@1"] < 0.4 < report["dense · citation"]["recall@1"]
    assert report["BM25 · case_for_rule"]["recall@1"] >= report["dense · case_for_rule"]["recall@1"] + 0.3


def test_faiss_returns_the_numpy_top_k_on_the_knowledge_base(world):
    vectors = world["embedder"].embed_corpus(world["texts"])
    queries = np.concatenate([vectors, world["embedder"].embed([q.question for q in world["questions"]])])
    results = []
    for index in (VectorIndex(), FaissIndex()):
        index.add(world["ids"], vectors)
        results.append(index.search(queries, 10))
    (a_ids, a_scores), (b_ids, b_scores) = results
    assert np.abs(a_scores - b_scores).max() < 1e-5
    assert all(same_top_k(a, s, b, t) for a, s, b, t in zip(a_ids, a_scores, b_ids, b_scores))
    assert np.mean([a == b for a, b in zip(a_ids, b_ids)]) >= 0.99  # identical, apart from rare exact ties
    on_faiss = DenseRetriever(world["texts"], world["ids"], world["embedder"], index=FaissIndex())
    question = world["questions"][0].question
    assert [h.id for h in on_faiss.search(question, 5)] == [h.id for h in world["retrievers"]["dense"].search(question, 5)]


def rule_level(ranked: list[list[str]], kb) -> list[list[str | None]]:
    """Each retrieved passage replaced by its rule: for user-phrased questions a hit is any passage of the right rule."""
    rule_of = {p.passage_id: p.rule_id for p in kb}
    return [[rule_of[i] for i in row] for row in ranked]


def test_keyword_search_leads_on_case_questions_and_falls_behind_on_user_phrased_ones(world, report):
    kb, questions = load_knowledge_base(), load_law_questions(split="test")
    world["embedder"].prefetch(q.question for q in questions)
    gold = [[q.rule_id] for q in questions]
    users = {name: rule_level(search_all(r, questions), kb) for name, r in world["retrievers"].items()}
    recall1 = {name: recall_at_k(ranked, gold, 1) for name, ranked in users.items()}
    assert recall1["dense"] >= recall1["BM25"] + 0.2 and recall1["hybrid"] >= recall1["BM25"] + 0.2, recall1
    assert mrr(users["hybrid"], gold) > mrr(users["BM25"], gold) + 0.15
    assert report["BM25"]["recall@1"] > report["hybrid"]["recall@1"] > report["dense"]["recall@1"]


def test_the_best_worst_case_on_dev_is_the_chapters_retriever(world):
    kb = load_knowledge_base()
    cases, users = load_questions(case_split="new", split="dev"), load_law_questions(split="dev")
    world["embedder"].prefetch(q.question for q in [*cases, *users])
    recall2 = {name: (recall_at_k(search_all(r, cases), [q.gold_passage_ids for q in cases], 2),
                      recall_at_k(rule_level(search_all(r, users), kb), [[q.rule_id] for q in users], 2))
               for name, r in world["retrievers"].items()}
    assert max(recall2, key=lambda name: recall2[name][0]) == "BM25"  # best on questions that quote the records
    assert max(recall2, key=lambda name: recall2[name][1]) == "dense"  # best on questions in users' words
    recall1 = {name: (recall_at_k(search_all(r, cases), [q.gold_passage_ids for q in cases], 1),
                      recall_at_k(rule_level(search_all(r, users), kb), [[q.rule_id] for q in users], 1))
               for name, r in world["retrievers"].items()}
    worst = {name: min(*recall1[name], *recall2[name]) for name in recall2}
    assert max(worst, key=worst.get) == COURSE_RETRIEVER
    assert worst[COURSE_RETRIEVER] >= max(v for name, v in worst.items() if name != COURSE_RETRIEVER) + 0.03, worst


def test_the_package_s_retrievers_are_the_chapter_s(world):
    package = knowledge_base_retrievers(world["embedder"])
    for question in world["questions"][::20]:
        for name, retriever in world["retrievers"].items():
            assert [h.id for h in package[name].search(question.question, 5)] == \
                   [h.id for h in retriever.search(question.question, 5)], name


def test_one_passage_reads_better_than_two_on_dev_and_on_test(world):
    # COURSE_K is chosen on dev by the extractive reader's right answers; the test questions must agree.
    model, retriever = load_course_model(), world["retrievers"][COURSE_RETRIEVER]
    dev = load_questions(case_split="new", split="dev")
    test = [q for q in world["questions"] if q.case_split == "new"]
    world["embedder"].prefetch(q.question for q in dev)
    for questions in (dev, test):
        right = {k: sum(r.correct for r in rag_records(model, retriever, questions, k)) for k in (1, 2)}
        assert max(right, key=right.get) == COURSE_K
        assert right[COURSE_K] >= right[3 - COURSE_K] + 0.1 * len(questions), right  # 5 of 48: beyond a slip or two


@pytest.fixture(scope="module")
def comparison(world):
    """Closed book vs RAG (the course's setting), free and extractive, on the 48 new-case test questions."""
    model = load_course_model()
    retriever = world["retrievers"][COURSE_RETRIEVER]
    rags = {"RAG, free": RAG(retriever, generator(model), k=COURSE_K),
            "RAG, extractive": RAG(retriever, extractive_generator(model), k=COURSE_K)}
    new_test = [q for q in world["questions"] if q.case_split == "new"]
    return compare_closed_book_and_rag(model, rags, new_test, CitationChecker())


def cited(summary: dict) -> dict[str, int]:
    """The citation verdicts of a summary as counts of the answers that should cite a case."""
    return {verdict: round(rate * summary["n_cited"]) for verdict, rate in summary["citations"].items()}


def test_free_generation_with_rag_fabricates_as_much_as_closed_book(comparison):
    # The chapter says so: retrieval alone does not stop fabrication; a small model drifts while copying a citation
    # (measured 18/24 fabricated vs 12/24 closed book). Fails if free generation learns to copy citations faithfully.
    closed, free = cited(comparison["closed book"]), cited(comparison["RAG, free"])
    assert comparison["RAG, free"]["n_cited"] == comparison["closed book"]["n_cited"] == 24
    assert closed["fabricated"] >= 8  # closed book invents many of its citations to new cases (measured 12)
    assert free["fabricated"] >= closed["fabricated"], (free, closed)
    assert free["correct"] <= 2, free  # and it almost never copies one right (measured 0)


def test_the_extractive_reader_pays_for_its_zero_fabrication(comparison):
    # Zero fabricated citations hold by construction (it copies spans of real passages); what it costs is measured.
    free, extractive = cited(comparison["RAG, free"]), cited(comparison["RAG, extractive"])
    assert extractive["fabricated"] == 0  # a regression test of the decoder, not a finding
    assert 1 <= extractive["no_citation"] <= 6, extractive  # some answers carry no citation (measured 3 of 24)
    assert extractive["correct"] >= free["correct"] + 6, (extractive, free)  # measured 12 vs 0
    assert extractive["correct"] <= 18, extractive  # and many are still not the right case (measured 12 of 24)
    assert 0.6 <= comparison["RAG, extractive"]["accuracy"] <= 0.85  # measured 35/48 = 0.729


def test_chapter_04_s_rag_row_reads_exactly_as_chapter_03(world, comparison):
    # Chapter 04 scores RAG with `rag_records` (which also keeps each answer's confidence): the same answers.
    new_test = [q for q in world["questions"] if q.case_split == "new"]
    records = rag_records(load_course_model(), world["retrievers"][COURSE_RETRIEVER], new_test, COURSE_K)
    assert [r.prediction for r in records] == [r.prediction for r in comparison["RAG, extractive"]["records"]]


def test_rag_lifts_accuracy_far_above_closed_book(comparison):
    closed, free, extractive = (comparison[name]["accuracy"] for name in ("closed book", "RAG, free", "RAG, extractive"))
    assert closed <= 0.1  # the model cannot know cases decided after its cutoff
    assert extractive >= closed + RAG_MARGIN, f"RAG {extractive:.3f} vs closed book {closed:.3f}"
    assert free > closed + 0.1  # reading freely helps too, less: the small model drifts while copying
    assert extractive >= free


def test_with_one_passage_retrieval_misses_are_which_case_held_questions(comparison):
    # One passage, from a retriever that is weakest on "which case held that ...": those are the misses (measured 6,
    # all of that kind); the other wrong answers are reading failures (measured 7).
    table = failure_breakdown(comparison["RAG, extractive"]["records"])
    misses = {kind: row["retrieval miss"] for kind, row in table.items()}
    assert misses["case_for_rule"] >= 3 and sum(misses.values()) == misses["case_for_rule"], table
    assert sum(row["reading failure"] for row in table.values()) >= 3, table


def test_summaries_on_a_hand_example():
    records = [AnswerRecord("?", "[2019] VHC 1", "[2019] VHC 1", True, question_id="q1", kind="citation", verdict="correct",
                            passage_ids=("P-1",), gold_retrieved=True),
               AnswerRecord("?", "2019", "2018", False, question_id="q2", kind="year", passage_ids=("P-2",),
                            gold_retrieved=False),
               AnswerRecord("?", "[2019] VHC 2", "[2019] VHC 999", False, question_id="q3", kind="citation",
                            verdict="fabricated", passage_ids=("P-3",), gold_retrieved=True)]
    summary = summarize(records)
    assert summary["accuracy"] == pytest.approx(1 / 3) and summary["accuracy_by_kind"] == {"citation": 0.5, "year": 0.0}
    assert summary["citations"]["fabricated"] == 0.5 and summary["n_cited"] == 2
    assert failure_breakdown(records) == {"citation": {"correct": 1, "reading failure": 1, "retrieval miss": 0},
                                          "year": {"correct": 0, "reading failure": 0, "retrieval miss": 1}}


def test_memo_embedder_embeds_each_text_once_and_matches_the_plain_embedder():
    batches = []

    def letters(texts):
        batches.append(list(texts))
        return np.array([[t.count(c) for c in "abcdefgh"] for t in texts], dtype=float)

    memo = MemoEmbedder(letters, cache_dir=None)
    memo.prefetch(["abc", "bad", "abc"])
    assert batches == [["abc", "bad"]]
    again = memo.embed(["bad", "cafe", "abc"])
    assert batches[-1] == ["cafe"]
    from ragft.rag import Embedder
    assert np.allclose(again, Embedder(letters, cache_dir=None).embed(["bad", "cafe", "abc"]))


@pytest.fixture(scope="module")
def law(world):
    """The law test questions, embedded once, and the knowledge base's passages."""
    questions = load_law_questions(split="test")
    world["embedder"].prefetch(q.question for q in questions)
    return questions, load_knowledge_base()


def test_metadata_keeps_overruled_passages_out_of_first_place(world, law):
    questions, kb = law
    overruled = {p.passage_id for p in kb if p.overruled_by}
    first = {name: [r[0] for r in search_all(retriever, questions) if r] for name, retriever in world["retrievers"].items()}
    assert np.mean([f in overruled for f in first["dense"]]) >= 0.5  # similarity knows nothing of time
    assert np.mean([f in overruled for f in first["hybrid"]]) >= 0.4
    for name, retriever in world["retrievers"].items():
        filtered = UpToDateRetriever(retriever, kb)
        ranked = search_all(filtered, questions)
        assert not overruled & {r[0] for r in ranked if r}, name
        assert retrieval_scores(ranked, questions)["recall@1"] >= retrieval_scores(search_all(retriever, questions), questions)["recall@1"] + 0.1, name


def test_rag_with_metadata_answers_the_law_of_today(world, law):
    questions, kb = law
    model = load_course_model()
    retriever = world["retrievers"][COURSE_RETRIEVER]
    before = law_table(law_rag_records(model, retriever, questions, COURSE_K), questions)["all"]
    after = law_table(law_rag_records(model, UpToDateRetriever(retriever, kb), questions, COURSE_K), questions)["all"]
    assert before["out of date"] >= 0.25 * before["questions"]  # answers built on an overruled passage
    assert after["out of date"] == 0  # nothing overruled reaches the prompt
    assert after["up to date"] >= before["up to date"] + 0.2 * after["questions"]
