"""Prompt assembly: retrieved passages go into a context block in front of the question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ragft.rag.retriever import Hit


@dataclass(frozen=True)
class PromptTemplate:
    """`prompt` has {context} and {question}; the context is the passages as `passage` ({id}, {text}) + `separator`."""

    prompt: str
    passage: str = "{text}"
    separator: str = " "

    def __post_init__(self) -> None:
        for field in ("{context}", "{question}"):
            if field not in self.prompt:
                raise ValueError(f"a prompt template needs a {field} placeholder, got {self.prompt!r}")


# Exactly the reading-comprehension documents the tiny GPT was pretrained on (see ragft.world.prompts.reading_prompt).
TINY_GPT_TEMPLATE = PromptTemplate("Context: {context}\nQuestion: {question}\nAnswer:")
# For display and for larger models: every passage tagged with its id, so the answer can cite it.
SOURCES_TEMPLATE = PromptTemplate(
    "Answer the question using only the sources below, and cite the id of each source you use in brackets.\n\n"
    "Sources:\n{context}\n\nQuestion: {question}\nAnswer:",
    passage="[{id}] {text}",
    separator="\n",
)


def build_prompt(question: str, passages: Sequence[Hit], template: PromptTemplate = TINY_GPT_TEMPLATE) -> str:
    """The prompt for `question` with `passages` (anything with .id and .text) in the context block, in order."""
    context = template.separator.join(template.passage.format(id=p.id, text=p.text) for p in passages)
    return template.prompt.format(context=context, question=question)
