"""Loaders of the world's datasets: one list of frozen records per file.

Every loader takes an optional `datasets_dir` (default: the repository's `datasets/`). A missing file, a line
that is not valid JSON, a missing or extra field, a wrong type, an unknown enum value, a duplicate id or a
reference to an unknown id raises one `DatasetError` that names the file, the 1-based line and the problem.
Loading never writes to the files.
"""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ragft.paths import DATASETS_DIR, REPO_ROOT
from ragft.world.records import (CASES_FILE, CASE_SPLITS, CITATION_FORMAT, CORPUS_FILE, CORPUS_KINDS, CORPUS_SPLITS,
                                 COURTS_FILE, DOMAIN_FILE, KNOWLEDGE_BASE_FILE, QUESTIONS_FILE, QUESTION_KINDS, SPLITS,
                                 STATUTES_FILE, STYLE_TRANSFER_FILE, TASK_FORMAT_FILE, Case, Court, Document,
                                 DomainDocument, FormatExample, Passage, Question, Statute, StyleExample)


class DatasetError(ValueError):
    """A dataset file is missing or one of its lines is invalid; the message says where and why."""


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false"}


@dataclass(frozen=True)
class _Spec:
    """How to read one file: its record type, fields that must be unique (the id first) and enum fields."""

    filename: str
    record: type
    unique: tuple[str, ...]
    enums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    check: Callable[[Any], str | None] | None = None  # a per-record check returning a problem or None


def _check_case(case: Case) -> str | None:
    """The citation must be well formed and agree with year and court; the name must be plaintiff v. defendant."""
    match = CITATION_FORMAT.fullmatch(case.citation)
    if match is None:
        return f"field 'citation' is not a neutral citation like '[2019] VHC 114': {case.citation!r}"
    if int(match.group(1)) != case.year or match.group(2) != case.court:
        return f"field 'citation' {case.citation!r} does not match year {case.year} and court {case.court!r}"
    if case.name != f"{case.plaintiff} v. {case.defendant}":
        return f"field 'name' {case.name!r} is not 'plaintiff v. defendant'"
    return None


_COURTS = _Spec(COURTS_FILE, Court, ("abbrev", "name"))
_STATUTES = _Spec(STATUTES_FILE, Statute, ("statute_id", "title"))

_CASES = _Spec(
    CASES_FILE, Case, ("case_id", "name", "citation", "holding"), (("split", CASE_SPLITS),), _check_case
)

_CORPUS = _Spec(CORPUS_FILE, Document, ("doc_id",), (("kind", CORPUS_KINDS), ("split", CORPUS_SPLITS)))
_KNOWLEDGE_BASE = _Spec(KNOWLEDGE_BASE_FILE, Passage, ("passage_id",))

_QUESTIONS = _Spec(
    QUESTIONS_FILE,
    Question,
    ("question_id",),
    (("kind", QUESTION_KINDS), ("case_split", CASE_SPLITS), ("split", SPLITS)),
)

_TASK_FORMAT = _Spec(TASK_FORMAT_FILE, FormatExample, ("example_id",), (("split", SPLITS),))
_STYLE_TRANSFER = _Spec(STYLE_TRANSFER_FILE, StyleExample, ("example_id",), (("split", SPLITS),))
_DOMAIN = _Spec(DOMAIN_FILE, DomainDocument, ("doc_id",))


def _describe(hint: Any) -> str:
    """A human name for a field type, used in error messages."""
    if hint in _TYPE_NAMES:
        return _TYPE_NAMES[hint]
    args = typing.get_args(hint)
    if type(None) in args:
        return f"{_describe(args[0])} or null"
    return "a list of strings"


def _convert(value: Any, hint: Any) -> Any:
    """Return `value` as the field type `hint` (JSON lists become tuples); raise TypeError if it does not fit."""
    if hint in _TYPE_NAMES:
        if type(value) is not hint:  # exact: a bool is not an int here
            raise TypeError
        return value
    args = typing.get_args(hint)
    if type(None) in args:
        return None if value is None else _convert(value, args[0])
    if not isinstance(value, list) or any(type(item) is not str for item in value):
        raise TypeError
    return tuple(value)


@functools.cache
def _field_types(record: type) -> dict[str, Any]:
    """A record's field names, in declaration order, with their resolved types."""
    hints = typing.get_type_hints(record)
    return {f.name: hints[f.name] for f in fields(record)}


