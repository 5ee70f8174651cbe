"""The loaders: they read the datasets, and a corrupted or truncated line gives one clear error naming file and line."""

import json
import shutil
from pathlib import Path

import pytest

from ragft.paths import DATASETS_DIR
from ragft.world.load import (DatasetError, load_cases, load_courts, load_domain_documents, load_knowledge_base,
                              load_law_questions,
                              load_pretrain_corpus, load_questions, load_statutes, load_style_transfer,
                              load_task_format, shown)
from ragft.world.prompts import closed_book_prompt, reading_prompt, task_format_target
from ragft.world.records import CASES_FILE, COURTS_FILE, KNOWLEDGE_BASE_FILE, QUESTIONS_FILE


@pytest.fixture
def copy(tmp_path) -> Path:
    """A private copy of the datasets that a test may break."""
    target = tmp_path / "datasets"
    shutil.copytree(DATASETS_DIR, target, ignore=shutil.ignore_patterns("README.md"))
    return target


def _edit_line(path: Path, number: int, change) -> None:
    """Replace line `number` (1-based) of a JSONL file by `change(line)`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = change(lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def _set_field(field: str, value):
    def change(line: str) -> str:
        obj = json.loads(line)
        obj[field] = value
        return json.dumps(obj, sort_keys=True)

    return change


def _error(load, copy: Path) -> str:
    with pytest.raises(DatasetError) as info:
        load(datasets_dir=copy)
    return str(info.value)


# ---- loading the real datasets ----------------------------------------------------------------------------


def test_loaders_return_frozen_records_of_every_file():
    assert len(load_courts()) == 4
    assert len(load_statutes()) == 6
    assert len(load_cases()) == 300
    assert len(load_knowledge_base()) == 306
    assert len(load_questions()) == 1200
    assert len(load_law_questions()) == 96
    assert len(load_task_format()) == len(load_style_transfer()) == 300
    assert {doc.case_id for doc in load_domain_documents()} == {
        case.case_id for case in load_cases() if case.split == "new"
    }
    question = load_questions()[0]
    assert isinstance(question.gold_passage_ids, tuple)
    with pytest.raises(AttributeError):
        question.answer = "changed"


def test_filters_select_what_they_name():
    questions = load_questions(case_split="new", split="test", kind="year")
    assert questions and all((q.case_split, q.split, q.kind) == ("new", "test", "year") for q in questions)
    assert {d.split for d in load_pretrain_corpus(split="val")} == {"val"}
    assert {e.split for e in load_task_format(split="dev")} == {"dev"}
    assert {e.split for e in load_style_transfer(split="train")} == {"train"}
    assert {q.split for q in load_law_questions(split="test")} == {"test"}
    with pytest.raises(ValueError, match="split must be one of"):
        load_questions(split="validation")
    with pytest.raises(ValueError, match="split must be one of"):
        load_law_questions(split="train")  # nothing trains on them


def test_loaders_return_fresh_lists():
    first = load_cases()
    first.clear()
    assert len(load_cases()) == 300


def test_paths_inside_the_repository_are_shown_relative():
    assert shown(DATASETS_DIR / "questions.jsonl") == "datasets/questions.jsonl"


def test_prompt_formats():
    assert closed_book_prompt("Q?") == "Question: Q?\nAnswer:"
    assert reading_prompt(["A.", "B."], "Q?") == "Context: A. B.\nQuestion: Q?\nAnswer:"
    target = task_format_target("a rule", "A v. B", "[2019] VHC 1")
    assert target == "Holding: a rule. Authority: A v. B [2019] VHC 1"


# ---- corrupted copies -------------------------------------------------------------------------------------


def test_a_corrupted_line_gives_one_error_naming_file_and_line(copy):
    path = copy / QUESTIONS_FILE
    _edit_line(path, 17, lambda line: line[:-5])
    _edit_line(path, 30, lambda line: "not json")
    before = path.read_bytes()
    message = _error(load_questions, copy)
    assert message.startswith(f"{path}, line 17: invalid JSON")
    assert "line 30" not in message
    assert path.read_bytes() == before  # loading never modifies the file


def test_a_truncated_file_names_its_last_line(copy):
    path = copy / QUESTIONS_FILE
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])  # cut in the middle of a line, as an interrupted copy leaves it
    lines = path.read_bytes().count(b"\n") + 1
    message = _error(load_questions, copy)
    assert message.startswith(f"{path}, line {lines}: invalid JSON") and "truncated or corrupted?" in message


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda line: line.replace('"year": ', '"yr": '), "line 5: missing field 'year'"),
        (lambda line: line[:-1] + ', "extra": 1}', "line 5: unexpected field 'extra'"),
        (lambda line: "[1, 2]", "line 5: expected a JSON object, got list"),
        (lambda line: "", "line 5: empty line"),
        (lambda line: line[:20], "line 5: invalid JSON"),
    ],
)
def test_each_kind_of_bad_line_is_named(copy, change, problem):
    _edit_line(copy / CASES_FILE, 5, change)
    message = _error(load_cases, copy)
    assert message.startswith(f"{copy / CASES_FILE}, {problem}")


def test_bytes_that_are_not_utf8_are_named(copy):
    path = copy / COURTS_FILE
    path.write_bytes(path.read_bytes().replace(b"Veridia", b"Ver\xffdia", 1))
    assert _error(load_courts, copy) == f"{path}, line 1: not valid UTF-8"


def test_missing_file_says_how_to_make_it(copy):
    (copy / KNOWLEDGE_BASE_FILE).unlink()
    message = _error(load_knowledge_base, copy)
    assert "knowledge_base.jsonl: file not found" in message and "python -m ragft.make.world --out" in message


def test_cache_never_returns_stale_records(copy):
    assert load_courts(datasets_dir=copy)[0].name == "Veridia Supreme Court"
    _edit_line(copy / COURTS_FILE, 1, _set_field("name", "Veridia Supreme Court!"))
    assert load_courts(datasets_dir=copy)[0].name == "Veridia Supreme Court!"
