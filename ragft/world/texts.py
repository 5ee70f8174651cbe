"""The world's texts: a case told in eight styles, its knowledge-base passage, its questions, and the glossary."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from ragft.world.facts import COURTS, PRECEDENCE, QUESTION_TEMPLATES, STATUTES
from ragft.world.records import Case


_COURT_BY_ABBREV = {court.abbrev: court for court in COURTS}
STATUTE_BY_ID = {statute.statute_id: statute for statute in STATUTES}


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def facts(case: Case) -> dict[str, str]:
    """The strings that case texts are filled from."""
    statute = STATUTE_BY_ID[case.statute_id].title if case.statute_id else ""
    return {
        "name": case.name,
        "citation": case.citation,
        "year": str(case.year),
        "court": _COURT_BY_ABBREV[case.court].name,
        "judge": case.judge,
        "topic": case.topic,
        "topic_title": case.topic.capitalize(),
        "a_topic": _a(case.topic),
        "holding": case.holding,
        "plaintiff": case.plaintiff,
        "defendant": case.defendant,
        "statute": statute,
    }


def _fill(sentences: Sequence[str], f: dict[str, str], sep: str = " ") -> str:
    return sep.join(sentence.format_map(f) for sentence in sentences)


def _statute_sentence(f: dict[str, str], rng: random.Random) -> str:
    if not f["statute"]:
        return rng.choice(
            ("No statute applied; the case rests on the common law.", "The case was decided under the common law.")
        )
    return rng.choice(
        (
            "The case applied the {statute}.",
            "The court applied the {statute}.",
            "The decision interprets the {statute}.",
        )
    )


def _report(f: dict[str, str], rng: random.Random) -> str:
    rest = [
        "It was decided in {year}.",
        rng.choice(("{judge} gave the judgment.", "The judge was {judge}.")),
        rng.choice(("The court held that {holding}.", "It decided that {holding}.")),
    ]
    rng.shuffle(rest)
    return _fill(["{name} {citation} is {a_topic} case from the {court}.", *rest, _statute_sentence(f, rng)], f)


def _news(f: dict[str, str], rng: random.Random) -> str:
    return _fill(
        [
            "In {year}, the {court} decided {name}.",
            rng.choice(("The neutral citation of the case is {citation}.", "It is cited as {citation}.")),
            "{plaintiff} sued {defendant} in {a_topic} dispute.",
            "{judge} held that {holding}.",
            _statute_sentence(f, rng),
        ],
        f,
    )


def _rule_first(f: dict[str, str], rng: random.Random) -> str:
    return _fill(
        [
            rng.choice(
                ("The rule that {holding} comes from {name}.", "{name} is the case that established that {holding}.")
            ),
            "The case is cited as {citation}.",
            "It was heard by {judge} in the {court} and decided in {year}.",
            _statute_sentence(f, rng),
        ],
        f,
    )


def _record(f: dict[str, str], rng: random.Random) -> str:
    lines = [
        "Citation: {citation}",
        "Court: {court}",
        "Year: {year}",
        "Judge: {judge}",
        "Topic: {topic}",
        "Holding: {holding}",
        "Statute: {statute}" if f["statute"] else "Statute: none (common law)",
    ]
    rng.shuffle(lines)
    return _fill(["Case: {name}", *lines], f, sep="\n")


def _student_note(f: dict[str, str], rng: random.Random) -> str:
    return _fill(
        [
            "Students of {topic} law should know {name}.",
            "Decided in {year} and cited as {citation}, it is a judgment of {judge} of the {court}.",
            rng.choice(("It holds that {holding}.", "It says that {holding}.")),
            _statute_sentence(f, rng),
        ],
        f,
    )


def _story(f: dict[str, str], rng: random.Random) -> str:
    return _fill(
        [
            "{plaintiff} brought a claim against {defendant} in the {court}.",
            rng.choice(("In {year}, {judge} ruled that {holding}.", "In {year}, {judge} held that {holding}.")),
            "The judgment is reported as {name} {citation}.",
            _statute_sentence(f, rng),
        ],
        f,
    )


def _headnote(f: dict[str, str], rng: random.Random) -> str:
    lead = rng.choice(("Headnote ({topic}): {holding}.", "{topic_title}. Rule: {holding}."))
    return _fill([lead, "{name} {citation}, {court}, {year}, {judge}.", _statute_sentence(f, rng)], f)


def _parties(f: dict[str, str], rng: random.Random) -> str:
    rest = [
        "The case came before {judge} of the {court} in {year}.",
        rng.choice(("Its neutral citation is {citation}.", "The citation is {citation}.")),
    ]
    rng.shuffle(rest)
    return _fill(
        [
            "The parties in {name} were {plaintiff}, the plaintiff, and {defendant}, the defendant.",
            *rest,
            "The court held that {holding}.",
        ],
        f,
    )


PARAPHRASE_STYLES: tuple[Callable[[dict[str, str], random.Random], str], ...] = (
    _report,
    _news,
    _rule_first,
    _record,
    _student_note,
    _story,
    _headnote,
    _parties,
)
def history(overrules: Case | None, overruled_by: Case | None, rng: random.Random) -> list[str]:
    """The sentences that place a decision in its rule's line of cases: whom it overruled, who overruled it."""
    sentences = []
    if overrules is not None:
        sentences.append(rng.choice(("It overruled {name} {citation}.", "Overruling {name} {citation}."))
                         .format_map(facts(overrules)))
    if overruled_by is not None:
        sentences.append(rng.choice(("Overruled by {name} {citation}.", "Overruled in {year} by {name} {citation}.",
                                     "No longer the law: overruled by {name} {citation}."))
                         .format_map(facts(overruled_by)))
    return sentences


