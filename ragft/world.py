"""The fictional legal world of Veridia: a seeded generator that writes every data file in `datasets/`.

    python -m ragft.world                  # writes datasets/ with the default seed
    python -m ragft.world --out DIR --seed 7

The same seed gives byte-identical files: all randomness comes from `random.Random` objects seeded with
strings derived from the seed, nothing iterates over an unordered collection, and nothing records a time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ragft import data
from ragft.data import (
    Case,
    Court,
    Document,
    DomainDocument,
    FormatExample,
    Passage,
    Question,
    Statute,
    StyleExample,
)
from ragft.paths import DATASETS_DIR
from ragft.seed import DEFAULT_SEED

CUTOFF_YEAR = 2022  # the pretraining corpus knows every case decided up to this year and nothing later
KNOWN_YEARS = tuple(range(2000, CUTOFF_YEAR + 1))
NEW_YEARS = (2023, 2024)
KNOWN_PER_TOPIC = 40
NEW_PER_TOPIC = 10
MAX_CITATION_NUMBER = 400  # numbers spread over 1..400, so a guessed citation is almost always fabricated
STATUTE_SHARE = 0.7  # share of cases that apply their topic's statute; the rest rest on the common law
VAL_FRACTION = 0.05
SPLIT_SHARES = (("train", 0.6), ("dev", 0.2), ("test", 0.2))

# ---- the world's fixed facts ------------------------------------------------------------------------------

COURTS = (
    Court(
        "VSC",
        "Veridia Supreme Court",
        1,
        ("Justice Averill", "Justice Castellan", "Justice Fothergill"),
        "The Veridia Supreme Court is the highest court of Veridia. It hears final appeals in cases of "
        "public importance, and every other court must follow its holdings.",
    ),
    Court(
        "VCA",
        "Veridia Court of Appeal",
        2,
        ("Justice Brackenbury", "Justice Delacourt", "Justice Jephson"),
        "The Veridia Court of Appeal hears appeals from the Veridia High Court. Its holdings bind the "
        "High Court and the District Court.",
    ),
    Court(
        "VHC",
        "Veridia High Court",
        3,
        ("Justice Everingham", "Justice Greenhalgh", "Justice Holloway"),
        "The Veridia High Court hears larger claims and appeals from the Veridia District Court. Most "
        "reported cases of Veridia come from this court.",
    ),
    Court(
        "VDC",
        "Veridia District Court",
        4,
        ("Justice Illingworth", "Justice Kingdon", "Justice Lovibond"),
        "The Veridia District Court hears smaller claims, such as disputes between landlords and tenants "
        "or between shops and their customers.",
    ),
)
COURT_WEIGHTS = (1, 2, 4, 3)  # how often each court above decides a case

_COURTS_FIX_NUMBERS = (
    "The Act often asks for a reasonable time or a fair amount; the courts have fixed the exact numbers case by case."
)
STATUTES = (
    Statute(
        "RTA-1994",
        "Residential Tenancies Act 1994",
        "tenancy",
        "The Residential Tenancies Act 1994 sets out the duties of landlords and tenants in Veridia. It deals "
        f"with deposits, notice, repairs, rent and eviction. {_COURTS_FIX_NUMBERS}",
    ),
    Statute(
        "ESA-1997",
        "Employment Standards Act 1997",
        "employment",
        "The Employment Standards Act 1997 sets out the duties of employers to their workers in Veridia. It "
        f"deals with wages, leave, notice, working hours and complaints. {_COURTS_FIX_NUMBERS}",
    ),
    Statute(
        "CPA-1996",
        "Consumer Protection Act 1996",
        "consumer",
        "The Consumer Protection Act 1996 protects people in Veridia who buy goods and services from shops "
        f"and online sellers. It deals with returns, refunds, warranties, delivery and fees. {_COURTS_FIX_NUMBERS}",
    ),
    Statute(
        "CA-1988",
        "Contracts Act 1988",
        "contract",
        "The Contracts Act 1988 sets the rules for making and ending agreements in Veridia. It deals with "
        f"offers, age, penalty clauses, late payment, loans and defects. {_COURTS_FIX_NUMBERS}",
    ),
    Statute(
        "CLA-1992",
        "Civil Liability Act 1992",
        "negligence",
        "The Civil Liability Act 1992 decides when a person in Veridia who causes harm by carelessness must "
        f"pay for it: on the roads, in shops, at home, in schools and in hospitals. {_COURTS_FIX_NUMBERS}",
    ),
    Statute(
        "PDA-1999",
        "Personal Data Act 1999",
        "privacy",
        "The Personal Data Act 1999 controls how companies and employers in Veridia collect, keep and share "
        f"personal data. It deals with deletion, data breaches, cameras, email and photos. {_COURTS_FIX_NUMBERS}",
    ),
)


@dataclass(frozen=True)
class HoldingTemplate:
    """One kind of rule, in three registers, with the numbers `{n}` may take."""

    rule: str  # the holding as stored in cases.jsonl
    legal: str  # legal register, for the style-transfer source
    plain: str  # plain English addressed to a client, for the style-transfer target
    values: tuple[int, ...]


_T = HoldingTemplate
TOPICS: dict[str, tuple[HoldingTemplate, ...]] = {
    "tenancy": (
        _T(
            "a landlord must return a deposit within {n} days",
            "a landlord shall return the deposit within {n} days of the termination of the tenancy",
            "your landlord has to give your deposit back within {n} days after you move out",
            (7, 10, 14, 21, 28, 30, 45, 60),
        ),
        _T(
            "a landlord must give {n} days of notice before entering a rented home",
            "a landlord shall give not less than {n} days' written notice prior to entering the demised premises",
            "your landlord must warn you {n} days before coming into your home",
            (2, 3, 5, 7, 10, 14, 21),
        ),
        _T(
            "a rent increase is invalid unless the tenant is told {n} days in advance",
            "an increase in rent shall be void unless notice thereof is served upon the tenant not less than "
            "{n} days in advance",
            "a rent rise does not count unless you were told about it {n} days ahead",
            (14, 21, 30, 45, 60, 90, 120, 180),
        ),
        _T(
            "a landlord must repair a broken heater within {n} days",
            "a landlord shall remedy any defect in the heating of the premises within {n} days of being notified "
            "thereof",
            "your landlord has to fix a broken heater within {n} days of hearing about it",
            (2, 3, 4, 5, 7, 10, 14),
        ),
        _T(
            "a landlord may keep at most {n} percent of a deposit for cleaning",
            "a landlord shall not retain more than {n} per cent of the tenancy deposit in respect of cleaning",
            "your landlord can keep no more than {n} percent of your deposit to pay for cleaning",
            (5, 10, 15, 20, 25, 30, 40, 50),
        ),
        _T(
            "an eviction notice must give the tenant at least {n} days to leave",
            "a notice of eviction shall afford the tenant not less than {n} days to vacate the premises",
            "you must get at least {n} days to move out after an eviction letter",
            (14, 21, 28, 30, 42, 56, 60, 90),
        ),
        _T(
            "a landlord may raise the rent at most once every {n} months",
            "a landlord shall not increase the rent more than once in any period of {n} months",
            "your landlord can put the rent up only once every {n} months",
            (6, 9, 12, 18, 24, 36),
        ),
        _T(
            "a tenant may end a lease early after {n} days without running water",
            "a tenant shall be entitled to terminate the tenancy where the premises have been without running "
            "water for {n} days",
            "you can leave your rented home early if it has had no running water for {n} days",
            (2, 3, 5, 7, 10, 14),
        ),
    ),
    "employment": (
        _T(
            "an employer must pay final wages within {n} days of dismissal",
            "an employer shall pay all outstanding remuneration within {n} days of the termination of employment",
            "your employer has to pay your last wages within {n} days after your job ends",
            (3, 5, 7, 10, 14, 21, 28, 30),
        ),
        _T(
            "a full-time worker is entitled to {n} days of paid leave per year",
            "a full-time employee shall be entitled to not less than {n} days of paid annual leave",
            "if you work full time, you get {n} paid days off each year",
            (10, 12, 15, 18, 20, 22, 25, 28, 30),
        ),
        _T(
            "an employer must give {n} weeks of notice before dismissing a worker",
            "an employer shall give not less than {n} weeks' notice prior to the dismissal of an employee",
            "your employer must warn you {n} weeks before letting you go",
            (2, 3, 4, 5, 6, 8, 10, 12),
        ),
        _T(
            "work beyond {n} hours a week must be paid as overtime",
            "any work performed in excess of {n} hours per week shall be remunerated at the overtime rate",
            "every hour you work over {n} hours a week must be paid at the higher overtime rate",
            (35, 36, 37, 38, 40, 42, 44, 45, 48),
        ),
        _T(
            "a worker may refuse a shift that starts less than {n} hours after the last one ended",
            "an employee shall be entitled to decline a shift commencing less than {n} hours after the "
            "conclusion of the preceding shift",
            "you can say no to a shift that starts less than {n} hours after your last one ended",
            (8, 9, 10, 11, 12, 14, 16),
        ),
        _T(
            "a trial period at work may last no longer than {n} months",
            "a probationary period of employment shall not exceed {n} months",
            "your trial period at a new job can last {n} months at most",
            (2, 3, 4, 5, 6, 9, 12),
        ),
        _T(
            "an employer must answer a written complaint within {n} days",
            "an employer shall respond to a written grievance lodged by an employee within {n} days",
            "your employer has {n} days to reply when you complain in writing",
            (5, 7, 10, 14, 20, 21, 28, 30),
        ),
        _T(
            "a non-compete clause longer than {n} months is invalid",
            "a restraint of trade exceeding {n} months shall be void and unenforceable",
            "a promise not to work for a rival does not count if it lasts more than {n} months",
            (3, 6, 9, 12, 18, 24, 36),
        ),
    ),
    "consumer": (
        _T(
            "a buyer may return goods bought online within {n} days",
            "a consumer shall be entitled to rescind a distance contract within {n} days of delivery of the goods",
            "you can send back things you bought online within {n} days of getting them",
            (7, 10, 14, 21, 28, 30, 45, 60),
        ),
        _T(
            "a seller must refund a faulty product within {n} days",
            "a vendor shall refund the price of defective goods within {n} days of their return",
            "a shop has to give your money back for a broken product within {n} days",
            (3, 5, 7, 10, 14, 21, 30),
        ),
        _T(
            "a new car must carry a warranty of at least {n} months",
            "the vendor of a new motor vehicle shall furnish a warranty of not less than {n} months",
            "a new car has to come with a guarantee that lasts at least {n} months",
            (12, 18, 24, 30, 36, 48, 60),
        ),
        _T(
            "a gym membership may be cancelled with {n} days of notice",
            "a consumer shall be entitled to terminate a gym membership upon {n} days' notice",
            "you can quit your gym by telling them {n} days ahead",
            (7, 14, 21, 28, 30, 45, 60),
        ),
        _T(
            "a delivery more than {n} days late lets the buyer cancel the order",
            "where delivery is delayed by more than {n} days the purchaser shall be entitled to rescind the contract",
            "if your order arrives more than {n} days late, you can cancel it",
            (3, 5, 7, 10, 14, 21, 30),
        ),
        _T(
            "a subscription service must send a reminder {n} days before it renews",
            "the supplier of a subscription shall notify the consumer not less than {n} days prior to renewal",
            "a company has to remind you {n} days before your subscription renews",
            (3, 5, 7, 10, 14, 21, 30),
        ),
        _T(
            "a repair shop must give a written quote for work above {n} crowns",
            "a repairer shall furnish a written estimate prior to undertaking works exceeding {n} crowns",
            "a repair shop has to give you a price in writing before any job over {n} crowns",
            (50, 100, 150, 200, 250, 300, 500),
        ),
        _T(
            "a booking fee above {n} crowns must be shown before payment",
            "any booking fee exceeding {n} crowns shall be disclosed to the consumer prior to payment",
            "a booking fee over {n} crowns has to be shown to you before you pay",
            (5, 10, 15, 20, 25, 30, 40, 50),
        ),
    ),
    "contract": (
        _T(
            "a written offer stays open for {n} days unless it says otherwise",
            "a written offer shall remain capable of acceptance for {n} days save where it provides otherwise",
            "a written offer can still be accepted for {n} days unless it says something else",
            (3, 5, 7, 10, 14, 21, 28, 30),
        ),
        _T(
            "a contract made by a person under {n} years of age can be cancelled",
            "a contract entered into by a person under the age of {n} years shall be voidable at that person's option",
            "a deal made by someone younger than {n} can be called off",
            (16, 17, 18, 19, 20, 21),
        ),
        _T(
            "a penalty clause above {n} percent of the price is invalid",
            "a penalty clause exceeding {n} per cent of the contract price shall be void and unenforceable",
            "a fine written into a deal does not count if it is more than {n} percent of the price",
            (5, 10, 15, 20, 25, 30, 40),
        ),
        _T(
            "interest on a late payment starts {n} days after the due date",
            "interest shall accrue upon any sum remaining unpaid {n} days after the due date",
            "if a bill is paid more than {n} days late, interest starts to add up",
            (7, 10, 14, 21, 28, 30, 45, 60),
        ),
        _T(
            "a loan above {n} crowns must be made in writing",
            "a contract of loan exceeding {n} crowns shall be void unless evidenced in writing",
            "a loan of more than {n} crowns only counts if it is written down",
            (500, 1000, 2000, 2500, 5000, 10000),
        ),
        _T(
            "a buyer must report a defect within {n} days of delivery",
            "the purchaser shall give notice of any defect within {n} days of delivery, failing which the claim "
            "shall be barred",
            "you have to tell the seller about a fault within {n} days of getting the goods",
            (7, 10, 14, 21, 28, 30, 60, 90),
        ),
        _T(
            "a spoken agreement is binding if it is confirmed by email within {n} days",
            "an oral agreement shall bind the parties where it is confirmed in writing by electronic mail within "
            "{n} days",
            "a deal made by talking counts if someone confirms it by email within {n} days",
            (2, 3, 5, 7, 10, 14, 21),
        ),
        _T(
            "a party may cancel a contract if the other side is more than {n} days late",
            "a party shall be entitled to rescind the contract where performance by the counterparty is delayed "
            "by more than {n} days",
            "you can walk away from a deal if the other side is more than {n} days late doing their part",
            (14, 21, 28, 30, 45, 60, 90),
        ),
    ),
    "negligence": (
        _T(
            "a driver going {n} kilometres per hour over the speed limit is presumed careless",
            "a driver exceeding the speed limit by {n} kilometres per hour or more shall be presumed negligent",
            "a driver going {n} kilometres an hour or more over the limit is treated as careless",
            (5, 10, 15, 20, 25, 30),
        ),
        _T(
            "a shop must clean up a spill within {n} minutes",
            "an occupier of retail premises shall remove any spillage within {n} minutes of its discovery",
            "a shop has to clean up a spill within {n} minutes of finding it",
            (5, 10, 15, 20, 30, 45, 60),
        ),
        _T(
            "a claim for personal injury must be filed within {n} months",
            "proceedings in respect of personal injury shall be commenced within {n} months of the injury",
            "you have {n} months after you are hurt to take your injury claim to court",
            (6, 12, 18, 24, 30, 36, 48, 72),
        ),
        _T(
            "a dog owner must pay for a bite if the dog bit someone in the last {n} years",
            "the keeper of a dog shall be liable for any injury caused thereby where the dog has bitten a person "
            "within the preceding {n} years",
            "a dog owner has to pay for a bite if the dog bit someone else in the past {n} years",
            (2, 3, 4, 5, 6, 8, 10),
        ),
        _T(
            "a pool deeper than {n} centimetres must be fenced",
            "the occupier of premises containing a swimming pool exceeding {n} centimetres in depth shall erect a "
            "fence around it",
            "if your pool is deeper than {n} centimetres, you must put a fence around it",
            (30, 40, 50, 60, 75, 80, 90, 100),
        ),
        _T(
            "a doctor must warn a patient of any risk above {n} percent",
            "a medical practitioner shall disclose to the patient any material risk exceeding {n} per cent",
            "your doctor has to tell you about any risk higher than {n} percent",
            (1, 2, 3, 5, 10, 15, 20),
        ),
        _T(
            "a school must supervise children under {n} years of age at all times",
            "a school shall maintain continuous supervision of pupils under the age of {n} years",
            "a school has to watch children younger than {n} at all times",
            (6, 7, 8, 9, 10, 11, 12),
        ),
        _T(
            "a council must repair a reported pothole within {n} days",
            "a local authority shall repair any pothole within {n} days of its being reported",
            "the council has to fix a pothole within {n} days after someone reports it",
            (2, 3, 5, 7, 10, 14, 21, 28),
        ),
    ),
    "privacy": (
        _T(
            "a company must delete personal data within {n} days of a request",
            "a data controller shall erase personal data within {n} days of receipt of a request for erasure",
            "a company has to delete your personal details within {n} days after you ask",
            (7, 10, 14, 21, 28, 30, 45, 60),
        ),
        _T(
            "a data breach must be reported within {n} hours",
            "a data controller shall notify the regulator of any personal data breach within {n} hours",
            "if a company loses your data, it has to report this within {n} hours",
            (12, 24, 36, 48, 72, 96),
        ),
        _T(
            "camera footage may be kept for at most {n} days",
            "recordings obtained by surveillance cameras shall not be retained for longer than {n} days",
            "video from security cameras can be kept for {n} days at most",
            (7, 14, 21, 28, 30, 60, 90),
        ),
        _T(
            "an employer must give {n} days of notice before monitoring staff email",
            "an employer shall give employees not less than {n} days' notice prior to the monitoring of their "
            "electronic mail",
            "your employer must tell you {n} days before checking your work email",
            (3, 5, 7, 10, 14, 21, 30),
        ),
        _T(
            "a company must send a person a copy of their data within {n} days of a request",
            "a data controller shall comply with a subject access request within {n} days of its receipt",
            "a company has {n} days to send you a copy of the data it holds about you",
            (10, 14, 15, 20, 21, 28, 30, 40),
        ),
        _T(
            "a photo of a child under {n} may be published only with a parent's consent",
            "the publication of a photograph of a minor under the age of {n} years shall require the consent of "
            "a parent",
            "a picture of a child younger than {n} can only be posted if a parent says yes",
            (12, 13, 14, 15, 16, 17, 18),
        ),
        _T(
            "a marketing list must remove a person within {n} days of a request",
            "a person who maintains a marketing list shall remove therefrom any individual within {n} days of a "
            "request to that effect",
            "a company has to take you off its marketing list within {n} days after you ask",
            (2, 3, 5, 7, 10, 14, 21, 28),
        ),
        _T(
            "health records must be kept for at least {n} years",
            "a healthcare provider shall retain patient health records for a period of not less than {n} years",
            "your health records have to be kept for {n} years or longer",
            (5, 6, 7, 8, 10, 12, 15, 20, 25),
        ),
    ),
}

# Parties of known cases come from one pool, parties of new cases from a disjoint one, so no new party's
# surname can ever occur in the pretraining corpus. Judges have surnames of their own.
KNOWN_SURNAMES = (
    "Ackroyd Alcott Aldridge Ambery Arkwright Ashdown Bairstow Belcourt Bellamy Birtles Blakemore Blundell "
    "Brantley Caddick Carrow Cathcart Clegg Colbeck Crosland Darrow Dewhurst Dimmock Dobson Dorrance Dunmore "
    "Elwick Endicott Entwistle Eskdale Everett Exley Fairbairn Farrow Fawcett Fennimore Fulford Galloway "
    "Gedling Gilchrist Gorringe Grimshaw Halloran Hambly Hartnell Haworth Hollins Illsley Inchbald Ingleby "
    "Jarrold Jellicoe Jessop Joliffe Jowett Kemble Kershaw Kettering Kinsella Kitson Lanyon Lathbury Leggott "
    "Lockyer Lumley Maddox Marlow Mellor Merrow Mossop Mottram Nankivell Norcott Northey Nethercott Nuttall "
    "Oakhurst Oldroyd Ormerod Orrell Ottery Pascoe Pellow Penrose Pickersgill Pilbeam Quarrie Quenby Ramsden "
    "Ravensby Redfern Rendle Rowntree Saltmarsh Sandoe Selwood Stobart Sugden Tattersall Teague Thorley Tolley "
    "Trevena Ulverton Underhay Upcott Uttley Varley Venning Vickery Vosper Voysey Walmsley Wexley Whitlock "
    "Wingate Wragg Yardley Yeandle Yelland Zennor"
).split()
NEW_SURNAMES = (
    "Abrell Annear Bolitho Brisco Chenoweth Corvell Dallimore Dunstone Emmerton Escott Fludd Foxwell Gammage "
    "Glasson Hesketh Hosken Ibbott Ivey Jarvie Jory Keast Kellow Liddicoat Luxton Mabbott Menear Nankervis "
    "Nanscawen Odgers Opie Pengelly Polglase Quantock Rickard Roskilly Scobell Spargo Tonkin Tregaskis "
    "Tresize Trethewey Uren Ustick Veale Vivyan Wearne Yelverton Zouch"
).split()

QUESTION_TEMPLATES = {
    "citation": "What is the neutral citation of {name}?",
    "year": "In what year was {name} decided?",
    "rule": "What did the court hold in {name}?",
    "case_for_rule": "Which case held that {holding}?",
}
TASK_QUESTIONS = (
    "What rule did {name} establish, and what is the authority?",
    "State the holding of {name} with its authority.",
    "What did the court decide in {name}? Give the holding and the authority.",
)
LEGAL_LEADS = ("The court held that {legal}.", "It was held that {legal}.", "Held: {legal}.")
LEGAL_LEAD_WITH_ACT = "The court held, pursuant to the {statute}, that {legal}."
PLAIN_LEADS = (
    "In plain words: {plain}.",
    "What this means for you: {plain}.",
    "Put simply, {plain}.",
    "The short version: {plain}.",
)

# ---- generation -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Everything the datasets are written from: the cases and, per case, its holding's template and number."""

    cases: tuple[Case, ...]
    forms: dict[str, tuple[HoldingTemplate, int]]
    case_splits: dict[str, str]  # case_id -> "train" | "dev" | "test", shared by every question and example


