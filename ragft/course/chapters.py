"""The course's table of contents and where it is published (one place for forks to change)."""

from __future__ import annotations

from dataclasses import dataclass

# Forks: change these two lines, then run `python -m ragft.course.build_notebooks` to update badges and install cells.
REPO_SLUG = "ragft-course/rag-or-finetuning"
REPO_REF = "main"


@dataclass(frozen=True)
class Chapter:
    """One chapter: its notebook stem, title, what the learner does, and the time a session takes."""

    stem: str
    title: str
    you_will: str
    minutes: int

    @property
    def notebook(self) -> str:
        return f"chapters/{self.stem}.ipynb"

    @property
    def exercises(self) -> str:
        return f"exercises/{self.stem}_exercises.ipynb"

    @property
    def solutions(self) -> str:
        return f"solutions/{self.stem}_solutions.ipynb"


CHAPTERS = [
    Chapter("00_welcome", "Welcome", "check your set-up, meet the lawyer who filed invented cases, see the plan", 20),
    Chapter("01_how_llms_learn", "How LLMs learn", "train a tokenizer, write attention and a transformer block (checked against GPT-2), train a tiny GPT with your own training step, sample from it", 75),
    Chapter("02_why_llms_hallucinate", "Why LLMs hallucinate", "measure fabricated citations, out-of-date answers and how sure the model is; make it abstain when unsure", 60),
    Chapter("03_rag_from_scratch", "RAG from scratch", "build embeddings search, BM25 and hybrid retrieval; cut fabricated citations and out-of-date answers", 90),
    Chapter("04_finetuning_with_lora", "Fine-tuning with LoRA", "write LoRA, check it against peft, teach a format, a style and new facts", 90),
    Chapter("05_choosing", "Choosing: the decision matrix", "place use cases on the matrix and read the verdict off your own numbers", 60),
    Chapter("06_your_own_documents", "Your own documents", "run the course's RAG on Python's own documentation or your folder, measure it on developer questions, answer with checked sources, keep the index in LanceDB, place your use case on the matrix", 90),
]


def colab_url(path: str) -> str:
    """Open-in-Colab address of a notebook of the repository."""
    return f"https://colab.research.google.com/github/{REPO_SLUG}/blob/{REPO_REF}/{path}"


def binder_url(path: str) -> str:
    """Binder address that opens a notebook of the repository in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{REPO_SLUG}/{REPO_REF}?labpath={path.replace('/', '%2F')}"
