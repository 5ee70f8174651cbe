"""Write the world's datasets: the pretraining corpus, the knowledge base, the questions and the fine-tuning sets.

The same seed gives byte-identical files: all randomness comes from `random.Random` objects seeded with
strings derived from the seed, nothing iterates over an unordered collection, and nothing records a time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ragft.paths import DATASETS_DIR
from ragft.seed import DEFAULT_SEED
from ragft.world import records
from ragft.world.cases import World, build_world, governing, seeded_rng
from ragft.world.facts import (COURTS, CUTOFF_YEAR, KNOWN_YEARS, LAW_QUESTIONS, LEGAL_LEADS, LEGAL_LEAD_WITH_ACT,
                               NEW_YEARS, PLAIN_LEADS, STATUTES, TASK_QUESTIONS, TOPICS, VAL_FRACTION, HoldingTemplate)
from ragft.world.practice import READING_EXERCISES, exercise_surnames, reading_items
from ragft.world.prompts import closed_book_prompt, reading_prompt, task_format_target
from ragft.world.records import (QUESTION_KINDS, Case, Document, DomainDocument, FormatExample, LawQuestion, Passage,
                                 Question, StyleExample)
from ragft.world.texts import (GLOSSARY, PARAPHRASE_STYLES, STATUTE_BY_ID, facts, join_words, paraphrases, passage_text,
                               question_and_answer)


def _hash_fraction(seed: int, key: str) -> float:
    """A stable pseudo-random number in [0, 1) for a key (used to pick validation documents)."""
    digest = hashlib.sha256(f"{seed}/{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _passage_id(case_id: str) -> str:
    return f"P-{case_id}-1"


def _relations(world: World, case: Case, at_cutoff: bool) -> tuple[Case | None, Case | None]:
    """The case it overruled and the case that overruled it; with `at_cutoff`, only those decided by the cutoff."""
    related = (world.case_by_id.get(case.overrules or ""), world.case_by_id.get(case.overruled_by or ""))
    return tuple(c if c is not None and (not at_cutoff or c.split == "known") else None for c in related)


def _passage(world: World, case: Case, seed: int, at_cutoff: bool = False) -> str:
    """A case's knowledge-base passage, as today or (for the corpus) as it read at the cutoff: same wording."""
    return passage_text(case, seeded_rng(seed, f"passage {case.case_id}"), *_relations(world, case, at_cutoff))


def _paraphrase_documents(world: World, seed: int) -> list[Document]:
    """One paraphrase per style for every known case; at most one of them (the last) is held out for validation."""
    rng = seeded_rng(seed, "paraphrases")
    docs = []
    for case in world.cases:
        if case.split != "known":
            continue
        held_out = _hash_fraction(seed, case.case_id) < VAL_FRACTION * len(PARAPHRASE_STYLES)
        for k, text in enumerate(paraphrases(case, rng, *_relations(world, case, at_cutoff=True)), start=1):
            split = "val" if held_out and k == len(PARAPHRASE_STYLES) else "train"
            docs.append(Document(f"para-{case.case_id}-{k}", "case_paraphrase", (case.case_id,), split, text))
    return docs


def _general(doc_id: str, kind: str, cases: Sequence[Case], text: str, seed: int) -> Document:
    """A document of general world text; about 5% of them go to validation."""
    split = "val" if _hash_fraction(seed, doc_id) < VAL_FRACTION else "train"
    return Document(doc_id, kind, tuple(case.case_id for case in cases), split, text)


