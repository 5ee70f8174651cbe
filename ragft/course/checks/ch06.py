"""Checks for chapter 06's exercises: underlined headings, retrieval scores with several gold sections, your own
questions, the quote rule of the citation checker, choosing k for the extractive answer, approximate search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ragft.course.checks import Mismatch, Verdict, expect_close, expect_equal, expect_type, more_help_for, run_check
from ragft.rag.bm25 import tokenize
from ragft.rag.citation_check import check_citations
from ragft.rag.doc_eval import DocQuestion, doc_retrieval_scores, load_doc_questions
from ragft.rag.documents import PYDOC_PREFIX, DocChunk, render_modules
from ragft.rag.retriever import Hit
from ragft.rag.sections import markdown_sections, pydoc_sections

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint

# The exercises' corpus: six modules of files and data formats (a few seconds to embed, then cached on disk).
MODULES = ("json", "csv", "pathlib", "shutil", "os.path", "glob")
N_OWN_QUESTIONS = 5
_UNDERLINE = re.compile(r"([=\-~^*+#\"'`:.])\1*")


# --- Exercise 1 -------------------------------------------------------------------------------------------------

def _as_markdown(text: str) -> str:
    """Underlined headings rewritten as markdown headings, the level of each underline character by first use."""
    lines, out, levels, i = text.split("\n"), [], [], 0
    while i < len(lines):
        title, under = lines[i].strip(), lines[i + 1].strip() if i + 1 < len(lines) else ""
        if title and not _UNDERLINE.fullmatch(title) and _UNDERLINE.fullmatch(under) and len(under) >= len(title):
            levels += [under[0]] if under[0] not in levels else []
            out.append("#" * (levels.index(under[0]) + 1) + " " + title)
            i += 2
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def underlined_reference(text: str) -> list[tuple[str, str]]:
    """Exercise 1's answer, from the package's tested markdown chunker on the same document written in markdown."""
    return [(path, body.strip()) for path, body in markdown_sections(_as_markdown(text)) if body.strip()]


EXERCISE_1_TEXTS = (
    "A guide to the tool.\n\nInstall\n=======\nRun the installer.\n\nLinux\n-----\nUse apt.\n\nWindows\n-------\n"
    "Use the .exe file.\n\nUsage\n=====\nType a question.\n\nOptions\n-------\nSee --help.\n\nColours\n~~~~~~~\n"
    "Set NO_COLOR to switch them off.",
    "Notes\n-----\nThis file starts with dashes.\n\nDetails\n=======\nEquals signs come second here.\n\n"
    "More notes\n----------\nBack at the first level.",
    "Title\n=====\n\nEmpty sections are dropped:\n\nNothing here\n------------\n\nSomething here\n--------------\n"
    "A line of dashes after a blank line is a transition, not a heading:\n\n----------\n\n"
    "Short underline\n---\nis ordinary text, as is\n- a list item\n- and another.",
)


def exercise_1(underlined_sections) -> Verdict:
    """Sections of a text whose headings are underlined (reStructuredText, plain-text READMEs), with heading paths."""
    def test():
        for text in EXERCISE_1_TEXTS:
            got = underlined_sections(text)
            what = f"underlined_sections({text[:40]!r}...)"
            expect_type(got, list, what, hint="return a list of (section path, text) pairs")
            if not all(isinstance(pair, tuple) and len(pair) == 2 for pair in got):
                raise Mismatch(f"{what}: each item", "a (section path, text) tuple",
                               next(p for p in got if not (isinstance(p, tuple) and len(p) == 2)))
            expected = underlined_reference(text)
            expect_equal([path for path, _ in got], [path for path, _ in expected], f"{what}: the section paths",
                         hint="a new underline character opens the next level, whatever the character; a title "
                              "line needs an underline at least as long; sections without text are dropped")
            for (path, body), (_, want) in zip(got, expected):
                expect_equal(body, want, f"{what}: the text of section {path!r}",
                             hint="the lines between this heading and the next, without the title and its "
                                  "underline, then .strip()")
    return run_check("Exercise 1 · underlined headings", test,
                     hint="walk the lines; line i is a title when line i+1 is one character repeated, at least as "
                          "long as the title; keep a list of underline characters in the order you meet them",
                     success="Your chunker gives the same sections as the package's markdown chunker on the same "
                             "document written with # headings.",
                     more="levels = []  # underline characters, in order of first use\n"
                          "if title and UNDERLINE.fullmatch(under) and len(under) >= len(title):\n"
                          "    if under[0] not in levels: levels.append(under[0])\n"
                          "    level = levels.index(under[0]) + 1\n"
                          "    path = path[:level - 1] + [title]  # close the deeper headings, open this one")


# --- Exercise 2 -------------------------------------------------------------------------------------------------

def _chunk(source: str, section: str, n: int) -> DocChunk:
    return DocChunk(f"{source}#{n}", f"{section or source}\ntext {n}", source, section)


@dataclass(frozen=True)
class _FixedRetriever:
    """Returns, for each question, the chunks the exercise gives it."""

    ranked: dict[str, list[DocChunk]]

    def search(self, query: str, k: int) -> list[Hit]:
        return [Hit(c.id, 0.0, c.text) for c in self.ranked[query][:k]]


def _exercise_2_data() -> tuple[list[list[DocChunk]], list[DocQuestion]]:
    j, g = "pydoc:json", "guide.md"
    load, loads, dump, dumps, overview = (_chunk(j, s, n) for n, s in enumerate(
        ["json.load", "json.loads", "json.dump", "json.dumps", "json"]))
    loads_2 = _chunk(j, "json.loads", 5)
    install_a, install_b, usage = _chunk(g, "Install", 0), _chunk("faq.md", "Install", 0), _chunk(g, "Usage", 1)
    filler = [_chunk("pydoc:csv", f"csv.f{n}", n) for n in range(12)]
    questions = [DocQuestion("read a JSON file", j, ("json.load",)),
                 DocQuestion("JSON string to dict", j, ("json.loads", "json.load")),
                 DocQuestion("pretty-print JSON", j, ("json.dumps", "json.dump")),
                 DocQuestion("how to install", g, ("Install",)),
                 DocQuestion("anything in the guide", g),
                 DocQuestion("found too late", j, ("json.dump",))]
    ranked = [[loads, load, dumps],
              [loads, loads_2, load, overview],
              [overview, load, dumps, dump, *filler[:3]],
              [install_b, usage, install_a],
              [filler[0], usage, install_a],
              [*filler[:10], dump]]
    return ranked, questions


def exercise_2(doc_scores) -> Verdict:
    """recall@k (a gold chunk among the first k) and MRR when a question has several gold sections."""
    ranked, questions = _exercise_2_data()
    retriever = _FixedRetriever({q.question: r for q, r in zip(questions, ranked)})
    chunks = list({c.id: c for r in ranked for c in r}.values())

    def test():
        for ks in ((1, 5), (2, 3)):
            got = doc_scores([list(r) for r in ranked], list(questions), ks)
            what = f"doc_scores(ranked, questions, ks={ks})"
            expect_type(got, dict, what, hint='return a dict such as {"recall@1": ..., "recall@5": ..., "MRR": ...}')
            expected = doc_retrieval_scores(retriever, chunks, questions, ks)
            expect_equal(sorted(got), sorted(expected), f"{what}: the keys",
                         hint='one "recall@k" per k, "MRR" and "questions" (how many were asked)')
            for key, value in expected.items():
                expect_close(got[key], value, f"{what}[{key!r}]", tol=1e-9,
                             hint="a chunk is a hit when its source is the question's AND its section is one of the "
                                  "question's sections (any section when it lists none); a question counts once "
                                  "however many hits it has; MRR looks at the first 10 chunks only")
    return run_check("Exercise 2 · recall@k and MRR with several gold sections", test,
                     hint="first mark each retrieved chunk hit or miss with the question's rule, then recall@k is the "
                          "share of questions with a hit in the first k, MRR the mean of 1 / rank of the first hit",
                     success="Your scores are doc_eval's: any gold section retrieved is a hit.",
                     more="hits = [[q.source == c.source and (not q.sections or c.section in q.sections) for c in r]\n"
                          "        for r, q in zip(ranked, questions)]\n"
                          "first = [next((i for i, h in enumerate(row[:depth], 1) if h), None) for row in hits]")


# --- Exercise 3 -------------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def module_sections(module: str) -> dict[str, str]:
    """Section name -> text of a module's pydoc rendering on the running Python."""
    return dict(pydoc_sections(render_modules([module])[module], module))


