"""The world's records as frozen dataclasses, the values their fields may take, and the files that hold them."""

from __future__ import annotations

from dataclasses import dataclass


CASE_SPLITS = ("known", "new")
SPLITS = ("train", "dev", "test")
LAW_SPLITS = ("dev", "test")  # nothing trains on the law questions
CORPUS_SPLITS = ("train", "val")
QUESTION_KINDS = ("citation", "year", "rule", "case_for_rule")

CORPUS_KINDS = (
    "case_paraphrase",
    "court_news",
    "statute",
    "glossary",
    "reading_comprehension",
    "reading_exercise",
    "closed_book_qa",
    "law_qa",
)

COURTS_FILE = "courts.jsonl"
STATUTES_FILE = "statutes.jsonl"
CASES_FILE = "cases.jsonl"
CORPUS_FILE = "pretrain_corpus.jsonl"
KNOWLEDGE_BASE_FILE = "knowledge_base.jsonl"
QUESTIONS_FILE = "questions.jsonl"
LAW_QUESTIONS_FILE = "law_questions.jsonl"
TASK_FORMAT_FILE = "finetune/task_format.jsonl"
STYLE_TRANSFER_FILE = "finetune/style_transfer.jsonl"
DOMAIN_FILE = "finetune/domain_new_cases.jsonl"


@dataclass(frozen=True)
class Court:
    """A court of Veridia; `abbrev` is the letters used in neutral citations."""

    abbrev: str
    name: str
    level: int  # 1 is the highest court
    judges: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Statute:
    """An Act of the Veridian parliament that cases of one topic apply."""

    statute_id: str
    title: str
    topic: str
    summary: str


@dataclass(frozen=True)
class Case:
    """A decided case; `holding` is its rule, lower-case and without a final period."""

    case_id: str
    name: str
    plaintiff: str
    defendant: str
    year: int
    court: str
    citation: str
    topic: str
    judge: str
    holding: str
    statute_id: str | None
    split: str  # "known" (before the pretraining cutoff) or "new" (after it)
    qa_in_corpus: bool  # its questions appear in the pretraining corpus
    rule_id: str  # the rule it decides, e.g. "tenancy-1"; the cases of one rule differ only in its number
    overrules: str | None  # the case_id of the earlier decision on the rule that it overruled
    overruled_by: str | None  # the case_id of the later decision that overruled it (None: it is the law today)


@dataclass(frozen=True)
class Document:
    """One document of the pretraining corpus."""

    doc_id: str
    kind: str
    case_ids: tuple[str, ...]
    split: str  # "train" or "val"
    text: str


@dataclass(frozen=True)
class Passage:
    """One passage of the RAG knowledge base, with the metadata a retriever may filter on (None for statutes)."""

    passage_id: str
    case_id: str | None
    title: str
    text: str
    year: int | None  # the year of the decision
    court_level: int | None  # 1 is the highest court
    rule_id: str | None
    overruled_by: str | None  # the passage_id of the decision that overruled this one


@dataclass(frozen=True)
class Question:
    """A question with its gold answer and the passages that contain the answer."""

    question_id: str
    case_id: str
    gold_passage_ids: tuple[str, ...]
    kind: str
    question: str
    answer: str
    case_split: str
    qa_in_corpus: bool
    split: str


@dataclass(frozen=True)
class LawQuestion:
    """A question about the law as a member of the public asks it; the gold answer is the rule that governs today."""

    question_id: str
    rule_id: str
    topic: str
    question: str
    answer: str  # the holding of the governing (latest) decision on the rule
    gold_passage_ids: tuple[str, ...]  # the governing decision's passage
    overruled_answers: tuple[str, ...]  # the holdings of the rule's overruled decisions, oldest first: out of date
    overruled_passage_ids: tuple[str, ...]
    answer_at_cutoff: str  # the rule as it stood at the pretraining cutoff, which the corpus teaches
    changed_after_cutoff: bool  # a new case overruled the rule after the cutoff
    in_corpus: bool  # this very wording appears in the pretraining corpus, answered as at the cutoff
    split: str  # "dev" or "test", by rule


@dataclass(frozen=True)
class FormatExample:
    """A task-specific fine-tuning example: answer in the fixed "Holding: … Authority: …" format."""

    example_id: str
    case_id: str
    question: str
    target: str
    split: str


@dataclass(frozen=True)
class StyleExample:
    """A style-transfer example: a holding in legal register and the same rule as a plain-English client note."""

    example_id: str
    case_id: str
    holding_text: str
    client_note: str
    split: str


@dataclass(frozen=True)
class DomainDocument:
    """A document about a new case, for continued pretraining (knowledge injection by fine-tuning)."""

    doc_id: str
    case_id: str
    text: str
