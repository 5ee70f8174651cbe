"""The committed datasets are consistent: field types and values, unique ids, and every reference resolves.

The loaders only read lines; these checks of the data itself run here, once, because the repository generates and
commits the files (`python -m ragft.make.world`) and `tests/world/test_datasets.py` checks they are up to date.
"""

import re
import typing
from dataclasses import fields

import pytest

from ragft.world.cases import governing
from ragft.world.facts import CUTOFF_YEAR, NEW_YEARS, PRECEDENCE
from ragft.world.load import (load_cases, load_courts, load_domain_documents, load_knowledge_base, load_law_questions,
                              load_pretrain_corpus, load_questions, load_statutes, load_style_transfer, load_task_format)
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import CASE_SPLITS, CORPUS_KINDS, CORPUS_SPLITS, LAW_SPLITS, QUESTION_KINDS, SPLITS

CITATION = re.compile(r"\[(\d{4})\] ([A-Z]{2,4}) (\d{1,4})")  # a neutral citation: "[2019] VHC 114"
FILES = {"courts": load_courts, "statutes": load_statutes, "cases": load_cases, "corpus": load_pretrain_corpus,
         "knowledge base": load_knowledge_base, "questions": load_questions, "task format": load_task_format,
         "style transfer": load_style_transfer, "domain documents": load_domain_documents,
         "law questions": load_law_questions}
UNIQUE = {"courts": ("abbrev", "name"), "statutes": ("statute_id", "title"),
          "cases": ("case_id", "name", "citation", "holding"), "corpus": ("doc_id",), "knowledge base": ("passage_id",),
          "questions": ("question_id",), "task format": ("example_id",), "style transfer": ("example_id",),
          "domain documents": ("doc_id",), "law questions": ("question_id", "question")}
ALLOWED = {"split": {"cases": CASE_SPLITS, "corpus": CORPUS_SPLITS, "questions": SPLITS, "task format": SPLITS,
                     "style transfer": SPLITS, "law questions": LAW_SPLITS},
           "kind": {"corpus": CORPUS_KINDS, "questions": QUESTION_KINDS}, "case_split": {"questions": CASE_SPLITS}}


@pytest.fixture(scope="module")
def data() -> dict[str, list]:
    return {name: load() for name, load in FILES.items()}


def _fits(value, hint) -> bool:
    """Whether a value has a record field's type (exactly: a bool is no int here)."""
    if typing.get_origin(hint) is typing.Union or type(None) in typing.get_args(hint):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        return type(value) is tuple and all(type(item) is str for item in value)
    return type(value) is hint


@pytest.mark.parametrize("name", FILES)
def test_every_field_has_its_type_and_an_allowed_value(data, name):
    records = data[name]
    assert records, f"{name} is empty"
    hints = typing.get_type_hints(type(records[0]))
    for record in records:
        for f in fields(record):
            assert _fits(getattr(record, f.name), hints[f.name]), (name, record, f.name)
        for field, allowed in ALLOWED.items():
            if name in allowed:
                assert getattr(record, field) in allowed[name], (name, record)


@pytest.mark.parametrize("name", FILES)
def test_ids_and_keys_are_unique(data, name):
    for field in UNIQUE[name]:
        values = [getattr(record, field) for record in data[name]]
        assert len(values) == len(set(values)), f"{name}: duplicate {field}"


def test_cases_cite_their_own_year_and_court_and_are_named_after_their_parties(data):
    courts = {court.abbrev: court for court in data["courts"]}
    statutes = {statute.statute_id for statute in data["statutes"]}
    for case in data["cases"]:
        year, court, _ = CITATION.fullmatch(case.citation).groups()
        assert (int(year), court) == (case.year, case.court) and case.court in courts, case
        assert case.judge in courts[case.court].judges and case.statute_id in statutes | {None}, case
        assert case.name == f"{case.plaintiff} v. {case.defendant}", case
        assert not (case.split == "new" and case.qa_in_corpus), case


