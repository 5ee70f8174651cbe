"""Draw the world's cases from its facts: parties, years, courts, citations and holdings, seeded."""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ragft.seed import DEFAULT_SEED
from ragft.world.facts import (CHANGED_RULES_PER_TOPIC, COURTS, COURT_WEIGHTS, CUTOFF_YEAR, KNOWN_PER_TOPIC,
                               KNOWN_SURNAMES, KNOWN_YEARS, MAX_CITATION_NUMBER, MIN_KNOWN_PER_RULE, NEW_SURNAMES,
                               NEW_YEARS, SPLIT_SHARES, STATUTES, STATUTE_SHARE, TOPICS, HoldingTemplate)
from ragft.world.records import Case


@dataclass(frozen=True)
class World:
    """Everything the datasets are written from: the cases and, per case, its holding's template and number."""

    cases: tuple[Case, ...]
    forms: dict[str, tuple[HoldingTemplate, int]]
    case_splits: dict[str, str]  # case_id -> "train" | "dev" | "test", shared by every question and example

    @functools.cached_property
    def case_by_id(self) -> dict[str, Case]:
        """Every case by its id."""
        return {case.case_id: case for case in self.cases}


def seeded_rng(seed: int, purpose: str) -> random.Random:
    """An independent generator per purpose, so changing one part of the world leaves the others unchanged."""
    return random.Random(f"{seed}/{purpose}")


def _rule_numbers(templates: Sequence[HoldingTemplate], rng: random.Random) -> list[tuple[list[int], list[int]]]:
    """Per rule of a topic, the numbers of its known and of its new decisions (each number used once per rule).

    Every rule gets MIN_KNOWN_PER_RULE known decisions, the rest of the topic's known decisions fall on random
    rules, and CHANGED_RULES_PER_TOPIC rules get one new decision in each year after the cutoff.
    """
    shuffled = [rng.sample(template.values, len(template.values)) for template in templates]
    changed = set(rng.sample(range(len(templates)), CHANGED_RULES_PER_TOPIC))
    new = [[shuffled[i].pop() for _ in NEW_YEARS] if i in changed else [] for i in range(len(templates))]
    known = [[shuffled[i].pop() for _ in range(MIN_KNOWN_PER_RULE)] for i in range(len(templates))]
    rest = [(i, n) for i in range(len(templates)) for n in shuffled[i]]
    extra = KNOWN_PER_TOPIC - MIN_KNOWN_PER_RULE * len(templates)
    if extra < 0 or len(rest) < extra:
        raise ValueError(f"{len(templates)} rules with {sum(map(len, shuffled))} spare numbers cannot hold "
                         f"{KNOWN_PER_TOPIC} known decisions")
    for i, n in rng.sample(rest, extra):
        known[i].append(n)
    return list(zip(known, new))


def _draft_cases(seed: int) -> list[tuple[dict, HoldingTemplate, int]]:
    """Draw every case's facts (without id) with its holding template and number, rule by rule.

    The decisions on one rule come in date order from the same or ever higher courts (the courts are drawn with
    COURT_WEIGHTS, then sorted from the lowest), so each one overrules the one before it (see PRECEDENCE).
    """
    rng = seeded_rng(seed, "cases")
    used_citations: set[tuple[int, str, int]] = set()
    used_pairs: set[frozenset[str]] = set()
    statute_of = {statute.topic: statute.statute_id for statute in STATUTES}
    drafts = []
    for topic, templates in TOPICS.items():
        for index, (template, (known, new)) in enumerate(zip(templates, _rule_numbers(templates, rng)), start=1):
            years = sorted(rng.sample(KNOWN_YEARS, len(known))) + list(NEW_YEARS[: len(new)])
            courts = sorted(rng.choices(COURTS, weights=COURT_WEIGHTS, k=len(years)), key=lambda c: -c.level)
            for n, year, court in zip(known + new, years, courts):
                split = "known" if year <= CUTOFF_YEAR else "new"
                number = rng.randint(1, MAX_CITATION_NUMBER)
                while (year, court.abbrev, number) in used_citations:
                    number = rng.randint(1, MAX_CITATION_NUMBER)
                used_citations.add((year, court.abbrev, number))
                pool = KNOWN_SURNAMES if split == "known" else NEW_SURNAMES
                plaintiff, defendant = rng.sample(pool, 2)
                while frozenset((plaintiff, defendant)) in used_pairs:  # also rules out "B v. A" after "A v. B"
                    plaintiff, defendant = rng.sample(pool, 2)
                used_pairs.add(frozenset((plaintiff, defendant)))
                fields = {
                    "name": f"{plaintiff} v. {defendant}",
                    "plaintiff": plaintiff,
                    "defendant": defendant,
                    "year": year,
                    "court": court.abbrev,
                    "citation": f"[{year}] {court.abbrev} {number}",
                    "topic": topic,
                    "judge": rng.choice(court.judges),
                    "holding": template.rule.format(n=n),
                    "statute_id": statute_of[topic] if rng.random() < STATUTE_SHARE else None,
                    "split": split,
                    "rule_id": f"{topic}-{index}",
                    "number": number,
                }
                drafts.append((fields, template, n))
    return drafts


