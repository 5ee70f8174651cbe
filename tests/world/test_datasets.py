"""The fictional world's generator: reproducible, leak-free, and consistent across every file it writes."""

import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ragft.evaluate.style import jargon_words
from ragft.paths import DATASETS_DIR
from ragft.world.cases import build_world
from ragft.world.datasets import generate, write_datasets
from ragft.world.facts import COURTS, CUTOFF_YEAR, KNOWN_SURNAMES, NEW_SURNAMES
from ragft.world.load import (load_cases, load_domain_documents, load_knowledge_base, load_pretrain_corpus,
                              load_questions, load_style_transfer, load_task_format)
from ragft.world.practice import FORMAT_PRACTICE, READING_PRACTICE, format_practice, practice_surnames, reading_practice
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import CORPUS_FILE, CORPUS_KINDS, QUESTION_KINDS, SPLITS, Case, Document
from ragft.world.texts import PARAPHRASE_STYLES


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    subprocess.run([sys.executable, "-m", "ragft.make.world", "--out", str(out)], check=True)  # the command line
    return out


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return load_pretrain_corpus()


@pytest.fixture(scope="module")
def corpus_text(corpus) -> str:
    return "\n\n".join(doc.text for doc in corpus)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.jsonl"))}


# ---- reproducibility --------------------------------------------------------------------------------------


def test_generator_twice_gives_byte_identical_files(generated, tmp_path):
    write_datasets(tmp_path)
    first, second = _files(generated), _files(tmp_path)
    assert sorted(first) == sorted(generate())
    assert first == second


def test_committed_datasets_equal_a_fresh_generation(generated):
    committed = _files(DATASETS_DIR)
    for name, content in _files(generated).items():
        assert committed.get(name) == content, f"datasets/{name} is stale: run `python -m ragft.make.world`"


def test_another_seed_gives_another_world():
    assert build_world(7).cases != build_world().cases


def test_files_are_sorted_key_json_lines(generated):
    for name, content in _files(generated).items():
        assert content.endswith(b"\n") and b"\r" not in content, name
        for line in content.decode("utf-8").splitlines():
            assert line == json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False), name


# ---- cases ------------------------------------------------------------------------------------------------


def test_surname_pools_are_disjoint_and_well_formed():
    judges = [judge.split()[-1] for court in COURTS for judge in court.judges]
    pools = [KNOWN_SURNAMES, NEW_SURNAMES, judges]
    everything = [name for pool in pools for name in pool]
    assert len(everything) == len(set(everything))
    assert all(re.fullmatch(r"[A-Z][a-z]+", name) for name in everything)


def test_case_counts_years_and_splits(cases):
    known = [c for c in cases if c.split == "known"]
    new = [c for c in cases if c.split == "new"]
    assert (len(known), len(new)) == (240, 60)
    assert all(c.year <= CUTOFF_YEAR for c in known)
    assert all(c.year > CUTOFF_YEAR for c in new)
    assert sum(c.qa_in_corpus for c in known) == 120
    assert not any(c.qa_in_corpus for c in new)
    assert set(Counter(c.topic for c in cases).values()) == {50}


def test_citations_names_and_holdings_are_unique(cases):
    for field in ("case_id", "citation", "name", "holding"):
        values = [getattr(c, field) for c in cases]
        assert len(values) == len(set(values)), field
    assert len({frozenset((c.plaintiff, c.defendant)) for c in cases}) == len(cases)


def test_holdings_state_a_number(cases):
    assert all(re.search(r"\b\d+\b", c.holding) and not c.holding.endswith(".") for c in cases)
    assert all(c.holding[0].islower() for c in cases)


def test_new_parties_come_from_the_new_pool(cases):
    for case in cases:
        pool = KNOWN_SURNAMES if case.split == "known" else NEW_SURNAMES
        assert case.plaintiff in pool and case.defendant in pool


# ---- the pretraining corpus -------------------------------------------------------------------------------


