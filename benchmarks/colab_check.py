"""Colab readiness: run the notebooks' set-up cell in a Colab-like Python 3.13 environment, then chapter 05 in it.

    python benchmarks/colab_check.py                      # a git clone of HEAD, a Colab-like env built afresh
    python benchmarks/colab_check.py chapters/0[0-5]*     # these notebooks (the first one runs the install)

What it simulates, and what it cannot:
- the runtime: a Python 3.13 venv holding benchmarks/colab/colab_like.txt (Colab's versions of the packages that
  matter, as far as PyPI offers them; see the file). It is not Colab's image: no GPU libraries of Colab's, no Colab
  front end, and PyPI's torch for Linux is the CUDA build where Colab's CPU runtime has the CPU one;
- `google.colab`: a stand-in module, imported when the kernel starts as Colab's is, with an
  `output.enable_custom_widget_manager` that records its call;
- the clone: the cell's exact `git clone` of GitHub, redirected by git's `url.<base>.insteadOf` to a clone of HEAD;
  and `/content/course` replaced by a temporary folder (the only change to the cell's text);
- the widgets: kernel side only (the decision-matrix widget's tests run under Colab's ipywidgets 7); whether Colab's
  front end draws them is not something a machine without Colab can show.
The cell's pip install is real: the first notebook's kernel may reach the package index (HF_HUB_OFFLINE is set);
later notebooks run with the network blocked, as in the tests. Afterwards: what changed in the environment, what
`pip check` says before and after, the widget tests, and each notebook run in a fresh kernel of the environment,
offline. The report is printed and written to benchmarks/results/colab.md; exit 1 when anything fails.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_notebooks import REPO, RESULTS

COLAB_LIKE = REPO / "benchmarks" / "colab" / "colab_like.txt"
broken_requirements = runpy.run_path(str(REPO / "ragft" / "course" / "colab_install.py"))["broken_requirements"]
COLAB_PYTHON = "3.13"
HELD = ("torch", "numpy", "ipywidgets", "matplotlib", "ipykernel")
STANDIN = {
    "google/colab/__init__.py": "from google.colab import output  # noqa: F401  (Colab's package has it)\n",
    "google/colab/output.py": ("import os\n\ndef enable_custom_widget_manager():\n"
                               "    open(os.environ['COLAB_CHECK_LOG'], 'a').write('enable_custom_widget_manager\\n')\n"),
    # a Colab kernel starts with google.colab imported; after the install, later notebooks run offline
    "sitecustomize.py": ("import os\nimport google.colab  # noqa: F401\nif os.environ.get('COLAB_CHECK_OFFLINE'):\n"
                         "    from ragft.course.offline import block_network\n    block_network()\n"),
}


def sh(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def find_python(version: str) -> str:
    """A `python<version>` that runs and is that version: on PATH, under pyenv, or in /usr(/local)/bin."""
    pyenv = sh(["pyenv", "root"]).stdout.strip() if shutil.which("pyenv") else ""
    candidates = [shutil.which(f"python{version}"), *sorted(glob.glob(f"{pyenv}/versions/{version}*/bin/python{version}")),
                  f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for candidate in filter(None, candidates):
        if Path(candidate).is_file():
            probe = sh([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            if probe.returncode == 0 and probe.stdout.strip() == version:
                return candidate
    raise SystemExit(f"Colab runs Python {version}: none found on PATH, under pyenv or in /usr/bin, /usr/local/bin "
                     f"(install it, e.g. pyenv install {version})")


def build_env(env_dir: Path) -> float:
    """Make the Colab-like environment in `env_dir`; return the seconds the build took."""
    python = find_python(COLAB_PYTHON)
    start = time.perf_counter()
    for step in ([python, "-m", "venv", str(env_dir)],
                 [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(COLAB_LIKE)]):
        run = sh(step)
        if run.returncode:
            raise SystemExit(f"{run.stdout[-3000:]}{run.stderr[-3000:]}\nbuilding the Colab-like env failed: {step}")
    return time.perf_counter() - start


def freeze(python: Path) -> dict[str, str]:
    run = sh([str(python), "-m", "pip", "list", "--format", "json"], check=True)
    return {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in json.loads(run.stdout)}  # PEP 503 names


def setup_notebook(course: Path, notebook: Path) -> Path:
    """A copy of `notebook` beside the original whose set-up cell installs into `course` instead of /content/course."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    assert first.startswith("# Colab set-up"), f"{notebook}: the first cell is not the Colab set-up cell"
    nb["cells"][0]["source"] = first.replace("/content/course", str(course))
    copy = notebook.with_name(f"colab-check-{notebook.name}")
    copy.write_text(json.dumps(nb), encoding="utf-8")
    return copy


def run_one(notebook: Path) -> int:
    """Runner side, in the Colab-like env: run one notebook and print (seconds, peak MB, error) as JSON."""
    import run_notebooks
    seconds, peak_mb, error = run_notebooks.run_notebook(notebook)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "error": error}))
    return 0