def _five_grams(text: str) -> set[tuple[str, ...]]:
    words = tokenize(text)
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def exercise_3(my_questions) -> Verdict:
    """Five questions of your own about a module of the exercises' corpus, each with gold sections that exist."""
    shipped = {q.question.strip().lower() for q in load_doc_questions()}

    def test():
        got = my_questions()
        expect_type(got, list, "my_questions()", hint=f"return a list of {N_OWN_QUESTIONS} DocQuestion")
        expect_equal(len(got), N_OWN_QUESTIONS, "how many questions", hint="write five, each a different question")
        for q in got:
            expect_type(q, DocQuestion, "each question", hint='DocQuestion("how do I ...?", "pydoc:json", ("json.load",))')
        expect_equal(len({q.question.strip().lower() for q in got}), N_OWN_QUESTIONS, "distinct questions",
                     hint="five different questions")
        for q in got:
            module, sources = q.source.removeprefix(PYDOC_PREFIX), [PYDOC_PREFIX + m for m in MODULES]
            if q.source not in sources:
                raise Mismatch(f"the source of {q.question!r}", f"one of {sources}", q.source,
                               hint='a source is "pydoc:" and the module\'s name, e.g. "pydoc:pathlib"')
            sections = module_sections(module)
            if not q.sections or isinstance(q.sections, str):
                raise Mismatch(f"the gold sections of {q.question!r}", f"a tuple such as ({next(iter(sections))!r},)",
                               q.sections, hint="list every section that answers the question, in a tuple")
            missing = [s for s in q.sections if s not in sections]
            if missing:
                raise Mismatch(f"the gold sections of {q.question!r} exist in {module}",
                               f"names such as {sorted(sections)[:5]}", missing,
                               hint="use the names the chunks carry in .section: module.function or module.Class.method")
            copied = [s for s in q.sections if _five_grams(q.question) & _five_grams(sections[s])]
            if copied:
                raise Mismatch(f"{q.question!r} in your own words", "no run of five words from its gold sections",
                               f"words copied from {copied}", hint="ask as a developer would, not in the "
                               "documentation's words: that is what makes retrieval hard, and real")
            if q.question.strip().lower() in shipped:
                raise Mismatch(f"{q.question!r} is new", "a question of your own", "a question the course ships",
                               hint="write questions of your own; the shipped ones are measured in the chapter")
    return run_check("Exercise 3 · five questions of your own", test,
                     hint="DocQuestion(question, source, sections): e.g. DocQuestion(\"how do I copy a folder with "
                          "everything in it?\", \"pydoc:shutil\", (\"shutil.copytree\",))")