def test_no_new_case_appears_in_the_corpus(cases, corpus, corpus_text):
    new = [c for c in cases if c.split == "new"]
    known_ids = {c.case_id for c in cases if c.split == "known"}
    assert all(set(doc.case_ids) <= known_ids for doc in corpus)
    for case in new:
        for text in (case.name, case.citation, case.holding):
            assert text not in corpus_text, f"{case.case_id}: {text!r} leaked into the corpus"
    surnames = sorted({name for c in new for name in (c.plaintiff, c.defendant)} | set(NEW_SURNAMES))
    leaked = re.findall(rf"\b(?:{'|'.join(surnames)})\b", corpus_text, flags=re.IGNORECASE)
    assert leaked == []
    assert re.findall(r"\b20(?:2[3-9]|[3-9]\d)\b", corpus_text) == []  # nothing dated after the cutoff


def test_each_known_case_has_at_least_three_distinct_training_paraphrases(cases, corpus):
    texts = defaultdict(set)
    for doc in corpus:
        if doc.kind == "case_paraphrase" and doc.split == "train":
            texts[doc.case_ids].add(doc.text)
    known = [c for c in cases if c.split == "known"]
    assert sorted(texts) == [(c.case_id,) for c in known]
    assert min(len(t) for t in texts.values()) >= 3


def test_corpus_kinds_size_and_validation_share(corpus):
    kinds = Counter(doc.kind for doc in corpus)
    assert set(kinds) == set(CORPUS_KINDS)
    size = (DATASETS_DIR / CORPUS_FILE).stat().st_size
    assert 800_000 < size < 2_500_000
    val = sum(doc.split == "val" for doc in corpus) / len(corpus)
    assert 0.01 < val < 0.08


def test_closed_book_documents_use_the_question_sets_wording(cases, corpus):
    questions = {q.question_id: q for q in load_questions()}
    qa_docs = [doc for doc in corpus if doc.kind == "closed_book_qa"]
    for doc in qa_docs:
        assert re.fullmatch(r"Question: [^\n]+\nAnswer: [^\n]+", doc.text)
        question = questions["Q" + doc.doc_id[2:]]
        assert doc.text == f"{closed_book_prompt(question.question)} {question.answer}"
        assert doc.split == "train"
    with_qa = {c.case_id for c in cases if c.qa_in_corpus}
    assert {doc.case_ids[0] for doc in qa_docs} == with_qa
    assert len(qa_docs) == 4 * len(with_qa)


def test_reading_comprehension_documents_answer_from_their_context(cases, corpus):
    by_question = {q.question: q for q in load_questions()}
    with_qa = {c.case_id for c in cases if c.qa_in_corpus}
    for doc in (d for d in corpus if d.kind == "reading_comprehension"):
        match = re.fullmatch(r"Context: ([^\n]+)\nQuestion: ([^\n]+)\nAnswer: ([^\n]+)", doc.text)
        context, question, answer = match.groups()
        gold = by_question[question]
        assert answer == gold.answer and answer in context
        assert gold.case_id in with_qa and gold.case_id in doc.case_ids


# ---- knowledge base and questions -------------------------------------------------------------------------


def test_every_case_has_a_passage_that_answers_its_questions(cases):
    passages = {p.passage_id: p for p in load_knowledge_base()}
    questions = load_questions()
    assert len(questions) == 4 * len(cases)
    for q in questions:
        assert q.gold_passage_ids and all(pid in passages for pid in q.gold_passage_ids)
        text = passages[q.gold_passage_ids[0]].text
        assert passages[q.gold_passage_ids[0]].case_id == q.case_id
        case = next(c for c in cases if c.case_id == q.case_id)
        assert case.name in text and case.citation in text and str(case.year) in text and case.holding in text


def test_question_splits_are_by_case_and_stratified():
    questions = load_questions()
    split_of = defaultdict(set)
    for q in questions:
        split_of[q.case_id].add(q.split)
    assert all(len(s) == 1 for s in split_of.values())
    groups = Counter((q.case_split, q.qa_in_corpus, q.split) for q in questions)
    for group in (("known", True), ("known", False), ("new", False)):
        total = sum(groups[(*group, s)] for s in SPLITS)
        assert [groups[(*group, s)] / total for s in SPLITS] == pytest.approx([0.6, 0.2, 0.2], abs=0.02)
    assert Counter(q.kind for q in questions) == {kind: 300 for kind in QUESTION_KINDS}


