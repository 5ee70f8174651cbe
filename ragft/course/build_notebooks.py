"""Keep the notebooks and the README consistent: `python -m ragft.course.build_notebooks [--check]`.

- every notebook is stored without outputs and starts with the same Colab set-up cell;
- every `exercises/*_exercises.ipynb` is generated from its `solutions/*_solutions.ipynb` twin: code between
  `### BEGIN SOLUTION` and `### END SOLUTION` becomes a stub that raises NotImplementedError (with the hint
  from a `# Hint:` comment just above the block), markdown answers become a placeholder;
- the README's chapter table (badges included) is generated from `ragft.course.chapters`;
- run times come from the benchmark's committed results (`ragft.course.timings`): the README table's "Run All"
  column, each chapter's `**Time:**` line, and INSTRUCTORS.md's tables between `<!-- run-all:start -->` and
  `<!-- run-all:end -->`; the README's first-start sentences (between `<!-- first-start:start -->` and `end`).

With --check nothing is written: the command lists what is out of date and exits 1 (the test suite runs it).
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from ragft.course.chapters import CHAPTERS, REPO_REF, REPO_SLUG, Chapter, binder_url, colab_url
from ragft.course.timings import Timings, first_start_text
from ragft.paths import REPO_ROOT

NOTEBOOK_DIRS = ("chapters", "exercises", "solutions")
SETUP_MARKER = "# Colab set-up"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKDOWN_PLACEHOLDER = "*Write your answer here.*"
TABLE_START, TABLE_END = "<!-- chapters:start -->", "<!-- chapters:end -->"
RUN_ALL_START, RUN_ALL_END = "<!-- run-all:start -->", "<!-- run-all:end -->"
FIRST_START_START, FIRST_START_END = "<!-- first-start:start -->", "<!-- first-start:end -->"
TIME_LINE = re.compile(r"^\*\*Time:\*\*.*$", re.MULTILINE)


def setup_cell_source() -> str:
    """The first cell of every notebook: installs the course on Colab (`ragft/course/colab_install.py`), nothing elsewhere."""
    return f'''{SETUP_MARKER}: on Google Colab this installs the course ({REPO_SLUG}@{REPO_REF}); elsewhere it does nothing.
import os, subprocess, sys
if "google.colab" in sys.modules:
    if not os.path.isdir("/content/course"):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", "{REPO_REF}",
                        "https://github.com/{REPO_SLUG}.git", "/content/course"], check=True)
        # The course's libraries at their tested versions; Colab's PyTorch, NumPy, widgets and Jupyter stay as they are.
        subprocess.run([sys.executable, "/content/course/ragft/course/colab_install.py", "/content/course"], check=True)
    sys.path.insert(0, "/content/course")
    from importlib.metadata import version
    if int(version("ipywidgets").split(".")[0]) >= 8:  # Colab draws ipywidgets 7 itself; 8 needs its widget manager
        from google.colab import output
        output.enable_custom_widget_manager()'''


def _stub_code(lines: list[str]) -> list[str]:
    """Replace each solution block of a code cell by a NotImplementedError stub carrying the hint."""
    out, hint, inside = [], "", False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            indent = line[: len(line) - len(line.lstrip())]
            message = "Exercise not attempted yet: replace this line with your code." + (f" Hint: {hint}" if hint else "")
            out.append(f"{indent}raise NotImplementedError({message!r})")
            inside = True
        elif stripped.startswith(END):
            inside = False
        elif not inside:
            out.append(line)
            hint = stripped[len("# Hint:"):].strip() if stripped.startswith("# Hint:") else ""
    return out


def _stub_markdown(text: str) -> str:
    return re.sub(rf"{BEGIN}.*?{END}", MARKDOWN_PLACEHOLDER, text, flags=re.DOTALL)


def make_exercises(solutions: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise notebook generated from a (normalised) solutions notebook."""
    exercises = copy.deepcopy(solutions)
    for cell in exercises.cells:
        if BEGIN not in cell.source:
            continue
        if cell.cell_type == "code":
            cell.source = "\n".join(_stub_code(cell.source.split("\n")))
        else:
            cell.source = _stub_markdown(cell.source)
    return exercises


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip outputs and execution counts, and make the first cell the Colab set-up cell."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    for key in ("widgets", "jupytext", "language_info"):
        nb.metadata.pop(key, None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    setup = nbformat.v4.new_code_cell(setup_cell_source())
    setup.id = "colab-setup"
    if nb.cells and nb.cells[0].source.startswith(SETUP_MARKER):
        nb.cells[0] = setup
    else:
        nb.cells.insert(0, setup)
    return nb


def time_line(chapter: Chapter, timings: Timings | None) -> str:
    """A chapter's time line: the session's length and how long Run All takes, measured."""
    run_all = timings.run_all(chapter.notebook) if timings else "Run All has not been timed yet (`make bench`)"
    return f"**Time:** about {chapter.minutes} minutes; {run_all}."


def with_time_line(nb: nbformat.NotebookNode, chapter: Chapter, timings: Timings | None) -> nbformat.NotebookNode:
    """The chapter with its title cell's `**Time:**` line generated (the title cell must have one)."""
    title = nb.cells[1]
    if not TIME_LINE.search(title.source):
        raise ValueError(f"{chapter.notebook}: its title cell needs a line starting with **Time:** (generated)")
    line = time_line(chapter, timings)
    title.source = TIME_LINE.sub(lambda _: line, title.source, count=1)
    return nb


def run_all_tables(timings: Timings | None) -> str:
    """INSTRUCTORS.md's tables: every notebook's Run All time and peak memory, and the chapters under load."""
    if timings is None:
        return "No benchmark recorded yet: run `make bench`."
    rows = [f"Measured by `make bench` on {timings.machine}, {timings.measured} (commit {timings.commit}): a fresh "
            "kernel running the notebook top to bottom, offline; peak resident memory of the kernel and its children.",
            "", "| notebook | chapter | solutions | exercises |", "|---|---|---|---|"]
    for chapter in CHAPTERS:
        rows.append(f"| {chapter.stem[:2]} | {timings.cell(chapter.notebook)} | {timings.cell(chapter.solutions)} | "
                    f"{timings.cell(chapter.exercises)} |")
    conditions = [("quiet", "quiet"), ("one-cpu", "one CPU"), ("busy", "busy"),
                  ("busy-unmanaged", "busy, PyTorch's default threads")]
    rows += ["", "The chapters in the conditions learners meet (seconds): one CPU (a 1-CPU container), busy (a "
             "CPU-bound process beside the kernel), and busy without the course's thread policy (a dash: not "
             "measured; that condition takes minutes per chapter).", "",
             "| chapter | " + " | ".join(label for _, label in conditions) + " |",
             "|---|" + "---:|" * len(conditions)]
    for chapter in CHAPTERS:
        cells = [timings.seconds(chapter.notebook, name) for name, _ in conditions]
        rows.append(f"| {chapter.stem[:2]} | " + " | ".join("-" if c is None else f"{c:.0f}" for c in cells) + " |")
    return "\n".join(rows)


def _between(text: str, start: str, end: str, content: str) -> str:
    head, tail = text.index(start) + len(start), text.index(end)
    return text[:head] + "\n" + content + "\n" + text[tail:]


def chapter_table(timings: Timings | None = None) -> str:
    """The README's chapter table with Colab and Binder badges, from `ragft.course.chapters.CHAPTERS`."""
    rows = ["| # | chapter | what you will do | time | Run All (quiet, 2 cores) | open |", "|---|---|---|---|---|---|"]
    for chapter in CHAPTERS:
        number, _ = chapter.stem.split("_", 1)
        if (REPO_ROOT / chapter.notebook).exists():
            links = (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(chapter.notebook)}) "
                     f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(chapter.notebook)})")
            title = f"[{chapter.title}]({chapter.notebook})"
        else:
            links, title = "*in preparation*", chapter.title
        run_all = timings.cell(chapter.notebook) if timings else "not measured"
        rows.append(f"| {number} | {title} | {chapter.you_will} | {chapter.minutes} min | {run_all} | {links} |")
    return "\n".join(rows)