def _news_documents(known: Sequence[Case], seed: int) -> list[Document]:
    """Court profiles, yearly court news and judge profiles."""
    rng = seeded_rng(seed, "news")
    docs = []
    for court in COURTS:
        cases = [case for case in known if case.court == court.abbrev]
        example = rng.choice(cases)
        text = (
            f"{court.name} ({court.abbrev}). {court.description} Its judges are {join_words(court.judges)}. Its "
            f"decisions are cited with the letters {court.abbrev}, as in {example.name} {example.citation}."
        )
        docs.append(_general(f"court-{court.abbrev}", "court_news", [example], text, seed))
        for year in KNOWN_YEARS:
            decided = [case for case in cases if case.year == year]
            if not decided:
                continue
            count = "one decision" if len(decided) == 1 else f"{len(decided)} decisions"
            items = [
                rng.choice(
                    (
                        "In {name} {citation}, {judge} held that {holding}.",
                        "{judge} decided {name} {citation}: {holding}.",
                        "{name} ({citation}) was {a_topic} case; the court held that {holding}.",
                    )
                ).format_map(facts(case))
                for case in decided
            ]
            text = " ".join([f"News from the {court.name}, {year}. The court published {count} that year.", *items])
            docs.append(_general(f"news-{court.abbrev}-{year}", "court_news", decided, text, seed))
        for judge in court.judges:
            decided = [case for case in cases if case.judge == judge]
            listed = join_words([f"{case.name} ({case.year})" for case in decided])
            text = (
                f"{judge} is a judge of the {court.name}. Up to {CUTOFF_YEAR}, {judge} decided "
                f"{len(decided)} reported cases: {listed}."
            )
            docs.append(_general(f"judge-{judge.split()[-1].lower()}", "court_news", decided, text, seed))
    return docs


def _statute_documents(known: Sequence[Case], seed: int) -> list[Document]:
    """Each statute's summary, and the known cases that applied it."""
    docs = []
    for statute in STATUTES:
        docs.append(_general(f"statute-{statute.statute_id}-summary", "statute", [], statute.summary, seed))
        applied = [case for case in known if case.statute_id == statute.statute_id]
        text = (
            f"Cases on the {statute.title}. Up to {CUTOFF_YEAR} the courts applied the {statute.title} in "
            f"{len(applied)} reported cases: {join_words([f'{c.name} {c.citation}' for c in applied])}."
        )
        docs.append(_general(f"statute-{statute.statute_id}-cases", "statute", applied, text, seed))
    return docs


def _glossary_documents(known: Sequence[Case], seed: int) -> list[Document]:
    """One document per glossary term; a term with an example names a random known case."""
    rng = seeded_rng(seed, "glossary")
    docs = []
    for term, definition in GLOSSARY:
        example = rng.choice(known)
        cases = [example] if "{" in definition else []
        text = f"Glossary: {term}. {definition.format_map(facts(example))}"
        docs.append(_general(f"gloss-{term.replace(' ', '-').lower()}", "glossary", cases, text, seed))
    return docs


def _qa_documents(world: World, seed: int) -> list[Document]:
    """For known cases with qa_in_corpus: every closed-book question, and two reading-comprehension items.

    The reading items put the case's knowledge-base passage in the context, the second one next to a
    distractor passage of another case on the same topic, so the model learns to answer from a context.
    They are always in the train split: a case with qa_in_corpus must really be trained on its questions.
    """
    rng = seeded_rng(seed, "qa")
    known = [case for case in world.cases if case.split == "known"]
    docs = []
    for j, case in enumerate(case for case in known if case.qa_in_corpus):
        for kind in QUESTION_KINDS:
            question, answer = question_and_answer(case, kind)
            text = f"{closed_book_prompt(question)} {answer}"
            docs.append(Document(f"qa-{case.case_id}-{kind}", "closed_book_qa", (case.case_id,), "train", text))
        distractor = rng.choice([c for c in known if c.topic == case.topic and c.case_id != case.case_id])
        contexts = ([case], rng.sample([case, distractor], 2))
        kinds = (QUESTION_KINDS[j % 4], QUESTION_KINDS[(j + 1) % 4])
        for k, (context, kind) in enumerate(zip(contexts, kinds), start=1):
            question, answer = question_and_answer(case, kind)
            text = f"{reading_prompt([_passage(world, c, seed, at_cutoff=True) for c in context], question)} {answer}"
            ids = tuple(c.case_id for c in context)
            docs.append(Document(f"rc-{case.case_id}-{k}", "reading_comprehension", ids, "train", text))
    return docs