# ---- fine-tuning sets -------------------------------------------------------------------------------------


def test_task_format_targets_follow_the_format(cases):
    by_id = {c.case_id: c for c in cases}
    splits = {q.case_id: q.split for q in load_questions()}
    examples = load_task_format()
    assert {e.case_id for e in examples} == set(by_id)
    for e in examples:
        case = by_id[e.case_id]
        match = re.fullmatch(r"Holding: (.+)\. Authority: (.+) (\[\d{4}\] [A-Z]{2,4} \d{1,4})", e.target)
        holding, name, citation = match.groups()
        assert (holding, name, citation) == (case.holding, case.name, case.citation)
        assert case.name in e.question and e.split == splits[e.case_id]


def test_style_transfer_notes_are_plain_and_holdings_are_legal():
    for e in load_style_transfer():
        assert jargon_words(e.client_note) == [], e.client_note
        assert len(jargon_words(e.holding_text)) >= 2, e.holding_text
        assert re.findall(r"\d+", e.holding_text)[-1:] == re.findall(r"\d+", e.client_note)  # [-1:]: skip an Act's year


def test_domain_documents_cover_every_new_case_in_several_paraphrases(cases):
    docs = load_domain_documents()
    texts = defaultdict(set)
    for doc in docs:
        texts[doc.case_id].add(doc.text)
    assert sorted(texts) == [c.case_id for c in cases if c.split == "new"]
    assert all(len(t) == len(PARAPHRASE_STYLES) for t in texts.values())


# ---- datasheet --------------------------------------------------------------------------------------------


def test_datasheet_lists_every_file_with_its_record_count(generated):
    readme = (DATASETS_DIR / "README.md").read_text(encoding="utf-8")
    for name, content in _files(generated).items():
        records = len(content.splitlines())
        assert f"| `{name}` | {records} |" in readme, name


# ---- reading practice (pretraining's second stage) --------------------------------------------------------


def test_reading_practice_teaches_reading_not_facts(cases):
    items = reading_practice()
    assert len(items) == READING_PRACTICE and items == reading_practice()  # seeded
    text = "\n".join(items)
    for case in cases:  # no name, citation or holding of any real case, known or new
        for fact in (case.name, case.citation, case.holding):
            assert not re.search(rf"{re.escape(fact)}(?!\d)", text), f"{case.case_id}: {fact!r} in the practice items"
    real_surnames = set(KNOWN_SURNAMES) | set(NEW_SURNAMES)
    assert not real_surnames & set(practice_surnames(1234))
    for item in items[:400]:
        match = re.fullmatch(r"Context: ([^\n]+)\nQuestion: ([^\n]+)\nAnswer: ([^\n]+)", item)
        assert match and match.group(3) in match.group(1)  # the answer can be read from the context
    years = {int(y) for y in re.findall(r"\[(\d{4})\] V[A-Z]C", text)}
    assert min(years) < 2000 and max(years) > CUTOFF_YEAR  # any year, so the model learns to copy any year


def test_format_practice_teaches_the_format_not_facts(cases):
    items = format_practice()
    assert len(items) == FORMAT_PRACTICE and items == format_practice()  # seeded
    text = "\n".join(" ".join(item) for item in items)
    for case in cases:  # no name, citation or holding of any real case, known or new
        for fact in (case.name, case.citation, case.holding):
            assert not re.search(rf"{re.escape(fact)}(?!\d)", text), f"{case.case_id}: {fact!r} in the format items"
    for passage, question, target in items:
        match = re.fullmatch(r"Holding: (.+)\. Authority: (.+ v\. .+) (\[\d{4}\] \w+ \d+)", target)
        assert match, target
        holding, name, citation = match.groups()
        assert f": {holding}." in passage and f"{name} {citation}" in passage  # both spans can be copied
        assert name in question  # asked as the task-format questions ask
