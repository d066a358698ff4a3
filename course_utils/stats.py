"""How sure is a score? Bootstrap intervals and paired comparisons. Taught in notebooks/02_bow_tfidf.ipynb.

Every score in the course is measured on a small set (50 Lee documents, 94 queries, 353 word pairs), so
it comes with an interval. Two representations measured on the *same* items are compared *paired*: the
same resampled items score both, and the interval of the difference says whether it is beyond noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils.errors import CourseError

Statistic = Callable[[np.ndarray], float]


@dataclass(frozen=True)
class Interval:
    """A score and its bootstrap interval (level 0.95 unless stated)."""

    estimate: float
    low: float
    high: float
    level: float = 0.95

    @property
    def width(self) -> float:
        """high - low."""
        return self.high - self.low

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}]"

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        return f"{self.estimate:{spec}} [{self.low:{spec}}, {self.high:{spec}}]"


@dataclass(frozen=True)
class Comparison:
    """Difference a - b of a paired statistic, its interval, and whether the interval excludes zero."""

    difference: float
    low: float
    high: float
    level: float = 0.95

    @property
    def differs(self) -> bool:
        """True when the interval of the difference excludes 0: a difference beyond noise."""
        return bool(self.low > 0 or self.high < 0)

    @property
    def verdict(self) -> str:
        """'a is better', 'b is better' or 'within noise' (higher is better)."""
        if not self.differs:
            return "within noise"
        return "a is better" if self.difference > 0 else "b is better"

    def __str__(self) -> str:
        return f"{self.difference:+.3f} [{self.low:+.3f}, {self.high:+.3f}]: {self.verdict}"


def _n_items(n_items: Any) -> int:
    if isinstance(n_items, bool) or not isinstance(n_items, (int, np.integer)) or n_items < 2:
        raise CourseError(f"n_items must be an integer >= 2 (the number of items to resample), got {n_items!r}.")
    return int(n_items)


def _check_options(n_resamples: Any, level: Any) -> None:
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 100:
        raise CourseError(f"n_resamples must be an integer >= 100 (1000 is usual), got {n_resamples!r}.")
    if not isinstance(level, (int, float)) or not 0 < level < 1:
        raise CourseError(f"level must be a number between 0 and 1 such as 0.95, got {level!r}.")


def _resample(n_items: int, n_resamples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n_items, size=(n_resamples, n_items))


def _percentiles(values: np.ndarray, level: float, what: str) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if len(finite) < 0.9 * len(values):
        raise CourseError(f"The {what} is undefined on more than 10% of the resamples (e.g. a constant score): "
                          "use more items or another statistic.")
    alpha = (1 - level) / 2
    low, high = np.quantile(finite, [alpha, 1 - alpha])
    return float(low), float(high)


def _interval_of_rows(statistic_rows: Callable[[np.ndarray], np.ndarray], n_items: Any, n_resamples: int = 1000,
                      seed: int = 0, level: float = 0.95) -> Interval:
    """bootstrap_interval for a statistic that scores many index rows at once (one value per row)."""
    n = _n_items(n_items)
    _check_options(n_resamples, level)
    estimate = float(statistic_rows(np.arange(n)[None, :])[0])
    if not np.isfinite(estimate):
        raise CourseError(f"The statistic is {estimate} on all items: check the scores for NaN or constant values.")
    values = np.asarray(statistic_rows(_resample(n, n_resamples, seed)), dtype=float)
    low, high = _percentiles(values, level, "statistic")
    return Interval(estimate, low, high, level)


def _each_row(statistic: Statistic) -> Callable[[np.ndarray], np.ndarray]:
    return lambda rows: np.array([statistic(idx) for idx in rows], dtype=float)


def bootstrap_interval(statistic: Statistic, n_items: int, *, n_resamples: int = 1000, seed: int = 0,
                       level: float = 0.95) -> Interval:
    """Percentile bootstrap interval of statistic(indices). Taught in notebooks/05_contextual_embeddings.ipynb.

    Items are resampled with replacement.

    ``statistic`` takes an array of item indices (with repeats) and returns the score on those items.
    """
    if not callable(statistic):
        raise CourseError("statistic must be a function of an index array, e.g. lambda idx: scores[idx].mean().")
    return _interval_of_rows(_each_row(statistic), n_items, n_resamples, seed, level)


def _vector(values: Any, what: str) -> np.ndarray:
    if isinstance(values, str):
        raise CourseError(f"{what} must be a list or array of numbers, not a string.")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise CourseError(f"{what} must be a list or array of numbers.") from None
    if array.ndim != 1 or len(array) < 2:
        raise CourseError(f"{what} must be one score per item, at least 2 items; got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise CourseError(f"{what} holds NaN or infinite values: fix the scores before measuring them.")
    return array


def mean_interval(values: Sequence[float] | np.ndarray, **options: Any) -> Interval:
    """Mean of per-item scores (hits, reciprocal ranks, 0/1) with its interval. Taught in notebooks/02_bow_tfidf.ipynb."""
    v = _vector(values, "values")
    return bootstrap_interval(lambda idx: float(v[idx].mean()), len(v), **options)


def _correlation(method: str) -> Callable[[np.ndarray, np.ndarray], float]:
    from scipy import stats

    if method == "spearman":
        return lambda x, y: float(stats.spearmanr(x, y).statistic)
    if method == "pearson":
        return lambda x, y: float(stats.pearsonr(x, y).statistic) if np.ptp(x) > 0 and np.ptp(y) > 0 else float("nan")
    raise CourseError(f"method must be 'spearman' or 'pearson', got {method!r}.")


def _spearman_rows(x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Spearman's rho of x[idx] and y[idx] for each row idx of rows, NaN where a side is constant.

    The same numbers as scipy.stats.spearmanr row by row, bit for bit (tests/test_stats.py checks it): the rows
    are ranked all at once and np.corrcoef's arithmetic is done for all rows together, except its one BLAS
    product per row. About 8 times faster, which the course's many bootstrap intervals need.
    """
    from scipy.stats import rankdata

    xs, ys = x[rows], y[rows]
    ranks = np.stack((rankdata(xs, axis=1), rankdata(ys, axis=1)), axis=1)  # (rows, 2, items)
    centred = ranks - ranks.mean(axis=2)[:, :, None]
    cov = np.array([np.dot(m, m.T.conj()) for m in centred])  # np.cov's product, one call per row
    cov *= np.true_divide(1, rows.shape[1] - 1)
    stddev = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    rho = np.clip(cov[:, 1, 0] / stddev[:, 1] / stddev[:, 0], -1, 1)
    rho[(xs == xs[:, :1]).all(axis=1) | (ys == ys[:, :1]).all(axis=1)] = np.nan
    return rho