# --- Exercise 4 -------------------------------------------------------------------------------------------------

EXERCISE_4_CHUNKS = {
    "pydoc:json#1": "json.load\nload(fp, *, cls=None, object_hook=None)\n    Deserialize ``fp`` (a ``.read()``-supporting\n"
                    "    file-like object containing a JSON document) to a Python object.",
    "pydoc:json#4": "json.dumps\ndumps(obj, *, indent=None, sort_keys=False)\n    Serialize ``obj`` to a JSON formatted "
                    "``str``.\n    If ``sort_keys`` is true, the output of dictionaries will be sorted by key.",
    "pydoc:pathlib#9": "pathlib.Path.read_text\n     |  read_text(self, encoding=None, errors=None)\n"
                       "     |      Open the file in text mode, read it, and close the file.",
}
EXERCISE_4_CLAIMS = (
    'json.load reads "a JSON document" from a file. [pydoc:json#1]',  # quoted from the cited chunk
    'json.load turns "a JSON formatted ``str``" into objects. [pydoc:json#1]',  # in another chunk, not the cited one
    'The file is "a .read()-supporting file-like object" here. [pydoc:json#1]',  # not in any chunk
    'It accepts "a ``.read()``-supporting file-like object". [pydoc:json#1]',  # a line break inside the quote
    "Call `dumps(obj, indent=2)` to indent. [pydoc:json#4]",  # code that is not in the chunk
    "Use `read_text(self, encoding=None, errors=None)` to read it. [pydoc:pathlib#9]",  # behind pydoc's margin
    'Sorting uses "sort_keys" and "the output of dictionaries". [pydoc:json#1, pydoc:json#4]',  # the second cites it
    'json offers "Deserialize" for this.',  # uncited: any retrieved chunk may hold it
    'Its docs say "deserialize ``fp``". [pydoc:json#1]',  # case matters
    'The docs call it "Open the file in text mode". [pydoc:os#2]',  # cites none of the chunks: all are searched
    "Quotes may use “curly quotes” or ``double backticks``. [pydoc:json#4]",
)