def paraphrases(case: Case, rng: random.Random, overrules: Case | None = None,
                overruled_by: Case | None = None) -> list[str]:
    """The case told once in every style, styles in random order, each with random wording and sentence order,
    each ending with the decisions it overruled or was overruled by (pass only those the text may know of)."""
    styles = list(PARAPHRASE_STYLES)
    rng.shuffle(styles)
    return [("\n" if style is _record else " ").join([style(facts(case), rng), *history(overrules, overruled_by, rng)])
            for style in styles]


def passage_text(case: Case, rng: random.Random, overrules: Case | None = None,
                 overruled_by: Case | None = None) -> str:
    """A knowledge-base passage, as a law report writes it: a headnote with the authority and the holding, the
    parties, court, judge and year in one of several wordings and orders, then the case's place in its rule's line
    of decisions. Short (about 90 tokens), so that two passages and a question fit the model's 256-token window."""
    # Every headnote names the authority as one span, "Name [year] COURT number", as a law report's title does.
    headnote = rng.choice(("{name} {citation}. Headnote: {holding}.", "{name} {citation} ({topic}). Held: {holding}.",
                           "{topic_title}: {name} {citation}. Summary: {holding}."))
    body = rng.choice(("{plaintiff} sued {defendant}; {judge} of the {court} decided the case in {year}.",
                       "Decided in {year} by {judge} of the {court}, on a claim by {plaintiff} against {defendant}.",
                       "The {court} ({judge}) decided the claim of {plaintiff} against {defendant} in {year}.",
                       "{judge} gave judgment for the {court} in {year}. {plaintiff} had sued {defendant}."))
    return " ".join([_fill([headnote, body], facts(case)), *history(overrules, overruled_by, rng)])


def question_and_answer(case: Case, kind: str) -> tuple[str, str]:
    """The question of one kind about a case, and its gold answer."""
    answers = {
        "citation": case.citation,
        "year": str(case.year),
        "rule": case.holding,
        "case_for_rule": f"{case.name} {case.citation}",
    }
    return QUESTION_TEMPLATES[kind].format(name=case.name, holding=case.holding), answers[kind]


