"""Real documents in: Python's own documentation as pydoc renders it, or a folder of .md, .txt, .html and .pdf files.

`stdlib_corpus()` is chapter 06's default corpus (offline: pydoc renders what is installed); `load_folder(path)`
reads a learner's folder, skipping with a warning what it cannot read and losing nothing it could.
`ragft.rag.sections` cuts the documents into `DocChunk`s that keep their source and section for citation.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ragft.rag.file_text import READERS, UnreadableFileError

# Standard-library modules a developer reaches for every week: files and paths, text, data formats, dates and time,
# processes, the command line, logging, containers and iteration, numbers and randomness. Twenty keep the cold
# embedding of the chapter's corpus near half a minute on one core (benchmarks/docs_retrieval.py --budget).
DEFAULT_MODULES = (
    "json", "csv", "pathlib", "os.path", "shutil", "glob", "re", "string", "textwrap", "datetime", "time",
    "subprocess", "argparse", "logging", "collections", "itertools", "functools", "dataclasses", "math", "random",
)
PYDOC_PREFIX = "pydoc:"
# pydoc's lines that depend on the machine or the Python version rather than on the module's documentation.
_DROPPED_PYDOC_PARTS = ("MODULE REFERENCE", "FILE", "PACKAGE CONTENTS", "SUBMODULES", "VERSION", "AUTHOR", "CREDITS")


@dataclass(frozen=True)
class Document:
    """One document's text: `source` names it ("pydoc:json" or a path relative to the folder), `kind` says how it
    is cut into sections ("pydoc", "markdown", "text", "pdf"; HTML arrives as markdown headings)."""

    source: str
    text: str
    kind: str
    digest: str = field(default="", repr=False)  # SHA-256 of the file's bytes (of the text for pydoc)


@dataclass(frozen=True)
class DocChunk:
    """A piece of a document that is embedded and searched, with where it comes from for citing it."""

    id: str  # unique and stable: f"{source}#{n}", e.g. "pydoc:json#3" or "guide/install.md#0"
    text: str
    source: str  # "pydoc:<module>", else the file's path relative to the docs folder
    section: str  # heading path inside the source, e.g. "json.load" or "Install > Linux" ("" when none)


class DocumentsError(ValueError):
    """A folder that gives no document: missing, empty, or holding no file the course can read."""


def file_fingerprint(path: str | Path) -> str:
    """SHA-256 of a file's bytes: a changed file has a new fingerprint, so only it needs embedding again."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# Run in a fresh interpreter: a library imported into the kernel can change what pydoc shows (transformers adds a
# method to logging.Logger), and the corpus must be the same in a notebook, a test and the command line.
_RENDER = """
import importlib, json, pydoc, sys
print(json.dumps({name: pydoc.render_doc(importlib.import_module(name), title="%s", renderer=pydoc.plaintext)
                  for name in sys.argv[1:]}))
"""


def render_modules(names: Sequence[str]) -> dict[str, str]:
    """pydoc's plain-text documentation of each module in `names`, cleaned (see `clean_pydoc`)."""
    done = subprocess.run([sys.executable, "-I", "-c", _RENDER, *names], capture_output=True, text=True)
    if done.returncode:
        raise ValueError(f"pydoc could not render {list(names)}: {done.stderr.strip().splitlines()[-1]}. "
                         "Fix: pass names of modules that `import` finds, e.g. ('json', 'pathlib')")
    return {name: clean_pydoc(text) for name, text in json.loads(done.stdout).items()}


def clean_pydoc(text: str) -> str:
    """pydoc text without its title, the file path and other parts that depend on the machine or the Python
    version rather than on the module; overstrike (bold as "x\\bx") and memory addresses removed, blank lines
    collapsed."""
    text = re.sub(r".\x08", "", text).split("\n", 1)[1]  # the first line is the title
    text = re.sub(r" at 0x[0-9a-f]+", "", text)  # "<function copy2 at 0x7f68...>" differs from run to run
    parts = re.split(r"^(?=[A-Z][A-Z ]+\n)", text, flags=re.M)  # at each top-level heading: NAME, FUNCTIONS, ...
    kept = "".join(p for p in parts if p.split("\n", 1)[0] not in _DROPPED_PYDOC_PARTS)
    kept = re.sub(r"^[ |]*[+=-][-+=| ]{6,}$", "", kept, flags=re.M)  # the borders of tables drawn in text
    kept = re.sub(r"[ \t]+\n", "\n", kept)  # pydoc indents its empty lines
    return re.sub(r"\n{3,}", "\n\n", kept).strip() + "\n"


def stdlib_corpus(modules: Sequence[str] = DEFAULT_MODULES) -> list[Document]:
    """The plain-text pydoc documentation of standard-library `modules`, one `Document` per module."""
    return [Document(PYDOC_PREFIX + name, text, "pydoc", hashlib.sha256(text.encode()).hexdigest())
            for name, text in render_modules(modules).items()]


def load_folder(path: str | Path) -> list[Document]:
    """Every .md, .txt, .html/.htm and .pdf file under `path` (recursively, sorted), one `Document` each.

    Other files are skipped with a warning naming them; a file that cannot be read is skipped with a warning that
    says why. Raises `DocumentsError` when the folder is missing, empty, or yields no document.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        raise DocumentsError(f"{root} {what}. Fix: pass the folder that holds your .md, .txt, .html or .pdf files")
    files = sorted(p for p in root.rglob("*") if p.is_file() and not _hidden(p.relative_to(root)))
    if not files:
        raise DocumentsError(f"the folder {root} is empty. Fix: put .md, .txt, .html or .pdf files in it")
    documents, unsupported = [], []
    for file in files:
        reader = READERS.get(file.suffix.lower())
        if reader is None:
            unsupported.append(file.relative_to(root).as_posix())
            continue
        try:
            data = file.read_bytes()
            text, kind = reader(data)
        except (OSError, UnreadableFileError) as err:
            warnings.warn(f"skipped {file}: {err}. Fix: open it to check it is not damaged, or save it again as "
                          ".md or .txt; the other files are loaded", stacklevel=2)
            continue
        documents.append(Document(file.relative_to(root).as_posix(), text, kind, hashlib.sha256(data).hexdigest()))
    if unsupported:
        warnings.warn(f"skipped {len(unsupported)} file(s) of a type the course cannot read: {', '.join(unsupported)}"
                      f" (it reads {', '.join(sorted(READERS))})", stacklevel=2)
    if not documents:
        raise DocumentsError(f"no readable .md, .txt, .html or .pdf file in {root} ({len(files)} file(s) skipped, "
                             "see the warnings above). Fix: add documents of those types, or convert yours")
    return documents


def _hidden(relative: Path) -> bool:
    """True for files inside hidden folders or hidden themselves (.git, .DS_Store, .ipynb_checkpoints)."""
    return any(part.startswith(".") for part in relative.parts)
