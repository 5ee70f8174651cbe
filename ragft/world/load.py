"""Loaders of the world's datasets: one list of frozen records per file, read from JSON Lines.

Every loader takes an optional `datasets_dir` (default: the repository's `datasets/`). A missing file, or a line
that is not one JSON object with exactly the record's fields (corrupted, truncated, hand-edited), raises one
`DatasetError` naming the file, the 1-based line and the problem. The files are generated and committed by the
repository, so their integrity (ids, references, splits) is checked by its tests, not at every load.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from ragft.paths import DATASETS_DIR, REPO_ROOT
from ragft.world.records import (CASE_SPLITS, CASES_FILE, CORPUS_FILE, CORPUS_SPLITS, COURTS_FILE, DOMAIN_FILE,
                                 KNOWLEDGE_BASE_FILE, LAW_QUESTIONS_FILE, LAW_SPLITS, QUESTION_KINDS, QUESTIONS_FILE, SPLITS, STATUTES_FILE,
                                 STYLE_TRANSFER_FILE, TASK_FORMAT_FILE, Case, Court, Document, DomainDocument,
                                 FormatExample, LawQuestion, Passage, Question, Statute, StyleExample)


class DatasetError(ValueError):
    """A dataset file is missing or one of its lines cannot be read; the message says where and why."""


def shown(path: Path) -> str:
    """The path as messages show it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _record(record: type, line: bytes) -> object:
    """One line as a record (JSON lists become tuples), or the problem with it as a DatasetError without a place."""
    try:
        obj = json.loads(line)
    except UnicodeDecodeError:
        raise DatasetError("not valid UTF-8") from None
    except json.JSONDecodeError as err:
        raise DatasetError(f"invalid JSON ({err.msg} at column {err.colno}): truncated or corrupted?") from None
    if not isinstance(obj, dict):
        raise DatasetError(f"expected a JSON object, got {type(obj).__name__}")
    names = [f.name for f in fields(record)]
    if missing := [name for name in names if name not in obj]:
        raise DatasetError(f"missing field '{missing[0]}'")
    if extra := sorted(set(obj) - set(names)):
        raise DatasetError(f"unexpected field '{extra[0]}'")
    return record(**{name: tuple(value) if isinstance(value, list) else value for name, value in obj.items()})


@functools.lru_cache(maxsize=32)
def _parse(record: type, where: str, raw: bytes) -> tuple:
    """Every line of a file as a record; cached on the file's exact bytes, so never stale."""
    lines = raw.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            if not line.strip():
                raise DatasetError("empty line (each line must hold one JSON object)")
            rows.append(_record(record, line))
        except DatasetError as err:
            raise DatasetError(f"{where}, line {number}: {err}") from None
    return tuple(rows)


def _load(filename: str, record: type, datasets_dir: str | Path | None) -> list:
    """The records of one file of the datasets folder."""
    folder = DATASETS_DIR if datasets_dir is None else Path(datasets_dir)
    path = folder / filename
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        out = "" if folder.resolve() == DATASETS_DIR else f" --out {folder}"
        raise DatasetError(
            f"{shown(path)}: file not found. Generate the datasets with `python -m ragft.make.world{out}`."
        ) from None
    return list(_parse(record, shown(path), raw))


def _check_choice(name: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {tuple(allowed)} or None, got {value!r}")


def load_courts(datasets_dir: str | Path | None = None) -> list[Court]:
    """The courts of Veridia."""
    return _load(COURTS_FILE, Court, datasets_dir)


def load_statutes(datasets_dir: str | Path | None = None) -> list[Statute]:
    """The statutes that cases apply."""
    return _load(STATUTES_FILE, Statute, datasets_dir)


def load_cases(datasets_dir: str | Path | None = None) -> list[Case]:
    """All cases, known and new."""
    return _load(CASES_FILE, Case, datasets_dir)


def load_pretrain_corpus(split: str | None = None, datasets_dir: str | Path | None = None) -> list[Document]:
    """The pretraining corpus (optionally only its "train" or "val" documents); it mentions known cases only."""
    _check_choice("split", split, CORPUS_SPLITS)
    return [doc for doc in _load(CORPUS_FILE, Document, datasets_dir) if split is None or doc.split == split]


def load_knowledge_base(datasets_dir: str | Path | None = None) -> list[Passage]:
    """The RAG knowledge base: passages about every case (known and new) and every statute."""
    return _load(KNOWLEDGE_BASE_FILE, Passage, datasets_dir)


def load_questions(case_split: str | None = None, split: str | None = None, kind: str | None = None,
                   datasets_dir: str | Path | None = None) -> list[Question]:
    """Questions with gold answers and gold passage ids, optionally filtered by case split, split and kind."""
    _check_choice("case_split", case_split, CASE_SPLITS)
    _check_choice("split", split, SPLITS)
    _check_choice("kind", kind, QUESTION_KINDS)
    return [q for q in _load(QUESTIONS_FILE, Question, datasets_dir)
            if case_split in (None, q.case_split) and split in (None, q.split) and kind in (None, q.kind)]


def load_law_questions(split: str | None = None, datasets_dir: str | Path | None = None) -> list[LawQuestion]:
    """Questions about the law as the public asks them, answered with the rule that governs today."""
    _check_choice("split", split, LAW_SPLITS)
    return [q for q in _load(LAW_QUESTIONS_FILE, LawQuestion, datasets_dir) if split in (None, q.split)]


def load_task_format(split: str | None = None, datasets_dir: str | Path | None = None) -> list[FormatExample]:
    """The task-specific fine-tuning set ("Holding: … Authority: …" answers)."""
    _check_choice("split", split, SPLITS)
    return [e for e in _load(TASK_FORMAT_FILE, FormatExample, datasets_dir) if split in (None, e.split)]


def load_style_transfer(split: str | None = None, datasets_dir: str | Path | None = None) -> list[StyleExample]:
    """The style-transfer fine-tuning set (legal holding → plain-English client note)."""
    _check_choice("split", split, SPLITS)
    return [e for e in _load(STYLE_TRANSFER_FILE, StyleExample, datasets_dir) if split in (None, e.split)]


def load_domain_documents(datasets_dir: str | Path | None = None) -> list[DomainDocument]:
    """Paraphrased documents about the new cases, for knowledge injection by continued pretraining."""
    return _load(DOMAIN_FILE, DomainDocument, datasets_dir)


def cases_of(examples: Sequence[FormatExample | StyleExample]) -> list[Case]:
    """The case of each example, in order."""
    cases = {case.case_id: case for case in load_cases()}
    return [cases[e.case_id] for e in examples]
