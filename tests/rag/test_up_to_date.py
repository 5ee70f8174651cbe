"""The metadata filter: overruled passages never come back, the rest keep their order, and `as_of` reads the past."""

from dataclasses import dataclass

import pytest

from ragft.rag import BM25Index, UpToDateRetriever
from ragft.world.load import load_knowledge_base, load_law_questions


@dataclass(frozen=True)
class P:
    passage_id: str
    text: str
    year: int | None
    overruled_by: str | None


LINE = [P("a", "deposit within 45 days", 2001, "b"), P("b", "deposit within 10 days", 2010, "c"),
        P("c", "deposit within 7 days", 2023, None), P("act", "deposits and notice", None, None)]


def _retriever(as_of=None):
    return UpToDateRetriever(BM25Index([p.text for p in LINE], [p.passage_id for p in LINE]), LINE, as_of=as_of)


def test_today_only_the_latest_decision_and_undated_passages_remain():
    assert [hit.id for hit in _retriever().search("deposit days", 4)] == ["c"]
    assert [hit.id for hit in _retriever().search("deposits notice", 4)] == ["act"]


@pytest.mark.parametrize("as_of, current", [(2000, set()), (2001, {"a"}), (2009, {"a"}), (2010, {"b"}),
                                             (2022, {"b"}), (2023, {"c"})])
def test_as_of_a_year_the_decision_that_governed_then(as_of, current):
    retriever = _retriever(as_of)
    assert {p.passage_id for p in LINE if p.year and retriever.is_current(p.passage_id)} == current


def test_the_order_of_the_base_retriever_is_kept_and_k_is_checked():
    base = BM25Index([p.text for p in LINE], [p.passage_id for p in LINE])
    filtered = UpToDateRetriever(base, LINE)
    kept = [hit.id for hit in base.search("deposit within 7 days notice", 4) if hit.id in {"c", "act"}]
    assert [hit.id for hit in filtered.search("deposit within 7 days notice", 2)] == kept
    with pytest.raises(ValueError, match="k must be a positive integer"):
        filtered.search("deposit", 0)


def test_a_dangling_overruled_by_is_a_clear_error():
    with pytest.raises(ValueError, match="'b' overrules a passage but is not among the passages given"):
        UpToDateRetriever(BM25Index(["x"], ["a"]), LINE[:1])


def test_on_the_knowledge_base_no_overruled_passage_is_ever_retrieved():
    kb = load_knowledge_base()
    base = BM25Index([p.text for p in kb], [p.passage_id for p in kb])
    retriever = UpToDateRetriever(base, kb)
    overruled = {p.passage_id for p in kb if p.overruled_by}
    assert retriever.out_of_date == len(overruled)
    for q in load_law_questions():
        everything = [hit.id for hit in base.search(q.question, len(kb)) if hit.id not in overruled]
        assert [hit.id for hit in retriever.search(q.question, 5)] == everything[:5]  # as many as the base has
