"""The folder of a document index: its manifest says the folder is an index, which embedder filled it, and the
digest of every source in it. A folder that is not an index is never written to."""

from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST, FORMAT = "ragft-index.json", "ragft-doc-index/1"
REBUILD = "DocIndex(folder, embedder, rebuild=True)"


class DocIndexError(RuntimeError):
    """The folder is not a usable index (foreign, damaged, or built with another embedder); the message says why."""


def new_manifest(embedder_name: str) -> dict:
    return {"format": FORMAT, "embedder": embedder_name, "dim": None, "sources": {}}


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest; None for a new or empty folder (created); an error for a folder that is not an index."""
    path = folder / MANIFEST
    if not path.exists():
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise DocIndexError(f"{folder} is not empty and is not a document index (no {MANIFEST}): "
                                "choose a new or empty folder for the index; nothing was changed.")
        folder.mkdir(parents=True, exist_ok=True)
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("sources"), dict) \
                or not isinstance(manifest.get("embedder"), str):
            raise ValueError(f"format {manifest.get('format')!r}, expected {FORMAT!r}")
    except (ValueError, AttributeError, OSError) as err:
        raise damaged(folder, f"{MANIFEST} is unreadable ({err})") from err
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    """Through a temporary file, so a crash never leaves half a manifest."""
    tmp = folder / f"{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def damaged(folder: Path, why: str) -> DocIndexError:
    return DocIndexError(f"the index in {folder} is damaged: {why}. Fix: rebuild it ({REBUILD} re-embeds "
                         "every document).")
