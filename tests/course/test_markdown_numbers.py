"""No measured figure typed into a notebook's markdown (issue 16): the words must not drift from the numbers.

The test reads the markdown cells of every notebook in chapters/, solutions/ and exercises/ and flags every number
a notebook could measure, in the shapes a measured figure takes:

- a decimal (0.604), a number with thousands separators (3,633), or any integer from 10 up (48, 343, 2024);
- a number with a unit or a suffix: a percentage (17%), a ratio (240×, 7 times), a duration (90 s, 10 minutes),
  a size (112 GB, 15T, 22M), an ordinal (5th); a count with its total (6 of 343, 9 / 48);
- a number written as a word before a measuring word: "ten times", "eight orders of magnitude", "ten seconds".

Bare integers below 10 ("2 layers", "k = 2", list items) are not flagged: they are almost always structure.
Not scanned: code spans, fenced code and LaTeX math (code and formulas, not claims), link targets, references to
the course's own parts ("chapter 03", "step 11", "exercise 04.8", "### 5.1"), a cited paper's year ("et al. 2017"),
and each chapter's `**Time:**` line, which build_notebooks generates from the benchmark's results. Markdown that a
code cell renders with `display(Markdown(...))` lives in a code cell, so it is not scanned: rendering from the live
value is the fix.

A flagged number passes only if an entry of `allowed_numbers.toml` covers it: the entry's text (or regex) must
occur in the same cell of a notebook its `notebooks` globs name, around the number; each entry gives its reason.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from ragft.course.build_notebooks import NOTEBOOK_DIRS, TIME_LINE
from ragft.paths import REPO_ROOT

ALLOW_FILE = Path(__file__).with_name("allowed_numbers.toml")
ALL_NOTEBOOKS = sorted(p for folder in NOTEBOOK_DIRS for p in (REPO_ROOT / folder).glob("*.ipynb"))

NOT_CLAIMS = re.compile(
    r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|\]\([^)]*\)"  # code, math, link targets
    r"|\b(?:[Cc]hapters?|[Ss]teps?|[Ss]ections?|[Ss]tages?|[Ee]xercises?|[Cc]hallenges?|[Ff]ailures?|[Pp]arts?)"
    r"\s+\d+(?:\.\d+)?(?:\s*(?:,|and|or|to|-|–)\s*\d+(?:\.\d+)?)*"  # the course's own parts
    r"|et al\.,? \(?\d{4}"  # a cited paper's year
    r"|^#+ [\d.]+",  # a heading's section number
    re.DOTALL | re.MULTILINE)
NUMBER_WORD = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
               r"|hundred|thousand|million|billion|trillion)")
MEASURE_WORD = r"(?:times|orders? of magnitude|percent|seconds|minutes|hours)"
NUMBER = re.compile(
    rf"(?<![\w.,/])(?<!\w-)(?P<value>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<decimals>\.\d+)?(?![\w.,]\d)"
    rf"(?P<unit>\s?(?:%|×|(?:percent|x|times|orders? of magnitude|ms|s|seconds?|min|minutes?|hours?|GB|MB|KB|[kMBT]"
    rf"|st|nd|rd|th)\b))?(?P<total>\s?(?:of|/|out of)\s\d[\d,.]*)?"
    rf"|\b{NUMBER_WORD}\s{MEASURE_WORD}\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<!\bv)(?<!\bal)(?<!e\.g)(?<!i\.e)[.!?](?=\s)|\n\s*\n|\n(?=\s*(?:[-*|#]|\d+\.)\s)")


@dataclass(frozen=True)
class TypedNumber:
    notebook: str
    cell: int
    number: str
    sentence: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell} (from 0, the set-up cell): {self.number!r} in \"{self.sentence}\""


def _flagged(match: re.Match) -> bool:
    if match["value"] is None:  # a number word before a measuring word
        return True
    return bool(match["decimals"] or match["unit"] or match["total"] or "," in match["value"]
                or int(match["value"]) >= 10)


def _blank(match: re.Match) -> str:
    return " " * len(match.group())  # keeps offsets, so the sentence is quoted from the text itself


def _sentence(text: str, start: int, end: int) -> str:
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    stop = SENTENCE_END.search(text, end)
    return " ".join(text[starts[-1] if starts else 0: stop.end() if stop else len(text)].split())


def load_allow_list(path: Path = ALLOW_FILE) -> list[dict]:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["allow"]
    for entry in entries:
        # a space in an entry matches any run of white space: markdown sources break lines anywhere
        pattern = entry["regex"] if "regex" in entry else re.escape(entry["text"]).replace("\\ ", " ")
        entry["pattern"] = re.compile(pattern.replace(" ", r"\s+"))
    return entries


def typed_numbers(path: Path, allow: list[dict], used: set[int] | None = None) -> list[TypedNumber]:
    """The flagged numbers in a notebook's markdown that no allow-list entry covers (`used` collects entries used)."""
    name = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else path.name
    entries = [(i, e) for i, e in enumerate(allow) if any(fnmatch.fnmatch(name, g) for g in e["notebooks"])]
    found = []
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        scanned = NOT_CLAIMS.sub(_blank, TIME_LINE.sub(_blank, text))
        allowed = [(i, m.span()) for i, e in entries for m in e["pattern"].finditer(text)]
        for match in NUMBER.finditer(scanned):
            if not _flagged(match):
                continue
            covering = [i for i, (a, b) in allowed if a <= match.start() and match.end() <= b]
            if covering and used is not None:
                used.update(covering)
            if not covering:
                found.append(TypedNumber(name, index, match.group().strip(), _sentence(text, *match.span())))
    return found


