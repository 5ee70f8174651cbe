"""Check an answer's citations against the chunks it was given, as chapter 02 counts fabricated citations.

An answer is read claim by claim: one claim per sentence (a code line, a line quoted whole in backticks or a line
of a fenced block is one claim; a citation written after the sentence's full stop belongs to that sentence).
A citation is a bracketed chunk id, "[pydoc:json#3]" (several may share brackets: "[a.md#0, a.md#2]"); a bracket
holding something else ("['foo', 1]" in code) is not a citation. For every claim:

- **cites a source it was not given**: an id in its brackets is not among the retrieved chunks' ids;
- **bad quote**: text it quotes ("...", `...` or ``...``) does not occur in the chunks it cites (in any retrieved
  chunk when it cites none), spaces normalized on both sides (`normalize_space`);
- **uncited**: it has no citation;
- **unsupported**: it cites, but fewer than MIN_SUPPORT of its content words occur in the retrieved chunks it
  cites. Content words are `ragft.rag.bm25.tokenize`'s lower-cased words without STOPWORDS, a final "s" dropped
  from words longer than three letters ("reads" matches "read"). A sentence without content words is no claim.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ragft.rag.bm25 import STOPWORDS, tokenize
from ragft.rag.doc_sentences import SENTENCE_END, normalize_space, plain_text

MIN_SUPPORT = 0.5  # a cited claim needs at least half of its content words in the chunks it cites
_BRACKETS = re.compile(r"\[([^\[\]\n]+)\]")
_ID_SHAPE = re.compile(r"\S.*#\d+")  # a DocChunk id: f"{source}#{n}"
_LEADING_BRACKETS = re.compile(r"(?:\[[^\[\]\n]+\]\s*)*")
_ID_SEPARATOR = re.compile(r"\s*[,;]\s*")
_QUOTE = re.compile(r"``(.+?)``|`([^`]+)`|\"([^\"]+)\"|\u201c([^\u201d]+)\u201d")
_WHOLE_LINE_CODE = re.compile(r"``\s.*\s``|`[^`].*`|>>>.*")  # `code`, `` code with a ` inside ``, a doctest
_FENCE = re.compile(r"(?:```|~~~)[\w+-]*")  # a line opening or closing a fenced code block


@dataclass(frozen=True)
class ClaimCheck:
    """One claim of an answer and what the checker found in it."""

    text: str  # as written, citations included
    cited: tuple[str, ...]  # the ids it cites, in order
    foreign: tuple[str, ...]  # the cited ids that were not among the retrieved chunks
    bad_quotes: tuple[str, ...]  # quoted text found in none of the chunks checked
    support: float | None  # the share of its content words in the retrieved chunks it cites (None: uncited)

    @property
    def problems(self) -> list[str]:
        """What is wrong with this claim, in plain words (empty when nothing is)."""
        found = [f"cites a source it was not given: {i}" for i in self.foreign]
        found += [f"quote not in its source: {q!r}" for q in self.bad_quotes]
        if not self.cited:
            found.append("uncited")
        elif self.support < MIN_SUPPORT:
            found.append(f"unsupported ({self.support:.0%} of its content words are in what it cites)")
        return found


@dataclass(frozen=True)
class CitationReport:
    """The claims of one answer, checked; `counts` sums them up, `offending` lists the claims with a problem."""

    claims: tuple[ClaimCheck, ...]

    @property
    def counts(self) -> dict[str, int]:
        cited = [c for c in self.claims if c.cited]
        return {
            "claims": len(self.claims),
            "cited": len(cited),
            "uncited": len(self.claims) - len(cited),
            "unsupported": sum(c.support < MIN_SUPPORT for c in cited),
            "foreign_ids": sum(len(c.foreign) for c in self.claims),
            "bad_quotes": sum(len(c.bad_quotes) for c in self.claims),
        }

    @property
    def offending(self) -> list[tuple[str, str]]:
        """(problem, claim) for every problem found, in the answer's order."""
        return [(problem, c.text) for c in self.claims for problem in c.problems]

    @property
    def ok(self) -> bool:
        return not self.offending


def cited_ids(text: str, known_ids: Collection[str] = ()) -> list[str]:
    """The ids cited in `text`, in order: brackets whose every part is a known id or has a chunk id's shape."""
    found = []
    for content in _BRACKETS.findall(text):
        parts = _ID_SEPARATOR.split(content.strip())
        if all(p in known_ids or _ID_SHAPE.fullmatch(p) for p in parts):
            found += parts
    return found


def _without_citations(text: str, known_ids: Collection[str]) -> str:
    return _BRACKETS.sub(lambda m: "" if cited_ids(m.group(0), known_ids) else m.group(0), text).strip()


def split_claims(answer: str, known_ids: Collection[str] = ()) -> list[str]:
    """The sentences of `answer`, each with the citations written after it (see the module's docstring)."""
    claims: list[str] = []
    fenced = False
    for line in answer.splitlines():
        line = line.strip()
        if _FENCE.fullmatch(line):
            fenced = not fenced
            continue
        whole = fenced or _WHOLE_LINE_CODE.fullmatch(_without_citations(line, known_ids))
        for piece in [line] if whole else SENTENCE_END.split(line):
            leading = _LEADING_BRACKETS.match(piece).group(0)
            if claims and leading and cited_ids(leading, known_ids) and not _without_citations(leading, known_ids):
                claims[-1] += " " + leading.strip()  # "... object. [pydoc:json#3]": it closes the sentence before
                piece = piece[len(leading):]
            if piece:
                claims.append(piece)
    return claims


def content_words(text: str) -> set[str]:
    """The words a claim's support is measured on (see the module's docstring)."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in tokenize(text, STOPWORDS)}


def check_citations(answer: str, chunks: Sequence) -> CitationReport:
    """Check `answer` against the retrieved `chunks` (anything with .id and .text, e.g. DocChunk)."""
    texts = {c.id: plain_text(c.text) for c in chunks}
    claims = []
    for claim in split_claims(answer, texts):
        bare = _without_citations(claim, texts)
        words = content_words(bare)
        if not words:
            continue
        cited = tuple(cited_ids(claim, texts))
        given = [texts[i] for i in cited if i in texts]
        quotes = [normalize_space(next(g for g in m.groups() if g is not None)) for m in _QUOTE.finditer(bare)]
        bad = tuple(q for q in quotes if q and not any(q in t for t in (given or texts.values())))
        support = len(words & content_words(" ".join(given))) / len(words) if cited else None
        claims.append(ClaimCheck(claim, cited, tuple(i for i in cited if i not in texts), bad, support))
    return CitationReport(tuple(claims))