def run_in_env(python: Path, notebook: Path, environ: dict[str, str]) -> tuple[float, float, str]:
    run = sh([str(python), str(Path(__file__).resolve()), "--run-one", str(notebook)], env=environ)
    lines = run.stdout.strip().splitlines()
    if run.returncode or not lines:
        return 0.0, 0.0, f"runner failed ({run.returncode}): {run.stderr.strip()[-300:]}"
    result = json.loads(lines[-1])
    return result["seconds"], result["peak_mb"], result["error"]


def check(args: argparse.Namespace, work: Path) -> int:
    env_dir = work / "env"
    print(f"Building the Colab-like environment in {env_dir} ...", flush=True)
    build_seconds = build_env(env_dir)
    python = env_dir / "bin" / "python"
    clone, course, standin, log = work / "repo", work / "content" / "course", work / "standin", work / "colab.log"
    sh(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    commit = sh(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"]).stdout.strip()
    for name, text in STANDIN.items():
        (standin / name).parent.mkdir(parents=True, exist_ok=True)
        (standin / name).write_text(text)
    course.parent.mkdir(parents=True)
    slug = sh([sys.executable, "-c", "from ragft.course.chapters import REPO_SLUG; print(REPO_SLUG)"], cwd=REPO).stdout.strip()
    environ = {**{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "RAGFT_"))},
               "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(standin),
               "MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1", "COLAB_CHECK_LOG": str(log), "HOME": str(work),
               # the cell's `git clone https://github.com/<slug>.git` gets the local clone of HEAD
               "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.file://{clone}.insteadOf",
               "GIT_CONFIG_VALUE_0": f"https://github.com/{slug}.git"}
    before, broken_before = freeze(python), broken_requirements(str(python))
    notebooks = [clone / n for n in (args.notebooks or ["chapters/05_choosing.ipynb"])]
    rows = ["| notebook | wall time (s) | peak memory (MB) | result |", "|---|---:|---:|---|"]
    passed = True
    for index, notebook in enumerate(notebooks):
        copy = setup_notebook(course, notebook)
        kernel_env = environ if index == 0 else {**environ, "COLAB_CHECK_OFFLINE": "1"}  # the first one installs
        seconds, peak, error = run_in_env(python, copy, kernel_env)
        copy.unlink()
        passed &= not error
        rows.append(f"| {notebook.relative_to(clone)} | {seconds:.1f} | {peak:.0f} | {'OK' if not error else 'FAIL ' + error} |")
        print(rows[-1], flush=True)
    after, broken_after = freeze(python), broken_requirements(str(python))
    changed = sorted(name for name in after if before.get(name) != after[name])
    held_ok = all(before.get(name) == after.get(name) for name in HELD)
    widget_tests = sh([str(python), "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider",
                       "tests/decide/test_matrix.py"], cwd=clone, env={**environ, "PYTHONPATH": str(clone / "tests" / "offline_site")})
    widget_line = widget_tests.stdout.strip().splitlines()[-1] if widget_tests.stdout.strip() else widget_tests.stderr[-300:]
    managers = log.read_text().split() if log.exists() else []
    new_broken = sorted(broken_after - broken_before)
    ipywidgets_major = int(after.get("ipywidgets", "0").split(".")[0])
    manager_ok = (managers == []) if ipywidgets_major < 8 else bool(managers)
    passed &= held_ok and not new_broken and widget_tests.returncode == 0 and manager_ok
    lines = [
        f"- repository: git clone of {REPO} at {commit}",
        f"- environment: Python {COLAB_PYTHON} venv + `{COLAB_LIKE.relative_to(REPO)}`"
        + f", built in {build_seconds:.0f} s",
        "- before the cell: " + ", ".join(f"{n} {before.get(n, '-')}" for n in HELD),
        "- kept by the cell: " + ("yes, all of them" if held_ok else "NO: " + ", ".join(
            f"{n} {before.get(n)} → {after.get(n)}" for n in HELD if before.get(n) != after.get(n))),
        "- installed or changed by the cell: " + ", ".join(f"{n} {before.get(n, '(new)')} → {after[n]}" for n in changed),
        f"- `pip check`: {len(broken_before)} complaint(s) before, {len(broken_after)} after; new: "
        + ("none" if not new_broken else "; ".join(new_broken)),
        f"- Colab's custom widget manager enabled: {'yes' if managers else 'no'} (ipywidgets {after.get('ipywidgets')}: "
        f"{'Colab draws 7.x itself' if ipywidgets_major < 8 else '8.x needs it'}) {'OK' if manager_ok else 'WRONG'}",
        f"- decision-matrix widget tests under ipywidgets {after.get('ipywidgets')}: {widget_line}",
    ]
    report = "# Colab readiness\n\n" + "\n".join(lines) + "\n\n" + "\n".join(rows) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "colab.md").write_text(report, encoding="utf-8")
    print(f"\n{report}\n{'Colab-ready' if passed else 'NOT Colab-ready'}; written to {RESULTS / 'colab.md'}")
    return 0 if passed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the set-up cell and chapter 05 in a Colab-like environment.")
    parser.add_argument("notebooks", nargs="*", help="notebooks, relative to the repository (default: chapter 05)")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        return run_one(args.run_one)
    with tempfile.TemporaryDirectory(prefix="colab-check-") as tmp:
        return check(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
