"""Draw the world's cases from its facts: parties, years, courts, citations and holdings, seeded."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ragft.seed import DEFAULT_SEED
from ragft.world.facts import (COURTS, COURT_WEIGHTS, KNOWN_PER_TOPIC, KNOWN_SURNAMES, KNOWN_YEARS, MAX_CITATION_NUMBER,
                               NEW_PER_TOPIC, NEW_SURNAMES, NEW_YEARS, SPLIT_SHARES, STATUTES, STATUTE_SHARE, TOPICS,
                               HoldingTemplate)
from ragft.world.records import Case


@dataclass(frozen=True)
class World:
    """Everything the datasets are written from: the cases and, per case, its holding's template and number."""

    cases: tuple[Case, ...]
    forms: dict[str, tuple[HoldingTemplate, int]]
    case_splits: dict[str, str]  # case_id -> "train" | "dev" | "test", shared by every question and example


def seeded_rng(seed: int, purpose: str) -> random.Random:
    """An independent generator per purpose, so changing one part of the world leaves the others unchanged."""
    return random.Random(f"{seed}/{purpose}")


def _draft_cases(seed: int) -> list[tuple[dict, HoldingTemplate, int]]:
    """Draw every case's facts (without id) with its holding template and number."""
    rng = seeded_rng(seed, "cases")
    used_citations: set[tuple[int, str, int]] = set()
    used_pairs: set[frozenset[str]] = set()
    statute_of = {statute.topic: statute.statute_id for statute in STATUTES}
    drafts = []
    for topic, templates in TOPICS.items():
        combos = [(template, n) for template in templates for n in template.values]
        if len(combos) < KNOWN_PER_TOPIC + NEW_PER_TOPIC:
            raise ValueError(f"topic {topic!r} has only {len(combos)} distinct holdings")
        rng.shuffle(combos)  # holdings are unique because each (template, number) is used once
        for (template, n), split in zip(combos, ["known"] * KNOWN_PER_TOPIC + ["new"] * NEW_PER_TOPIC):
            year = rng.choice(KNOWN_YEARS if split == "known" else NEW_YEARS)
            court = rng.choices(COURTS, weights=COURT_WEIGHTS)[0]
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


def build_world(seed: int = DEFAULT_SEED) -> World:
    """Draw the cases, number them in date order, and choose which known cases get questions in the corpus."""
    drafts = _draft_cases(seed)
    drafts.sort(key=lambda draft: (draft[0]["year"], draft[0]["court"], draft[0]["number"]))
    known_ids = [f"C{i:04d}" for i, (fields, _, _) in enumerate(drafts, start=1) if fields["split"] == "known"]
    with_qa = set(seeded_rng(seed, "qa_in_corpus").sample(known_ids, len(known_ids) // 2))
    cases, forms = [], {}
    for i, (fields, template, n) in enumerate(drafts, start=1):
        case_id = f"C{i:04d}"
        del fields["number"]  # only used for sorting
        cases.append(Case(case_id=case_id, qa_in_corpus=case_id in with_qa, **fields))
        forms[case_id] = (template, n)
    return World(tuple(cases), forms, _assign_case_splits(cases, seed))
