"""`python -m ragft.ask` run as a learner runs it, with the real MiniLM: answers with sources, an index that embeds
only what changed, --eval with counts, the optional hub model, and every error in a line or two (exit code 2)."""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("lancedb")

from ragft.paths import REPO_ROOT  # noqa: E402
from ragft.rag.ask_docs import index_files  # noqa: E402
from ragft.rag.doc_eval import load_doc_questions  # noqa: E402
from ragft.rag.doc_index import DocIndex  # noqa: E402
from ragft.rag.documents import load_folder  # noqa: E402
from ragft.rag.embeddings import DEFAULT_CACHE_DIR, Embedder  # noqa: E402

from docs_folder import write_docs  # noqa: E402
from tiny_chat_model import save_tiny_chat_model  # noqa: E402

QUESTIONS = [("how do I install it on windows?", "guide/install.md", ["Install > Windows"]),
             ("how do I install it on linux?", "guide/install.md", ["Install > Linux"]),
             ("where are the settings kept?", "faq.txt", []),
             ("what does fly return?", "api.html", ["API > sparrow.fly"]),
             ("how do I play a song?", "api.html", ["API > sparrow.sing"])]


def ask(*args, cache, **env):
    """Run the command in a fresh process (offline, like the whole suite: tests/offline_site)."""
    environ = {k: v for k, v in os.environ.items() if k != "RAGFT_HUB_MODEL"} | {"RAGFT_CACHE_DIR": str(cache), **env}
    done = subprocess.run([sys.executable, "-m", "ragft.ask", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=environ, timeout=900)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def source_ids(stdout: str) -> list[str]:
    """The chunk ids listed under "Sources:"."""
    return re.findall(r"^  (\S+#\d+)  ", stdout.split("Sources:", 1)[1], flags=re.M)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """A folder indexed once by the command; the tests that only read it share it."""
    root = tmp_path_factory.mktemp("indexed")
    docs, cache = write_docs(root / "docs"), root / "cache"
    assert ask("--docs", docs, cache=cache).returncode == 0
    return docs, cache


def test_answers_with_sources_and_embeds_only_what_changed(tmp_path):
    docs, cache = write_docs(tmp_path / "docs"), tmp_path / "cache"
    (docs / "notes.txt").write_bytes(b"caf\xe9 in Latin-1")  # not UTF-8: skipped with a warning
    (docs / "diagram.png").write_bytes(b"\x89PNG")  # a type the tool cannot read: skipped with a warning
    question = "how do I reset the settings?"
    first = ask("--docs", docs, question, cache=cache)
    assert first.returncode == 0, first.stderr
    assert re.search(r"warning: skipped \S*notes.txt: it is not UTF-8", first.stderr)
    assert "warning: skipped 1 file(s) of a type the course cannot read: diagram.png" in first.stderr
    assert re.search(r"indexed: 3 added, 0 updated, 0 removed, 0 unchanged \([1-9]\d* chunks embedded\)", first.stderr)
    answer = first.stdout.split("Answer (copied from the documents):\n", 1)[1].split("Citations checked:")[0]
    assert re.search(r"settings.* \[faq\.txt#0\]$", answer, flags=re.M)
    assert source_ids(first.stdout)[0] == "faq.txt#0" and len(source_ids(first.stdout)) == 5

    second = ask("--docs", docs, question, cache=cache)
    assert "0 added, 0 updated, 0 removed, 3 unchanged (0 chunks embedded)" in second.stderr
    assert second.stdout == first.stdout

    (docs / "faq.txt").write_text("Sparrow now keeps its settings in the system registry.\n", encoding="utf-8")
    (docs / "api.html").unlink()
    third = ask("--docs", docs, question, "--k", 50, "--show-chunks", cache=cache)
    assert "0 added, 1 updated, 1 removed, 1 unchanged (1 chunks embedded)" in third.stderr
    assert "registry" in third.stdout and "sparrow.toml" not in third.stdout
    assert not any(i.startswith("api.html") for i in source_ids(third.stdout))


def test_eval_prints_recall_and_mrr_with_counts(indexed, tmp_path):
    docs, cache = indexed
    questions = tmp_path / "mine.jsonl"
    rows = [{"question": q, "source": s, "sections": sections} for q, s, sections in QUESTIONS]
    rows.append({**rows[2], "source": "FAQ.txt"})  # misspelt: the question can never hit
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    done = ask("--docs", docs, "--eval", questions, cache=cache)
    assert done.returncode == 0, done.stderr
    assert "(0 chunks embedded)" in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "1 question(s) name a source or section that no chunk has" in warnings[0], warnings
    assert "mine:6" in done.stderr
    recalls = re.findall(r"recall@(\d)  (\d\.\d{3})  \((\d+)/(\d+) with a gold chunk", done.stdout)
    assert [r[0] for r in recalls] == ["1", "5"]
    for _k, rate, hits, total in recalls:
        assert total == "6" and float(rate) == pytest.approx(int(hits) / 6, abs=5e-4)
    assert int(recalls[0][2]) <= int(recalls[1][2]) <= 5
    assert re.search(r"^  MRR       \d\.\d{3}", done.stdout, flags=re.M)


def test_a_hub_model_folder_writes_the_answer_and_the_checker_counts_its_claims(indexed, tmp_path):
    docs, cache = indexed
    model = save_tiny_chat_model(tmp_path / "tiny-chat-model", max_positions=2048)
    done = ask("--docs", docs, "how do I reset the settings?", "--k", 2, cache=cache, RAGFT_HUB_MODEL=str(model))
    assert done.returncode == 0, done.stderr
    assert f"Answer (written by {model}):" in done.stdout
    assert re.search(r"^Citations checked: .*claim", done.stdout, flags=re.M) and len(source_ids(done.stdout)) == 2


def test_a_hub_model_that_cannot_be_loaded_offline_falls_back_to_copied_sentences(indexed):
    docs, cache = indexed
    done = ask("--docs", docs, "how do I reset the settings?", "--hub-model", "nobody/no-such-model", cache=cache)
    assert done.returncode == 0, done.stderr
    assert "warning: Could not load the hub model 'nobody/no-such-model'" in done.stderr
    assert "Answer (copied from the documents):" in done.stdout


def _bad_eval_file(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "q", "source": "faq.txt"}\n{"question": "no source"}\n', encoding="utf-8")
    return path


def _foreign_index(tmp_path, docs):
    """An index of the same documents built with another embedder."""
    folder = tmp_path / "foreign-index"
    DocIndex(folder, Embedder(lambda texts: np.ones((len(texts), 4)), name="ones", cache_dir=None)).sync(
        index_files(load_folder(docs)))
    return folder


ERRORS = {  # case: (arguments given the documents folder and tmp_path, what the message must say)
    "missing folder": (lambda d, t: ["--docs", t / "nowhere", "q"], r"nowhere does not exist"),
    "empty folder": (lambda d, t: ["--docs", t / "empty", "q"], r"the folder \S+empty is empty"),
    "no supported file": (lambda d, t: ["--docs", t / "slides", "q"], r"no readable \.md, \.txt, \.html or \.pdf file"),
    "malformed --eval file": (lambda d, t: ["--docs", d, "--eval", _bad_eval_file(t)], r"bad\.jsonl, line 2: .*source"),
    "another embedder": (lambda d, t: ["--docs", d, "--index", _foreign_index(t, d), "q"],
                         r"built with the embedder 'ones'.*\(--reindex\)"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_an_error_is_a_line_or_two_and_exit_code_2(case, tmp_path):
    docs = write_docs(tmp_path / "docs")
    (tmp_path / "empty").mkdir()
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "talk.pptx").write_bytes(b"PK")
    arguments, message = ERRORS[case]
    done = ask(*arguments(docs, tmp_path), cache=tmp_path / "cache")
    assert done.returncode == 2 and done.stdout == ""
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and re.search(message, errors[0]), done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) <= 2


def test_the_default_corpus_answers_and_evaluates_the_shipped_test_questions(tmp_path):
    # The one run over the whole default corpus, into a new index; its about 900 pydoc chunks are embedded once per
    # test run (half a minute on one core): the course's embeddings cache is shared with chapter 06 and its tests.
    done = ask("--eval", REPO_ROOT / "datasets/stdlib_questions/questions.jsonl", "--split", "test", "--index",
               tmp_path / "index", "how do I read a JSON file into a dict?", cache=DEFAULT_CACHE_DIR.parent)
    assert done.returncode == 0, done.stderr
    total = len(load_doc_questions(split="test"))
    assert f"Retrieval on {total} question(s)" in done.stdout
    recalls = re.findall(r"recall@\d  (\d\.\d{3})  \((\d+)/(\d+)", done.stdout)
    assert len(recalls) == 2 and all(int(n) == total and float(r) == pytest.approx(int(h) / total, abs=5e-4)
                                     for r, h, n in recalls)
    assert any(i.startswith("pydoc:json#") for i in source_ids(done.stdout))
