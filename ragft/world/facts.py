"""The world's fixed facts, kept as data: courts, statutes, the kinds of rule per topic, surnames and wordings."""

from __future__ import annotations

from dataclasses import dataclass

from ragft.world.records import Court, Statute


CUTOFF_YEAR = 2022  # the pretraining corpus knows every case decided up to this year and nothing later
KNOWN_YEARS = tuple(range(2000, CUTOFF_YEAR + 1))
NEW_YEARS = (2023, 2024)
KNOWN_PER_TOPIC = 40
# Precedence: on each rule the cases form one line of decisions, each by the same or a higher court than the one
# before it, so each overrules its predecessor and the latest one governs. After the cutoff, new cases overrule
# known ones on some rules, so a model that memorised the law at the cutoff is out of date on those rules.
CHANGED_RULES_PER_TOPIC = 5  # rules per topic that new cases change after the cutoff, one new case a year
NEW_PER_TOPIC = CHANGED_RULES_PER_TOPIC * len(NEW_YEARS)
MIN_KNOWN_PER_RULE = 3  # every rule has a history the corpus tells: at least two overruled decisions before the cutoff
PRECEDENCE = ("A decision binds every court below it, and a later decision of the same or a higher court on the same "
              "rule overrules an earlier one. So on each rule the latest decision is the law.")
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

