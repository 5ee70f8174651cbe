"""How fast the course's tiny GPT trains at 1 and 2 threads: quiet, on one CPU, and beside a busy process.

    python benchmarks/threads.py            # the table, also written to benchmarks/results/threads.md
    python benchmarks/threads.py --steps 60 # longer runs

Each measurement is a fresh process that trains chapter 01's live model (2 layers, 4 heads, 128 wide, blocks of
128 tokens, batches of 16) on random token ids and reports tokens per second, after a few warm-up steps:
- quiet: nothing else running (run it on an otherwise idle machine);
- one-cpu: the process pinned to one CPU (its affinity mask), as a container with a 1-CPU share would be;
- busy: one CPU-bound competitor process spinning on the same CPUs, as another kernel or a build on a laptop.
The conditions are those of benchmarks/run_notebooks.py.
The thread count is forced (torch.set_num_threads) so both counts are measured in every condition; what the
course chooses by itself (ragft.threads) is printed beside them. This is what ragft.threads.MAX_THREADS rests on.

Then a competitor that starts mid-run, as when a learner opens a second notebook while the first trains: the model
trains on a quiet machine, the competitor starts, and the throughput of the next steps is measured twice, with the
course's policy (it starts with 2 threads and re-checks the load while training: ragft.threads.keep_threads_fitting)
and with 2 threads fixed (RAGFT_THREADS=2, which the policy never changes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from run_notebooks import ALL as CONDITIONS, REPO, RESULTS, condition


def live_model_trainer():
    """Chapter 01's live model on random token ids, and `run(steps)`: train that many steps, return tokens/s."""
    import numpy as np

    from ragft.model.gpt import make_gpt
    from ragft.model.training import TrainConfig, train

    model = make_gpt(2601, n_layer=2, n_head=4, n_embd=128, n_positions=128)
    ids = np.random.default_rng(0).integers(0, 2601, 200_000)

    def run(steps: int) -> float:
        start = time.perf_counter()
        history = train(model, ids, TrainConfig(steps=steps, eval_every=0, eval_blocks=1), progress=False)
        return history.tokens_seen / (time.perf_counter() - start)

    return run


def without_thread_settings() -> dict[str, str]:
    """This environment without RAGFT_THREADS and OMP_NUM_THREADS: the course's policy chooses by itself."""
    return {k: v for k, v in os.environ.items() if k not in ("RAGFT_THREADS", "OMP_NUM_THREADS")}


def worker(threads: int, steps: int) -> dict[str, float]:
    """Train the live model for `steps` steps with `threads` threads; return tokens per second and the mask."""
    import torch

    torch.set_num_threads(threads)
    run = live_model_trainer()
    run(5)  # warm-up
    return {"tokens_per_s": run(steps), "cpus": len(os.sched_getaffinity(0))}


def mid_run_worker(steps: int) -> dict[str, float]:
    """Train on a quiet machine, tell the parent to start the competitor, then train `3 * steps` steps and report."""
    import torch

    run = live_model_trainer()
    run(steps)
    before = torch.get_num_threads()
    print("start the competitor", flush=True)
    sys.stdin.readline()
    return {"tokens_per_s": run(3 * steps), "threads_before": before, "threads_after": torch.get_num_threads()}


def measure_mid_run(fixed_threads: int | None, steps: int) -> dict[str, float]:
    """One mid-run measurement: with the course's policy (None) or a fixed thread count."""
    environ = without_thread_settings()
    if fixed_threads:
        environ["RAGFT_THREADS"] = str(fixed_threads)
    worker_process = subprocess.Popen([sys.executable, __file__, "--mid-run-worker", "--steps", str(steps)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environ, cwd=REPO)
    worker_process.stdout.readline()  # trained on a quiet machine
    with condition("busy"):
        worker_process.stdin.write("\n")
        worker_process.stdin.flush()
        out = worker_process.stdout.read()
    if worker_process.wait():
        raise SystemExit("mid-run worker failed")
    return json.loads(out.strip().splitlines()[-1])


def measure(threads: int, name: str, steps: int) -> dict[str, float]:
    """Run one worker process under the condition `name` (its affinity and competitor); return what it reported."""
    command = [sys.executable, __file__, "--worker", str(threads), "--steps", str(steps)]
    with condition(name):
        run = subprocess.run(command, capture_output=True, text=True, cwd=REPO,
                             env={**os.environ, "RAGFT_THREADS": str(threads)})
    if run.returncode:
        raise SystemExit(f"worker failed: {run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def course_choice(name: str) -> str:
    """What ragft.threads chooses by itself under the condition `name` (no override set)."""
    environ = without_thread_settings()
    with condition(name):
        run = subprocess.run([sys.executable, "-c", "from ragft import THREADS; print(THREADS.threads, '-', THREADS.reason)"],
                             capture_output=True, text=True, env=environ, cwd=REPO)
    return run.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description="Tiny-GPT training throughput at 1 and 2 threads.")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mid-run-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.steps)))
        return 0
    if args.mid_run_worker:
        print(json.dumps(mid_run_worker(args.steps)))
        return 0
    rows = ["| condition | CPUs usable | 1 thread (tokens/s) | 2 threads (tokens/s) | 1 thread / 2 threads | the course chooses |",
            "|---|---:|---:|---:|---:|---|"]
    for name in CONDITIONS:
        one, two = (measure(threads, name, args.steps) for threads in (1, 2))
        choice = course_choice(name)
        rows.append(f"| {name} | {one['cpus']} | {one['tokens_per_s']:,.0f} | {two['tokens_per_s']:,.0f} | "
                    f"{one['tokens_per_s'] / two['tokens_per_s']:.2f} | {choice} |")
        print(rows[-1], flush=True)
    rows += ["", f"A competitor starts mid-run ({3 * args.steps} steps measured after it started):", "",
             "| threads | before the competitor | after | tokens/s after it started |", "|---|---:|---:|---:|"]
    for label, fixed in (("the course's policy (re-checks the load)", None), ("2, fixed (RAGFT_THREADS=2)", 2)):
        run = measure_mid_run(fixed, args.steps)
        rows.append(f"| {label} | {run['threads_before']} | {run['threads_after']} | {run['tokens_per_s']:,.0f} |")
        print(rows[-1], flush=True)
    header = (f"Chapter 01's live model, {args.steps} training steps of 16 × 128 tokens per measurement; "
              f"{os.cpu_count()} CPU cores seen.\n\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "threads.md").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print("\n" + header + "\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
