"""Which notebooks CI runs a second time (browser and solved views), from the bench record. Used by the tier tests.

Strict nbval runs every notebook once in CI. The browser and solved views run each one again, and on a slow 2-core
machine (2026-12-03) the whole course took 29 min under nbval and 42 min in the browser: CI could not also run the
solved views within its 90 minutes. So a notebook whose last quiet `make bench` time (results/bench/quiet.json)
exceeds HEAVY_S is marked `heavy`: `make browser` and `make solved` run it, `make test-all` (CI) leaves it out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "results" / "bench" / "quiet.json"
HEAVY_S = 100.0


def heavy(notebook: Path, bench: Path = BENCH) -> bool:
    """True when the bench record has this notebook at over HEAVY_S seconds quiet (unrecorded notebooks are light)."""
    try:
        record = json.loads(bench.read_text()).get(notebook.stem)
    except (OSError, ValueError):
        return False
    return bool(record) and float(record.get("seconds", 0)) > HEAVY_S


def params(notebooks: list[Path]) -> list:
    """The notebooks as pytest parameters, the heavy ones marked `heavy`."""
    return [pytest.param(p, id=p.stem, marks=[pytest.mark.heavy] if heavy(p) else []) for p in notebooks]