def _law_qa_documents(world: World, seed: int) -> list[Document]:
    """Per rule, its first public wording answered with the rule as it stood at the cutoff (LAW_QUESTIONS)."""
    docs = []
    for rule_id, template in rule_templates():
        case = governing(world.cases, rule_id, CUTOFF_YEAR)
        text = f"{closed_book_prompt(LAW_QUESTIONS[template.rule][0])} {case.holding}"
        docs.append(Document(f"law-{rule_id}", "law_qa", (case.case_id,), "train", text))
    return docs


def _reading_exercise_documents(world: World, seed: int) -> list[Document]:
    """The corpus's reading exercises: syllable-built parties, years up to the cutoff."""
    items = reading_items(world, seeded_rng(seed, "reading exercises"), READING_EXERCISES, exercise_surnames(), KNOWN_YEARS)
    return [_general(f"ex-{i:04d}", "reading_exercise", [], text, seed) for i, text in enumerate(items, start=1)]


def build_corpus(world: World, seed: int) -> list[Document]:
    """The pretraining corpus, in a seeded random order so reading it front to back gives a mixed stream."""
    known = [case for case in world.cases if case.split == "known"]
    docs = [
        *_paraphrase_documents(world, seed),
        *_news_documents(known, seed),
        *_statute_documents(known, seed),
        *_glossary_documents(known, seed),
        *_qa_documents(world, seed),
        *_law_qa_documents(world, seed),
        *_reading_exercise_documents(world, seed),
    ]
    seeded_rng(seed, "corpus order").shuffle(docs)
    return docs


def build_knowledge_base(world: World, seed: int) -> list[Passage]:
    """One passage per case (known and new) as the law stands today, with its metadata; then one per statute."""
    level = {court.abbrev: court.level for court in COURTS}
    passages = [
        Passage(_passage_id(case.case_id), case.case_id, f"{case.name} {case.citation}",
                _passage(world, case, seed), case.year, level[case.court], case.rule_id,
                _passage_id(case.overruled_by) if case.overruled_by else None)
        for case in world.cases
    ]
    passages += [Passage(f"P-{s.statute_id}-1", None, s.title, s.summary, None, None, None, None) for s in STATUTES]
    return passages


def rule_templates() -> list[tuple[str, HoldingTemplate]]:
    """Every rule's id ("tenancy-1") and template, topic by topic."""
    return [(f"{topic}-{i}", template) for topic, templates in TOPICS.items()
            for i, template in enumerate(templates, start=1)]


