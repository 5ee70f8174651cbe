"""Chapters 03-05's checks accept the solutions notebook's answers and reject wrong, mistyped, misshapen or missing ones.

One table per chapter: its solutions notebook, its checks, the names the exercise cells use, the solution function
of each exercise, and wrong answers that each check must reject with what it expected and what it received.
"""

import math
import re
from dataclasses import dataclass, replace

import numpy as np
import pytest
import torch

from ragft.course.checks import FAILED, ch03, ch04, ch05, ch06
from ragft.decide.matrix import BOTH, FINE_TUNING, PROMPTING, RAG, SCENARIOS, UseCase
from ragft.evaluate.intervals import wilson_interval
from ragft.rag.citation_check import cited_ids
from ragft.rag.doc_eval import DocQuestion
from ragft.rag.doc_sentences import normalize_space, plain_text
from ragft.paths import REPO_ROOT

from exercise_harness import assert_stub_and_crash_are_explained, assert_the_solution_passes, solution_functions


WRONG_03 = {
    1: [lambda q, m: m @ q,  # forgets to divide by the lengths
        lambda q, m: m @ q / np.linalg.norm(m, axis=1),  # divides by the rows' lengths only
        lambda q, m: float((m @ q).sum()),  # wrong shape: one number
        lambda q, m: (m @ q / np.linalg.norm(m, axis=1) / np.linalg.norm(q))[None, :],  # wrong shape: (1, n)
        lambda q, m: "similar"],  # wrong type
    2: [lambda t, s, o: [" ".join(t.split()[i:i + s]) for i in range(0, len(t.split()), s)],  # ignores the overlap
        lambda t, s, o: [" ".join(t.split()[i:i + s]) for i in range(0, len(t.split()), s - o)],  # runs past the end
        lambda t, s, o: [t.split()[i:i + s] for i in range(0, max(len(t.split()) - o, 1), s - o)],  # lists of words
        lambda t, s, o: " ".join(t.split())],  # wrong type
    3: [lambda t, ps: math.log(len(ps) / sum(t in p for p in ps)) if any(t in p for p in ps) else 0.0,  # classic IDF
        lambda t, ps: math.log(1 + (len(ps) - sum(p.count(t) for p in ps) + 0.5) / (sum(p.count(t) for p in ps) + 0.5)),
        lambda t, ps: math.log10(1 + (len(ps) - sum(t in p for p in ps) + 0.5) / (sum(t in p for p in ps) + 0.5)),
        lambda t, ps: str(len(ps))],  # wrong type
    4: [lambda r, g, k: float(bool(set(r[:k]) & set(g))),  # hit rate instead of recall
        lambda r, g, k: len(set(r[:k]) & set(g)) / k,  # precision@k
        lambda r, g, k: len(set(r[: k + 1]) & set(g)) / len(g),  # off by one
        lambda r, g, k: [x for x in r[:k] if x in g]],  # wrong type
    5: [lambda q, ps: "Sources:\n" + "\n".join(p.text for p in ps) + f"\nQuestion: {q}\nAnswer:",  # no ids
        lambda q, ps: "Sources:\n" + "\n".join(f"[{p.id}] {p.text}" for p in ps) + f"\n\nQuestion: {q}\nAnswer: ",
        lambda q, ps: [f"[{p.id}] {p.text}" for p in ps]],  # wrong type
    6: [lambda rs, k=60: {d: sum(1 / (k + r.index(d)) for r in rs if d in r) for r in rs for d in r},  # ranks from 0
        lambda rs, k=60: {d: max(1 / (k + r.index(d) + 1) for r in rs if d in r) for r in rs for d in r},  # max not sum
        lambda rs, k=60: {d: sum(1 / (k + r.index(d) + 1) for r in rs if d in r) for d in rs[0]},  # forgets ids
        lambda rs, k=60: sorted({d for r in rs for d in r})],  # wrong type
}


def _shapes(d):
    return {"attn.c_attn": (d, 3 * d), "attn.c_proj": (d, d), "mlp.c_fc": (d, 4 * d), "mlp.c_proj": (4 * d, d)}


