"""Heading-aware chunking: cut each document at its own sections, then long sections into windows of words.

A chunk never straddles two sections, so its `section` says exactly where it comes from ("json.load",
"pathlib.Path.read_text", "Install > Linux", "page 3"), and its text starts with that heading, so both BM25 and the
embedder see which function or chapter the words belong to.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from ragft.rag.chunking import chunk_words
from ragft.rag.documents import PYDOC_PREFIX, DocChunk, Document

# Chapter 06: the setting of the best MRR on dev questions (`ragft.rag.doc_eval.best_setting`, the curve in
# benchmarks/docs_retrieval.py). The curve is nearly flat: most pydoc sections are shorter than any size tried.
DOCS_CHUNK_WORDS = 64
DOCS_OVERLAP = 13  # words: 20% of the size

_PYDOC_HEADING = re.compile(r"^(?=[A-Z][A-Z ]+\n)", re.M)  # NAME, DESCRIPTION, CLASSES, FUNCTIONS, DATA, ...
_ENTRY = re.compile(r"^    (?=\w)", re.M)  # an entry starts with a name 4 spaces in (Python 3.13 wraps long signatures)
_NAME = re.compile(r"(?:class )?(\w+)")
_MEMBER_GROUP = re.compile(r"^(?:\S.* defined here|\S.* inherited from .*|Method resolution order):$")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")


def pydoc_sections(text: str, module: str) -> list[tuple[str, str]]:
    """(section, text) pairs of a module's pydoc text: the module ("json") from NAME and DESCRIPTION, each function
    ("json.load"), each class ("json.JSONDecoder") and each public member it defines ("json.JSONDecoder.decode"),
    and its DATA ("string (data)") without bare numeric codes (sqlite3's "SQLITE_ABORT = 4"). Inherited members are
    left out (their owners document them), and so are private names and members without a docstring."""
    overview, sections = [], []
    for part in _PYDOC_HEADING.split(text):
        heading, _, body = part.partition("\n")
        if heading in ("NAME", "DESCRIPTION"):
            overview.append(textwrap.dedent(body))
        elif heading == "FUNCTIONS":
            named = [(_NAME.match(entry).group(1), entry) for entry in _entries(body)]
            sections += [(f"{module}.{name}", textwrap.dedent(entry)) for name, entry in named if name[0] != "_"]
        elif heading == "CLASSES":
            for entry in _entries(body):
                match = re.match(r"(?:(\w+) = )?class (\w+)", entry)
                if match:  # the class tree at the top of CLASSES is not an entry
                    sections += _class_sections(f"{module}.{match.group(1) or match.group(2)}", entry)
        elif heading == "DATA":
            data = [line for line in body.strip("\n").splitlines()  # without dunders and bare numeric codes
                    if not line.lstrip().startswith("__") and not re.fullmatch(r"\s*\w+ = -?\d+", line)]
            sections.append((f"{module} (data)", textwrap.dedent("\n".join(data))))
    return [(f"{module}", "\n".join(overview)), *sections]


def _entries(body: str) -> list[str]:
    """The entries of a FUNCTIONS or CLASSES part: each starts on a line indented by exactly 4 spaces."""
    return [entry for entry in _ENTRY.split(body) if entry.strip()]


def _class_sections(name: str, entry: str) -> list[tuple[str, str]]:
    """The class's own text (its signature and docstring) and one section per public member defined in it."""
    first, *rest = entry.split("\n")
    lines = [re.sub(r"^ {5}\|(  )?", "", line) for line in rest]  # pydoc draws a class's body behind " |  "
    own, members, in_members, keep = [first.strip()], [], False, False
    for line in lines:
        if _MEMBER_GROUP.match(line) or line.startswith("-" * 10):  # "Methods defined here:", a rule, ...
            in_members, keep = True, line.endswith("defined here:")
        elif not in_members:
            own.append(line)
        elif keep and re.match(r"\w", line):  # a member's signature; its docstring is indented below it
            members.append([line])
        elif keep and members:
            members[-1].append(line)
    sections = [(name, "\n".join(own))]
    for member in members:
        member_name = _NAME.match(member[0]).group(1)
        if _documented(member) and not member_name.startswith("_"):
            sections.append((f"{name}.{member_name}", textwrap.dedent("\n".join(member))))
    return sections


def _documented(member: list[str]) -> bool:
    """True when a member has a docstring below its signature (which Python 3.13 wraps up to a line ")...")."""
    rest = member[1:]
    if member[0].rstrip().endswith("("):
        rest = rest[next((i for i, line in enumerate(rest) if line.startswith(")")), len(rest)) + 1 :]
    return any(line.strip() for line in rest)


def markdown_sections(text: str) -> list[tuple[str, str]]:
    """(heading path, text) pairs of a markdown text cut at its "#" headings ("Install > Linux"); "#" lines inside
    fenced code blocks are code, not headings. Text before the first heading has the section ""."""
    sections, path, lines, in_code = [], [], [], False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        heading = None if in_code else _MD_HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        sections.append((" > ".join(title for _, title in path), "\n".join(lines)))
        level = len(heading.group(1))
        path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, heading.group(2))]
        lines = []
    sections.append((" > ".join(title for _, title in path), "\n".join(lines)))
    return sections


def document_sections(document: Document) -> list[tuple[str, str]]:
    """(section, text) pairs of a document, by its kind; sections without text are dropped."""
    if document.kind == "pydoc":
        sections = pydoc_sections(document.text, document.source.removeprefix(PYDOC_PREFIX))
    elif document.kind in ("markdown", "html"):
        sections = markdown_sections(document.text)
    elif document.kind == "pdf":
        sections = [(f"page {n}", page) for n, page in enumerate(document.text.split("\f"), start=1)]
    else:
        sections = [("", document.text)]
    return [(section, text) for section, text in sections if text.strip()]


def chunk_documents(documents: Iterable[Document], size: int = DOCS_CHUNK_WORDS,
                    overlap: int = DOCS_OVERLAP) -> list[DocChunk]:
    """Every document cut at its sections, each section into windows of `size` words (`overlap` words repeated),
    each window headed by its section (or, without one, its source) so the heading is searched too."""
    chunks = []
    for document in documents:
        windows = [(section, window) for section, text in document_sections(document)
                   for window in chunk_words(text, size, overlap)]
        chunks += [DocChunk(f"{document.source}#{n}", f"{section or document.source}\n{window}", document.source, section)
                   for n, (section, window) in enumerate(windows)]
    return chunks
