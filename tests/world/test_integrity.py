"""The committed datasets are consistent: field types and values, unique ids, and every reference resolves.

The loaders only read lines; these checks of the data itself run here, once, because the repository generates and
commits the files (`python -m ragft.make.world`) and `tests/world/test_datasets.py` checks they are up to date.
"""

import re
import typing
from dataclasses import fields

import pytest

from ragft.world.load import (load_cases, load_courts, load_domain_documents, load_knowledge_base, load_pretrain_corpus,
                              load_questions, load_statutes, load_style_transfer, load_task_format)
from ragft.world.records import CASE_SPLITS, CORPUS_KINDS, CORPUS_SPLITS, QUESTION_KINDS, SPLITS

CITATION = re.compile(r"\[(\d{4})\] ([A-Z]{2,4}) (\d{1,4})")  # a neutral citation: "[2019] VHC 114"
FILES = {"courts": load_courts, "statutes": load_statutes, "cases": load_cases, "corpus": load_pretrain_corpus,
         "knowledge base": load_knowledge_base, "questions": load_questions, "task format": load_task_format,
         "style transfer": load_style_transfer, "domain documents": load_domain_documents}
UNIQUE = {"courts": ("abbrev", "name"), "statutes": ("statute_id", "title"),
          "cases": ("case_id", "name", "citation", "holding"), "corpus": ("doc_id",), "knowledge base": ("passage_id",),
          "questions": ("question_id",), "task format": ("example_id",), "style transfer": ("example_id",),
          "domain documents": ("doc_id",)}
ALLOWED = {"split": {"cases": CASE_SPLITS, "corpus": CORPUS_SPLITS, "questions": SPLITS, "task format": SPLITS,
                     "style transfer": SPLITS},
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
