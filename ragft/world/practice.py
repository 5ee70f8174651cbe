"""Reading and answer-format items about hypothetical cases, for pretraining's second stage and the retrieval adapter."""

from __future__ import annotations

import random
from collections.abc import Sequence

from ragft.seed import DEFAULT_SEED
from ragft.world.cases import World, build_world, seeded_rng
from ragft.world.facts import (COURTS, COURT_WEIGHTS, KNOWN_SURNAMES, LAW_QUESTIONS, MAX_CITATION_NUMBER, NEW_SURNAMES, STATUTES,
                               STATUTE_SHARE, TASK_QUESTIONS, TOPICS, HoldingTemplate)
from ragft.world.prompts import reading_prompt, task_format_target
from ragft.world.records import QUESTION_KINDS, Case
from ragft.world.texts import passage_text, question_and_answer

# Reading exercises: hypothetical cases, as in a law-school workbook, read from a context the model cannot
# answer from memory (invented parties, random numbers and citations). Without them a small model answers every
# reading question from memory and never learns to copy an answer out of its context, so RAG could not help it.
READING_EXERCISES = 1000
_EXERCISE_NAME_STARTS = (
    "Ash Bal Bran Carn Cor Dal Dun Elm Fen Gal Gor Hal Hart Ket Kell Lan Lind Mab Mor Nor Ol Pen Pil Quar Rad "
    "Ros Sal Stan Tal Thorn Ul Val Wen Wil Yar Zal Brom Cres Dray Frob"
).split()
_EXERCISE_NAME_ENDS = "by combe den field ford gate ham ley low more ridge stead ton wick worth".split()
# Reading practice, the second stage of pretraining (ragft.make.pretrain): more of the same items, with parties whose
# names are random letter strings and years from 1990 to 2030, so the model learns to copy any name and any year
# (a model that never saw "2023" will not write it, even when the passage says it). Hypothetical, not decisions.
READING_PRACTICE = 4000
PRACTICE_YEARS = tuple(range(1990, 2031))
_PRACTICE_CONSONANTS, _PRACTICE_VOWELS = "bcdfghjklmnprstvwz", "aeiou"
_PRACTICE_ENDINGS = ("", "n", "r", "s", "ll", "ck", "ton", "by")
TWO_CASE_SHARE = 0.6  # reading items whose context holds a second case with the same kind of rule
_LEVEL = {court.abbrev: court.level for court in COURTS}
FORMAT_PRACTICE = 360  # answer-format items about hypothetical cases (format_practice)


def exercise_surnames() -> tuple[str, ...]:
    """Surnames for hypothetical parties: built from syllables, never a surname of a real case of the world."""
    real = set(KNOWN_SURNAMES) | set(NEW_SURNAMES)
    return tuple(sorted({a + b for a in _EXERCISE_NAME_STARTS for b in _EXERCISE_NAME_ENDS} - real))


def practice_surnames(seed: int, count: int = 3000) -> tuple[str, ...]:
    """`count` random pronounceable surnames ("Sekuton"), none a surname of a real case or of the exercises."""
    rng = seeded_rng(seed, "practice surnames")
    taken = set(KNOWN_SURNAMES) | set(NEW_SURNAMES) | set(exercise_surnames())
    names: dict[str, None] = {}
    while len(names) < count:
        syllables = "".join(rng.choice(_PRACTICE_CONSONANTS) + rng.choice(_PRACTICE_VOWELS) for _ in range(rng.randint(2, 3)))
        name = (syllables + rng.choice(_PRACTICE_ENDINGS)).capitalize()
        if name not in taken:
            names[name] = None
    return tuple(names)