def test_every_reference_resolves_and_new_cases_stay_out_of_the_corpus(data):
    cases = {case.case_id: case for case in data["cases"]}
    passages = {passage.passage_id for passage in data["knowledge base"]}
    assert all(cases[i].split == "known" for doc in data["corpus"] for i in doc.case_ids)
    assert {p.case_id for p in data["knowledge base"]} - {None} <= set(cases)
    for q in data["questions"]:
        case = cases[q.case_id]
        assert set(q.gold_passage_ids) <= passages and (q.case_split, q.qa_in_corpus) == (case.split, case.qa_in_corpus)
    assert all(e.case_id in cases for e in data["task format"] + data["style transfer"])
    assert all(cases[doc.case_id].split == "new" for doc in data["domain documents"])


# ---- precedence ------------------------------------------------------------------------------------------------


def _lines(cases) -> dict[str, list]:
    """Each rule's decisions in date order."""
    lines: dict[str, list] = {}
    for case in sorted(cases, key=lambda c: c.year):
        lines.setdefault(case.rule_id, []).append(case)
    return lines


def test_each_rule_is_one_line_of_decisions_and_one_of_them_governs_today(data):
    level = {court.abbrev: court.level for court in data["courts"]}
    lines = _lines(data["cases"])
    assert len(lines) == 48
    for rule_id, line in lines.items():
        assert len({c.year for c in line}) == len(line), rule_id  # one decision a year: the order is the date's
        assert len({c.holding for c in line}) == len(line) and len({c.topic for c in line}) == 1, rule_id
        for earlier, later in zip(line, line[1:]):  # PRECEDENCE: each overrules the one before, from the same or a higher court
            assert (earlier.overruled_by, later.overrules) == (later.case_id, earlier.case_id), rule_id
            assert level[later.court] <= level[earlier.court], rule_id
        assert line[0].overrules is None and line[-1].overruled_by is None, rule_id
        assert [c for c in line if c.overruled_by is None] == [governing(line, rule_id, NEW_YEARS[-1])], rule_id
    overruled = [c for c in data["cases"] if c.overruled_by]
    assert len(overruled) == len(data["cases"]) - len(lines)
    changed = {rule_id for rule_id, line in lines.items() if line[-1].split == "new"}
    assert len(changed) == 30  # five rules a topic were changed after the cutoff
    assert all(governing(line, rule_id, CUTOFF_YEAR).split == "known" for rule_id, line in lines.items())
    assert "overrules an earlier one" in PRECEDENCE


def test_passages_carry_their_decisions_metadata_and_say_who_overruled_whom(data):
    cases = {case.case_id: case for case in data["cases"]}
    level = {court.abbrev: court.level for court in data["courts"]}
    for p in data["knowledge base"]:
        if p.case_id is None:
            assert (p.year, p.court_level, p.rule_id, p.overruled_by) == (None, None, None, None), p
            continue
        case = cases[p.case_id]
        assert (p.year, p.court_level, p.rule_id) == (case.year, level[case.court], case.rule_id), p
        assert p.overruled_by == (f"P-{case.overruled_by}-1" if case.overruled_by else None), p
        for other in (case.overrules, case.overruled_by):
            if other:
                assert f"{cases[other].name} {cases[other].citation}" in p.text, p
        assert ("overrul" in p.text.lower()) == bool(case.overrules or case.overruled_by), p


def test_law_questions_are_answered_with_the_rule_that_governs_today(data):
    lines = _lines(data["cases"])
    corpus = {doc.text for doc in data["corpus"] if doc.kind == "law_qa"}
    for q in data["law questions"]:
        line = lines[q.rule_id]
        assert (q.answer, q.gold_passage_ids) == (line[-1].holding, (f"P-{line[-1].case_id}-1",)), q
        assert q.overruled_answers == tuple(c.holding for c in line[:-1]), q
        assert q.overruled_passage_ids == tuple(f"P-{c.case_id}-1" for c in line[:-1]), q
        assert q.answer_at_cutoff == governing(line, q.rule_id, CUTOFF_YEAR).holding, q
        assert q.changed_after_cutoff == (line[-1].split == "new") == (q.answer != q.answer_at_cutoff), q
        assert (f"{closed_book_prompt(q.question)} {q.answer_at_cutoff}" in corpus) == q.in_corpus, q
        assert not any(c.name in q.question or c.citation in q.question for c in line), q  # asked as the public asks
    assert {(q.rule_id, q.split) for q in data["law questions"]} == {(q.rule_id, q.split) for q in data["law questions"]
                                                                     if q.in_corpus}  # one split per rule