HOW_TO_FIX = """
A number a notebook measures must come from the learner's kernel, not from the text. For each line above:
- render the sentence from the live value in a code cell (`display(Markdown(f"... {value} ..."))`), or
- phrase the text around the output shown just above ("the cell above prints ..."), or
- if it is a sourced or structural constant (a published figure, a setting the code sets, a year), add an entry
  with the number, a few words of its context and the reason to tests/course/allowed_numbers.toml."""


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_no_measured_number_is_typed_into_markdown(path):
    found = typed_numbers(path, load_allow_list())
    assert not found, "numbers typed into markdown:\n" + "\n".join(map(str, found)) + HOW_TO_FIX


def test_every_allow_list_entry_has_a_reason_some_context_and_is_used():
    allow, used = load_allow_list(), set()
    for path in ALL_NOTEBOOKS:
        typed_numbers(path, allow, used)
    for index, entry in enumerate(allow):
        source = entry.get("regex", entry.get("text", ""))
        assert len(entry.get("reason", "")) > 10, f"entry {source!r} needs a reason"
        assert re.search(r"[A-Za-z]{3}", source), f"entry {source!r}: give the number with a few words of context"
        assert index in used, f"entry {source!r} covers no number in {entry['notebooks']}: remove it"


def _notebook(tmp_path: Path, cells: list[dict]) -> Path:
    path = tmp_path / "planted.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_a_number_planted_in_a_chapters_markdown_is_flagged(tmp_path):
    chapter = REPO_ROOT / "chapters" / "00_welcome.ipynb"
    cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    last = max(i for i, c in enumerate(cells) if c["cell_type"] == "markdown")
    cells[last]["source"] = ["RAG answered 93.7% of the questions. ", *cells[last]["source"]]
    allow = [{**e, "notebooks": ["planted.ipynb"]} for e in load_allow_list()
             if any(fnmatch.fnmatch("chapters/00_welcome.ipynb", g) for g in e["notebooks"])]
    found = typed_numbers(_notebook(tmp_path, cells), allow)
    assert [(f.cell, f.number, f.sentence) for f in found] == [(last, "93.7%", "RAG answered 93.7% of the questions.")]


def test_counts_ratios_and_number_words_are_flagged_but_structure_and_rendered_numbers_are_not(tmp_path):
    markdown = ("It ranks the passage 5th; only 6 of 343 answers. IDF weighs ten times more, 3,633 documents, -0.5.\n\n"
                "## Step 11 · see chapter 03, `k = 0.5`, $\\ln 4096$, 2 layers, rank 8 of GPT-2, words 1-4 "
                "(Hu et al. 2021).")
    rendered = 'display(Markdown(f"RAG answered {accuracy:.1%} of the questions, 93.7% in one run"))'
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [markdown]},
             {"cell_type": "code", "metadata": {}, "source": [rendered], "outputs": [], "execution_count": None}]
    found = typed_numbers(_notebook(tmp_path, cells), [])
    assert [f.number for f in found] == ["5th", "6 of 343", "ten times", "3,633", "0.5"]
    assert {f.cell for f in found} == {0}
    assert found[0].sentence == "It ranks the passage 5th; only 6 of 343 answers."
    assert found[-1].sentence == "IDF weighs ten times more, 3,633 documents, -0.5."