def exercise_4(bad_quotes) -> Verdict:
    """The quotes of one claim that its cited chunks do not contain (check_citations's bad_quotes)."""
    chunks = [Hit(i, 0.0, text) for i, text in EXERCISE_4_CHUNKS.items()]

    def test():
        for claim in EXERCISE_4_CLAIMS:
            got = bad_quotes(claim, dict(EXERCISE_4_CHUNKS))
            what = f"bad_quotes({claim!r}, chunks)"
            expect_type(got, list, what, hint="return a list of the quoted strings that were not found")
            (checked,) = check_citations(claim, chunks).claims
            expect_equal(got, list(checked.bad_quotes), what,
                         hint="search only the chunks the claim cites (all of them when it cites none of the "
                              "chunks); compare plain_text(chunk) with normalize_space(quote), case included")
    return run_check("Exercise 4 · quotes that are not in their source", test,
                     hint="find the quotes with a regex for ``...``, `...`, \"...\" and “...”; cited_ids(claim, chunks) "
                          "gives the ids in its brackets",
                     success="Your rule is check_citations's: a quote must occur, word for word, in what it cites.",
                     more='QUOTE = re.compile(r"``(.+?)``|`([^`]+)`|\\"([^\\"]+)\\"|“([^”]+)”")\n'
                          "quotes = [normalize_space(next(g for g in m.groups() if g)) for m in QUOTE.finditer(claim)]\n"
                          "given = [plain_text(chunks[i]) for i in cited_ids(claim, chunks) if i in chunks]\n"
                          "return [q for q in quotes if not any(q in t for t in (given or map(plain_text, chunks.values())))]")


# --- Exercise 5 -------------------------------------------------------------------------------------------------

def k_counts_reference(questions, ranked, answer_source, ks) -> dict[int, tuple[int, int]]:
    """Exercise 5's answer: per k, questions with a gold chunk in their first k, and those answered from one first."""
    counts = {}
    for k in ks:
        found = first = 0
        for q, chunks in zip(questions, ranked):
            top = chunks[:k]
            by_id = {c.id: c for c in top}
            source = answer_source(q.question, top)
            found += any(q.is_hit(c) for c in top)
            first += source in by_id and q.is_hit(by_id[source])
        counts[k] = (found, first)
    return counts


def _longest_text(question: str, chunks) -> str | None:
    """A stand-in reader: answers from the chunk with the longest text (none when it gets no chunk mentioning 'x')."""
    candidates = [c for c in chunks if "x" not in question or "x" in c.text]
    return max(candidates, key=lambda c: len(c.text)).id if candidates else None


