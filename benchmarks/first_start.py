"""A learner's first start, measured: from a fresh clone to JupyterLab answering, and Binder's build steps.

    python benchmarks/first_start.py            # a git clone of HEAD: `make install` with an empty pip cache, then
                                                # `make lab` until chapter 00's page answers
    python benchmarks/first_start.py --binder   # also binder/'s build steps (as benchmarks/binder_check.py builds them)

What a learner downloads is what pip fetched: every `Downloading name (size)` line of the install log, plus the
wheels pip took from a folder or a file:// index on this machine (the course's dev machines keep PyTorch's CPU wheel
on disk), counted at their file size, because a learner downloads those too. Figures go to
benchmarks/results/first_start.json (committed: the README's first-start sentence is generated from it by
`python -m ragft.course.build_notebooks`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import binder_check
from run_notebooks import REPO, RESULTS

CHAPTER_00 = "lab/tree/chapters/00_welcome.ipynb"
UNITS = {"kB": 1e-3, "KB": 1e-3, "MB": 1.0, "GB": 1e3}
DOWNLOADED = re.compile(r"Downloading (\S+) \(([\d.]+) (kB|KB|MB|GB)\)")
LOCAL_WHEEL = re.compile(r"Processing (?:file://)?(/\S+\.whl)")


def downloads(log: str) -> tuple[float, float, list[str]]:
    """(MB fetched from the network, MB of wheels taken from this machine's disk, the names of those) in a pip log."""
    fetched = sum(float(size) * UNITS[unit] for _, size, unit in DOWNLOADED.findall(log))
    local = sorted(set(LOCAL_WHEEL.findall(log)))
    return fetched, sum(Path(w).stat().st_size for w in local) / 1e6, [Path(w).name for w in local]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_install(repo: Path, environ: dict[str, str], log: Path) -> float:
    """Seconds `make install` takes in `repo`, its output written to `log`."""
    start = time.perf_counter()
    with log.open("w") as out:
        if subprocess.run(["make", "install"], cwd=repo, env=environ, stdout=out, stderr=subprocess.STDOUT).returncode:
            raise SystemExit(f"make install failed; the end of {log}:\n" + "".join(log.read_text().splitlines(True)[-30:]))
    return time.perf_counter() - start


def time_lab(repo: Path, environ: dict[str, str], timeout: float = 300) -> float:
    """Seconds from `make lab` (installed already) to chapter 00's page answering 200."""
    port, token = free_port(), "first-start"
    args = f"--no-browser --port={port} --IdentityProvider.token={token}" + (" --allow-root" if os.getuid() == 0 else "")
    url = f"http://127.0.0.1:{port}/{CHAPTER_00}?token={token}"
    start = time.perf_counter()
    lab = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}"], cwd=repo, env=environ, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < timeout:
            if lab.poll() is not None:
                raise SystemExit(f"make lab exited with {lab.returncode} before JupyterLab answered")
            try:
                with urllib.request.urlopen(url, timeout=5) as page:
                    if page.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"JupyterLab did not answer {url} within {timeout:.0f} s")
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(30)


def first_start(work: Path) -> dict:
    repo, origin = binder_check.prepare_repo(None, work)
    home, cache = work / "home", work / "pip-cache"
    home.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(binder_check.DEV_VARIABLES)}
    environ.update(HOME=str(home), PIP_CACHE_DIR=str(cache))
    print(f"make install in {origin}, empty pip cache ...", flush=True)
    log = work / "install.log"
    install_s = time_install(repo, environ, log)
    fetched, local, local_names = downloads(log.read_text())
    print(f"make lab until {CHAPTER_00} answers ...", flush=True)
    lab_s = time_lab(repo, environ)
    return {"origin": origin, "install_seconds": round(install_s, 1), "lab_seconds": round(lab_s, 1),
            "downloaded_mb": round(fetched + local), "fetched_here_mb": round(fetched), "local_wheels": local_names,
            "venv_mb": round(binder_check.disk_mb(repo / ".venv"))}


def binder_build(work: Path) -> dict:
    repo, origin = binder_check.prepare_repo(None, work)
    env_dir, home, log = work / "env", work / "home", work / "build.log"
    home.mkdir()
    print(f"Binder's build steps on {origin} ...", flush=True)
    seconds = binder_check.build_env(repo, env_dir, binder_check.fresh_environ(env_dir, home), log)
    fetched, local, local_names = downloads(log.read_text())
    return {"build_seconds": round(seconds, 1), "downloaded_mb": round(fetched + local), "local_wheels": local_names,
            "env_mb": round(binder_check.disk_mb(env_dir)),
            "steps": ["python -m venv (repo2docker: conda env from binder/environment.yml)", "pip install --upgrade pip",
                      "bash binder/postBuild"]}


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure a fresh clone's `make install` + `make lab`, and Binder's build.")
    parser.add_argument("--binder", action="store_true", help="also binder/'s build steps")
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    result = {"machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}",
              "measured": datetime.date.today().isoformat(), "commit": commit.stdout.strip()}
    with tempfile.TemporaryDirectory(prefix="first-start-") as tmp:
        result["make"] = first_start(Path(tmp))
    if args.binder:
        with tempfile.TemporaryDirectory(prefix="binder-build-") as tmp:
            result["binder"] = binder_build(Path(tmp))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "first_start.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
