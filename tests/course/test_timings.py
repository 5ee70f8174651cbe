"""Run times are read from the benchmark's results, and every quoted run time comes from there."""

import json

import nbformat

from ragft.course.build_notebooks import TIME_LINE, chapter_table, run_all_tables, time_line
from ragft.course.chapters import CHAPTERS
from ragft.course.timings import FIRST_START_FILE, RESULTS_FILE, Timings, first_start_text
from ragft.paths import REPO_ROOT


def test_timings_read_a_results_file_and_say_when_a_notebook_was_not_measured(tmp_path):
    path = tmp_path / "notebooks.json"
    path.write_text(json.dumps({"machine": "m", "measured": "2026-12-02", "commit": "abc", "notebooks": {
        "chapters/01_how_llms_learn.ipynb": {"quiet": 44.9, "busy": 67.1, "peak_mb": 809}}}))
    timings = Timings.load(path)
    assert timings.seconds("chapters/01_how_llms_learn.ipynb", "busy") == 67.1
    assert timings.cell("chapters/01_how_llms_learn.ipynb") == "45 s / 809 MB"
    assert timings.cell("chapters/02_why_llms_hallucinate.ipynb") == "not measured"
    assert "45 s" in time_line(CHAPTERS[1], timings) and "2026-12-02" in time_line(CHAPTERS[1], timings)
    assert "not been timed" in time_line(CHAPTERS[2], timings)
    assert Timings.load(tmp_path / "missing.json") is None
    assert "not measured" in chapter_table(None) and "make bench" in run_all_tables(None)


def test_every_chapter_quotes_the_committed_run_time():
    timings = Timings.load(RESULTS_FILE)
    assert timings is not None, "benchmarks/results/notebooks.json is committed: run `make bench`"
    for chapter in CHAPTERS:
        title = nbformat.read(REPO_ROOT / chapter.notebook, as_version=4).cells[1].source
        assert TIME_LINE.search(title).group() == time_line(chapter, timings)


def test_the_first_start_sentences_come_from_the_measurement(tmp_path):
    path = tmp_path / "first_start.json"
    assert "not been measured" in first_start_text(path)
    saved = {"machine": "2 cores", "measured": "2026-12-02", "commit": "abc",
             "make": {"install_seconds": 265.8, "lab_seconds": 4.9, "downloaded_mb": 1473, "venv_mb": 1858}}
    path.write_text(json.dumps(saved))
    text = first_start_text(path)
    assert "1,473 MB" in text and "4.4 minutes" in text and "5 s after" in text and "Binder" not in text
    saved["binder"] = {"build_seconds": 151.7, "downloaded_mb": 475, "env_mb": 1856}
    path.write_text(json.dumps(saved))
    assert "475 MB and took 2.5 minutes" in first_start_text(path)


def test_the_readme_quotes_the_committed_first_start():
    assert FIRST_START_FILE.exists(), "run `python benchmarks/first_start.py --binder` and commit its results"
    assert first_start_text() in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
