"""How many threads the course's numerical libraries may start: as many as the CPUs this process may really use.

PyTorch, and the OpenMP/BLAS pools behind NumPy, start one thread per core they *see*. In a Binder or JupyterHub
container the host's cores are all visible while the CPU quota allows one or two, and on a busy laptop another
process holds a core: the threads then wait for each other and the course's tiny models run many times slower.
The policy, applied when `ragft` is imported (so when a chapter's kernel starts): an explicit setting wins
(RAGFT_THREADS, then OMP_NUM_THREADS); otherwise the CPUs in this process's affinity mask, capped by the cgroup CPU
quota, capped at MAX_THREADS, and lowered to the CPUs other processes leave free right then (a busy laptop: on 2
cores beside one CPU-bound process, 1 thread trains chapter 01's model faster than 2; benchmarks/threads.py).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

# Past this, the course's models (a 2M-parameter GPT, MiniLM on batches of 64) gain nothing from more threads;
# see benchmarks/threads.py for the measurement behind it.
MAX_THREADS = 2
BUSY_SAMPLE_S = 0.2  # how long `busy_elsewhere` watches the CPUs
OVERRIDES = ("RAGFT_THREADS", "OMP_NUM_THREADS")
CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class ThreadChoice:
    """The number of threads chosen, and the reason in plain words (chapter 00 prints both)."""

    threads: int
    reason: str


def _own_cgroup_dirs(root: Path, proc_cgroup: Path) -> list[Path]:
    """The folders that may hold this process's CPU limits: its own cgroup's, then the mount roots."""
    dirs = []
    try:
        for line in proc_cgroup.read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controllers == "":  # cgroup v2
                dirs.append(root / path.lstrip("/"))
            elif "cpu" in controllers.split(","):
                dirs += [root / name / path.lstrip("/") for name in ("cpu", "cpu,cpuacct")]
    except (OSError, ValueError):
        pass
    return [*dirs, root, root / "cpu", root / "cpu,cpuacct"]


def cgroup_cpu_quota(root: Path = CGROUP_ROOT, proc_cgroup: Path = Path("/proc/self/cgroup")) -> float | None:
    """CPUs the cgroup quota allows (e.g. 1.5), or None when there is no quota or it cannot be read.

    cgroup v2: `cpu.max` holds "QUOTA PERIOD" or "max PERIOD"; v1: `cpu.cfs_quota_us` (-1: none) and
    `cpu.cfs_period_us`, in microseconds.
    """
    for folder in _own_cgroup_dirs(root, proc_cgroup):
        try:
            if (folder / "cpu.max").is_file():
                quota, period = (folder / "cpu.max").read_text().split()[:2]
                return None if quota == "max" else int(quota) / int(period)
            if (folder / "cpu.cfs_quota_us").is_file():
                quota = int((folder / "cpu.cfs_quota_us").read_text())
                return None if quota <= 0 else quota / int((folder / "cpu.cfs_period_us").read_text())
        except (OSError, ValueError):
            continue
    return None


def affinity_cpus() -> int:
    """CPUs this process may be scheduled on (its affinity mask; all CPUs where the OS has no such mask)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def busy_elsewhere(interval: float = BUSY_SAMPLE_S) -> tuple[float, int]:
    """(CPUs that other processes keep busy now, CPUs of the machine), watched for `interval` seconds while this
    process waits. Machine-wide, like the CPU counts a container sees."""
    import psutil

    me = psutil.Process()
    me.cpu_percent(None), psutil.cpu_percent(None)  # start both counters
    time.sleep(interval)
    mine, everyone = me.cpu_percent(None), psutil.cpu_percent(None) * psutil.cpu_count()
    return max(0.0, (everyone - mine) / 100), psutil.cpu_count()


def choose_threads(environ: dict[str, str] | os._Environ = os.environ, cpus: int | None = None,
                   quota: float | None | str = "read",
                   busy: tuple[float, int] | None | str = "read") -> ThreadChoice:
    """The thread count for this process: an explicit setting, else CPUs allowed (affinity, quota), at most
    MAX_THREADS, and no more than the CPUs other processes leave free (`busy`: CPUs busy elsewhere, CPUs in all)."""
    for name in OVERRIDES:
        value = environ.get(name, "").strip()
        if value:
            if not value.isdigit() or int(value) < 1:
                raise ValueError(f"{name}={value!r} is not a number of threads: set it to a whole number ≥ 1, "
                                 f"or unset it to let the course choose.")
            return ThreadChoice(int(value), f"{name}={value} is set")
    cpus = affinity_cpus() if cpus is None else cpus
    quota = cgroup_cpu_quota() if quota == "read" else quota
    usable, why = cpus, [f"{cpus} CPU(s) in this process's affinity mask"]
    if quota is not None:
        usable = min(usable, max(1, math.floor(quota)))
        why.append(f"a cgroup CPU quota of {quota:g}")
    if usable > MAX_THREADS:
        why.append(f"the course's models gain nothing past {MAX_THREADS} threads")
    usable = min(usable, MAX_THREADS)
    busy_cpus, machine_cpus = busy_elsewhere() if busy == "read" else busy or (0.0, usable)
    # A CPU counts as taken when other processes keep at least 3/4 of it busy: a browser or a server that stirs
    # while the kernel starts must not halve a quiet machine's threads, a CPU-bound process must.
    free = max(1, math.floor(machine_cpus - busy_cpus + 0.75))
    if free < usable:
        usable = free
        why.append(f"other processes keep {busy_cpus:.1f} of the machine's {machine_cpus} CPUs busy right now")
    return ThreadChoice(usable, "; ".join(why))


def apply_thread_policy(choice: ThreadChoice | None = None) -> ThreadChoice:
    """Limit PyTorch and the OpenMP/BLAS pools (already loaded or loaded later) to the chosen number of threads."""
    choice = choice or choose_threads()
    # The tokenizers' Rust pool starts on first use and reads this then. OMP_NUM_THREADS is left alone, so that a
    # child process (a notebook kernel) makes its own choice for the CPUs it may use.
    os.environ.setdefault("RAYON_NUM_THREADS", str(choice.threads))
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(choice.threads)
    threadpool_limits(choice.threads)  # pools that NumPy or PyTorch have already started
    return choice
