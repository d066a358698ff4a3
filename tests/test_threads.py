"""Torch uses the CPUs that are free here and now, never a hard-coded count (course_utils.threads)."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from course_utils import threads


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_free_cpus_is_between_one_and_what_this_process_may_use():
    assert 1 <= threads.free_cpus() <= len(os.sched_getaffinity(0))


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_a_core_kept_busy_elsewhere_is_left_out():
    usable = len(os.sched_getaffinity(0))
    busy = multiprocessing.Process(target=_spin, args=(3.0,))
    busy.start()
    try:
        time.sleep(0.3)
        assert threads.free_cpus(sample_seconds=0.5) <= usable - 1
    finally:
        busy.join()


def test_a_cgroup_quota_caps_the_count(monkeypatch):
    monkeypatch.setattr(threads, "_quota_cpus", lambda: 1.0)
    monkeypatch.setattr(threads, "_busy_elsewhere", lambda seconds: 0.0)
    assert threads.free_cpus() == 1


def test_torch_threads_sets_and_restores():
    import torch

    before = torch.get_num_threads()
    with threads.torch_threads(1) as used:
        assert used == torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_training_functions_run_inside_torch_threads(monkeypatch):
    import torch

    from course_utils import finetune, lm, word2vec

    seen = []
    monkeypatch.setattr(threads, "free_cpus", lambda sample_seconds=0.25: 1)

    @threads.uses_free_cpus
    def train() -> None:
        seen.append(torch.get_num_threads())

    train()
    assert seen == [1]
    for function in (lm.train_lm, finetune.train_contrastive, finetune.finetune_classifier, word2vec.train_sgns):
        assert getattr(function, "__wrapped__", None) is not None, f"{function.__name__} does not adapt its threads"


def test_use_free_cpus_sizes_every_pool(monkeypatch):
    import numpy  # noqa: F401  (its BLAS is one of the pools)
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(threads, "free_cpus", lambda sample_seconds=0.25: 1)
    before = torch.get_num_threads()
    with threadpool_limits(limits=None):  # restores the pools afterwards
        try:
            assert threads.use_free_cpus() == 1
            assert torch.get_num_threads() == 1
            assert os.environ["OMP_NUM_THREADS"] == "1"
            pools = threadpool_info()
            assert pools, "no BLAS/OpenMP pool found to limit"
            assert all(pool["num_threads"] == 1 for pool in pools), pools
        finally:
            torch.set_num_threads(before)


def test_the_tightest_cpu_quota_up_the_cgroup_tree_binds(tmp_path, monkeypatch):
    proc = tmp_path / "cgroup"
    proc.write_text("4:cpu,cpuacct:/outer/inner\n3:memory:/outer/inner\n")
    root = tmp_path / "fs"
    for folder, quota in [("cpu/outer/inner", "-1"), ("cpu/outer", "150000"), ("cpu", "-1")]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "cpu.cfs_quota_us").write_text(quota)
        (root / folder / "cpu.cfs_period_us").write_text("100000")
    folders = threads.cgroup_folders("cpu", proc, root)
    assert folders == [(1, root / "cpu/outer/inner"), (1, root / "cpu/outer"), (1, root / "cpu")]
    original = threads.cgroup_folders
    monkeypatch.setattr(threads, "cgroup_folders", lambda controller: original(controller, proc, root))
    assert threads._quota_cpus() == 1.5  # set on the parent group, not on the process's own
