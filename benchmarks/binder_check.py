"""Binder readiness: build binder/'s environment from scratch, then run the notebooks in it within Binder's 2 GB.

    python benchmarks/binder_check.py                     # a git clone of HEAD, every chapter notebook
    python benchmarks/binder_check.py --repo .            # the working tree as it is, uncommitted files included
    python benchmarks/binder_check.py --all-notebooks     # solutions and exercises too
    python benchmarks/binder_check.py chapters/01*        # some notebooks (relative paths are inside the repository)
    python benchmarks/binder_check.py --keep-env /tmp/bc  # build in /tmp/bc and keep it (env, clone, home)

What it simulates of repo2docker's build from binder/: an environment with the Python that environment.yml names,
its bin/ first on PATH, then `bash binder/postBuild` exactly, from the repository root, with a fresh HOME and
TORCH_INDEX_URL set to PyPI unless set already (why: see fresh_environ). What it does not: repo2docker installs on
top of its own conda environment, which already holds JupyterLab, jupyterhub-singleuser and jupyter-resource-usage;
here a fresh `python3.X -m venv` stands in for it, so a pin that conflicts with those packages would not show. Nor
does it build the Docker image or launch it as Binder does. It checks that
PyTorch is a CPU build and measures the environment on disk. Each notebook then runs in a fresh kernel of that
environment, offline, with at most 2 GB of memory: a cgroup v2 limit where this machine allows one (peak: its
memory.peak), else a watchdog that samples the kernel's process tree and kills it above 2 GB. The table is printed
and written to benchmarks/results/binder.md. The exit code is non-zero when PyTorch is not a CPU build or a notebook
fails or goes over 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run_notebooks
from run_notebooks import REPO, RESULTS, TARGET_MB

CAP_MB = 2048  # Binder's memory limit (2 GiB, for the whole container)
PYPI = "https://pypi.org/simple"
# Variables of the developer's own set-up that a new Binder container does not have.
DEV_VARIABLES = ("PYTHON", "VIRTUAL_ENV", "CONDA", "JUPYTER", "HF_", "RAGFT_", "XDG_CACHE_HOME", "XDG_DATA_HOME")
TORCH_PROBE = ("import importlib.metadata as md, json, torch; print(json.dumps({'version': torch.__version__, "
               "'cuda': torch.version.cuda, 'nvidia': sorted(d.metadata['Name'] for d in md.distributions() "
               "if d.metadata['Name'].lower().startswith('nvidia'))}))")


def run_one(notebook: Path, cgroup: Path | None) -> int:
    """Runner side, in the fresh environment: run one notebook, capped, and print (seconds, peak MB, error) as JSON."""
    if cgroup:
        (cgroup / "cgroup.procs").write_text(str(os.getpid()))  # before the kernel starts, so it starts inside too
    # Without a cgroup, run_notebook's memory sampler is the watchdog.
    seconds, peak_mb, error = run_notebooks.run_notebook(notebook, limit_mb=None if cgroup else CAP_MB)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "error": error}))
    return 0


def binder_python(repo: Path) -> str:
    """The Python version binder/environment.yml asks for, e.g. '3.11'."""
    match = re.search(r"^\s*-\s*python\s*=+\s*(\d+\.\d+)", (repo / "binder" / "environment.yml").read_text(), re.M)
    if not match:
        raise SystemExit("binder/environment.yml names no Python version (a `- python=3.X` line)")
    return match.group(1)


def check_python(python: str, wanted: str) -> None:
    """Fail clearly unless `python` runs and is Python `wanted`."""
    hint = f"Binder's environment.yml asks for Python {wanted}; install it (pyenv install {wanted}) or put it on PATH"
    if not shutil.which(python):
        raise SystemExit(f"{python} not found: {hint}")
    run = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{python} does not run ({run.stderr.strip()}): {hint}")
    if run.stdout.strip() != wanted:
        raise SystemExit(f"{python} is Python {run.stdout.strip()}: {hint}")


def prepare_repo(repo_arg: str | None, work: Path) -> tuple[Path, str]:
    """The repository to check, and a line saying what it is: --repo as it is, or a fresh git clone of HEAD."""
    if repo_arg:
        return Path(repo_arg).resolve(), f"working tree {Path(repo_arg).resolve()}, as it is"
    clone = work / "repo"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    commit = subprocess.run(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain"], capture_output=True, text=True).stdout
    note = f"; {len(status.splitlines())} uncommitted change(s) left out (--repo checks them)" if status.strip() else ""
    return clone, f"git clone of {REPO} at {commit.stdout.strip()}{note}"


def select_notebooks(repo: Path, names: list[str], everything: bool) -> list[Path]:
    """The notebooks to run: those named, or the chapters (with solutions and exercises if `everything`)."""
    folders = ("chapters", "solutions", "exercises") if everything else ("chapters",)
    paths = [repo / name for name in names] or [p for f in folders for p in sorted((repo / f).glob("*.ipynb"))]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing or not paths:
        raise SystemExit(f"no such notebook in {repo}: {missing or 'none'} (not committed? --repo . checks the files)")
    return paths


def fresh_environ(env_dir: Path, home: Path) -> dict[str, str]:
    """This process's environment as a new Binder container would have it: the env's bin/ first, a fresh HOME."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(DEV_VARIABLES)}
    environ.update(PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", HOME=str(home))
    # postBuild's default index, download.pytorch.org/whl/cpu, is unreachable on the course's dev machines; there
    # PyPI's torch==2.13.0 resolves to the CPU build (2.13.0+cpu, the file Binder gets from that index). Elsewhere
    # PyPI gives the CUDA build, which the CPU check below catches: set TORCH_INDEX_URL to the CPU index there.
    environ.setdefault("TORCH_INDEX_URL", PYPI)
    return environ


def build_env(repo: Path, env_dir: Path, environ: dict[str, str], log: Path) -> float:
    """Make the environment as repo2docker would, logging to `log`; return the seconds it took."""
    wanted = binder_python(repo)
    check_python(f"python{wanted}", wanted)
    start = time.perf_counter()
    steps = [[f"python{wanted}", "-m", "venv", str(env_dir)],
             # environment.yml's unpinned `pip` is conda-forge's latest; a venv has the one bundled with its Python.
             [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--no-cache-dir", "--upgrade", "pip"],
             ["bash", "binder/postBuild"]]
    with log.open("w") as out:
        for step in steps:
            if subprocess.run(step, cwd=repo, env=environ, stdout=out, stderr=subprocess.STDOUT).returncode:
                tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
                raise SystemExit(f"{tail}\nbuild step failed: {' '.join(step)} (end of log above; --keep-env keeps it)")
    return time.perf_counter() - start


def torch_build(python: Path, environ: dict[str, str]) -> tuple[str, bool]:
    """A line describing the environment's PyTorch build, and whether it is CPU-only."""
    info = json.loads(subprocess.run([str(python), "-c", TORCH_PROBE], env=environ, capture_output=True, text=True,
                                     check=True).stdout)
    cpu = (info["cuda"] is None or "+cpu" in info["version"]) and not info["nvidia"]
    nvidia = ", ".join(info["nvidia"]) or "none"
    line = f"torch {info['version']}, CUDA {info['cuda'] or 'none'}, nvidia packages: {nvidia}"
    return line + (" (CPU build)" if cpu else " (NOT a CPU build: set TORCH_INDEX_URL to the CPU index)"), cpu


def disk_mb(folder: Path) -> float:
    """Space the files under `folder` take on disk, in MB."""
    return sum(p.lstat().st_blocks for p in folder.rglob("*")) * 512 / 2**20


def capped_cgroup(parent: Path, name: str) -> Path:
    """A new child cgroup allowing CAP_MB of memory and no swap, like Binder's Kubernetes limit."""
    child = parent / name
    child.mkdir()
    try:
        (child / "memory.max").write_text(f"{CAP_MB}M")
        if (child / "memory.swap.max").exists():  # absent where swap is not accounted
            (child / "memory.swap.max").write_text("0")
        if not (child / "memory.peak").exists():  # Linux < 5.19
            raise OSError("no memory.peak")
    except OSError:
        child.rmdir()
        raise
    return child


def cgroup_parent() -> Path | None:
    """This process's cgroup v2 folder if capped children can be made in it, else None."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
        root = next(Path(m[1]) for m in mounts if m[2] == "cgroup2")
        own = next(line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines() if line.startswith("0::"))
        parent = root / own.lstrip("/")
        capped_cgroup(parent, f"binder-check-probe-{os.getpid()}").rmdir()
        return parent
    except (OSError, StopIteration):
        return None


def remove_cgroup(cgroup: Path) -> None:
    """Kill whatever is left in a cgroup, then remove it."""
    (cgroup / "cgroup.kill").write_text("1")
    for _ in range(50):  # a cgroup can be removed once its killed processes have gone
        if not (cgroup / "cgroup.procs").read_text().strip():
            break
        time.sleep(0.1)
    cgroup.rmdir()


def run_in_env(python: Path, notebook: Path, environ: dict[str, str], cgroup: Path | None) -> tuple[float, float, str]:
    """Run one notebook with the environment's Python (run_one); return (seconds, peak MB, error or '')."""
    command = [str(python), str(Path(__file__).resolve()), "--run-one", str(notebook)]
    command += ["--cgroup", str(cgroup)] if cgroup else []
    run = subprocess.run(command, env=environ, capture_output=True, text=True)
    lines = run.stdout.strip().splitlines()
    if run.returncode or not lines:
        last = run.stderr.strip().splitlines()[-1:]
        seconds, peak_mb, error = 0.0, 0.0, f"runner failed ({run.returncode}): {''.join(last)[:200]}"
    else:
        result = json.loads(lines[-1])
        seconds, peak_mb, error = result["seconds"], result["peak_mb"], result["error"]
    if cgroup:
        peak_mb = int((cgroup / "memory.peak").read_text()) / 2**20
        if re.search(r"^oom_kill [1-9]", (cgroup / "memory.events").read_text(), re.M):
            error = "; ".join(filter(None, [f"killed by the {CAP_MB} MB cgroup limit", error]))
    elif peak_mb > CAP_MB:
        error = "; ".join(filter(None, [f"killed by the watchdog above {CAP_MB} MB", error]))
    return seconds, peak_mb, error


def row(name: str, seconds: float, peak_mb: float, error: str) -> tuple[str, bool]:
    """One table row, and whether the notebook passed (ran without error within CAP_MB)."""
    ok = not error and peak_mb <= CAP_MB
    binder = "OK" if ok else f"FAIL {error}".strip()
    target = ("OK" if peak_mb <= TARGET_MB else "over") if ok else "-"
    return f"| {name} | {seconds:.1f} | {peak_mb:.0f} | {binder} | {target} |", ok


def memory_cap() -> tuple[Path | None, str]:
    """Where to make each notebook's cgroup (None: use the watchdog), and a line saying which mechanism caps memory."""
    parent = cgroup_parent()
    if parent:
        return parent, (f"cgroup v2 under {parent}: memory.max {CAP_MB}M, no swap; peak = memory.peak "
                        "(runner and kernel, page cache included)")
    return None, (f"watchdog: cgroup v2 memory limits are not usable here, so the kernel's process-tree RSS is "
                  f"sampled every 50 ms and the kernel killed above {CAP_MB} MB")


def run_all(python: Path, repo: Path, notebooks: list[Path], environ: dict[str, str],
            parent: Path | None) -> tuple[list[str], bool]:
    """Run the notebooks one by one, each capped; return the table's rows and whether all passed."""
    rows = ["| notebook | wall time (s) | peak memory (MB) | within 2 GB (Binder) | within 1.5 GB (target) |",
            "|---|---:|---:|---|---|"]
    print("\n".join(rows), flush=True)
    passed = True
    for index, notebook in enumerate(notebooks):
        name = str(notebook.relative_to(repo) if notebook.is_relative_to(repo) else notebook)
        cgroup = capped_cgroup(parent, f"binder-check-{os.getpid()}-{index}") if parent else None
        try:
            line, ok = row(name, *run_in_env(python, notebook, environ, cgroup))
        finally:
            if cgroup:
                remove_cgroup(cgroup)
        passed &= ok
        rows.append(line)
        print(line, flush=True)
    return rows, passed


def check(args: argparse.Namespace, work: Path) -> int:
    """Build the environment in `work`, run the notebooks, print and write the report; return the exit code."""
    repo, origin = prepare_repo(args.repo, work)
    notebooks = select_notebooks(repo, args.notebooks, args.all_notebooks)
    env_dir, home, log = work / "env", work / "home", work / "build.log"
    home.mkdir()
    environ = fresh_environ(env_dir, home)
    print(f"Building the Binder environment from {origin} (log: {log}) ...", flush=True)
    build_seconds = build_env(repo, env_dir, environ, log)
    python = env_dir / "bin" / "python"
    torch_line, cpu = torch_build(python, environ)
    parent, mechanism = memory_cap()
    header = "\n".join([
        f"- repository: {origin}",
        f"- environment: Python {binder_python(repo)} venv + `bash binder/postBuild` (TORCH_INDEX_URL="
        f"{environ['TORCH_INDEX_URL']}), built in {build_seconds:.0f} s, {disk_mb(env_dir):.0f} MB on disk",
        f"- PyTorch: {torch_line}",
        f"- memory cap: {mechanism}",
        f"- {os.cpu_count()} CPU cores; limits: {CAP_MB} MB (Binder), {TARGET_MB} MB (the course's target)"])
    print(header, flush=True)
    kernel_environ = {**environ, "PYTHONPATH": str(repo / "tests" / "offline_site"), "MPLBACKEND": "Agg"}
    rows, passed = run_all(python, repo, notebooks, kernel_environ, parent)
    report = f"# Binder readiness\n\n{header}\n\n" + "\n".join(rows) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "binder.md").write_text(report, encoding="utf-8")
    ready = passed and cpu
    print(f"\n{report}\n{'Binder-ready' if ready else 'NOT Binder-ready'}; written to {RESULTS / 'binder.md'}")
    return 0 if ready else 1


def main() -> int:
    parser = argparse.ArgumentParser(description="Build binder/'s environment afresh; run notebooks in it within 2 GB.")
    parser.add_argument("notebooks", nargs="*", help="notebooks, relative to the repository (default: chapters/)")
    parser.add_argument("--repo", help="check this working tree as it is (default: a fresh git clone of HEAD)")
    parser.add_argument("--keep-env", metavar="DIR", help="build in DIR (new or empty) and keep it: env/, repo/, home/")
    parser.add_argument("--all-notebooks", action="store_true", help="solutions and exercises too")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)  # the runner, started in the fresh env
    parser.add_argument("--cgroup", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        return run_one(args.run_one, args.cgroup)
    if args.keep_env:
        work = Path(args.keep_env).resolve()
        if work.exists() and any(work.iterdir()):
            raise SystemExit(f"--keep-env {work}: the folder must be new or empty")
        work.mkdir(parents=True, exist_ok=True)
        return check(args, work)
    with tempfile.TemporaryDirectory(prefix="binder-check-") as tmp:
        return check(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
