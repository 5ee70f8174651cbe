"""Run times are read from the benchmark's results, and every quoted run time comes from there."""

import json

import nbformat

from ragft.course.build_notebooks import TIME_LINE, chapter_table, run_all_tables, time_line
from ragft.course.chapters import CHAPTERS
from ragft.course.timings import RESULTS_FILE, Timings
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
