"""The shipped adapters are the files results.json describes, and the script records how it made each one (#22)."""

import json
import shutil
import subprocess
import sys

import pytest

from ragft.finetune.adapters import ADAPTERS_DIR, RESULTS_FILE, SHIPPED_ADAPTERS, load_results
from ragft.paths import REPO_ROOT, file_sha256

COMMAND = "python -m ragft.make.adapters"  # run as a command, as a learner would (scripts are imported by nothing)


@pytest.mark.parametrize("name", SHIPPED_ADAPTERS)
def test_each_shipped_adapter_matches_its_recorded_sha256_command_and_threads(name):
    recorded = load_results()["adapter_files"][name]
    path = ADAPTERS_DIR / name / "adapter.safetensors"
    assert file_sha256(path) == recorded["sha256"], f"{path} is not the file results.json describes"
    assert path.stat().st_size == recorded["bytes"]
    assert recorded["command"].startswith(COMMAND) and isinstance(recorded["threads"], int)
    assert f"--threads {recorded['threads']}" in recorded["command"]  # the command repeats the run exactly


def test_same_command_and_threads_give_bit_identical_adapters_and_record_how(tmp_path):
    hashes = []
    for run in ("first", "second"):
        out = tmp_path / run
        out.mkdir()
        shutil.copy(ADAPTERS_DIR / RESULTS_FILE, out)  # --only retrieval updates an existing results.json
        argv = ["--quick", "--only", "retrieval", "--threads", "1", "--out", str(out)]
        subprocess.run([sys.executable, "-m", "ragft.make.adapters", *argv], cwd=REPO_ROOT, check=True,
                       capture_output=True)
        recorded = json.loads((out / RESULTS_FILE).read_text())["adapter_files"]["retrieval"]
        assert recorded["command"] == " ".join([COMMAND, *argv]) and recorded["threads"] == 1
        assert recorded["sha256"] == file_sha256(out / "retrieval" / "adapter.safetensors")
        hashes.append(recorded["sha256"])
    assert hashes[0] == hashes[1]
