"""The world's fixed facts, kept as data: courts, statutes, the kinds of rule per topic, surnames and wordings."""

from __future__ import annotations

from dataclasses import dataclass

from ragft.world.records import Court, Statute


CUTOFF_YEAR = 2022  # the pretraining corpus knows every case decided up to this year and nothing later
KNOWN_YEARS = tuple(range(2000, CUTOFF_YEAR + 1))
NEW_YEARS = (2023, 2024)
KNOWN_PER_TOPIC = 40
NEW_PER_TOPIC = 10
MAX_CITATION_NUMBER = 400  # numbers spread over 1..400, so a guessed citation is almost always fabricated
STATUTE_SHARE = 0.7  # share of cases that apply their topic's statute; the rest rest on the common law
VAL_FRACTION = 0.05
SPLIT_SHARES = (("train", 0.6), ("dev", 0.2), ("test", 0.2))

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