def _rng(seed: int, purpose: str) -> random.Random:
    """An independent generator per purpose, so changing one part of the world leaves the others unchanged."""
    return random.Random(f"{seed}/{purpose}")


def _hash_fraction(seed: int, key: str) -> float:
    """A stable pseudo-random number in [0, 1) for a key (used to pick validation documents)."""
    digest = hashlib.sha256(f"{seed}/{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _draft_cases(seed: int) -> list[tuple[dict, HoldingTemplate, int]]:
    """Draw every case's facts (without id) with its holding template and number."""
    rng = _rng(seed, "cases")
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
    rng = _rng(seed, "splits")
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
    with_qa = set(_rng(seed, "qa_in_corpus").sample(known_ids, len(known_ids) // 2))
    cases, forms = [], {}
    for i, (fields, template, n) in enumerate(drafts, start=1):
        case_id = f"C{i:04d}"
        del fields["number"]  # only used for sorting
        cases.append(Case(case_id=case_id, qa_in_corpus=case_id in with_qa, **fields))
        forms[case_id] = (template, n)
    return World(tuple(cases), forms, _assign_case_splits(cases, seed))


# ---- text -------------------------------------------------------------------------------------------------

_COURT_BY_ABBREV = {court.abbrev: court for court in COURTS}
_STATUTE_BY_ID = {statute.statute_id: statute for statute in STATUTES}


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def facts(case: Case) -> dict[str, str]:
    """The strings that case texts are filled from."""
    statute = _STATUTE_BY_ID[case.statute_id].title if case.statute_id else ""
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


def paraphrases(case: Case, rng: random.Random) -> list[str]:
    """The case told once in every style, styles in random order, each with random wording and sentence order."""
    styles = list(PARAPHRASE_STYLES)
    rng.shuffle(styles)
    return [style(facts(case), rng) for style in styles]


def passage_text(case: Case) -> str:
    """The knowledge-base passage of a case: every fact a question can ask about, in one fixed template."""
    statute = (
        "The case applied the {statute}."
        if case.statute_id
        else "No statute applied; the case rests on the common law."
    )
    return _fill(
        [
            "{name} {citation} is {a_topic} case decided in {year} by {judge} of the {court}.",
            "{plaintiff} brought the claim against {defendant}.",
            "The court held that {holding}.",
            statute,
        ],
        facts(case),
    )


def question_and_answer(case: Case, kind: str) -> tuple[str, str]:
    """The question of one kind about a case, and its gold answer."""
    answers = {
        "citation": case.citation,
        "year": str(case.year),
        "rule": case.holding,
        "case_for_rule": f"{case.name} {case.citation}",
    }
    return QUESTION_TEMPLATES[kind].format(name=case.name, holding=case.holding), answers[kind]


# ---- datasets ---------------------------------------------------------------------------------------------


def _passage_id(case_id: str) -> str:
    return f"P-{case_id}-1"


def _paraphrase_documents(world: World, seed: int) -> list[Document]:
    """One paraphrase per style for every known case; at most one of them (the last) is held out for validation."""
    rng = _rng(seed, "paraphrases")
    docs = []
    for case in world.cases:
        if case.split != "known":
            continue
        held_out = _hash_fraction(seed, case.case_id) < VAL_FRACTION * len(PARAPHRASE_STYLES)
        for k, text in enumerate(paraphrases(case, rng), start=1):
            split = "val" if held_out and k == len(PARAPHRASE_STYLES) else "train"
            docs.append(Document(f"para-{case.case_id}-{k}", "case_paraphrase", (case.case_id,), split, text))
    return docs


def _general(doc_id: str, kind: str, cases: Sequence[Case], text: str, seed: int) -> Document:
    """A document of general world text; about 5% of them go to validation."""
    split = "val" if _hash_fraction(seed, doc_id) < VAL_FRACTION else "train"
    return Document(doc_id, kind, tuple(case.case_id for case in cases), split, text)


def _news_documents(known: Sequence[Case], seed: int) -> list[Document]:
    """Court profiles, yearly court news and judge profiles."""
    rng = _rng(seed, "news")
    docs = []
    for court in COURTS:
        cases = [case for case in known if case.court == court.abbrev]
        example = rng.choice(cases)
        text = (
            f"{court.name} ({court.abbrev}). {court.description} Its judges are {_join(court.judges)}. Its "
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
            listed = _join([f"{case.name} ({case.year})" for case in decided])
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
            f"{len(applied)} reported cases: {_join([f'{c.name} {c.citation}' for c in applied])}."
        )
        docs.append(_general(f"statute-{statute.statute_id}-cases", "statute", applied, text, seed))
    return docs


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
    ("statute", "A statute, or Act, is a law passed by the parliament of Veridia. The main statutes are "
     f"{_join([statute.title for statute in sorted(STATUTES, key=lambda s: s.title[-4:])])}."),
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


def _glossary_documents(known: Sequence[Case], seed: int) -> list[Document]:
    """One document per glossary term; a term with an example names a random known case."""
    rng = _rng(seed, "glossary")
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
    rng = _rng(seed, "qa")
    known = [case for case in world.cases if case.split == "known"]
    docs = []
    for j, case in enumerate(case for case in known if case.qa_in_corpus):
        for kind in data.QUESTION_KINDS:
            question, answer = question_and_answer(case, kind)
            text = f"{data.closed_book_prompt(question)} {answer}"
            docs.append(Document(f"qa-{case.case_id}-{kind}", "closed_book_qa", (case.case_id,), "train", text))
        distractor = rng.choice([c for c in known if c.topic == case.topic and c.case_id != case.case_id])
        contexts = ([case], rng.sample([case, distractor], 2))
        kinds = (data.QUESTION_KINDS[j % 4], data.QUESTION_KINDS[(j + 1) % 4])
        for k, (context, kind) in enumerate(zip(contexts, kinds), start=1):
            question, answer = question_and_answer(case, kind)
            text = f"{data.reading_prompt([passage_text(c) for c in context], question)} {answer}"
            ids = tuple(c.case_id for c in context)
            docs.append(Document(f"rc-{case.case_id}-{k}", "reading_comprehension", ids, "train", text))
    return docs


# Reading exercises: hypothetical cases, as in a law-school workbook, read from a context the model cannot
# answer from memory (invented parties, random numbers and citations). Without them a small model answers every
# reading question from memory and never learns to copy an answer out of its context, so RAG could not help it.
READING_EXERCISES = 1000
_EXERCISE_NAME_STARTS = (
    "Ash Bal Bran Carn Cor Dal Dun Elm Fen Gal Gor Hal Hart Ket Kell Lan Lind Mab Mor Nor Ol Pen Pil Quar Rad "
    "Ros Sal Stan Tal Thorn Ul Val Wen Wil Yar Zal Brom Cres Dray Frob"
).split()
_EXERCISE_NAME_ENDS = "by combe den field ford gate ham ley low more ridge stead ton wick worth".split()
# Reading practice, the second stage of pretraining (ragft.pretrain): more of the same items, with parties whose
# names are random letter strings and years from 1990 to 2030, so the model learns to copy any name and any year
# (a model that never saw "2023" will not write it, even when the passage says it). Hypothetical, not decisions.
READING_PRACTICE = 4000
PRACTICE_YEARS = tuple(range(1990, 2031))
_PRACTICE_CONSONANTS, _PRACTICE_VOWELS = "bcdfghjklmnprstvwz", "aeiou"
_PRACTICE_ENDINGS = ("", "n", "r", "s", "ll", "ck", "ton", "by")
TWO_CASE_SHARE = 0.6  # reading items whose context holds a second case with the same kind of rule
FORMAT_PRACTICE = 360  # answer-format items about hypothetical cases (format_practice)


def exercise_surnames() -> tuple[str, ...]:
    """Surnames for hypothetical parties: built from syllables, never a surname of a real case of the world."""
    real = set(KNOWN_SURNAMES) | set(NEW_SURNAMES)
    return tuple(sorted({a + b for a in _EXERCISE_NAME_STARTS for b in _EXERCISE_NAME_ENDS} - real))


def practice_surnames(seed: int, count: int = 3000) -> tuple[str, ...]:
    """`count` random pronounceable surnames ("Sekuton"), none a surname of a real case or of the exercises."""
    rng = _rng(seed, "practice surnames")
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
                          rng.choice(court.judges), template.rule.format(n=n), statute, "known", False))
    return cases


def reading_items(world: World, rng: random.Random, count: int, surnames: Sequence[str],
                  years: Sequence[int]) -> list[str]:
    """`count` reading-comprehension items about hypothetical cases, the four question kinds in turn. In 60% of
    them a second hypothetical case with the same kind of rule (another number) stands next to the one asked
    about, so the answer must be read exactly."""
    templates = [(topic, template) for topic, templates in TOPICS.items() for template in templates]
    items = []
    for i in range(count):
        topic, template = rng.choice(templates)
        cases = _exercise_cases(world, rng, topic, template, 2, surnames, years)
        context = cases if rng.random() < TWO_CASE_SHARE else cases[:1]
        question, answer = question_and_answer(cases[0], data.QUESTION_KINDS[i % 4])
        items.append(f"{data.reading_prompt([passage_text(c) for c in context], question)} {answer}")
    return items


def format_practice(seed: int = DEFAULT_SEED, count: int = FORMAT_PRACTICE) -> list[tuple[str, str, str]]:
    """(passage, question, target) items of the answer format about hypothetical cases with random-letter parties.

    Fine-tuning a reader on the real cases alone teaches the format together with the cases' names, which the
    model half knows; these items make it copy names it has never seen (`ragft.head_to_head`'s retrieval adapter).
    """
    world, rng = build_world(seed), _rng(seed, "format practice")
    templates = [(topic, template) for topic, templates in TOPICS.items() for template in templates]
    surnames, items = practice_surnames(seed), []
    for _ in range(count):
        topic, template = rng.choice(templates)
        case = _exercise_cases(world, rng, topic, template, 1, surnames, PRACTICE_YEARS)[0]
        question = rng.choice(TASK_QUESTIONS).format(name=case.name)
        items.append((passage_text(case), question, data.task_format_target(case.holding, case.name, case.citation)))
    return items


def _reading_exercise_documents(world: World, seed: int) -> list[Document]:
    """The corpus's reading exercises: syllable-built parties, years up to the cutoff."""
    items = reading_items(world, _rng(seed, "reading exercises"), READING_EXERCISES, exercise_surnames(), KNOWN_YEARS)
    return [_general(f"ex-{i:04d}", "reading_exercise", [], text, seed) for i, text in enumerate(items, start=1)]


def reading_practice(seed: int = DEFAULT_SEED, count: int = READING_PRACTICE) -> list[str]:
    """The items of pretraining's second stage (see READING_PRACTICE); the same seed gives the same items."""
    return reading_items(build_world(seed), _rng(seed, "reading practice"), count, practice_surnames(seed), PRACTICE_YEARS)


def build_corpus(world: World, seed: int) -> list[Document]:
    """The pretraining corpus, in a seeded random order so reading it front to back gives a mixed stream."""
    known = [case for case in world.cases if case.split == "known"]
    docs = [
        *_paraphrase_documents(world, seed),
        *_news_documents(known, seed),
        *_statute_documents(known, seed),
        *_glossary_documents(known, seed),
        *_qa_documents(world, seed),
        *_reading_exercise_documents(world, seed),
    ]
    _rng(seed, "corpus order").shuffle(docs)
    return docs


def build_knowledge_base(world: World) -> list[Passage]:
    """One passage per case (known and new), then one per statute."""
    passages = [
        Passage(_passage_id(case.case_id), case.case_id, f"{case.name} {case.citation}", passage_text(case))
        for case in world.cases
    ]
    passages += [Passage(f"P-{s.statute_id}-1", None, s.title, s.summary) for s in STATUTES]
    return passages


def build_questions(world: World) -> list[Question]:
    """Four questions per case, one of each kind; all questions of a case share the case's split."""
    questions = []
    for case in world.cases:
        for kind in data.QUESTION_KINDS:
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
    rng = _rng(seed, "task format")
    return [
        FormatExample(
            example_id=f"TF-{case.case_id}",
            case_id=case.case_id,
            question=rng.choice(TASK_QUESTIONS).format(name=case.name),
            target=data.task_format_target(case.holding, case.name, case.citation),
            split=world.case_splits[case.case_id],
        )
        for case in world.cases
    ]


def build_style_transfer(world: World, seed: int) -> list[StyleExample]:
    """One example per case: the holding in legal register and as a plain-English note to a client."""
    rng = _rng(seed, "style transfer")
    examples = []
    for case in world.cases:
        template, n = world.forms[case.case_id]
        leads = LEGAL_LEADS + ((LEGAL_LEAD_WITH_ACT,) if case.statute_id else ())
        statute = _STATUTE_BY_ID[case.statute_id].title if case.statute_id else ""
        legal = rng.choice(leads).format(legal=template.legal.format(n=n), statute=statute)
        plain = rng.choice(PLAIN_LEADS).format(plain=template.plain.format(n=n))
        examples.append(StyleExample(f"ST-{case.case_id}", case.case_id, legal, plain, world.case_splits[case.case_id]))
    return examples


def build_domain_documents(world: World, seed: int) -> list[DomainDocument]:
    """One paraphrase per style of every new case, as in the corpus, for knowledge injection by fine-tuning."""
    rng = _rng(seed, "domain")
    return [
        DomainDocument(f"dom-{case.case_id}-{k}", case.case_id, text)
        for case in world.cases
        if case.split == "new"
        for k, text in enumerate(paraphrases(case, rng), start=1)
    ]


def generate(seed: int = DEFAULT_SEED) -> dict[str, list]:
    """Every dataset file's records, keyed by the file's path relative to the datasets directory."""
    world = build_world(seed)
    return {
        data.COURTS_FILE: list(COURTS),
        data.STATUTES_FILE: list(STATUTES),
        data.CASES_FILE: list(world.cases),
        data.CORPUS_FILE: build_corpus(world, seed),
        data.KNOWLEDGE_BASE_FILE: build_knowledge_base(world),
        data.QUESTIONS_FILE: build_questions(world),
        data.TASK_FORMAT_FILE: build_task_format(world, seed),
        data.STYLE_TRANSFER_FILE: build_style_transfer(world, seed),
        data.DOMAIN_FILE: build_domain_documents(world, seed),
    }


def to_jsonl(records: Sequence) -> bytes:
    """Records as JSON Lines: sorted keys, UTF-8, one object per line, '\\n' endings."""
    return "".join(json.dumps(asdict(r), sort_keys=True, ensure_ascii=False) + "\n" for r in records).encode()


def write_datasets(out_dir: str | Path = DATASETS_DIR, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Generate the world and write every file under `out_dir`; return the number of records per file."""
    counts = {}
    for relative, records in generate(seed).items():
        path = Path(out_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(to_jsonl(records))
        counts[relative] = len(records)
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the fictional legal world's datasets.")
    parser.add_argument("--out", type=Path, default=DATASETS_DIR, help="directory to write (default: datasets/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = write_datasets(args.out, args.seed)
    for relative, count in counts.items():
        print(f"{count:6d}  {args.out / relative}")
    print(f"seed {args.seed}, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