WRONG_04 = {
    1: [lambda n, b: 2 * n * b / 1e9,  # weights and gradients only
        lambda n, b: 3 * n * b / 1e9,  # forgets one AdamW moment
        lambda n, b: 4 * n * b / 2**30,  # GiB instead of GB
        lambda n, b: f"{4 * n * b / 1e9} GB"],  # wrong type
    2: [lambda L, d, r, t: L * sum(r * _shapes(d)[x][0] * _shapes(d)[x][1] for x in t),  # r * in * out
        lambda L, d, r, t: sum(r * sum(_shapes(d)[x]) for x in t),  # one block only
        lambda L, d, r, t: L * r * 2 * d * len(t),  # every layer d -> d
        lambda L, d, r, t: float(L * sum(r * sum(_shapes(d)[x]) for x in t))],  # wrong type: float
    3: [lambda x, W, b, A, B, alpha, r: x @ W.T + b + (x @ A.T) @ B.T,  # forgets the scaling
        lambda x, W, b, A, B, alpha, r: x @ W.T + (alpha / r) * (x @ A.T) @ B.T,  # forgets the bias
        lambda x, W, b, A, B, alpha, r: x @ W.T + b + (r / alpha) * (x @ A.T) @ B.T,  # scaling upside down
        lambda x, W, b, A, B, alpha, r: (x @ W.T + b + (alpha / r) * (x @ A.T) @ B.T)[..., 0],  # wrong shape
        lambda x, W, b, A, B, alpha, r: (x @ W.T + b).tolist()],  # wrong type
    4: [lambda W, A, B, alpha, r: W + B @ A,  # forgets the scaling
        lambda W, A, B, alpha, r: (W + (alpha / r) * B @ A).T,  # wrong shape (transposed)
        lambda W, A, B, alpha, r: (alpha / r) * B @ A,  # the update alone
        lambda W, A, B, alpha, r: "W + BA"],  # wrong type
    5: [lambda: ["c_attn", "c_proj"],  # also wraps mlp.c_proj
        lambda: ["c_attn"],  # misses the output projection
        lambda: ["q_proj", "v_proj"],  # Llama's names: nothing matches
        lambda: "c_attn"],  # wrong type
    6: [lambda p, t: (p + t, [-100] * len(p) + t),  # not shifted
        lambda p, t: ((p + t)[:-1], (p + t)[1:]),  # prompt not masked
        lambda p, t: ((p + t)[:-1], [0] * (len(p) - 1) + t),  # masks with 0 instead of -100
        lambda p, t: [(p + t)[:-1], [-100] * (len(p) - 1) + t]],  # wrong type: a list
    7: [lambda c, p, th: sum(not ok and x >= th for ok, x in zip(c, p)) / len(c),  # divides by all answers
        lambda c, p, th: (sum(x > th for ok, x in zip(c, p) if not ok) / max(1, sum(not ok for ok in c))),  # > not >=
        lambda c, p, th: sum(x >= th for ok, x in zip(c, p) if not ok) / max(1, sum(not ok for ok in c)),  # 0 not nan
        lambda c, p, th: [x for ok, x in zip(c, p) if not ok and x >= th]],  # wrong type
    8: [lambda c, n: min(r for r, k in c.items() if k >= max(c.values()) - 0.02 * n),  # within 2 points of the best
        lambda c, n: max(c, key=c.get),  # the best rank, not the smallest sufficient one
        lambda c, n: min(c),  # always the smallest
        lambda c, n: min(r for r, k in c.items() if wilson_interval(k, n)[1] >= max(c.values()) / n),  # best's rate
        lambda c, n: next(r for r, k in c.items() if wilson_interval(k, n)[1] >= wilson_interval(max(c.values()), n)[0]),
        lambda c, n: str(min(c))],  # wrong type
}


def _placements(**changes):
    right = {"Jedi-style bio": PROMPTING, "American Revolution Q&A": RAG, "Medical report summaries": FINE_TUNING,
             "Personal assistant on private data": BOTH, "Product support bot": RAG,
             "Contract clause classifier": FINE_TUNING}
    right.update(changes)
    about = {s.name: f"it comes down to this: {s.description}" for s in SCENARIOS}  # a reason naming its factors
    return lambda: {name: (approach, about[name]) for name, approach in right.items()}


def test_ch05_the_answer_key_with_arbitrary_words_as_reasons_fails():
    verdict = ch05.exercise_3(lambda: {s.name: (sorted(s.defensible)[0], "one two three four five six")
                                       for s in SCENARIOS})
    assert verdict.status == FAILED and "this scenario's factors" in verdict.message


