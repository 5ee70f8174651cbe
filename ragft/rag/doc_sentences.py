"""Real documentation cut into the units an answer may copy: prose sentences, and code lines kept whole.

Python's documentation (pydoc's plain text) and markdown are not only prose. A signature such as
`load(fp, *, cls=None, ...)`, a doctest line `>>> json.dumps(obj)` with its output, or a line of a fenced code block
is one unit, never cut at its dots, and so is a signature pydoc spreads over several lines (Python 3.13 writes
`load(` / `fp,` / ... / `)`); prose lines are joined and cut into sentences. Headings and lines without a letter or
digit only separate units. Every unit is a piece of `plain_text(text)`, so a checker can find it again in its source.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_MARGIN = re.compile(r"^\s*\| {0,2}")  # pydoc's margin in front of every line of a class's documentation
# A sentence ends at . ! or ? followed by a space and what may open a sentence (a capital, a bracket, a quote,
# inline code), but not after a one-letter abbreviation ("e.g. this", "Marlow v. Teague").
SENTENCE_END = re.compile(r"(?<!\b[A-Za-z]\.)(?<=[.!?])\s+(?=[A-Z\[(\"'`*])")
_PROMPT = (">>>", "...", "$ ")  # a doctest (or its continuation) or a shell command
_CODE_LINE = re.compile(
    r"(?:class\s+)?[A-Za-z_][\w.]*\(.*\)(?:\s*->\s*\S.*?)?(?:\s+from\s+[\w.]+)?"  # a signature: name(...) [-> type]
    r"|[A-Za-z_][\w.]* = \S.*"  # pydoc's DATA entries: NAME = value
)
_SIGNATURE_OPENS = re.compile(r"(?:class\s+)?[A-Za-z_][\w.]*\(")  # "load(": its arguments follow, one a line
_HEADING = re.compile(r"#{1,6}\s.*|[A-Z][A-Z ]{3,}")  # a markdown heading, or pydoc's "FUNCTIONS", "CLASSES", ...
_BULLET = re.compile(r"(?:[-*+\u2022]|\d+[.)])\s")  # a list item starts a new paragraph
_WORD = re.compile(r"[^\W_]")
_SPACE_INSIDE_BRACKETS = re.compile(r"(?<=[(\[{]) | (?=[)\]}])")


class Unit(NamedTuple):
    """One sentence or one code line of a document, its whitespace collapsed."""

    text: str
    is_code: bool


def strip_margin(line: str) -> str:
    """`line` without pydoc's " |  " margin."""
    return _MARGIN.sub("", line)


def normalize_space(text: str) -> str:
    """Every run of whitespace a single space, none just inside brackets: "load( fp )" reads "load(fp)"."""
    return _SPACE_INSIDE_BRACKETS.sub("", " ".join(text.split()))


def plain_text(text: str) -> str:
    """`text` on one line, pydoc's class margins removed, its spaces normalized (`normalize_space`)."""
    return normalize_space(" ".join(strip_margin(line) for line in text.splitlines()))


def split_units(text: str) -> list[Unit]:
    """The sentences and code lines of `text`, in order (see the module's docstring for the rules)."""
    units: list[Unit] = []
    prose: list[str] = []  # the lines of the paragraph being read

    def end_paragraph() -> None:
        if prose:
            units.extend(Unit(s, False) for s in SENTENCE_END.split(" ".join(prose)))
            prose.clear()

    fenced = doctest = False
    signature: list[str] = []  # the lines read so far of a signature spread over several lines
    for raw in text.splitlines():
        line = strip_margin(raw).strip()
        if signature:
            signature.append(line)
            joined = " ".join(signature)
            if not line or joined.count("(") <= joined.count(")"):
                units.append(Unit(joined, True))
                signature = []
            continue
        if _SIGNATURE_OPENS.fullmatch(line) and not fenced:
            end_paragraph()
            signature = [line]
            continue
        if line.startswith(("```", "~~~")):
            end_paragraph()
            fenced = not fenced
            continue
        doctest = line.startswith(">>>") or (doctest and bool(line))  # a doctest's output runs to the blank line
        if line and (fenced or doctest or line.startswith(_PROMPT) or _CODE_LINE.fullmatch(line)):
            end_paragraph()
            units.append(Unit(line, True))
        elif not _WORD.search(line) or _HEADING.fullmatch(line):
            end_paragraph()
        else:
            if _BULLET.match(line):
                end_paragraph()
            prose.append(line)
            if line.endswith(":"):  # a lead-in ("Performs the following translations:") or a label
                end_paragraph()
    end_paragraph()
    if signature:
        units.append(Unit(" ".join(signature), True))
    return [Unit(normalize_space(u.text), u.is_code) for u in units if u.text.strip()]
