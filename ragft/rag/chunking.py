"""Split long documents into overlapping chunks, so each chunk is small enough to embed and to fit a prompt."""

from __future__ import annotations

import re

# A sentence ends at . ! or ? followed by a space and a capital letter (or an opening bracket or quote),
# but not after a one-letter abbreviation such as the "v." of "Marlow v. Teague".
_SENTENCE_END = re.compile(r"(?<!\b[A-Za-z]\.)(?<=[.!?])\s+(?=[A-Z\[(\"'])")


def _windows(items: list[str], size: int, overlap: int, unit: str) -> list[list[str]]:
    """Windows of `size` items, each starting `size - overlap` items after the previous; the last reaches the end."""
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"size must be a positive number of {unit}, got {size!r}. Fix: pass e.g. size=100")
    if isinstance(overlap, bool) or not isinstance(overlap, int) or not 0 <= overlap < size:
        raise ValueError(
            f"overlap must be at least 0 and smaller than size, got overlap={overlap!r} with size={size}: "
            f"otherwise a chunk would not move forward. Fix: pass e.g. overlap={size // 4}"
        )
    step = size - overlap
    return [items[start : start + size] for start in range(0, max(len(items) - overlap, 1), step)] if items else []


def chunk_words(text: str, size: int, overlap: int = 0) -> list[str]:
    """Chunks of `size` words; each repeats the last `overlap` words of the one before (words are whitespace-split)."""
    return [" ".join(window) for window in _windows(text.split(), size, overlap, "words")]


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (a simple rule; see _SENTENCE_END)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def chunk_sentences(text: str, size: int, overlap: int = 0) -> list[str]:
    """Chunks of `size` whole sentences; each repeats the last `overlap` sentences of the one before."""
    return [" ".join(window) for window in _windows(split_sentences(text), size, overlap, "sentences")]