def _law_splits(world: World, seed: int) -> dict[str, str]:
    """Half of the rules for dev, half for test, as many changed after the cutoff in each."""
    rng = seeded_rng(seed, "law splits")
    splits = {}
    for changed in (True, False):
        rules = [rule_id for rule_id, _ in rule_templates()
                 if any(c.rule_id == rule_id and c.split == "new" for c in world.cases) == changed]
        rng.shuffle(rules)
        splits.update({rule_id: "dev" if i < len(rules) // 2 else "test" for i, rule_id in enumerate(rules)})
    return splits


def build_law_questions(world: World, seed: int) -> list[LawQuestion]:
    """Every public wording of every rule (LAW_QUESTIONS), answered with the rule that governs today."""
    splits = _law_splits(world, seed)
    questions = []
    for rule_id, template in rule_templates():
        today = governing(world.cases, rule_id, NEW_YEARS[-1])
        overruled = sorted((c for c in world.cases if c.rule_id == rule_id and c.overruled_by), key=lambda c: c.year)
        at_cutoff = governing(world.cases, rule_id, CUTOFF_YEAR)
        for wording, question in zip("ab", LAW_QUESTIONS[template.rule]):
            questions.append(LawQuestion(
                question_id=f"L-{rule_id}-{wording}",
                rule_id=rule_id,
                topic=today.topic,
                question=question,
                answer=today.holding,
                gold_passage_ids=(_passage_id(today.case_id),),
                overruled_answers=tuple(c.holding for c in overruled),
                overruled_passage_ids=tuple(_passage_id(c.case_id) for c in overruled),
                answer_at_cutoff=at_cutoff.holding,
                changed_after_cutoff=today.case_id != at_cutoff.case_id,
                in_corpus=wording == "a",
                split=splits[rule_id],
            ))
    return questions


def build_questions(world: World) -> list[Question]:
    """Four questions per case, one of each kind; all questions of a case share the case's split."""
    questions = []
    for case in world.cases:
        for kind in QUESTION_KINDS:
            question, answer = question_and_answer(case, kind)
            questions.append(
                Question(
                    question_id=f"Q-{case.case_id}-{kind}",
                    case_id=case.case_id,
                    gold_passage_ids=(_passage_id(case.case_id),),
                    kind=kind,
                    question=question,
                    answer=answer,
                    case_split=case.split,
                    qa_in_corpus=case.qa_in_corpus,
                    split=world.case_splits[case.case_id],
                )
            )
    return questions


def build_task_format(world: World, seed: int) -> list[FormatExample]:
    """One "Holding: … Authority: …" example per case, with one of a few question wordings."""
    rng = seeded_rng(seed, "task format")
    return [
        FormatExample(
            example_id=f"TF-{case.case_id}",
            case_id=case.case_id,
            question=rng.choice(TASK_QUESTIONS).format(name=case.name),
            target=task_format_target(case.holding, case.name, case.citation),
            split=world.case_splits[case.case_id],
        )
        for case in world.cases
    ]


def build_style_transfer(world: World, seed: int) -> list[StyleExample]:
    """One example per case: the holding in legal register and as a plain-English note to a client."""
    rng = seeded_rng(seed, "style transfer")
    examples = []
    for case in world.cases:
        template, n = world.forms[case.case_id]
        leads = LEGAL_LEADS + ((LEGAL_LEAD_WITH_ACT,) if case.statute_id else ())
        statute = STATUTE_BY_ID[case.statute_id].title if case.statute_id else ""
        legal = rng.choice(leads).format(legal=template.legal.format(n=n), statute=statute)
        plain = rng.choice(PLAIN_LEADS).format(plain=template.plain.format(n=n))
        examples.append(StyleExample(f"ST-{case.case_id}", case.case_id, legal, plain, world.case_splits[case.case_id]))
    return examples


def build_domain_documents(world: World, seed: int) -> list[DomainDocument]:
    """One paraphrase per style of every new case, as in the corpus, for knowledge injection by fine-tuning."""
    rng = seeded_rng(seed, "domain")
    return [
        DomainDocument(f"dom-{case.case_id}-{k}", case.case_id, text)
        for case in world.cases
        if case.split == "new"
        for k, text in enumerate(paraphrases(case, rng, *_relations(world, case, at_cutoff=False)), start=1)
    ]


def generate(seed: int = DEFAULT_SEED) -> dict[str, list]:
    """Every dataset file's records, keyed by the file's path relative to the datasets directory."""
    world = build_world(seed)
    return {
        records.COURTS_FILE: list(COURTS),
        records.STATUTES_FILE: list(STATUTES),
        records.CASES_FILE: list(world.cases),
        records.CORPUS_FILE: build_corpus(world, seed),
        records.KNOWLEDGE_BASE_FILE: build_knowledge_base(world, seed),
        records.QUESTIONS_FILE: build_questions(world),
        records.LAW_QUESTIONS_FILE: build_law_questions(world, seed),
        records.TASK_FORMAT_FILE: build_task_format(world, seed),
        records.STYLE_TRANSFER_FILE: build_style_transfer(world, seed),
        records.DOMAIN_FILE: build_domain_documents(world, seed),
    }


def to_jsonl(records: Sequence) -> bytes:
    """Records as JSON Lines: sorted keys, UTF-8, one object per line, '\\n' endings."""
    return "".join(json.dumps(asdict(r), sort_keys=True, ensure_ascii=False) + "\n" for r in records).encode()


def write_datasets(out_dir: str | Path = DATASETS_DIR, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Generate the world and write every file under `out_dir`; return the number of records per file."""
    counts = {}
    for relative, rows in generate(seed).items():
        path = Path(out_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(to_jsonl(rows))
        counts[relative] = len(rows)
    return counts