WRONG_05 = {
    1: [lambda x, y: RAG if x > 0.5 else PROMPTING,  # > instead of >=, and ignores capability
        lambda x, y: {(True, True): BOTH}.get((x >= 0.5, y >= 0.5), RAG),
        lambda x, y: 1],  # not a name
    2: [lambda: UseCase(0.85, 0.2),  # no citations, yearly, 500 examples, a budget
        lambda: UseCase(0.85, 0.2, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                        training_budget="none", latency_budget_ms=300),  # answers may take seconds
        lambda: UseCase(0.3, 0.2, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                        training_budget="none"),  # external data too low
        lambda: "RAG"],
    3: [_placements(**{"Product support bot": FINE_TUNING}),
        _placements(**{"Jedi-style bio": BOTH, "Contract clause classifier": RAG}),
        _placements(**{"Jedi-style bio": "prompting"}),  # not one of the approach names
        lambda: {name: (approach, "ok") for name, (approach, _) in _placements()().items()},  # reasons too short
        lambda: dict(list(_placements()().items())[:5]),  # one missing
        lambda: {name: approach for name, (approach, _) in _placements()().items()}],  # no reasons
    4: [lambda uc: (0.0, 0.0),
        lambda uc: (0.2 if uc.knowledge_changes == "daily" else 0.0, 0.0),  # forgets citations and capability
        lambda uc: (0.0, -0.15 if uc.labelled_examples <= 100 else 0.0),
        lambda uc: 0.0],
    5: [lambda t, m, tie=0.05: [max(t, key=lambda n: t[n][m])],  # ignores ties
        lambda t, m, tie=0.05: [n for n, r in t.items() if r[m] > max(x[m] for x in t.values()) - tie - 0.3],
        lambda t, m, tie=0.05: "RAG"],
    6: [lambda t, a, c: min(t, key=lambda n: t[n]["latency (ms/answer)"]),  # ignores quality
        lambda t, a, c: next((n for n, r in t.items() if r["new-case accuracy"] >= a and r["format compliance"] >= c), None),
        lambda t, a, c: max((n for n, r in t.items() if r["new-case accuracy"] > a and r["format compliance"] > c),
                            key=lambda n: t[n]["latency (ms/answer)"], default=None)],
}


def _sections(text, by_first_use=True, full_path=True, drop_empty=True, min_length=True):
    """Exercise 06.1's answer, or a plausible mistake when a flag is turned off."""
    fixed = "=-~^"  # the levels a learner may assume: = first, - second, ...
    lines, sections, levels, path, body, i = text.split("\n"), [], [], [], [], 0
    while i < len(lines):
        title, under = lines[i].strip(), lines[i + 1].strip() if i + 1 < len(lines) else ""
        underline = bool(ch06._UNDERLINE.fullmatch(under)) and (len(under) >= len(title) or not min_length)
        if title and not ch06._UNDERLINE.fullmatch(title) and underline:
            sections.append((" > ".join(path), "\n".join(body).strip()))
            levels += [under[0]] if under[0] not in levels else []
            level = levels.index(under[0]) if by_first_use else fixed.index(under[0])
            path, body, i = (path[:level] + [title]) if full_path else [title], [], i + 2
        else:
            body.append(lines[i])
            i += 1
    sections.append((" > ".join(path), "\n".join(body).strip()))
    return [(p, b) for p, b in sections if b or not drop_empty]


def _doc_scores(ranked, questions, ks=(1, 5), depth=10, fraction=False, check_source=True, cutoff=True,
                no_sections_any=True):
    """Exercise 06.2's answer, or a plausible mistake when a flag is changed."""
    def hit(c, q):
        return ((c.source == q.source or not check_source)
                and ((not q.sections and no_sections_any) or c.section in q.sections))
    rows = [[hit(c, q) for c in chunks] for chunks, q in zip(ranked, questions)]
    if fraction:  # chapter 03's recall: the share of the gold sections found
        recall = {k: np.mean([len({c.section for c in r[:k] if hit(c, q)}) / max(len(q.sections), 1)
                              for r, q in zip(ranked, questions)]) for k in ks}
    else:
        recall = {k: np.mean([any(row[:k]) for row in rows]) for k in ks}
    firsts = [next((n for n, h in enumerate(row[:depth] if cutoff else row, 1) if h), None) for row in rows]
    return {**{f"recall@{k}": float(v) for k, v in recall.items()},
            "MRR": float(np.mean([1 / n if n else 0.0 for n in firsts])), "questions": len(questions)}


