"""How many threads the course's numerical libraries may start: as many as the CPUs this process may really use.

PyTorch, and the OpenMP/BLAS pools behind NumPy, start one thread per core they *see*. In a Binder or JupyterHub
container the host's cores are all visible while the CPU quota allows one or two, and on a busy laptop another
process holds a core: the threads then wait for each other and the course's tiny models run many times slower.
The policy, applied when `ragft` is imported (so when a chapter's kernel starts): an explicit setting wins
(RAGFT_THREADS, then OMP_NUM_THREADS); otherwise the CPUs in this process's affinity mask, capped by the cgroup CPU
quota, capped at MAX_THREADS, and lowered to the CPUs other processes leave free right then (a busy laptop: on 2
cores beside one CPU-bound process, 1 thread trains chapter 01's model faster than 2; benchmarks/threads.py).
A machine's load changes while a kernel lives, so the training and decoding loops call `keep_threads_fitting()`,
which chooses again, at most every RECHECK_S seconds, from the CPU time used since it last looked (no waiting).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

# Past this, the course's models (a 2M-parameter GPT, MiniLM on batches of 8) gain nothing from more threads;
# see benchmarks/threads.py for the measurement behind it.
MAX_THREADS = 2
BUSY_SAMPLE_S = 0.2  # how long `busy_elsewhere` watches the CPUs
RECHECK_S = 5.0  # how often a long loop looks at the load again: often enough to react within a training run
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


def others_demand(others: float, everyone: float, cpus: int, my_threads: int) -> float:
    """How many CPUs other processes want, from how many they got while this process ran `my_threads` threads.

    On a machine with free CPU time, others got what they wanted. On a saturated one they got a fair share: with d
    CPU-bound threads of theirs beside our t, each thread gets cpus / (t + d), so others got cpus * d / (t + d),
    and d = others * t / (cpus - others). (2 of ours beside 1 spinner on 2 cores: the spinner gets 0.67, wants 1.)
    """
    if everyone < cpus - 0.25:
        return others
    return min(float(cpus), others * my_threads / max(cpus - others, 0.1))


class LoadWatch:
    """The CPUs other processes wanted since the last look, from CPU-time counters: no waiting, so cheap enough to
    call from a training loop (`keep_threads_fitting`)."""

    def __init__(self) -> None:
        import psutil

        self._psutil, self._me = psutil, psutil.Process()
        self.last = self._counters()

    def _counters(self) -> tuple[float, float, float]:
        """(wall seconds, CPU seconds every process has used, CPU seconds this process has used)."""
        machine, mine = self._psutil.cpu_times(), self._me.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return time.monotonic(), busy, mine.user + mine.system

    def busy_since_last(self, my_threads: int) -> tuple[float, int]:
        """(CPUs other processes wanted on average since the last call, CPUs of the machine)."""
        now, cpus = self._counters(), self._psutil.cpu_count()
        wall, everyone, mine = (a - b for a, b in zip(now, self.last))
        self.last = now
        if wall <= 0:
            return 0.0, cpus
        return others_demand(max(0.0, (everyone - mine) / wall), everyone / wall, cpus, my_threads), cpus


_watch: LoadWatch | None = None


def keep_threads_fitting(every: float = RECHECK_S) -> ThreadChoice | None:
    """Choose the thread count again when `every` seconds have passed since the last look, from the load seen in
    between, and set PyTorch to it. Returns the new choice when the count changed, else None. An explicit setting
    (RAGFT_THREADS, OMP_NUM_THREADS) keeps its count."""
    global _watch
    if _watch is None:
        _watch = LoadWatch()
        return None
    if time.monotonic() - _watch.last[0] < every:
        return None
    import torch

    choice = choose_threads(busy=_watch.busy_since_last(torch.get_num_threads()))
    if choice.threads == torch.get_num_threads():
        return None
    torch.set_num_threads(choice.threads)
    return choice