def correlation_interval(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, method: str = "spearman",
                         **options: Any) -> Interval:
    """Correlation of scores x with human scores y, interval over pairs. Taught in notebooks/02_bow_tfidf.ipynb."""
    corr = _correlation(method)
    xv, yv = _vector(x, "x"), _vector(y, "y")
    if len(xv) != len(yv):
        raise CourseError(f"x and y must score the same items: {len(xv)} and {len(yv)} values.")
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "spearman":
            return _interval_of_rows(lambda rows: _spearman_rows(xv, yv, rows), len(xv), **options)
        return bootstrap_interval(lambda idx: corr(xv[idx], yv[idx]), len(xv), **options)


def _comparison_of_rows(rows_a: Callable[[np.ndarray], np.ndarray], rows_b: Callable[[np.ndarray], np.ndarray],
                        n_items: Any, n_resamples: int = 1000, seed: int = 0, level: float = 0.95) -> Comparison:
    """paired_bootstrap for statistics that score many index rows at once (one value per row)."""
    n = _n_items(n_items)
    _check_options(n_resamples, level)
    every = np.arange(n)[None, :]
    difference = float(rows_a(every)[0] - rows_b(every)[0])
    if not np.isfinite(difference):
        raise CourseError("A statistic is NaN on all items: check the scores for NaN or constant values.")
    resamples = _resample(n, n_resamples, seed)
    diffs = np.asarray(rows_a(resamples), dtype=float) - np.asarray(rows_b(resamples), dtype=float)
    low, high = _percentiles(diffs, level, "difference")
    return Comparison(difference, low, high, level)


def paired_bootstrap(statistic_a: Statistic, statistic_b: Statistic, n_items: int, *, n_resamples: int = 1000,
                     seed: int = 0, level: float = 0.95) -> Comparison:
    """Interval of statistic_a - statistic_b on the same resampled items. Internal to course_utils (compare_*)."""
    if not callable(statistic_a) or not callable(statistic_b):
        raise CourseError("statistic_a and statistic_b must be functions of an index array.")
    return _comparison_of_rows(_each_row(statistic_a), _each_row(statistic_b), n_items, n_resamples, seed, level)


def compare_means(values_a: Sequence[float] | np.ndarray, values_b: Sequence[float] | np.ndarray,
                  **options: Any) -> Comparison:
    """Paired comparison of two per-item scores on the same items (a - b). Taught in notebooks/07_choosing_models.ipynb."""
    a, b = _vector(values_a, "values_a"), _vector(values_b, "values_b")
    if len(a) != len(b):
        raise CourseError(f"values_a and values_b must score the same items: {len(a)} and {len(b)} values.")
    return paired_bootstrap(lambda idx: float(a[idx].mean()), lambda idx: float(b[idx].mean()), len(a), **options)


def compare_correlations(x_a: Sequence[float] | np.ndarray, x_b: Sequence[float] | np.ndarray,
                         gold: Sequence[float] | np.ndarray, method: str = "spearman", **options: Any) -> Comparison:
    """Paired comparison of two correlations with one gold set (a - b). Taught in notebooks/03_word2vec.ipynb."""
    corr = _correlation(method)
    a, b, g = _vector(x_a, "x_a"), _vector(x_b, "x_b"), _vector(gold, "gold")
    if not len(a) == len(b) == len(g):
        raise CourseError(f"x_a, x_b and gold must score the same items: {len(a)}, {len(b)}, {len(g)} values.")
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "spearman":
            return _comparison_of_rows(lambda rows: _spearman_rows(a, g, rows), lambda rows: _spearman_rows(b, g, rows),
                                       len(a), **options)
        return paired_bootstrap(lambda idx: corr(a[idx], g[idx]), lambda idx: corr(b[idx], g[idx]), len(a), **options)
