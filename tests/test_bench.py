"""The benchmark's verdicts and table (tools/bench.py): budgets, the busy-neighbour ratio, the cgroup column."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import bench  # noqa: E402

MACHINE = {"cpu": "Test CPU", "cores": 2, "avx512": False, "gflops_1_thread": 36.0, "python_loop_s": 0.7,
           "boot": "boot-1"}


def _run(seconds: float, gb: float = 1.0, ok: bool = True, machine: dict | None = None, **extra: object) -> dict:
    return {"date": "2026-11-25", "ok": ok, "seconds": seconds, "peak_gb": gb, "machine": machine or MACHINE, **extra}


def _results(quiet=None, busy=None, binder=None) -> dict:
    return {"quiet": {"01_x": quiet} if quiet else {}, "busy": {"01_x": busy} if busy else {},
            "binder": {"01_x": binder} if binder else {}}


def test_within_every_budget_has_no_verdict():
    results = _results(_run(60), _run(80), _run(100, memory_limit_hits=0, oom_kills=0))
    assert bench.verdicts("01_x", results) == []
    assert "| yes |" in bench.table(["01_x"], results, None)


@pytest.mark.parametrize(("results", "expected"), [
    (_results(_run(130)), "quiet: time"),
    (_results(_run(60, gb=1.6)), "quiet: memory"),
    (_results(_run(60), _run(95)), "busy: 1.6x quiet"),
    (_results(binder=_run(100, oom_kills=1)), "binder: killed for memory"),
    (_results(_run(60, ok=False)), "quiet: failed"),
])
def test_each_budget_is_enforced(results, expected):
    assert expected in bench.verdicts("01_x", results)
    assert "NO (" in bench.table(["01_x"], results, None)


def test_the_09_notebook_has_its_own_time_budget():
    assert bench.budget("09_fine_tuning") == 300 and bench.budget("03_word2vec") == 120


def test_a_condition_the_machine_cannot_make_says_why():
    text = bench.table(["01_x"], _results(_run(60), _run(70)), "not measured: making a cgroup needs root")
    assert "not measured: making a cgroup needs root" in text
    assert "| so far |" in text


def test_the_readme_table_goes_between_the_markers(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{bench.START}\nold\n{bench.END}\nafter\n")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    assert bench.write_readme("new table")
    assert readme.read_text() == f"before\n{bench.START}\nnew table\n{bench.END}\nafter\n"


def test_the_busy_ratio_needs_both_runs_from_one_boot_of_one_machine():
    other = MACHINE | {"boot": "boot-2", "gflops_1_thread": 80.0}
    results = _results(_run(60), _run(95, machine=other))
    assert bench.verdicts("01_x", results) == []
    text = bench.table(["01_x"], results, None)
    assert "– (two machines)" in text and "compare times within a machine" in text
    assert "80.0 GFLOP/s" in text and "36.0 GFLOP/s" in text


def test_the_table_names_the_machine_once():
    probed_again = MACHINE | {"gflops_1_thread": 33.0}  # same boot, the speed probe varies
    text = bench.table(["01_x"], _results(_run(60), _run(70, machine=probed_again)), None)
    assert text.count("Test CPU, 2 cores, no AVX-512") == 1
    assert "1.17x" in text and "more than one machine" not in text


def test_machine_probes_this_machine():
    here = bench.machine()
    assert here["cores"] == os.cpu_count()
    assert here["gflops_1_thread"] > 0 and here["python_loop_s"] > 0
    assert bench.same_machine({"machine": here}, {"machine": dict(here)})


def test_the_browser_tests_hang_guard_outlasts_every_recorded_run_twice():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import browser_lab

    slowest = max(r["seconds"] for name in bench.CONDITIONS for r in bench.load(name).values())
    assert browser_lab.HANG_GUARD_S >= 2 * slowest, (
        f"the browser test gives up after {browser_lab.HANG_GUARD_S} s, but a notebook took {slowest:.0f} s in make bench")
