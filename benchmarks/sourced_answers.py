"""Extractive answers on pydoc: how to rank the sentences (MiniLM, BM25, or BM25 then MiniLM) and time per question.

    RAGFT_THREADS=1 python benchmarks/sourced_answers.py

Chunks here are chapter 06's: pydoc's plain text of ten modules (`stdlib_corpus`) cut at its sections
(`chunk_documents`); the hybrid retriever gives each question its top 5. A ranking "finds" a question's answer when
the phrase written beside it is in the answer's first sentence, or in any of its three. Times: the extractive
answer alone, embedder warm, median over the questions. Every answer is also run through the citation checker.
"""

from __future__ import annotations

import statistics
import time

from ragft.rag import STOPWORDS, BM25Index, DenseRetriever, Embedder, HybridRetriever
from ragft.rag import sourced_answers
from ragft.rag.citation_check import check_citations
from ragft.rag.documents import stdlib_corpus
from ragft.rag.sections import chunk_documents

MODULES = ["json", "pathlib", "re", "itertools", "collections", "datetime", "subprocess", "shutil", "os.path", "csv"]
QUESTIONS = [  # (a developer's question, a phrase the best sentence contains)
    ("How do I read a JSON file into a dict?", "Deserialize ``fp``"),
    ("How do I pretty print JSON with indentation?", "indent"),
    ("How do I parse a JSON string?", "Deserialize ``s``"),
    ("How do I write JSON to a file?", "Serialize ``obj`` as a JSON formatted stream"),
    ("How do I get the file extension of a path?", "suffix"),
    ("How do I list the files in a directory with pathlib?", "iterdir"),
    ("How do I read a text file with pathlib?", "read_text"),
    ("How do I make a directory including parents?", "mkdir"),
    ("How do I replace all matches of a regular expression?", "sub("),
    ("How do I split a string on a regex?", "split("),
    ("How do I find all matches of a pattern?", "findall"),
    ("How do I get all combinations of a list?", "combinations"),
    ("How do I chain several iterables together?", "chain"),
    ("How do I count the occurrences of items?", "Counter"),
    ("How do I make a dict with a default value for missing keys?", "defaultdict"),
    ("How do I create a tuple with named fields?", "namedtuple"),
    ("How do I parse a date from a string?", "strptime"),
    ("How do I get the current date and time?", "now"),
    ("How do I run a command and capture its output?", "capture_output"),
    ("How do I copy a directory tree?", "copytree"),
    ("How do I join path components with os.path?", "join"),
    ("How do I read a CSV file as dictionaries?", "DictReader"),
]


def main() -> None:
    chunks = chunk_documents(stdlib_corpus(MODULES))  # the chapter's loader and chunker
    embedder = Embedder()
    texts, ids = [c.text for c in chunks], [c.id for c in chunks]
    retriever = HybridRetriever(DenseRetriever(texts, ids, embedder), BM25Index(texts, ids, stopwords=STOPWORDS))
    by_id = {c.id: c for c in chunks}
    retrieved = {q: [by_id[hit.id] for hit in retriever.search(q, 5)] for q, _ in QUESTIONS}
    sourced_answers.extractive_answer("warm up", chunks[:3], embedder)
    print(f"{len(chunks)} chunks, {len(QUESTIONS)} questions, top 5 chunks each\n")
    print("| ranking | answer in 1st sentence | in top 3 | checker passes | median ms | max ms |")
    print("|---|---|---|---|---|---|")
    rankings = {"MiniLM on all units": ("dense", 10**9), "BM25": ("bm25", None),
                f"BM25 keeps {sourced_answers.DENSE_CANDIDATES}, MiniLM ranks (default)":
                    ("dense", sourced_answers.DENSE_CANDIDATES)}
    for name, (method, kept) in rankings.items():
        default, sourced_answers.DENSE_CANDIDATES = sourced_answers.DENSE_CANDIDATES, kept or 1
        times, first, top3, passed = [], 0, 0, 0
        for question, phrase in QUESTIONS:
            start = time.perf_counter()
            answer = sourced_answers.extractive_answer(question, retrieved[question], embedder, method=method)
            times.append(time.perf_counter() - start)
            first += phrase in answer.sentences[0].text
            top3 += any(phrase in s.text for s in answer.sentences)
            passed += check_citations(answer.text, retrieved[question]).ok
        sourced_answers.DENSE_CANDIDATES = default
        n = len(QUESTIONS)
        print(f"| {name} | {first}/{n} | {top3}/{n} | {passed}/{n} | {statistics.median(times) * 1000:.0f} | "
              f"{max(times) * 1000:.0f} |")


if __name__ == "__main__":
    main()
