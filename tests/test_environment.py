"""The environment check (course_utils/environment.py): what it covers, its memory bands, its verdict, macOS."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import pathlib
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import NamedTuple

import nbformat
import psutil
import pytest

from course_utils import environment
from course_utils.environment import Check, Memory, memory_check, verdict

ROOT = Path(__file__).resolve().parents[1]
GB = 1e9


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules(source: str) -> set[str]:
    """Top-level modules a piece of code imports anywhere (magics and shell lines are skipped)."""
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def course_imports() -> dict[str, set[str]]:
    """Third-party top-level module -> where it is imported, over every notebook's code and every course_utils module."""
    found: dict[str, set[str]] = {}
    sources = [(p.name, c.source) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
               for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
    sources += [(str(p.relative_to(ROOT)), p.read_text()) for p in sorted((ROOT / "course_utils").rglob("*.py"))]
    for where, source in sources:
        for module in _imported_modules(source):
            if module not in sys.stdlib_module_names and module != "course_utils":
                found.setdefault(module, set()).add(where)
    return found


def test_every_third_party_import_of_the_course_is_checked():
    imports = course_imports()
    assert {"torch", "pandas", "sklearn", "scipy", "datasets", "faiss", "bm25s", "model2vec"} <= set(imports)
    distributions = importlib.metadata.packages_distributions()
    checked = {_normal(p) for p in environment.PACKAGES}
    missing = []
    for module, where in sorted(imports.items()):
        names = distributions.get(module)
        assert names, f"{module} (imported in {sorted(where)}) is not installed in the course's environment"
        if not {_normal(n) for n in names} & checked:
            missing.append(f"{module} ({'/'.join(names)}, imported in {', '.join(sorted(where))})")
    assert not missing, "add to environment.PACKAGES: " + "; ".join(missing)


def test_packages_needed_without_an_import_by_name_are_checked():
    # pandas reads parquet with pyarrow, the Trainer needs accelerate, model2vec's distiller needs skeletoken
    assert {"pyarrow", "accelerate", "skeletoken"} <= set(environment.PACKAGES)
    assert all(importlib.metadata.version(p) for p in environment.PACKAGES), "every checked package is installed here"


def test_the_module_collector_reads_imports_inside_functions_and_skips_magics():
    source = "%matplotlib inline\n!pip list\nimport numpy as np\ndef f():\n    from torch.nn import Linear\nfrom . import x\n"
    assert _imported_modules(source) == {"numpy", "torch"}


# --- verdict ------------------------------------------------------------------------------------------------------

READY_CHECKS = [Check("Python", "3.11.7", True), Check("pandas", "3.1.1", True), Check("memory", "8.0 GB", True)]


def test_all_checks_pass_is_ready():
    assert verdict(READY_CHECKS) == "READY: everything the course needs is here."


def test_a_missing_package_is_not_ready_names_it_and_says_how_to_fix_it():
    check = environment.package_check("no-such-course-package")
    assert not check.ok and check.found == "missing"
    assert check.advice == "run `make setup` in the course folder, or `pip install no-such-course-package`."
    text = verdict([*READY_CHECKS, check])
    assert text.startswith("NOT READY: ") and "no-such-course-package (missing)" in text
    assert text.endswith("`pip install no-such-course-package`.")


def test_environment_checks_report_a_missing_package(monkeypatch):
    real = environment._version
    monkeypatch.setattr(environment, "_version", lambda p: None if p == "pandas" else real(p))
    monkeypatch.setattr(environment, "memory_now", lambda: Memory(4.0, 8.0, 0.2))
    checks = environment.environment_checks(check_network=False)
    failed = [c for c in checks if not c.ok]
    assert [c.name for c in failed] == ["pandas"]
    assert verdict(checks).startswith("NOT READY: pandas (missing): run `make setup`")


def test_every_package_is_one_check_and_a_present_one_shows_its_version(monkeypatch):
    monkeypatch.setattr(environment, "memory_now", lambda: Memory(4.0, 8.0, 0.2))
    checks = {c.name: c for c in environment.environment_checks(check_network=False)}
    assert set(environment.PACKAGES) <= set(checks)
    assert checks["scipy"] == Check("scipy", importlib.metadata.version("scipy"), True)


def test_a_warning_keeps_the_verdict_ready_and_says_it():
    warned = Check("memory", "1.2 GB", True, "close other programs.")
    assert verdict([*READY_CHECKS, warned]) == "READY, WITH A WARNING: memory (1.2 GB): close other programs."
    two = verdict([*READY_CHECKS, warned, Check("disk", "x", True, "y.")])
    assert two.startswith("READY, WITH WARNINGS: ") and "disk (x): y." in two


def test_a_failure_outranks_a_warning():
    text = verdict([Check("memory", "1.2 GB", True, "close."), Check("torch", "missing", False, "install it.")])
    assert text == "NOT READY: torch (missing): install it."


# --- memory bands -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("memory", "ok", "warned"), [
    (Memory(available_gb=6.0, total_gb=16.0, own_gb=0.2), True, False),  # a laptop with room
    (Memory(available_gb=1.3, total_gb=2.15, own_gb=0.3), True, False),  # Binder: 2 GiB limit, server + this kernel
    (Memory(available_gb=0.9, total_gb=2.15, own_gb=0.3), True, True),   # Binder with another kernel open
    (Memory(available_gb=1.0, total_gb=16.0, own_gb=0.1), True, True),   # a busy laptop
    (Memory(available_gb=0.4, total_gb=16.0, own_gb=0.1), False, False),  # a very busy laptop
    (Memory(available_gb=0.6, total_gb=0.9, own_gb=0.1), False, False),   # a machine too small for the course
], ids=["laptop", "binder", "binder-busy", "busy", "very-busy", "too-small"])
def test_memory_bands(memory, ok, warned):
    check = memory_check(memory)
    assert check.ok is ok
    assert bool(check.advice) is (warned or not ok)
    band = verdict([*READY_CHECKS, check]).split(":")[0]
    assert band == ("NOT READY" if not ok else "READY, WITH A WARNING" if warned else "READY")