def _shown(path: Path) -> str:
    """The path as messages show it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _fail(shown: str, line: int, problem: str) -> typing.NoReturn:
    raise DatasetError(f"{shown}, line {line}: {problem}")


def _parse_line(spec: _Spec, shown: str, number: int, line: bytes) -> Any:
    """Decode, parse and type-check one line into a record."""
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        _fail(shown, number, "not valid UTF-8")
    except json.JSONDecodeError as err:
        _fail(shown, number, f"invalid JSON ({err.msg} at column {err.colno})")
    if not isinstance(obj, dict):
        _fail(shown, number, f"expected a JSON object, got {type(obj).__name__}")
    hints = _field_types(spec.record)
    for name in hints:
        if name not in obj:
            _fail(shown, number, f"missing field '{name}'")
    for name in sorted(obj):
        if name not in hints:
            _fail(shown, number, f"unexpected field '{name}'")
    values = {}
    for name in hints:
        try:
            values[name] = _convert(obj[name], hints[name])
        except TypeError:
            got = json.dumps(obj[name], ensure_ascii=False)
            got = got if len(got) <= 40 else got[:37] + "..."
            _fail(shown, number, f"field '{name}' should be {_describe(hints[name])}, got {got}")
    for name, allowed in spec.enums:
        if values[name] not in allowed:
            expected = ", ".join(allowed)
            _fail(shown, number, f"field '{name}' has unknown value {values[name]!r} (expected one of: {expected})")
    record = spec.record(**values)
    problem = spec.check(record) if spec.check else None
    if problem:
        _fail(shown, number, problem)
    return record


@functools.lru_cache(maxsize=32)
def _parse(spec: _Spec, shown: str, raw: bytes) -> tuple[tuple[int, Any], ...]:
    """Parse a whole file into (line number, record) pairs; cached on the file's exact bytes, so never stale."""
    lines = raw.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    rows = []
    first_seen: dict[tuple[str, Any], int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            _fail(shown, number, "empty line (each line must hold one JSON object)")
        record = _parse_line(spec, shown, number, line)
        for name in spec.unique:
            key = (name, getattr(record, name))
            if key in first_seen:
                _fail(shown, number, f"duplicate {name} {key[1]!r} (first seen on line {first_seen[key]})")
            first_seen[key] = number
        rows.append((number, record))
    return tuple(rows)


def _dir(datasets_dir: str | Path | None) -> Path:
    return DATASETS_DIR if datasets_dir is None else Path(datasets_dir)


def _load(spec: _Spec, datasets_dir: str | Path | None) -> tuple[str, tuple[tuple[int, Any], ...]]:
    """Read and validate one file; return how to show its path and its (line number, record) pairs."""
    path = _dir(datasets_dir) / spec.filename
    shown = _shown(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        out = "" if datasets_dir is None or Path(datasets_dir).resolve() == DATASETS_DIR else f" --out {datasets_dir}"
        raise DatasetError(
            f"{shown}: file not found. Generate the datasets with `python -m ragft.make.world{out}`."
        ) from None
    return shown, _parse(spec, shown, raw)


def _check_refs(shown: str, rows: Sequence[tuple[int, Any]], field: str, valid: typing.Container, what: str) -> None:
    """Every id in `field` (a single id, None, or a tuple of ids) must be in `valid`."""
    for number, record in rows:
        value = getattr(record, field)
        for ref in value if isinstance(value, tuple) else (value,):
            if ref is not None and ref not in valid:
                _fail(shown, number, f"field '{field}' refers to unknown {what} {ref!r}")


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {allowed} or None, got {value!r}")


def _cases_by_id(datasets_dir: str | Path | None) -> dict[str, Case]:
    return {case.case_id: case for case in load_cases(datasets_dir)}


def _check_case_split(
    shown: str, rows: Sequence[tuple[int, Any]], cases: dict[str, Case], split: str, why: str
) -> None:
    """Every record's case must be in the given case split (e.g. the corpus holds known cases only)."""
    for number, record in rows:
        for case_id in record.case_ids if hasattr(record, "case_ids") else (record.case_id,):
            if cases[case_id].split != split:
                _fail(shown, number, f"case {case_id!r} is a {cases[case_id].split} case; {why}")


def load_courts(datasets_dir: str | Path | None = None) -> list[Court]:
    """The courts of Veridia."""
    return [record for _, record in _load(_COURTS, datasets_dir)[1]]


def load_statutes(datasets_dir: str | Path | None = None) -> list[Statute]:
    """The statutes that cases apply."""
    return [record for _, record in _load(_STATUTES, datasets_dir)[1]]


def load_cases(datasets_dir: str | Path | None = None) -> list[Case]:
    """All cases, known and new, checked against the courts and statutes."""
    shown, rows = _load(_CASES, datasets_dir)
    courts = {court.abbrev: court for court in load_courts(datasets_dir)}
    _check_refs(shown, rows, "court", courts, "court")
    _check_refs(shown, rows, "statute_id", {s.statute_id for s in load_statutes(datasets_dir)}, "statute")
    for number, case in rows:
        if case.judge not in courts[case.court].judges:
            _fail(shown, number, f"judge {case.judge!r} does not sit in court {case.court!r}")
        if case.split == "new" and case.qa_in_corpus:
            _fail(shown, number, "a new case cannot have qa_in_corpus true")
    return [record for _, record in rows]


def load_pretrain_corpus(split: str | None = None, datasets_dir: str | Path | None = None) -> list[Document]:
    """The pretraining corpus (optionally only its "train" or "val" documents); it mentions known cases only."""
    _check_choice("split", split, CORPUS_SPLITS)
    shown, rows = _load(_CORPUS, datasets_dir)
    cases = _cases_by_id(datasets_dir)
    _check_refs(shown, rows, "case_ids", cases, "case")
    _check_case_split(shown, rows, cases, "known", "new cases must never appear in the pretraining corpus")
    return [doc for _, doc in rows if split is None or doc.split == split]


def load_knowledge_base(datasets_dir: str | Path | None = None) -> list[Passage]:
    """The RAG knowledge base: passages about every case (known and new) and every statute."""
    shown, rows = _load(_KNOWLEDGE_BASE, datasets_dir)
    _check_refs(shown, rows, "case_id", _cases_by_id(datasets_dir), "case")
    return [record for _, record in rows]


def load_questions(
    case_split: str | None = None,
    split: str | None = None,
    kind: str | None = None,
    datasets_dir: str | Path | None = None,
) -> list[Question]:
    """Questions with gold answers and gold passage ids, optionally filtered by case split, split and kind."""
    _check_choice("case_split", case_split, CASE_SPLITS)
    _check_choice("split", split, SPLITS)
    _check_choice("kind", kind, QUESTION_KINDS)
    shown, rows = _load(_QUESTIONS, datasets_dir)
    cases = _cases_by_id(datasets_dir)
    _check_refs(shown, rows, "case_id", cases, "case")
    _check_refs(shown, rows, "gold_passage_ids", {p.passage_id for p in load_knowledge_base(datasets_dir)}, "passage")
    for number, question in rows:
        case = cases[question.case_id]
        if (question.case_split, question.qa_in_corpus) != (case.split, case.qa_in_corpus):
            _fail(shown, number, f"fields 'case_split'/'qa_in_corpus' disagree with case {case.case_id!r}")
    return [
        q
        for _, q in rows
        if (case_split is None or q.case_split == case_split)
        and (split is None or q.split == split)
        and (kind is None or q.kind == kind)
    ]


def _load_finetune(spec: _Spec, split: str | None, datasets_dir: str | Path | None) -> list[Any]:
    _check_choice("split", split, SPLITS)
    shown, rows = _load(spec, datasets_dir)
    _check_refs(shown, rows, "case_id", _cases_by_id(datasets_dir), "case")
    return [record for _, record in rows if split is None or record.split == split]


def load_task_format(split: str | None = None, datasets_dir: str | Path | None = None) -> list[FormatExample]:
    """The task-specific fine-tuning set ("Holding: … Authority: …" answers)."""
    return _load_finetune(_TASK_FORMAT, split, datasets_dir)


def load_style_transfer(split: str | None = None, datasets_dir: str | Path | None = None) -> list[StyleExample]:
    """The style-transfer fine-tuning set (legal holding → plain-English client note)."""
    return _load_finetune(_STYLE_TRANSFER, split, datasets_dir)


def load_domain_documents(datasets_dir: str | Path | None = None) -> list[DomainDocument]:
    """Paraphrased documents about the new cases, for knowledge injection by continued pretraining."""
    shown, rows = _load(_DOMAIN, datasets_dir)
    cases = _cases_by_id(datasets_dir)
    _check_refs(shown, rows, "case_id", cases, "case")
    _check_case_split(shown, rows, cases, "new", "domain documents are about new cases only")
    return [record for _, record in rows]


def cases_of(examples: Sequence[FormatExample | StyleExample]) -> list[Case]:
    """The case of each example, in order."""
    cases = {case.case_id: case for case in load_cases()}
    return [cases[e.case_id] for e in examples]