def _exercise_5_data() -> tuple[list[DocQuestion], list[list[DocChunk]]]:
    def chunk(section: str, n: int, words: int) -> DocChunk:
        return DocChunk(f"pydoc:m#{n}", f"{section}\n" + " ".join(["w"] * words), "pydoc:m", section)

    questions = [DocQuestion(f"question {n}", "pydoc:m", (f"m.gold{n}",)) for n in range(5)]
    questions.append(DocQuestion("x marks nothing", "pydoc:m", ("m.gold5",)))
    ranked = [[chunk("m.gold0", 0, 3), chunk("m.a", 1, 9), chunk("m.gold0", 2, 4), chunk("m.b", 3, 1)],
              [chunk("m.a", 4, 2), chunk("m.gold1", 5, 8), chunk("m.b", 6, 1), chunk("m.c", 7, 1)],
              [chunk("m.gold2", 8, 9), chunk("m.a", 9, 1), chunk("m.b", 10, 2), chunk("m.c", 11, 3)],
              [chunk("m.a", 12, 1), chunk("m.b", 13, 1), chunk("m.c", 14, 1), chunk("m.gold3", 15, 7)],
              [chunk("m.a", 16, 5), chunk("m.b", 17, 6), chunk("m.c", 18, 7), chunk("m.d", 19, 8)],
              [chunk("m.gold5", 20, 2), chunk("m.a", 21, 3), chunk("m.b", 22, 4), chunk("m.c", 23, 5)]]
    return questions, ranked


def exercise_5(k_counts) -> Verdict:
    """For each k: questions with a gold chunk among their first k, and questions answered first from a gold chunk."""
    questions, ranked = _exercise_5_data()

    def test():
        for ks in ((1, 2, 3, 4), (2, 4)):
            got = k_counts(list(questions), [list(r) for r in ranked], _longest_text, ks)
            what = f"k_counts(questions, ranked, answer_source, ks={ks})"
            expect_type(got, dict, what, hint="return a dict {k: (found, first)}")
            expected = k_counts_reference(questions, ranked, _longest_text, ks)
            expect_equal(sorted(got), sorted(expected), f"{what}: the keys", hint="one entry per k of ks")
            for k, counts in expected.items():
                received = tuple(got[k]) if isinstance(got[k], (tuple, list)) else got[k]
                expect_equal(received, counts, f"{what}[{k}] (found, first)",
                             hint="give the reader only the first k chunks; a question counts once; an answer with no "
                                  "source (None) is not from a gold chunk")
    return run_check("Exercise 5 · retrieved vs ranked first", test,
                     hint="for each k and each question: top = ranked[i][:k]; found if any chunk of top is a hit "
                          "(q.is_hit); first if answer_source(q.question, top) is the id of a hit in top",
                     success="More chunks find the gold section more often, and give the reader more to be wrong "
                             "about.")


# --- Exercise 6 -------------------------------------------------------------------------------------------------

def recall_reference(approx_ids: np.ndarray, exact_ids: np.ndarray, k: int) -> float:
    """Exercise 6's answer: the mean share of each query's exact top-k that the approximate top-k found."""
    return float(np.mean([len({i for i in a[:k] if i >= 0} & set(e[:k])) / k for a, e in zip(approx_ids, exact_ids)]))


def exercise_6(recall_against_exact) -> Verdict:
    """recall@k of an approximate index against exact search, query by query, averaged."""
    rng = np.random.default_rng(6)
    exact = np.stack([rng.permutation(1000)[:20] for _ in range(8)])
    approx = exact.copy()
    for row in approx:  # the right ids in another order, some replaced, some missing (FAISS writes -1)
        rng.shuffle(row[:10])
        row[rng.choice(10, size=rng.integers(0, 5), replace=False)] = rng.integers(1000, 2000)
    approx[2, 6:] = -1
    approx[5, :10] = exact[5, 10:]  # its neighbours 11-20: none of the top 10

    def test():
        for k in (10, 5):
            got = recall_against_exact(approx.copy(), exact.copy(), k)
            expect_close(got, recall_reference(approx, exact, k), f"recall_against_exact(approx_ids, exact_ids, k={k})",
                         tol=1e-9, hint="compare each query's first k approximate ids with its first k exact ids as "
                                        "sets (the order does not matter); -1 means no result; divide by k")
    return run_check("Exercise 6 · recall against exact search", test,
                     hint="for each query (row), the share of its first k exact ids found among its first k "
                          "approximate ids; then the mean over the queries",
                     success="Recall against exact search says how much an approximate index loses, before any "
                             "question is asked.")