# No Act states a number: the numbers come from the cases. (Worded without the everyday words of a question, "how",
# "have", "when", so that a keyword search does not rank an Act first for every question that uses them.)
_COURTS_FIX_NUMBERS = "The Act states duties in general terms; the exact numbers are set by the decisions of the courts."

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
        "The Civil Liability Act 1992 decides whether a person in Veridia who causes harm by carelessness must "
        f"pay for it: on the roads, in shops, at home, in schools and in hospitals. {_COURTS_FIX_NUMBERS}",
    ),
    Statute(
        "PDA-1999",
        "Personal Data Act 1999",
        "privacy",
        "The Personal Data Act 1999 sets out the duties of companies and employers in Veridia that collect, keep "
        f"and share personal data. It deals with deletion, data breaches, cameras, email and photos. {_COURTS_FIX_NUMBERS}",
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

# How a member of the public asks about each rule: two wordings per rule, with no party, citation, year or the
# holding's own phrasing. The first wording also appears in the pretraining corpus as a question-and-answer line
# (the law as it stood at the cutoff); the second never does, so it measures whether the model generalises.
LAW_QUESTIONS: dict[str, tuple[str, str]] = {
    # tenancy
    "a landlord must return a deposit within {n} days": (
        "I moved out of my flat and my landlord still has my deposit. How long can he take to pay it back?",
        "How many days does a landlord have to give back a tenant's deposit?",
    ),
    "a landlord must give {n} days of notice before entering a rented home": (
        "Can my landlord just walk into my flat, or does he have to warn me first?",
        "How much warning must a landlord give before coming into the home he rents out?",
    ),
    "a rent increase is invalid unless the tenant is told {n} days in advance": (
        "My landlord says the rent goes up next week. How far ahead should he have told me?",
        "How much notice of a higher rent does a tenant have to get for the rise to count?",
    ),
    "a landlord must repair a broken heater within {n} days": (
        "The heating in my rented flat broke. How quickly does the landlord have to fix it?",
        "How long can a landlord leave a tenant without a working heater?",
    ),
    "a landlord may keep at most {n} percent of a deposit for cleaning": (
        "My landlord kept part of my deposit to pay for cleaning. How much is he allowed to keep?",
        "What share of the deposit can a landlord hold back for cleaning the place?",
    ),
    "an eviction notice must give the tenant at least {n} days to leave": (
        "I got a letter telling me to leave my home. How long do I have before I must go?",
        "How much time does a tenant get to move out after being told to leave?",
    ),
    "a landlord may raise the rent at most once every {n} months": (
        "How often is my landlord allowed to put up the rent?",
        "Can the rent be raised again so soon? What is the shortest gap between two rises?",
    ),
    "a tenant may end a lease early after {n} days without running water": (
        "There has been no water in my flat for days. When can I end the lease and move out?",
        "How long must a home go without water before the tenant may leave the lease early?",
    ),
    # employment
    "an employer must pay final wages within {n} days of dismissal": (
        "I was fired and I still have not been paid for my last weeks. How long can my boss wait?",
        "When must a company pay what it owes a worker it has let go?",
    ),
    "a full-time worker is entitled to {n} days of paid leave per year": (
        "How many days of paid holiday do I get each year in a full-time job?",
        "What is the minimum number of paid days off a year for someone working full time?",
    ),
    "an employer must give {n} weeks of notice before dismissing a worker": (
        "My boss wants to let me go. How much notice does he have to give me?",
        "How far in advance must a worker be told that they are being dismissed?",
    ),
    "work beyond {n} hours a week must be paid as overtime": (
        "After how many hours a week should I be getting overtime pay?",
        "When does a long working week start to count as overtime?",
    ),
    "a worker may refuse a shift that starts less than {n} hours after the last one ended": (
        "My manager wants me back at work soon after my late shift. How much rest must I get between shifts?",
        "Can I say no to a shift that begins right after my previous one finished?",
    ),
    "a trial period at work may last no longer than {n} months": (
        "How long can a probation period at a new job go on?",
        "My employer keeps extending my trial period. What is the longest it may be?",
    ),
    "an employer must answer a written complaint within {n} days": (
        "I sent my employer a written grievance weeks ago. How long do they have to reply?",
        "When must a company respond to a complaint that a worker put in writing?",
    ),
    "a non-compete clause longer than {n} months is invalid": (
        "My contract says I cannot work for a competitor after I leave. How long can such a ban last?",
        "For how long may a former employer stop me from joining a rival company?",
    ),
    # consumer
    "a buyer may return goods bought online within {n} days": (
        "I bought a jacket online and do not like it. How long do I have to send it back?",
        "How many days does a shopper get to return something ordered on the internet?",
    ),
    "a seller must refund a faulty product within {n} days": (
        "I returned a broken kettle to the shop. How soon must they give me my money back?",
        "How long can a seller take to repay the price of a defective item?",
    ),
    "a new car must carry a warranty of at least {n} months": (
        "How long should the guarantee on a brand-new car last?",
        "What is the shortest warranty a dealer may give with a new car?",
    ),
    "a gym membership may be cancelled with {n} days of notice": (
        "I want to quit my gym. How much notice do I need to give?",
        "How far ahead must a member tell a fitness club that they are leaving?",
    ),
    "a delivery more than {n} days late lets the buyer cancel the order": (
        "My order still has not arrived. How late must it be before I can cancel?",
        "When can a customer call off a purchase because the delivery is overdue?",
    ),
    "a subscription service must send a reminder {n} days before it renews": (
        "My streaming subscription renewed without warning. How early should they have reminded me?",
        "How long before an automatic renewal must a company warn its subscribers?",
    ),
    "a repair shop must give a written quote for work above {n} crowns": (
        "The garage fixed my bike and charged me a lot without a written estimate. Above what price do they need one?",
        "From what amount must a repairer put the price of a job in writing first?",
    ),
    "a booking fee above {n} crowns must be shown before payment": (
        "I was charged a booking fee at checkout that I never saw before. How big can a hidden fee be?",
        "From what amount must a ticket seller show its booking fee before I pay?",
    ),
    # contract
    "a written offer stays open for {n} days unless it says otherwise": (
        "Someone made me an offer in writing. How long do I have to accept it?",
        "How many days does a written offer last if it gives no deadline?",
    ),
    "a contract made by a person under {n} years of age can be cancelled": (
        "My son signed a phone contract. Up to what age can a young person get out of a contract?",
        "Below what age may someone cancel an agreement they signed?",
    ),
    "a penalty clause above {n} percent of the price is invalid": (
        "My contract makes me pay a big penalty if I am late. How large can such a penalty be?",
        "What is the highest penalty, as a share of the price, that a contract may impose?",
    ),
    "interest on a late payment starts {n} days after the due date": (
        "A client paid my invoice late. From when can I charge interest?",
        "How long after the due date does interest begin on a late bill?",
    ),
    "a loan above {n} crowns must be made in writing": (
        "I lent a friend some money on a handshake. From what amount does a loan need to be written down?",
        "Above what sum does lending money require a written agreement?",
    ),
    "a buyer must report a defect within {n} days of delivery": (
        "The machine I bought has a fault. How long do I have to tell the seller?",
        "By when must a buyer complain about a defect in goods that were delivered?",
    ),
    "a spoken agreement is binding if it is confirmed by email within {n} days": (
        "We agreed a deal over the phone. Does it count, and how soon must it be confirmed by email?",
        "How quickly must a verbal deal be confirmed in an email to be binding?",
    ),
    "a party may cancel a contract if the other side is more than {n} days late": (
        "The builder is weeks behind schedule. How late must he be before I can cancel the contract?",
        "How much delay by the other side lets someone end an agreement?",
    ),
    # negligence
    "a driver going {n} kilometres per hour over the speed limit is presumed careless": (
        "How far over the speed limit does a driver have to be to be treated as careless?",
        "At what speed above the limit is a motorist assumed to be at fault?",
    ),
    "a shop must clean up a spill within {n} minutes": (
        "I slipped on a spilled drink in a supermarket. How fast should the shop have cleaned it up?",
        "How long may a store leave a wet floor before it is to blame?",
    ),
    "a claim for personal injury must be filed within {n} months": (
        "I was hurt in an accident last year. How long do I have to bring a claim?",
        "What is the deadline for going to court over an injury?",
    ),
    "a dog owner must pay for a bite if the dog bit someone in the last {n} years": (
        "A neighbour's dog bit me, and it has bitten before. Does its owner have to pay?",
        "How recent must an earlier bite be for a dog's owner to be liable for a new one?",
    ),
    "a pool deeper than {n} centimetres must be fenced": (
        "Do I have to put a fence around the pool in my garden? From what depth?",
        "How deep can a swimming pool be before the law requires a fence around it?",
    ),
    "a doctor must warn a patient of any risk above {n} percent": (
        "My surgeon never told me about a risk of the operation. Which risks must a doctor mention?",
        "How likely must a complication be before a doctor has to warn the patient about it?",
    ),
    "a school must supervise children under {n} years of age at all times": (
        "My child was left alone in the school playground. Up to what age must a school watch children all the time?",
        "Until what age do pupils need constant supervision at school?",
    ),
    "a council must repair a reported pothole within {n} days": (
        "I reported a pothole in my street weeks ago. How long does the council have to fix it?",
        "How soon must a local council mend a hole in the road after being told about it?",
    ),
    # privacy
    "a company must delete personal data within {n} days of a request": (
        "I asked a website to erase my details. How long do they have to do it?",
        "How fast must a business remove someone's personal information when asked?",
    ),
    "a data breach must be reported within {n} hours": (
        "A company lost its customers' data in a hack. How quickly must it report this?",
        "How many hours does an organisation have to tell the regulator about a leak of personal data?",
    ),
    "camera footage may be kept for at most {n} days": (
        "How long can a shop keep the recordings from its security cameras?",
        "For how many days may video from surveillance cameras be stored?",
    ),
    "an employer must give {n} days of notice before monitoring staff email": (
        "Can my boss read my work emails without telling me? How much warning must I get?",
        "How far ahead must staff be told before their employer starts checking their email?",
    ),
    "a company must send a person a copy of their data within {n} days of a request": (
        "I asked a company for a copy of everything it knows about me. How long can it take?",
        "How soon must a business answer a request to see the personal data it holds?",
    ),
    "a photo of a child under {n} may be published only with a parent's consent": (
        "A magazine printed a picture of my daughter without asking me. Up to what age do they need my permission?",
        "Below what age does posting a child's picture need a parent's approval?",
    ),
    "a marketing list must remove a person within {n} days of a request": (
        "I keep getting adverts after asking to be taken off a mailing list. How long can they take?",
        "How quickly must a company stop marketing to someone who asked to be removed?",
    ),
    "health records must be kept for at least {n} years": (
        "How long does a clinic have to keep my medical records?",
        "What is the minimum time a hospital must store a patient's health records?",
    ),
}