def expected_files(root: Path = REPO_ROOT) -> dict[Path, str]:
    """Every generated file with the text it should have."""
    files: dict[Path, str] = {}
    timings = Timings.load()
    chapters = {chapter.notebook: chapter for chapter in CHAPTERS}
    for folder in NOTEBOOK_DIRS:
        for path in sorted((root / folder).glob("*.ipynb")):
            if folder == "exercises":
                continue  # generated below from the solutions
            nb = normalise(nbformat.read(path, as_version=4))
            if f"{folder}/{path.name}" in chapters:
                nb = with_time_line(nb, chapters[f"{folder}/{path.name}"], timings)
            files[path] = nbformat.writes(nb) + "\n"
            if folder == "solutions":
                target = root / "exercises" / path.name.replace("_solutions.ipynb", "_exercises.ipynb")
                files[target] = nbformat.writes(make_exercises(nb)) + "\n"
    readme, guide = root / "README.md", root / "INSTRUCTORS.md"
    files[readme] = _between(_between(readme.read_text(encoding="utf-8"), TABLE_START, TABLE_END, chapter_table(timings)),
                             FIRST_START_START, FIRST_START_END, first_start_text())
    files[guide] = _between(guide.read_text(encoding="utf-8"), RUN_ALL_START, RUN_ALL_END, run_all_tables(timings))
    return files


def out_of_date(root: Path = REPO_ROOT) -> list[Path]:
    """Generated files whose content differs from what this script would write (or that are missing or orphaned)."""
    expected = expected_files(root)
    stale = [p for p, text in expected.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    orphans = [p for p in sorted((root / "exercises").glob("*.ipynb")) if p not in expected]
    return stale + orphans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_date()
        for path in stale:
            print(f"out of date: {path.relative_to(REPO_ROOT)}")
        if stale:
            print("Fix: python -m ragft.course.build_notebooks")
        return 1 if stale else 0
    for path, text in expected_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
