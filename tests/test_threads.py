"""The thread policy: an explicit setting wins, else the CPUs this process may use (affinity, cgroup quota)."""

import os
import time

import pytest
import torch

import ragft
from ragft.threads import (
    MAX_THREADS, LoadWatch, ThreadChoice, apply_thread_policy, cgroup_cpu_quota, choose_threads, keep_threads_fitting,
    others_demand,
)


def _cgroup(tmp_path, files: dict[str, str], proc: str = "0::/\n"):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "proc_cgroup").write_text(proc)
    return cgroup_cpu_quota(tmp_path, tmp_path / "proc_cgroup")


def test_cgroup_v2_quota_is_parsed(tmp_path):
    assert _cgroup(tmp_path, {"cpu.max": "150000 100000\n"}) == pytest.approx(1.5)


def test_cgroup_v2_without_a_quota(tmp_path):
    assert _cgroup(tmp_path, {"cpu.max": "max 100000\n"}) is None


def test_cgroup_v2_quota_of_the_process_own_cgroup(tmp_path):
    files = {"user.slice/jupyter-ada/cpu.max": "100000 100000\n"}
    assert _cgroup(tmp_path, files, proc="0::/user.slice/jupyter-ada\n") == pytest.approx(1.0)


def test_cgroup_v1_quota_and_no_quota(tmp_path):
    files = {"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}
    assert _cgroup(tmp_path, files, proc="4:cpu,cpuacct:/\n0::/\n") == pytest.approx(2.0)
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert _cgroup(tmp_path, {}, proc="4:cpu,cpuacct:/\n") is None


def test_no_cgroup_files_means_no_quota(tmp_path):
    assert _cgroup(tmp_path, {}) is None


def test_a_one_cpu_quota_on_a_machine_that_sees_many_cores_gives_one_thread():
    choice = choose_threads(environ={}, cpus=64, quota=1.0, busy=None)
    assert choice.threads == 1 and "quota of 1" in choice.reason and "64 CPU" in choice.reason


def test_a_fractional_quota_rounds_down_but_never_to_zero():
    assert choose_threads(environ={}, cpus=8, quota=0.5, busy=None).threads == 1
    assert choose_threads(environ={}, cpus=8, quota=1.9, busy=None).threads == 1


def test_affinity_caps_and_so_does_the_measured_maximum():
    assert choose_threads(environ={}, cpus=1, quota=None, busy=None).threads == 1
    assert choose_threads(environ={}, cpus=32, quota=None, busy=None).threads == MAX_THREADS


def test_an_explicit_setting_always_wins_and_a_bad_one_is_a_clear_error():
    assert choose_threads(environ={"OMP_NUM_THREADS": "3"}, cpus=1, quota=1.0, busy=None) == ThreadChoice(3, "OMP_NUM_THREADS=3 is set")
    assert choose_threads(environ={"RAGFT_THREADS": "1", "OMP_NUM_THREADS": "4"}, cpus=8, quota=None, busy=None).threads == 1
    with pytest.raises(ValueError, match="RAGFT_THREADS='two' is not a number of threads"):
        choose_threads(environ={"RAGFT_THREADS": "two"})


def test_the_policy_is_applied_when_the_package_is_imported():
    assert torch.get_num_threads() == ragft.THREADS.threads
    assert 1 <= ragft.THREADS.threads <= max(MAX_THREADS, int(os.environ.get("OMP_NUM_THREADS", "1")))


def test_applying_a_choice_sets_torch_and_the_blas_pools():
    from threadpoolctl import threadpool_info

    before = torch.get_num_threads()
    try:
        apply_thread_policy(ThreadChoice(1, "test"))
        assert torch.get_num_threads() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
    finally:
        apply_thread_policy(ragft.THREADS)
    assert torch.get_num_threads() == before


def test_a_busy_machine_gets_fewer_threads_and_says_why():
    quiet = choose_threads(environ={}, cpus=2, quota=None, busy=(0.1, 2))
    busy = choose_threads(environ={}, cpus=2, quota=None, busy=(1.0, 2))
    assert quiet.threads == 2 and "busy" not in quiet.reason
    assert busy.threads == 1 and "keep 1.0 of the machine's 2 CPUs busy" in busy.reason
    # a host with many cores and a few busy leaves the container's own limit in charge
    assert choose_threads(environ={}, cpus=64, quota=2.0, busy=(10.0, 64)).threads == 2
    # a process that stirs (half a CPU) is not a competitor; three quarters of one is
    assert choose_threads(environ={}, cpus=2, quota=None, busy=(0.5, 2)).threads == 2
    assert choose_threads(environ={}, cpus=2, quota=None, busy=(0.8, 2)).threads == 1
    # never fewer than one, however busy
    assert choose_threads(environ={}, cpus=2, quota=None, busy=(7.5, 2)).threads == 1
    # an explicit setting still wins
    assert choose_threads(environ={"RAGFT_THREADS": "2"}, cpus=2, quota=None, busy=(2.0, 2)).threads == 2


def test_busy_elsewhere_sees_a_cpu_bound_process():
    import subprocess
    import sys

    from ragft.threads import busy_elsewhere

    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        busy, cpus = busy_elsewhere(interval=1.0)
    finally:
        spinner.kill()
    assert cpus >= 1 and busy >= 0.7, f"a spinning process should keep about one CPU busy; measured {busy:.2f}"


def test_others_demand_on_a_machine_with_time_to_spare_is_what_they_got():
    assert others_demand(others=0.3, everyone=1.3, cpus=2, my_threads=1) == pytest.approx(0.3)


def test_others_demand_on_a_saturated_machine_is_more_than_their_fair_share():
    # Our 2 threads beside one CPU-bound thread on 2 cores: it gets 2/3 of a CPU and wants a whole one.
    assert others_demand(others=2 / 3, everyone=2.0, cpus=2, my_threads=2) == pytest.approx(1.0)
    assert choose_threads(environ={}, cpus=2, quota=None, busy=(1.0, 2)).threads == 1
    # A light process beside our 2 threads is no reason to give one up.
    light = others_demand(others=0.3, everyone=2.0, cpus=2, my_threads=2)
    assert choose_threads(environ={}, cpus=2, quota=None, busy=(light, 2)).threads == 2


class _FakeWatch:
    def __init__(self, busy):
        self.last, self.busy = (time.monotonic(), 0.0, 0.0), busy

    def busy_since_last(self, my_threads):
        return self.busy


def test_keep_threads_fitting_follows_the_load_and_leaves_an_explicit_setting_alone(monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.delenv("RAGFT_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr("ragft.threads.affinity_cpus", lambda: 2)
    monkeypatch.setattr("ragft.threads.cgroup_cpu_quota", lambda: None)
    try:
        torch.set_num_threads(2)
        monkeypatch.setattr("ragft.threads._watch", _FakeWatch((1.0, 2)))  # a competitor wants a whole CPU
        assert keep_threads_fitting(every=0).threads == 1 and torch.get_num_threads() == 1
        monkeypatch.setattr("ragft.threads._watch", _FakeWatch((0.0, 2)))  # it has gone
        assert keep_threads_fitting(every=0).threads == 2 and torch.get_num_threads() == 2
        assert keep_threads_fitting(every=0) is None  # no change, nothing to do
        monkeypatch.setenv("RAGFT_THREADS", "2")
        monkeypatch.setattr("ragft.threads._watch", _FakeWatch((1.0, 2)))
        assert keep_threads_fitting(every=0) is None and torch.get_num_threads() == 2
        monkeypatch.delenv("RAGFT_THREADS")
        assert keep_threads_fitting(every=3600) is None  # the load is not looked at before `every` seconds have passed
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_load_watch_reads_real_counters_without_waiting():
    watch = LoadWatch()
    sum(i * i for i in range(200_000))  # some CPU time of our own
    others, cpus = watch.busy_since_last(my_threads=1)
    assert cpus == os.cpu_count() and others >= 0.0
