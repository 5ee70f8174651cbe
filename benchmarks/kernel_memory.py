"""Where a chapter kernel's memory goes: run notebooks in fresh kernels and read the kernel's memory after every cell.

    python benchmarks/kernel_memory.py chapters/06_your_own_documents.ipynb
    python benchmarks/kernel_memory.py chapters/*.ipynb --top 5

Memory is the kernel's proportional set size (PSS: a shared library page counts once across the processes sharing
it, which is what a Binder or JupyterHub limit adds up), read from outside after each cell, once the course's
`malloc_trim` after every cell has run. At the end a last cell also collects garbage and counts the bytes of every
live tensor, and which notebook variables hold them, so "libraries and code" and "tensors the chapter keeps" can be
told apart. The cells that added the most
are listed with their first line. Figures go to benchmarks/results/kernel_memory.json (merged per notebook).
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from run_notebooks import CELL_TIMEOUT, REPO, RESULTS, machine, offline_kernels

PROBE = """import gc, json, torch
from ragft.heap import release_free_memory
gc.collect(); release_free_memory()
def _tensor_mb():
    total = 0
    for o in gc.get_objects():
        try:  # a weak proxy whose object is gone raises when asked its type
            total += o.nelement() * o.element_size() if isinstance(o, torch.Tensor) else 0
        except ReferenceError:
            pass
    return round(total / 2**20)
def _held_mb(value, seen):
    # MB of tensors a notebook variable holds: a tensor, a module, a course model, an optimizer, or a few of them
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, torch.Tensor):
        return value.nelement() * value.element_size() / 2**20
    if isinstance(value, torch.nn.Module):
        return sum(_held_mb(t, seen) for t in [*value.parameters(), *value.buffers()])
    if isinstance(value, torch.optim.Optimizer):
        return sum(_held_mb(t, seen) for state in value.state.values() for t in state.values())
    if isinstance(value, (list, tuple, dict)) and len(value) < 1000:
        return sum(_held_mb(v, seen) for v in (value.values() if isinstance(value, dict) else value))
    inner = getattr(value, "model", None) if not isinstance(value, type) else None
    return _held_mb(inner, seen) if inner is not None else 0
_seen = set()
_held = {n: round(_held_mb(v, _seen)) for n, v in list(globals().items()) if not n.startswith("_")}
print(json.dumps({"tensor_mb": _tensor_mb(), "held_mb": {n: mb for n, mb in sorted(_held.items(), key=lambda x: -x[1]) if mb}}))
"""


def pss_mb(pid: int) -> float:
    """The proportional set size of a process, in MB."""
    return psutil.Process(pid).memory_full_info().pss / 2**20


def cell_memory(path: Path, cell_timeout: float = CELL_TIMEOUT) -> dict:
    """Run a notebook; the kernel's PSS after each code cell, and at the end its PSS and live tensors' MB."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    steps = []
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        before = pss_mb(pid)
        for index, cell in enumerate(nb.cells[:-1]):
            client.execute_cell(cell, index)
            if cell.cell_type == "code":
                steps.append((index, cell.source.strip().split("\n")[0][:70], round(pss_mb(pid))))
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        probe = json.loads(nb.cells[-1].outputs[0]["text"].strip().splitlines()[-1])
        end = pss_mb(pid)
    grew, last = [], before
    for index, first_line, mb in steps:
        grew.append({"cell": index, "first_line": first_line, "added_mb": mb - round(last), "pss_mb": mb})
        last = mb
    return {"started_mb": round(before), "end_pss_mb": round(end), "end_tensor_mb": probe["tensor_mb"],
            "end_tensors_held_by": probe["held_mb"],
            "peak_after_a_cell_mb": max(s[2] for s in steps), "cells": grew}


def main() -> int:
    parser = argparse.ArgumentParser(description="A chapter kernel's memory after every cell, and at its end.")
    parser.add_argument("notebooks", nargs="+", help="notebook paths")
    parser.add_argument("--top", type=int, default=8, help="cells listed, those that added the most (default: 8)")
    args = parser.parse_args()
    offline_kernels()
    path = RESULTS / "kernel_memory.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"notebooks": {}}
    for notebook in args.notebooks:
        result = cell_memory(Path(notebook).resolve())
        name = str(Path(notebook).resolve().relative_to(REPO))
        print(f"\n{name}: started at {result['started_mb']} MB, ended at {result['end_pss_mb']} MB PSS, of it "
              f"{result['end_tensor_mb']} MB of live tensors; largest after a cell {result['peak_after_a_cell_mb']} MB")
        print("  tensors held by:", ", ".join(f"{n} {mb} MB" for n, mb in result["end_tensors_held_by"].items()) or "-")
        for step in sorted(result["cells"], key=lambda s: -s["added_mb"])[: args.top]:
            print(f"  cell {step['cell']:3}  {step['added_mb']:+5} MB  → {step['pss_mb']:5} MB   {step['first_line']}")
        saved["notebooks"][name] = result
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    saved |= {"machine": machine(), "measured": datetime.date.today().isoformat(), "commit": commit.strip()}
    saved["notebooks"] = dict(sorted(saved["notebooks"].items()))
    path.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
