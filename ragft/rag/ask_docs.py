"""Ask your own documents: the logic of the command `python -m ragft.ask`, which chapter 06 calls too.

`open_docs_index` reads a folder (or, without one, the standard library's pydoc), cuts it into chunks and brings its
`DocIndex` up to date, embedding only new or changed files; `answer_question` retrieves chunks and copies the
sentences that answer, each with its source id, and checks the citations; `evaluate_questions` measures retrieval on
labelled questions. The index lives under the course's cache, never in the documents folder.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ragft.rag.citation_check import CitationReport, check_citations
from ragft.rag.doc_eval import DocQuestion, doc_retrieval_scores
from ragft.rag.doc_index import DocHit, DocIndex, SyncReport
from ragft.rag.documents import DocChunk, Document, DocumentsError, load_folder, stdlib_corpus
from ragft.rag.index_folder import DocIndexError
from ragft.rag.embeddings import DEFAULT_CACHE_DIR, Embedder
from ragft.rag.sections import DOCS_CHUNK_WORDS, DOCS_OVERLAP, chunk_documents
from ragft.rag.sourced_answers import SourcedAnswer, extractive_answer

INDEXES_DIR = DEFAULT_CACHE_DIR.parent / "doc_indexes"  # next to the embeddings cache (RAGFT_CACHE_DIR moves both)


@dataclass(frozen=True)
class DocsIndex:
    """An index brought up to date with its documents: the index, the chunks it holds, and what the sync did."""

    index: DocIndex
    chunks: list[DocChunk]
    report: SyncReport


@dataclass(frozen=True)
class DocsAnswer:
    """The chunks retrieved for a question, the sentences copied from them, and the check of their citations."""

    question: str
    hits: list[DocHit]
    answer: SourcedAnswer
    check: CitationReport


def default_index_dir(docs: str | Path | None = None) -> Path:
    """Where the index of `docs` lives unless you choose: a folder under the course's cache named after the
    documents folder and keyed by its absolute path; for the default corpus, one per Python version (pydoc's text
    differs between versions, and each would otherwise re-embed the other's)."""
    if docs is None:
        return INDEXES_DIR / f"stdlib-py{sys.version_info.major}.{sys.version_info.minor}"
    root = Path(docs).expanduser().resolve()
    name = re.sub(r"[^\w.-]+", "-", root.name).strip("-.") or "docs"
    return INDEXES_DIR / f"{name}-{hashlib.sha256(str(root).encode()).hexdigest()[:12]}"


def index_files(documents: Sequence[Document], size: int = DOCS_CHUNK_WORDS,
                overlap: int = DOCS_OVERLAP) -> dict[str, tuple[str, list[DocChunk]]]:
    """{source: (digest, chunks)} for `DocIndex.sync`. The digest names the chunking too, so a source cut with
    another size or overlap counts as changed and is embedded again."""
    chunks_of = defaultdict(list)
    for chunk in chunk_documents(documents, size, overlap):
        chunks_of[chunk.source].append(chunk)
    return {d.source: (f"{d.digest}/{size}/{overlap}", chunks_of[d.source]) for d in documents}


def open_docs_index(docs: str | Path | None = None, index_dir: str | Path | None = None,
                    embedder: Embedder | None = None, rebuild: bool = False, size: int = DOCS_CHUNK_WORDS,
                    overlap: int = DOCS_OVERLAP) -> DocsIndex:
    """The index of the folder `docs` (None: the standard library's pydoc), up to date with its files.

    Files that cannot be read are skipped with a warning (`load_folder`); `rebuild=True` embeds everything again.
    Raises `DocumentsError` when the folder gives no document, and `DocIndexError` when `index_dir` lies inside
    the documents, is not an index, or was built with another embedder.
    """
    index_dir = Path(index_dir).expanduser() if index_dir is not None else default_index_dir(docs)
    if docs is not None and index_dir.resolve().is_relative_to(Path(docs).expanduser().resolve()):
        raise DocIndexError(f"the index folder {index_dir} is inside the documents folder {docs}, and the index "
                            "never writes into your documents. Fix: choose an index folder outside it (index_dir, "
                            "--index DIR), or move the course's cache with RAGFT_CACHE_DIR")
    documents = stdlib_corpus() if docs is None else load_folder(docs)
    files = index_files(documents, size, overlap)
    chunks = [c for _digest, source_chunks in files.values() for c in source_chunks]
    if not chunks:
        raise DocumentsError(f"the {len(documents)} document(s) read from {docs} hold no text to index. Fix: add "
                             "documents with text in them")
    index = DocIndex(index_dir, embedder, rebuild=rebuild)
    report = index.sync(files)
    return DocsIndex(index, chunks, report)


def answer_question(index: DocIndex, question: str, k: int = 5, sentences: int = 3) -> DocsAnswer:
    """The k chunks closest to `question`, the `sentences` units of them that answer it best (each with its chunk
    id), and `check_citations` of that answer against the chunks."""
    hits = index.search(question, k)
    answer = extractive_answer(question, hits, index.embedder, max_sentences=sentences)
    return DocsAnswer(question, hits, answer, check_citations(answer.text, hits))


def questions_without_gold(questions: Sequence[DocQuestion], chunks: Sequence[DocChunk]) -> list[DocQuestion]:
    """The questions no chunk can answer, as labelled: a misspelt "source" or "sections" scores 0 whatever the
    retriever does."""
    return [q for q in questions if not any(q.is_hit(c) for c in chunks)]


def evaluate_questions(docs_index: DocsIndex, questions: Sequence[DocQuestion],
                       ks: Sequence[int] = (1, 5)) -> dict[str, float]:
    """recall@k for each k, MRR (over the first 10 chunks) and the number of questions, retrieving from the index."""
    if not questions:
        raise ValueError("no questions to evaluate: the file (or the split chosen) holds none")
    return doc_retrieval_scores(docs_index.index, docs_index.chunks, questions, ks)
