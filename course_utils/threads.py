"""How many CPU threads torch, BLAS and faiss should use here and now. Taught in notebooks/03_word2vec.ipynb.

Two torch threads stall when another program keeps one of two cores busy (a training step ran 2.6x slower
beside one busy process), and Binder shows every host core while granting one CPU's worth of time. So the
course never hard-codes a thread count: it counts the CPUs this process may use (affinity and cgroup quota)
and leaves out those that other processes keep busy right now.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def cgroup_folders(controller: str, proc: Path = Path("/proc/self/cgroup"),
                   root: Path = Path("/sys/fs/cgroup")) -> list[tuple[int, Path]]:
    """(version, folder) of this process's cgroups for one controller, own group first. Internal to course_utils.

    Then each group above it: limits set higher up the tree bind too, so callers take the tightest (threads for
    the CPU quota, environment for the memory limit). Empty without /proc (macOS, Windows).
    """
    try:
        lines = proc.read_text().splitlines()
    except OSError:
        return []
    folders: list[tuple[int, Path]] = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            version, top = 2, root
        elif controller in controllers.split(","):
            version, top = 1, root / controller
        else:
            continue
        folder = top / path.lstrip("/")
        chain = [folder]
        while chain[-1] != top and top in chain[-1].parents:
            chain.append(chain[-1].parent)
        if top not in chain:
            chain.append(top)
        folders.extend((version, f) for f in chain)
    return folders


def _quota_cpus() -> float | None:
    """CPUs granted by the tightest cgroup CPU quota (v1 or v2), None when there is no quota."""
    quotas = []
    for version, folder in cgroup_folders("cpu"):
        try:
            if version == 2:
                quota, period = (folder / "cpu.max").read_text().split()
                if quota != "max":
                    quotas.append(int(quota) / int(period))
            else:
                quota, period = int((folder / "cpu.cfs_quota_us").read_text()), int((folder / "cpu.cfs_period_us").read_text())
                if quota > 0:
                    quotas.append(quota / period)
        except (OSError, ValueError):
            continue
    return min(quotas) if quotas else None


def _busy_elsewhere(seconds: float) -> float:
    """Cores kept busy by other processes over a short window (from /proc/stat minus this process)."""
    def machine() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields[:8]) - idle, sum(fields[:8])

    def own() -> float:
        times = os.times()
        return times.user + times.system

    busy0, total0 = machine()
    own0, wall0 = own(), time.monotonic()
    time.sleep(seconds)
    busy1, total1 = machine()
    own1, wall1 = own(), time.monotonic()
    ticks = os.sysconf("SC_CLK_TCK")
    other = (busy1 - busy0) / ticks - (own1 - own0)
    return max(0.0, other / max(wall1 - wall0, 1e-6))


def free_cpus(sample_seconds: float = 0.25) -> int:
    """CPUs this process can use now (at least 1). Taught in notebooks/03_word2vec.ipynb.

    Affinity and the cgroup CPU quota (v1 or v2) bound what the process may use; cores that other processes keep
    busy over a short sample are left out, because two threads on a shared core stall each other.
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = _quota_cpus()
    if quota is not None:
        usable = min(usable, max(1, math.floor(quota)))
    try:
        busy = _busy_elsewhere(sample_seconds)
    except (OSError, ValueError, IndexError):
        busy = 0.0
    return max(1, min(usable, round(usable - busy) if usable > 1 else 1))


def use_free_cpus(sample_seconds: float = 0.25) -> int:
    """Size torch's, the BLAS's (threadpoolctl) and faiss's thread pools to free_cpus(). Taught in notebooks/03_word2vec.ipynb.

    Notebooks call it in their set-up cell, before heavy work; training functions re-check with torch_threads().
    Returns the number of threads chosen. Results may differ in the last digits between thread counts (sums are
    added in another order); the course prints rounded numbers.
    """
    import sys

    cpus = free_cpus(sample_seconds)
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(cpus)  # read by libraries that load later (torch reads them when imported)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(cpus)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=cpus)  # the BLAS and OpenMP pools loaded now (numpy, scikit-learn, ...)
    if "faiss" in sys.modules:
        sys.modules["faiss"].omp_set_num_threads(cpus)
    return cpus


@contextlib.contextmanager
def torch_threads(threads: int | None = None) -> Iterator[int]:
    """Run a block with torch using the free CPUs (or `threads`), then restore. Internal to course_utils (training)."""
    import torch

    before = torch.get_num_threads()
    wanted = free_cpus() if threads is None else max(1, int(threads))
    torch.set_num_threads(min(wanted, max(before, 1)) if threads is None else wanted)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def uses_free_cpus(function: F) -> F:
    """Decorator: run a training function inside torch_threads(). Internal to course_utils (training functions)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with torch_threads():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