_OWN = [DocQuestion("how wide is the terminal window, so I can wrap my output to fit?", "pydoc:shutil",
                    ("shutil.get_terminal_size",)),
        DocQuestion("what exception do I get when source and destination of a copy are the same file?",
                    "pydoc:shutil", ("shutil.SameFileError",)),
        DocQuestion("how can I give a file to another user account from a Python script?", "pydoc:shutil",
                    ("shutil.chown",)),
        DocQuestion("which kinds of compressed archive can my Python create?", "pydoc:shutil",
                    ("shutil.get_archive_formats",)),
        DocQuestion("how do I skip .pyc files when I copy a project?", "pydoc:shutil", ("shutil.ignore_patterns",))]
_QUOTE = re.compile(r"``(.+?)``|`([^`]+)`|\"([^\"]+)\"|“([^”]+)”")


def _bad_quotes(claim, chunks, all_chunks=False, normalize=True, pattern=_QUOTE, fold_case=False):
    """Exercise 06.4's answer, or a plausible mistake when a flag is changed."""
    def norm(text):
        text = plain_text(text) if normalize else text
        return text.lower() if fold_case else text
    quotes = [next(g for g in m.groups() if g is not None) for m in pattern.finditer(claim)]
    quotes = [normalize_space(q) if normalize else q for q in quotes]
    cited = [] if all_chunks else [norm(chunks[i]) for i in cited_ids(claim, chunks) if i in chunks]
    searched = cited or [norm(t) for t in chunks.values()]
    return [q for q in quotes if q and not any((q.lower() if fold_case else q) in t for t in searched)]


def _k_counts(questions, ranked, answer_source, ks, whole_list=False, per_chunk=False, first_chunk=False):
    """Exercise 06.5's answer, or a plausible mistake when a flag is changed."""
    counts = {}
    for k in ks:
        found = first = 0
        for q, chunks in zip(questions, ranked):
            top = chunks if whole_list else chunks[:k]
            hits = [c.id for c in top if q.is_hit(c)]
            found += len(hits) if per_chunk else bool(hits)
            first += q.is_hit(top[0]) if first_chunk else answer_source(q.question, top) in hits
        counts[k] = (found, first)
    return counts


WRONG_06 = {
    1: [lambda t: _sections(t, by_first_use=False),  # = is always level 1, - level 2
        lambda t: _sections(t, full_path=False),  # the title alone, not the path
        lambda t: _sections(t, drop_empty=False),  # keeps sections without text
        lambda t: _sections(t, min_length=False),  # a short underline taken for a heading
        lambda t: dict(_sections(t))],  # wrong type
    2: [lambda r, q, ks=(1, 5), depth=10: _doc_scores(r, q, ks, depth, fraction=True),  # share of gold sections
        lambda r, q, ks=(1, 5), depth=10: _doc_scores(r, q, ks, depth, check_source=False),  # section names only
        lambda r, q, ks=(1, 5), depth=10: _doc_scores(r, q, ks, depth, cutoff=False),  # MRR past the first 10
        lambda r, q, ks=(1, 5), depth=10: _doc_scores(r, q, ks, depth, no_sections_any=False),  # no sections: no hit
        lambda r, q, ks=(1, 5), depth=10: list(_doc_scores(r, q, ks, depth).values())],  # wrong type
    3: [lambda: _OWN[:4],  # four questions
        lambda: [*_OWN[:4], DocQuestion("how do I read a file in one go?", "pydoc:shutil", ("shutil.read",))],
        lambda: [*_OWN[:4], DocQuestion("how do I find a program on PATH?", "shutil", ("shutil.which",))],
        lambda: [*_OWN[:4], DocQuestion("what does change owner user and group of the given path mean?",
                                        "pydoc:shutil", ("shutil.chown",))],  # the documentation's words
        lambda: [*_OWN[:4], DocQuestion("how do I split a filename into its name and its extension?",
                                        "pydoc:os.path", ("os.path.splitext",))],  # a shipped question
        lambda: [vars(q) for q in _OWN]],  # dicts, not DocQuestion
    4: [lambda c, ch: _bad_quotes(c, ch, all_chunks=True),  # any retrieved chunk, even when it cites one
        lambda c, ch: _bad_quotes(c, ch, normalize=False),  # pydoc's line breaks kept
        lambda c, ch: _bad_quotes(c, ch, pattern=re.compile(r"\"([^\"]+)\"")),  # double quotes only
        lambda c, ch: _bad_quotes(c, ch, fold_case=True),  # case ignored
        lambda c, ch: not _bad_quotes(c, ch)],  # wrong type
    5: [lambda q, r, a, ks: _k_counts(q, r, a, ks, whole_list=True),  # the reader gets every chunk
        lambda q, r, a, ks: _k_counts(q, r, a, ks, per_chunk=True),  # gold chunks counted, not questions
        lambda q, r, a, ks: _k_counts(q, r, a, ks, first_chunk=True),  # the first chunk, not the answer's source
        lambda q, r, a, ks: list(_k_counts(q, r, a, ks).values())],  # wrong type
    6: [lambda a, e, k: float((a[:, :k] == e[:, :k]).mean()),  # position by position: order counts
        lambda a, e, k: float(np.mean([len(set(x) & set(y)) / len(x) for x, y in zip(a, e)])),  # all columns
        lambda a, e, k: float(sum(len(set(x[:k]) & set(y[:k])) / k for x, y in zip(a, e))),  # a sum, not a mean
        lambda a, e, k: [len(set(x[:k]) & set(y[:k])) / k for x, y in zip(a, e)]],  # wrong type
}