def test_a_binder_sized_limit_is_never_not_ready_while_a_notebook_fits():
    limit = 2 * 1024**3 / GB
    for used_by_others in (0.1, 0.3, 0.5, 0.7, 1.0):
        own = 0.3
        check = memory_check(Memory(limit - used_by_others - own, limit, own))
        assert check.ok, f"{used_by_others} GB used by others under Binder's 2 GB limit: {check}"


def test_memory_advice_is_one_sentence_that_says_what_to_do():
    too_small = memory_check(Memory(0.5, 0.8, 0.1)).advice
    busy = memory_check(Memory(0.3, 16.0, 0.1)).advice
    assert "Binder, Colab or a machine with more memory" in too_small
    assert "close other programs" in busy and "check again" in busy
    for advice in (too_small, busy):
        assert advice.endswith(".") and advice.count(". ") == 0


def test_the_thresholds_match_the_budget_the_benchmark_holds_notebooks_to():
    sys.path.insert(0, str(ROOT / "tools"))
    import bench

    assert bench.MEMORY_BUDGET_GB == environment.NEED_MEMORY_GB
    assert environment.MIN_MEMORY_GB < environment.NEED_MEMORY_GB < 2 * 1024**3 / GB


# --- where the memory figure comes from ---------------------------------------------------------------------------

class FakeMemory(NamedTuple):
    available: int
    total: int


def fake_psutil(monkeypatch, available: float, total: float, rss: float = 0.25e9) -> None:
    monkeypatch.setattr(psutil, "virtual_memory", lambda: FakeMemory(int(available), int(total)))
    monkeypatch.setattr(psutil.Process, "memory_info", lambda self: types.SimpleNamespace(rss=int(rss)))


def test_available_memory_comes_from_psutil(monkeypatch):
    fake_psutil(monkeypatch, 3.2e9, 8e9)
    monkeypatch.setattr(environment, "cgroup_memory", lambda: None)
    assert environment.available_memory_gb() == pytest.approx(3.2)
    assert environment.memory_now() == Memory(pytest.approx(3.2), pytest.approx(8.0), pytest.approx(0.25))


def test_a_cgroup_limit_caps_what_psutil_reports(monkeypatch):
    fake_psutil(monkeypatch, 40e9, 64e9)  # the host's memory, as a container sees it
    monkeypatch.setattr(environment, "cgroup_memory", lambda: (2 * 1024**3, int(1.4e9)))
    memory = environment.memory_now()
    assert memory.available_gb == pytest.approx(1.4) and memory.total_gb == pytest.approx(2 * 1024**3 / GB)
    assert memory_check(memory).ok


def fake_cgroups(monkeypatch, tmp_path: Path, proc: str, files: dict[str, str]) -> None:
    (tmp_path / "proc").write_text(proc)
    for name, text in files.items():
        path = tmp_path / "cg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setattr(environment, "PROC_CGROUP", tmp_path / "proc")
    monkeypatch.setattr(environment, "CGROUP_ROOT", tmp_path / "cg")