GLOSSARY = (
    ("Veridia", "Veridia is a small country with its own courts and its own laws. Its courts are the Veridia "
     "District Court, the Veridia High Court, the Veridia Court of Appeal and the Veridia Supreme Court."),
    ("court", "A court is a place where a judge decides disputes. From the lowest to the highest, the courts "
     "of Veridia are the District Court, the High Court, the Court of Appeal and the Supreme Court."),
    ("judge", "A judge hears a case and decides it. A judge of Veridia is called Justice followed by a surname. "
     "For example, {judge} decided {name} in {year}."),
    ("plaintiff", "The plaintiff is the person who brings a claim to court. In a case name the plaintiff comes "
     "first. In {name}, {plaintiff} was the plaintiff."),
    ("defendant", "The defendant is the person the claim is brought against. In a case name the defendant "
     "comes second. In {name}, {defendant} was the defendant."),
    ("case name", "A case is named after its parties, joined by v., which is short for versus. The case {name} "
     "was brought by {plaintiff} against {defendant}."),
    ("neutral citation", "A neutral citation identifies a case. It gives the year in square brackets, the "
     "letters of the court and a number. For example, {name} is cited as {citation}. VSC stands for the "
     "Veridia Supreme Court, VCA for the Veridia Court of Appeal, VHC for the Veridia High Court and VDC for "
     "the Veridia District Court."),
    ("holding", "The holding of a case is the rule the court decided. Later cases follow it. In {name} "
     "{citation}, the court held that {holding}."),
    ("precedent", "A precedent is an earlier decision that later courts follow. A lower court must follow the "
     "holdings of the courts above it. Lawyers cite a precedent by its name and its neutral citation."),
    ("overruling", f"{PRECEDENCE} A decision that has been overruled is no longer the law, although it is still a "
     "real case: to state the law today, cite the latest decision on the rule."),
    ("statute", "A statute, or Act, is a law passed by the parliament of Veridia. The main statutes are "
     f"{join_words([statute.title for statute in sorted(STATUTES, key=lambda s: s.title[-4:])])}."),
    ("common law", "The common law is the law made by judges in their decisions rather than by a statute. Some "
     "cases of Veridia apply a statute; others rest on the common law alone."),
    ("appeal", "An appeal asks a higher court to look again at a decision. In Veridia an appeal goes from the "
     "District Court to the High Court, then to the Court of Appeal, and last to the Supreme Court."),
    ("judgment", "A judgment is the written decision of a court. It explains the facts, the law and the "
     "holding. {judge} gave the judgment in {name}."),
    ("claim", "A claim is a demand that a court order another person to do something or to pay money. The "
     "plaintiff makes the claim and the defendant answers it."),
    ("damages", "Damages are money that a court orders one party to pay to another to make up for a loss."),
    ("notice", "Notice is a warning given in advance, often in writing. Many rules of Veridia say how many "
     "days or weeks of notice a person must give."),
    ("deposit", "A deposit is money paid in advance as security. A tenant often pays a deposit to a landlord "
     "at the start of a lease."),
    ("landlord and tenant", "A landlord owns a home and rents it out. A tenant pays rent to live in it. "
     "Disputes between them are tenancy cases."),
    ("employer and employee", "An employer pays people to work. An employee, or worker, works for an "
     "employer. Disputes between them are employment cases."),
    ("consumer", "A consumer is a person who buys goods or services for private use. Disputes between "
     "consumers and sellers are consumer cases."),
    ("contract", "A contract is an agreement that the law will enforce. Disputes about making, breaking or "
     "ending agreements are contract cases."),
    ("negligence", "Negligence means causing harm by carelessness. A person who is careless and causes an "
     "injury may have to pay for it. Such disputes are negligence cases."),
    ("privacy", "Privacy cases are about personal data: information about a person, such as a name, an "
     "address, a photo or a health record, and who may keep or share it."),
    ("crown", "The crown is the money of Veridia. Some rules of Veridia are stated as amounts in crowns."),
    ("topic", "Each case of Veridia belongs to one topic: tenancy, employment, consumer, contract, negligence "
     "or privacy."),
    ("reading a case", "To use a case, a lawyer needs its name, its neutral citation, its year, its court, its "
     "judge and its holding. For example: {name} {citation}, {court}, {year}, {judge}; held that {holding}."),
)