def _exercise_cases(world: World, rng: random.Random, topic: str, template: HoldingTemplate, count: int,
                    surnames: Sequence[str], years: Sequence[int]) -> list[Case]:
    """`count` hypothetical cases of one holding template, each with its own number, citation and parties.

    No holding and no citation equals a real case's, so an item never teaches a fact about the world.
    """
    taken_numbers = {n for t, n in world.forms.values() if t is template}
    numbers = rng.sample([n for n in range(1, 100) if n not in taken_numbers], count)
    real_citations = {case.citation for case in world.cases}
    statute_of = {statute.topic: statute.statute_id for statute in STATUTES}
    cases = []
    for n in numbers:
        court = rng.choices(COURTS, weights=COURT_WEIGHTS)[0]
        year = rng.choice(years)
        citation = f"[{year}] {court.abbrev} {rng.randint(1, MAX_CITATION_NUMBER)}"
        while citation in real_citations:
            citation = f"[{year}] {court.abbrev} {rng.randint(1, MAX_CITATION_NUMBER)}"
        plaintiff, defendant = rng.sample(surnames, 2)
        statute = statute_of[topic] if rng.random() < STATUTE_SHARE else None
        cases.append(Case("", f"{plaintiff} v. {defendant}", plaintiff, defendant, year, court.abbrev, citation, topic,
                          rng.choice(court.judges), template.rule.format(n=n), statute, "known", False, "", None, None))
    return cases


def reading_items(world: World, rng: random.Random, count: int, surnames: Sequence[str],
                  years: Sequence[int]) -> list[str]:
    """`count` reading-comprehension items about hypothetical cases, the four question kinds and a law question
    in turn. In 60% of them a second hypothetical case with the same kind of rule (another number) stands next to
    the one asked about, so the answer must be read exactly; in half of those the later case overrules the earlier
    one, and each passage says so, as the knowledge base's passages do. A law question ("How long can my landlord
    keep my deposit?", the corpus's wording) is asked of one case or of two where one overrules the other, and
    is answered with the rule that governs: the latest."""
    templates = [(topic, template) for topic, templates in TOPICS.items() for template in templates]
    items = []
    for i in range(count):
        topic, template = rng.choice(templates)
        cases = sorted(_exercise_cases(world, rng, topic, template, 2, surnames, years), key=lambda case: case.year)
        kind = (*QUESTION_KINDS, "law")[i % (len(QUESTION_KINDS) + 1)]
        earlier, later = cases
        can_overrule = earlier.year < later.year and _LEVEL[later.court] <= _LEVEL[earlier.court]  # PRECEDENCE
        if rng.random() < TWO_CASE_SHARE and (kind != "law" or can_overrule):
            overruled = can_overrule and (kind == "law" or rng.random() < 0.5)
            context = [passage_text(earlier, rng, None, later if overruled else None),
                       passage_text(later, rng, earlier if overruled else None, None)]
            rng.shuffle(context)
            asked = rng.choice(cases) if kind != "law" else later
        else:
            asked = rng.choice(cases)
            context = [passage_text(asked, rng)]
        if kind == "law":
            question, answer = LAW_QUESTIONS[template.rule][0], asked.holding
        else:
            question, answer = question_and_answer(asked, kind)
        items.append(f"{reading_prompt(context, question)} {answer}")
    return items


def format_practice(seed: int = DEFAULT_SEED, count: int = FORMAT_PRACTICE) -> list[tuple[str, str, str]]:
    """(passage, question, target) items of the answer format about hypothetical cases with random-letter parties.

    Fine-tuning a reader on the real cases alone teaches the format together with the cases' names, which the
    model half knows; these items make it copy names it has never seen (`ragft.decide.head_to_head`'s retrieval adapter).
    """
    world, rng = build_world(seed), seeded_rng(seed, "format practice")
    templates = [(topic, template) for topic, templates in TOPICS.items() for template in templates]
    surnames, items = practice_surnames(seed), []
    for _ in range(count):
        topic, template = rng.choice(templates)
        case = _exercise_cases(world, rng, topic, template, 1, surnames, PRACTICE_YEARS)[0]
        question = rng.choice(TASK_QUESTIONS).format(name=case.name)
        items.append((passage_text(case, rng), question, task_format_target(case.holding, case.name, case.citation)))
    return items


def reading_practice(seed: int = DEFAULT_SEED, count: int = READING_PRACTICE) -> list[str]:
    """The items of pretraining's second stage (see READING_PRACTICE); the same seed gives the same items."""
    return reading_items(build_world(seed), seeded_rng(seed, "reading practice"), count, practice_surnames(seed), PRACTICE_YEARS)
