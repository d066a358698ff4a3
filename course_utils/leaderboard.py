"""The running leaderboard: one JSON file every notebook adds its rows to. Taught in notebooks/00_welcome.ipynb.

Each row keeps a representation's scores and, beside each score, its spread: ``<column>_low`` and
``<column>_high`` (a bootstrap 95 % interval) and, for classification, ``<column>_std`` (fold standard
deviation). The file is written atomically (temporary file + rename) under a file lock, so two kernels adding
rows at once cannot corrupt it; a file that is corrupt anyway is backed up and started afresh, with a warning
that names both paths. Rows keep their insertion order across reloads.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from course_utils.errors import CourseError, require_text

#: The score columns, in course order (higher is better in every one).
COLUMNS = ["lee_pearson", "wiki_recall@1", "wiki_mrr", "20ng_accuracy", "polarity_accuracy",
           "ws353_spearman", "simlex_spearman", "analogy_accuracy"]
#: Suffixes of the spread stored beside a score column.
SPREAD_SUFFIXES = ("_low", "_high", "_std")
KNOWN_KEYS = frozenset(COLUMNS) | {c + s for c in COLUMNS for s in SPREAD_SUFFIXES}


def default_path() -> Path:
    """Where the leaderboard lives: leaderboard.json in the course cache folder. Internal to course_utils."""
    from course_utils.downloads import cache_dir

    return cache_dir() / "leaderboard.json"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path + '.lock' (POSIX fcntl; elsewhere no lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: atomic replace still prevents torn files
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def format_score(estimate: float, low: float | None = None, high: float | None = None, std: float | None = None,
                 decimals: int = 3) -> str:
    """'0.612 [0.571, 0.650]' (interval), '0.612 ± 0.020' (std only) or '0.612'. Internal to course_utils."""
    if estimate is None or (isinstance(estimate, float) and math.isnan(estimate)):
        return ""
    text = f"{estimate:.{decimals}f}"
    if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
        return f"{text} [{low:.{decimals}f}, {high:.{decimals}f}]"
    if std is not None and not math.isnan(std):
        return f"{text} ± {std:.{decimals}f}"
    return text


class Leaderboard:
    """The running leaderboard, kept in a JSON file so every notebook adds its rows. Taught in notebooks/00_welcome.ipynb."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()

    def _read(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        text = self.path.read_text(encoding="utf-8")
        try:
            rows = json.loads(text) if text.strip() else {}
            if not isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows.values()):
                raise ValueError("not a mapping of rows")
        except ValueError as err:
            backup = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.path, backup)
            warnings.warn(f"The leaderboard file {self.path} was corrupt ({err}); it was moved to {backup} and the "
                          "leaderboard starts afresh. Re-run a notebook's leaderboard cell to add its rows again.",
                          stacklevel=3)
            return {}
        return rows

    def _write(self, rows: dict[str, dict[str, Any]]) -> None:
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(rows, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def rows(self) -> dict[str, dict[str, Any]]:
        """All rows saved so far, by representation name, in insertion order."""
        with _locked(self.path):
            return self._read()

    def add(self, name: str, results: dict[str, Any], notebook: str) -> pd.DataFrame:
        """Add or replace one representation's row (scores and their spread); return that row with its spread."""
        if not isinstance(name, str) or not name.strip():
            raise CourseError("A leaderboard row needs a non-empty name, e.g. 'TF-IDF'.")
        require_text(notebook, "notebook")
        if not isinstance(results, dict):
            raise CourseError(f"results must be a dict of scores such as evaluate_text_encoder returns, "
                              f"got {type(results).__name__}.")
        unknown = set(results) - KNOWN_KEYS
        if unknown:
            raise CourseError(f"Unknown leaderboard column(s) {sorted(unknown)}; known: {COLUMNS} "
                              f"(each may have {', '.join(SPREAD_SUFFIXES)} beside it).")
        clean: dict[str, float] = {}
        for key, value in results.items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise CourseError(f"results[{key!r}] must be a number, got {value!r}.") from None
            if not math.isfinite(number):
                raise CourseError(f"results[{key!r}] is {number}: a score must be a finite number; "
                                  "check the evaluation that produced it.")
            clean[key] = number
        with _locked(self.path):
            rows = self._read()
            rows[name] = {"notebook": notebook, **clean}
            self._write(rows)
        return self.table(only=[name], spread=True)

    def table(self, only: Sequence[str] | None = None, decimals: int = 3, spread: bool = False) -> pd.DataFrame:
        """The leaderboard in course order (notebook, then insertion); spread=True shows each score with its interval.

        With ``spread=False`` the score columns are numbers (rounded), ready to sort or plot. With ``spread=True``
        each cell reads "0.612 [0.571, 0.650]" (bootstrap 95 % interval) or "0.612 ± 0.020" (fold std) where
        the row stored its spread.
        """
        rows = self.rows()
        if only is not None:
            if isinstance(only, str):
                only = [only]
            missing = [n for n in only if n not in rows]
            if missing:
                raise CourseError(f"No leaderboard row named {missing}: rows are {list(rows)}.")
            names = list(only)
        else:
            names = sorted(rows, key=lambda n: rows[n]["notebook"])  # stable: insertion order within a notebook
        columns = [c for c in COLUMNS if any(c in rows[n] for n in names)]
        index = pd.Index(names, name="representation")
        if not spread:
            frame = pd.DataFrame([{c: rows[n].get(c, float("nan")) for c in columns} for n in names], index=index)
            frame.insert(0, "notebook", [rows[n]["notebook"] for n in names])
            return frame.round(decimals)
        cells = [{c: format_score(rows[n].get(c, float("nan")), rows[n].get(c + "_low"), rows[n].get(c + "_high"),
                                  rows[n].get(c + "_std"), decimals) for c in columns} for n in names]
        frame = pd.DataFrame(cells, index=index, columns=columns)
        frame.insert(0, "notebook", [rows[n]["notebook"] for n in names])
        return frame
