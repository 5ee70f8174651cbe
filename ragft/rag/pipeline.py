"""The RAG pipeline: retrieve passages, assemble a prompt, generate an answer, optionally check its citations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ragft.rag.knowledge_base import COURSE_K
from ragft.rag.prompt import TINY_GPT_TEMPLATE, PromptTemplate, build_prompt
from ragft.rag.retriever import Hit, Retriever, check_k


@dataclass(frozen=True)
class RAGAnswer:
    """Everything one RAG call did: the passages it retrieved, the prompt it built, the answer and its check."""

    question: str
    passages: list[Hit]
    prompt: str
    answer: str
    verdict: Any = None  # what the checker returned for the answer, if the pipeline has one

    @property
    def passage_ids(self) -> list[str]:
        """The ids of the retrieved passages, best first."""
        return [hit.id for hit in self.passages]


class RAG:
    """Retriever + generator: `RAG(BM25Index(texts), generate_fn).answer(question)` works on any documents.

    `generate_fn(prompt) -> answer text` is any generator (e.g. the tiny GPT's `generate`); `check(answer) -> verdict`
    is optional (e.g. a citation checker's `check`).
    """

    def __init__(
        self,
        retriever: Retriever,
        generate_fn: Callable[[str], str],
        template: PromptTemplate = TINY_GPT_TEMPLATE,
        k: int = COURSE_K,  # chapter 03's choice on dev questions
        check: Callable[[str], Any] | None = None,
    ) -> None:
        if not isinstance(retriever, Retriever):
            raise TypeError(f"retriever must have a search(query, k) method, got {type(retriever).__name__}")
        check_k(k)
        self.retriever, self.generate_fn, self.template, self.k, self.check = retriever, generate_fn, template, k, check

    def answer(self, question: str) -> RAGAnswer:
        """Retrieve the k best passages for `question`, prompt the generator with them, and check the answer."""
        passages = self.retriever.search(question, self.k)
        prompt = build_prompt(question, passages, self.template)
        answer = self.generate_fn(prompt)
        verdict = self.check(answer) if self.check is not None else None
        return RAGAnswer(question, passages, prompt, answer, verdict)
