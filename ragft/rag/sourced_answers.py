"""Answers that name their sources: extractive (sentences copied from the retrieved chunks) or generated.

The extractive answer needs no language model: it ranks the sentences and code lines of the retrieved chunks by
their similarity to the question and keeps the best few, each followed by the id of the chunk it was copied from.
Copied text passes `check_citations` by construction. The generated answer asks an instruction model (e.g. the
hub model chapter 02 uses) to answer from the same chunks and to cite their ids in brackets; the checker then
counts what it got wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ragft.rag.bm25 import STOPWORDS, BM25Index
from ragft.rag.citation_check import cited_ids, content_words
from ragft.rag.doc_sentences import split_units
from ragft.rag.embeddings import Embedder
from ragft.rag.retriever import top_k

MIN_CONTENT_WORDS = 2  # a unit with fewer ("True", "Methods") answers nothing on its own
# MiniLM ranks at most this many units, those BM25 finds closest in words: on 22 developer questions over 150-word
# pydoc chunks it kept the same answers as ranking all (about 70 per question) in a third to a half of the time.
# Five of chapter 06's 64-word chunks hold fewer units, so there it rarely cuts (benchmarks/sourced_answers.py).
DENSE_CANDIDATES = 24
EMBED_WORDS = 48  # a unit is ranked by its first words: a 100-word signature costs MiniLM as much as ten sentences
EMBED_BATCH = 16  # units of similar length per batch: MiniLM pads every text of a batch to the longest


@dataclass(frozen=True)
class SourcedSentence:
    """A sentence (or code line) copied from a chunk, the chunk's id, and its similarity to the question."""

    text: str
    source_id: str
    score: float
    is_code: bool = False

    def cited(self) -> str:
        """The sentence as an answer writes it: code in backticks, then its source id in brackets."""
        text = self.text
        if self.is_code:
            text = f"`` {text} ``" if "`" in text else f"`{text}`"
        return f"{text} [{self.source_id}]"


@dataclass(frozen=True)
class SourcedAnswer:
    """An extractive answer: the question and the sentences copied to answer it, best first."""

    question: str
    sentences: tuple[SourcedSentence, ...]

    @property
    def text(self) -> str:
        """One cited sentence per line, best first ("" when no sentence of the chunks could answer)."""
        return "\n".join(s.cited() for s in self.sentences)


def candidate_sentences(chunks: Sequence) -> list[SourcedSentence]:
    """The units of `chunks` an answer may copy, each once (overlapping chunks repeat text), score 0."""
    ids = {c.id for c in chunks}
    seen, candidates = set(), []
    for chunk in chunks:
        for unit in split_units(chunk.text):
            if unit.text in seen or unit.text.endswith(":") or len(content_words(unit.text)) < MIN_CONTENT_WORDS:
                continue  # a lead-in or a label ("Methods defined here:") is no answer
            if cited_ids(unit.text, ids):
                continue  # text that looks like a citation would be read as one
            seen.add(unit.text)
            candidates.append(SourcedSentence(unit.text, chunk.id, 0.0, unit.is_code))
    return candidates


def extractive_answer(question: str, chunks: Sequence, embedder: Embedder | None = None, max_sentences: int = 3,
                      method: str = "dense") -> SourcedAnswer:
    """The `max_sentences` units of `chunks` (anything with .id and .text) most similar to `question`.

    method "dense": cosine similarity of MiniLM embeddings (`embedder`, default the course's Embedder) among the
    DENSE_CANDIDATES units BM25 scores highest; "bm25": BM25 over the units, the question as the query.
    """
    if method not in ("dense", "bm25"):
        raise ValueError(f"method must be 'dense' or 'bm25', got {method!r}")
    candidates = candidate_sentences(chunks)
    if not candidates:
        return SourcedAnswer(question, ())
    scores = BM25Index([c.text for c in candidates], stopwords=STOPWORDS).scores(question)
    if method == "dense":
        kept = np.sort(top_k(scores, DENSE_CANDIDATES))  # in the chunks' order: ties in similarity go to the first
        candidates = [candidates[i] for i in kept]
        embedder = embedder or Embedder()
        scores = _embedded([c.text for c in candidates], embedder) @ embedder.embed([question])[0]
    best = top_k(np.asarray(scores, dtype=np.float64), max_sentences)
    return SourcedAnswer(question, tuple(
        SourcedSentence(candidates[i].text, candidates[i].source_id, float(scores[i]), candidates[i].is_code)
        for i in best))


def _embedded(texts: list[str], embedder: Embedder) -> np.ndarray:
    """The embeddings of `texts` (their first EMBED_WORDS words), in their order, computed shortest first."""
    short = [" ".join(t.split()[:EMBED_WORDS]) for t in texts]
    order = sorted(range(len(short)), key=lambda i: len(short[i]))
    batches = [order[start : start + EMBED_BATCH] for start in range(0, len(order), EMBED_BATCH)]
    vectors = np.concatenate([embedder.embed([short[i] for i in batch]) for batch in batches])
    return vectors[np.argsort(order)]


ANSWER_INSTRUCTION = (
    "Answer the question using only the sources below. After each sentence of your answer, write in square brackets "
    "the id of the source it comes from, for example [{example_id}]. If the sources do not answer the question, "
    "say so."
)


def sourced_messages(question: str, chunks: Sequence) -> list[dict[str, str]]:
    """The chat for a generated answer: one user turn with the instruction, each chunk under its id, the question."""
    if not chunks:
        raise ValueError("a generated answer needs at least one retrieved chunk to cite")
    sources = "\n\n".join(f"[{c.id}]\n{c.text.strip()}" for c in chunks)
    instruction = ANSWER_INSTRUCTION.format(example_id=chunks[0].id)
    return [{"role": "user", "content": f"{instruction}\n\nSources:\n\n{sources}\n\nQuestion: {question}"}]


def sourced_chat_prompt(question: str, chunks: Sequence, tokenizer) -> str:
    """The prompt text the model reads: `sourced_messages` through the tokenizer's chat template."""
    return tokenizer.apply_chat_template(sourced_messages(question, chunks), tokenize=False,
                                         add_generation_prompt=True)


@torch.no_grad()
def generated_answer(question: str, chunks: Sequence, model, tokenizer, max_new_tokens: int = 160) -> str:
    """The instruction model's greedy answer to `question` from `chunks`, citing their ids (not checked here)."""
    prompt = sourced_chat_prompt(question, chunks, tokenizer)
    inputs = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)  # the template has its own markers
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad_id)
    return tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True).strip()