@dataclass(frozen=True)
class Chapter:
    """What checking one chapter's exercises needs."""

    notebook: str
    checks: object  # the chapter's checks module
    names: dict  # the notebook's imports that its exercise cells use
    solutions: dict[int, str]  # exercise -> name of the solution function
    wrong: dict[int, list]  # exercise -> answers its check must reject


CHAPTERS = {
    "03": Chapter("03_rag_from_scratch_solutions.ipynb", ch03, {"np": np, "math": math},
                  {1: "cosine_similarities", 2: "chunk_with_overlap", 3: "bm25_idf", 4: "recall_at_k",
                   5: "prompt_with_sources", 6: "reciprocal_rank_fusion"}, WRONG_03),
    "04": Chapter("04_finetuning_with_lora_solutions.ipynb", ch04, {"torch": torch},
                  {1: "full_finetuning_gb", 2: "lora_parameters", 3: "lora_forward", 4: "merge",
                   5: "attention_targets", 6: "mask_prompt", 7: "confident_wrong_rate", 8: "smallest_sufficient_rank"},
                  WRONG_04),
    "05": Chapter("05_choosing_solutions.ipynb", ch05, {"BOTH": BOTH, "FINE_TUNING": FINE_TUNING, "PROMPTING": PROMPTING,
                                                        "RAG": RAG, "SCENARIOS": SCENARIOS, "UseCase": UseCase},
                  {1: "quadrant", 2: "tax_helpline", 3: "place_scenarios", 4: "factor_moves", 5: "winners",
                   6: "cheapest_good_enough"}, WRONG_05),
    "06": Chapter("06_your_own_documents_solutions.ipynb", ch06,
                  {"re": re, "np": np, "DocQuestion": DocQuestion, "cited_ids": cited_ids,
                   "normalize_space": normalize_space, "plain_text": plain_text},
                  {1: "underlined_sections", 2: "doc_scores", 3: "my_questions", 4: "bad_quotes", 5: "k_counts",
                   6: "recall_against_exact"}, WRONG_06),
}
EXERCISES = [(ch, e) for ch, chapter in CHAPTERS.items() for e in chapter.solutions]
WRONG_ANSWERS = [(ch, e, i) for ch, chapter in CHAPTERS.items() for e, wrongs in chapter.wrong.items()
                 for i in range(len(wrongs))]


def _check(chapter: str, exercise: int):
    return getattr(CHAPTERS[chapter].checks, f"exercise_{exercise}")


@pytest.fixture(scope="module")
def solutions() -> dict:
    """Per chapter, the functions its solutions notebook defines in its exercise cells (the check calls are not run)."""
    return {ch: solution_functions(REPO_ROOT / "solutions" / c.notebook, f"ch{ch}", len(c.solutions), **c.names)
            for ch, c in CHAPTERS.items()}


