"""Okapi BM25 from scratch: keyword search that rewards rare query words and discounts long passages.

score(q, d) = sum over query tokens t of  idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))
idf(t) = log(1 + (N - df + 0.5) / (df + 0.5))   (Lucene's IDF, never negative)

tf is how often t occurs in d, df how many of the N passages contain t, avgdl the mean passage length in tokens.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

import numpy as np

from ragft.rag.retriever import Hit, check_ids, check_k, top_k

# A small English stopword list; BM25's IDF already makes frequent words cheap, so stopwords are optional.
STOPWORDS = frozenset(
    "a an and are as at be by did does for from had has have in is it its of on or that the this to was were "
    "what when where which who whom why with".split()
)
_TOKEN = re.compile(r"[^\W_]+")  # a run of letters and digits (any alphabet)


def tokenize(text: str, stopwords: Collection[str] = ()) -> list[str]:
    """Lower-cased runs of letters and digits, without `stopwords`: "[2019] VHC 114" -> ["2019", "vhc", "114"]."""
    return [token for token in _TOKEN.findall(text.lower()) if token not in stopwords]


class BM25Index:
    """An inverted index from each token to the passages containing it, with each posting's BM25 weight."""

    def __init__(
        self,
        texts: Sequence[str],
        ids: Sequence[str] | None = None,
        k1: float = 1.5,
        b: float = 0.75,
        stopwords: Collection[str] = (),
    ) -> None:
        if isinstance(texts, str) or len(texts) == 0:
            raise ValueError("BM25Index needs a non-empty list of passage texts")
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"need k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.ids = check_ids(ids, len(texts))
        self.texts = list(texts)
        self.k1, self.b, self.stopwords = k1, b, frozenset(stopwords)

        counts = [Counter(self.tokenize(text)) for text in self.texts]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        self.avgdl = float(lengths.mean())
        # Long passages need more occurrences of a token for the same score (b=0: no length normalisation).
        saturation = k1 * (1 - b + b * lengths / (self.avgdl or 1.0))

        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc, doc_counts in enumerate(counts):
            for token, tf in doc_counts.items():
                postings[token].append((doc, tf))
        n = len(self.texts)
        self.idf: dict[str, float] = {}
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # token -> (passage indices, weights)
        for token, pairs in postings.items():
            docs, tf = np.array(pairs).T
            self.idf[token] = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            # A posting stores its token's whole contribution to the passage's score, so a query only adds them up.
            self.postings[token] = (docs, self.idf[token] * tf * (k1 + 1) / (tf + saturation[docs]))

    def __len__(self) -> int:
        return len(self.texts)

    def tokenize(self, text: str) -> list[str]:
        """The tokens this index uses for passages and queries."""
        return tokenize(text, self.stopwords)

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every passage for `query` (0 where they share no token)."""
        scores = np.zeros(len(self.texts))
        for token in self.tokenize(query):  # a repeated query token counts each time, as in Lucene and bm25s
            if token in self.postings:
                docs, weights = self.postings[token]
                scores[docs] += weights
        return scores

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best-scoring passages, best first (ties by position); only passages sharing a token with the query."""
        check_k(k)
        scores = self.scores(query)
        return [Hit(self.ids[i], float(scores[i]), self.texts[i]) for i in top_k(scores, k) if scores[i] > 0]