def test_cgroup_v2_limit_minus_working_set(monkeypatch, tmp_path):
    fake_cgroups(monkeypatch, tmp_path, "0::/user/binder\n", {
        "user/binder/memory.max": "2147483648\n", "user/binder/memory.current": "900000000\n",
        "user/binder/memory.stat": "anon 700000000\ninactive_file 100000000\nactive_file 5\n"})
    assert environment.cgroup_memory() == (2147483648, 2147483648 - 800_000_000)


def test_cgroup_v2_without_a_limit_is_none_and_a_tighter_parent_wins(monkeypatch, tmp_path):
    fake_cgroups(monkeypatch, tmp_path, "0::/a/b\n", {"a/b/memory.max": "max\n", "a/b/memory.current": "1\n"})
    assert environment.cgroup_memory() is None
    fake_cgroups(monkeypatch, tmp_path, "0::/a/b\n", {"a/memory.max": "1000000000\n", "a/memory.current": "400000000\n"})
    assert environment.cgroup_memory() == (1_000_000_000, 600_000_000)


def test_cgroup_v1_limit_and_no_limit(monkeypatch, tmp_path):
    proc = "4:memory:/course_bench\n3:cpu,cpuacct:/course_bench\n0::/\n"
    fake_cgroups(monkeypatch, tmp_path, proc, {
        "memory/course_bench/memory.limit_in_bytes": str(2 * 1024**3), "memory/course_bench/memory.usage_in_bytes": "600000000",
        "memory/course_bench/memory.stat": "cache 300000000\ntotal_inactive_file 200000000\n",
        "memory/memory.limit_in_bytes": "9223372036854771712", "memory/memory.usage_in_bytes": "5000000000"})
    assert environment.cgroup_memory() == (2 * 1024**3, 2 * 1024**3 - 400_000_000)
    fake_cgroups(monkeypatch, tmp_path, "4:memory:/other\n", {"memory/other/memory.limit_in_bytes": "9223372036854771712",
                                                              "memory/other/memory.usage_in_bytes": "1"})
    assert environment.cgroup_memory() is None


def test_no_cgroup_file_means_no_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(environment, "PROC_CGROUP", tmp_path / "absent")
    assert environment.cgroup_memory() is None


def simulate_macos(monkeypatch, tmp_path: Path) -> None:
    """No /proc and no SC_AVPHYS_PAGES or sched_getaffinity, as on macOS; psutil answers as it does there."""
    def no_sysconf(name):
        raise ValueError(f"unrecognized configuration name {name!r}")

    monkeypatch.setattr(os, "sysconf", no_sysconf)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    real_read, real_exists = pathlib.Path.read_text, pathlib.Path.exists

    def read_text(self, *args, **kwargs):
        if str(self).startswith("/proc"):
            raise FileNotFoundError(str(self))
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_text", read_text)
    monkeypatch.setattr(pathlib.Path, "exists", lambda self, **kw: False if str(self).startswith("/proc")
                        else real_exists(self, **kw))
    fake_psutil(monkeypatch, 5e9, 16e9, rss=0.3e9)


def test_the_check_runs_on_a_simulated_macos(monkeypatch, tmp_path):
    simulate_macos(monkeypatch, tmp_path)
    assert environment.available_memory_gb() == pytest.approx(5.0)
    checks = {c.name: c for c in environment.environment_checks(check_network=False)}
    assert checks["memory"].ok and checks["memory"].found == "5.3 GB for a notebook (16.0 GB in all)"
    assert checks["CPUs"].found.endswith("free now")


def test_a_missing_psutil_is_reported_not_raised(monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", None)
    check = environment._memory_or_unknown()
    assert not check.ok and "psutil" in check.found and check.advice.endswith("`pip install psutil`.")


# --- the command ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("checks", "status", "mark"), [
    (READY_CHECKS, 0, "ok "),
    ([*READY_CHECKS, Check("memory", "1.2 GB", True, "close other programs.")], 0, "!  "),
    ([*READY_CHECKS, Check("pandas", "missing", False, "install it.")], 1, "FIX"),
])
def test_main_prints_the_report_and_exits_1_only_when_not_ready(monkeypatch, capsys, checks, status, mark):
    monkeypatch.setattr(environment, "environment_checks", lambda: checks)
    assert environment.main() == status
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == verdict(checks) and lines[-2].startswith(mark)


def test_the_command_runs_and_its_exit_status_matches_its_verdict():
    env = {**os.environ, "COURSE_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "course_utils.environment"], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120)
    last = result.stdout.strip().splitlines()[-1]
    assert result.stderr == "" and last.startswith(("READY", "NOT READY"))
    assert (result.returncode == 1) is last.startswith("NOT READY"), result.stdout