@pytest.mark.parametrize("chapter, exercise", EXERCISES)
def test_the_solutions_pass(chapter, exercise, solutions, capsys):
    solution = solutions[chapter][CHAPTERS[chapter].solutions[exercise]]
    assert_the_solution_passes(_check(chapter, exercise), solution, capsys)


@pytest.mark.parametrize("chapter, exercise", EXERCISES)
def test_stubs_are_not_attempted_and_crashes_are_explained(chapter, exercise):
    assert_stub_and_crash_are_explained(_check(chapter, exercise))


@pytest.mark.parametrize("chapter, exercise, index", WRONG_ANSWERS)
def test_wrong_answers_fail_with_expected_and_received(chapter, exercise, index, capsys):
    verdict = _check(chapter, exercise)(CHAPTERS[chapter].wrong[exercise][index])
    assert verdict.status == FAILED, verdict.message
    out = capsys.readouterr().out
    assert "expected" in out and "received" in out and "Traceback" not in out


def test_ch03_wrong_shape_and_wrong_type_are_named():
    shape = ch03.exercise_1(WRONG_03[1][3])
    assert "shape" in shape.message and "(5,)" in shape.message and "(1, 5)" in shape.message
    assert "list" in ch03.exercise_2(WRONG_03[2][3]).message  # expected a list, got a str
    assert "dict" in ch03.exercise_6(WRONG_03[6][3]).message


def test_ch03_a_prompt_mismatch_points_at_the_first_difference():
    verdict = ch03.exercise_5(WRONG_03[5][1])
    assert verdict.status == FAILED and "from character" in verdict.message


def test_ch04_wrong_shape_and_wrong_type_are_named():
    shape = ch04.exercise_3(WRONG_04[3][3])
    assert "shape" in shape.message and "(3, 5, 4)" in shape.message and "(3, 5)" in shape.message
    assert "(4, 6)" in ch04.exercise_4(WRONG_04[4][1]).message and "(6, 4)" in ch04.exercise_4(WRONG_04[4][1]).message
    assert "int" in ch04.exercise_2(WRONG_04[2][3]).message
    assert "list" in ch04.exercise_5(WRONG_04[5][3]).message
    assert "tuple" in ch04.exercise_6(WRONG_04[6][3]).message


def test_ch04_the_c_proj_trap_is_explained():
    verdict = ch04.exercise_5(WRONG_04[5][0])
    assert verdict.status == FAILED and "mlp.c_proj" in verdict.message
    unknown = ch04.exercise_5(WRONG_04[5][2])
    assert unknown.status == FAILED and "c_attn" in unknown.message  # the error lists the layers that exist


def test_ch05_a_wrong_placement_is_explained_with_the_scenario_s_own_reason():
    verdict = ch05.exercise_3(_placements(**{"Product support bot": FINE_TUNING}))
    support = next(s for s in SCENARIOS if s.name == "Product support bot")
    assert support.explanations[FINE_TUNING] in verdict.message


def test_ch05_the_tax_helpline_check_explains_which_field_is_off():
    solution = UseCase(0.85, 0.2, knowledge_changes="daily", needs_citations=True, labelled_examples=0,
                       training_budget="none")
    assert ch05.exercise_2(lambda: solution).passed
    verdict = ch05.exercise_2(lambda: replace(solution, needs_citations=False))
    assert "needs_citations" in verdict.message and "name the ruling" in verdict.message


def test_ch06_underlined_headings_are_checked_against_the_markdown_chunker_on_the_same_document():
    from ragft.rag.sections import markdown_sections

    written_in_markdown = ch06.EXERCISE_1_TEXTS[1].replace("Notes\n-----", "# Notes").replace(
        "Details\n=======", "## Details").replace("More notes\n----------", "# More notes")
    assert ch06.underlined_reference(ch06.EXERCISE_1_TEXTS[1]) == [
        (path, text.strip()) for path, text in markdown_sections(written_in_markdown) if text.strip()]
    assert [path for path, _ in ch06.underlined_reference(ch06.EXERCISE_1_TEXTS[1])] == [
        "Notes", "Notes > Details", "More notes"]  # the first underline character met is level 1


def test_ch06_a_made_up_gold_section_is_named_beside_sections_the_module_has():
    verdict = ch06.exercise_3(WRONG_06[3][1])
    assert verdict.status == FAILED and "shutil.read" in verdict.message
    assert "shutil.Error" in verdict.message  # real names, rendered from this Python's pydoc