def _assign_case_splits(cases: Sequence[Case], seed: int) -> dict[str, str]:
    """Split cases 60/20/20 into train/dev/test within each (case split, qa_in_corpus) group."""
    rng = seeded_rng(seed, "splits")
    splits = {}
    for group in (("known", True), ("known", False), ("new", False)):
        ids = [case.case_id for case in cases if (case.split, case.qa_in_corpus) == group]
        rng.shuffle(ids)
        cumulative = 0.0
        for split, share in SPLIT_SHARES:
            begin = round(cumulative * len(ids))
            cumulative += share
            for case_id in ids[begin : round(cumulative * len(ids))]:
                splits[case_id] = split
    return splits


def _precedence(drafts: Sequence[dict], ids: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    """Per case id, (the case it overrules, the case that overrules it): each decision on a rule overrules the last."""
    links: dict[str, tuple[str | None, str | None]] = {}
    latest: dict[str, str] = {}  # rule_id -> the latest decision so far (drafts are in date order)
    for fields, case_id in zip(drafts, ids):
        earlier = latest.get(fields["rule_id"])
        links[case_id] = (earlier, None)
        if earlier is not None:
            links[earlier] = (links[earlier][0], case_id)
        latest[fields["rule_id"]] = case_id
    return links


def build_world(seed: int = DEFAULT_SEED) -> World:
    """Draw the cases, number them in date order, link the decisions on each rule, choose the known cases with QA."""
    drafts = _draft_cases(seed)
    drafts.sort(key=lambda draft: (draft[0]["year"], draft[0]["court"], draft[0]["number"]))
    ids = [f"C{i:04d}" for i in range(1, len(drafts) + 1)]
    links = _precedence([fields for fields, _, _ in drafts], ids)
    known_ids = [case_id for case_id, (fields, _, _) in zip(ids, drafts) if fields["split"] == "known"]
    with_qa = set(seeded_rng(seed, "qa_in_corpus").sample(known_ids, len(known_ids) // 2))
    cases, forms = [], {}
    for case_id, (fields, template, n) in zip(ids, drafts):
        del fields["number"]  # only used for sorting
        overrules, overruled_by = links[case_id]
        cases.append(Case(case_id=case_id, qa_in_corpus=case_id in with_qa, overrules=overrules,
                          overruled_by=overruled_by, **fields))
        forms[case_id] = (template, n)
    return World(tuple(cases), forms, _assign_case_splits(cases, seed))


def governing(cases: Sequence[Case], rule_id: str, year: int) -> Case:
    """The decision that governs a rule at the end of `year`: the latest one decided by then (see PRECEDENCE)."""
    decided = [case for case in cases if case.rule_id == rule_id and case.year <= year]
    if not decided:
        raise ValueError(f"no decision on rule {rule_id!r} up to {year}")
    return max(decided, key=lambda case: (case.year, case.case_id))
