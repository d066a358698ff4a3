"""Bootstrap intervals and paired comparisons (course_utils.stats)."""

import numpy as np
import pytest

from course_utils import stats
from course_utils.errors import CourseError


def test_mean_interval_covers_the_mean_and_shrinks_with_more_items():
    rng = np.random.default_rng(1)
    small = stats.mean_interval(rng.random(20))
    large = stats.mean_interval(rng.random(2000))
    assert small.low < small.estimate < small.high
    assert large.width < small.width / 5
    assert abs(large.estimate - 0.5) < 0.03


def test_interval_is_reproducible_for_a_seed_and_formats_rounded():
    values = np.arange(10.0)
    assert stats.mean_interval(values, seed=3) == stats.mean_interval(values, seed=3)
    assert str(stats.mean_interval(values)).startswith("4.500 [")
    assert f"{stats.mean_interval(values):.1f}".startswith("4.5 [")


def test_paired_comparison_sees_a_small_consistent_gain_that_unpaired_intervals_miss():
    rng = np.random.default_rng(0)
    base = rng.random(100)
    better = base + 0.02  # every item 0.02 better: invisible in the unpaired intervals, clear when paired
    a, b = stats.mean_interval(better), stats.mean_interval(base)
    assert a.low < b.high  # the unpaired intervals overlap
    comparison = stats.compare_means(better, base)
    assert comparison.differs and comparison.verdict == "a is better"
    assert comparison.difference == pytest.approx(0.02)


def test_no_difference_is_within_noise():
    rng = np.random.default_rng(0)
    x = rng.random(60)
    noise = x + rng.normal(0, 0.5, 60)
    noise2 = x + rng.normal(0, 0.5, 60)
    comparison = stats.compare_correlations(noise, noise2, x)
    assert not comparison.differs and comparison.verdict == "within noise"
    assert "within noise" in str(comparison)


def test_correlation_interval_matches_scipy_estimate():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(2)
    x, y = rng.random(50), rng.random(50)
    interval = stats.correlation_interval(x, y)
    assert interval.estimate == pytest.approx(spearmanr(x, y).statistic)
    assert interval.low < interval.estimate < interval.high


@pytest.mark.parametrize("n, tied", [(353, False), (999, True), (12, True)])
def test_fast_spearman_bootstrap_gives_scipys_numbers_bit_for_bit(n, tied):
    """The row-at-once Spearman path must reproduce scipy.stats.spearmanr per resample exactly, ties included
    (rounded scores), and constant resamples (n = 12 with few distinct values) must be NaN as in scipy."""
    import warnings

    from scipy.stats import spearmanr

    rng = np.random.default_rng(n)
    gold = rng.integers(0, 4 if n == 12 else 11, n).astype(float)
    a = np.round(gold + rng.normal(0, 3, n), 0 if tied else 6)
    b = np.round(gold + rng.normal(0, 3, n), 1 if tied else 6)

    def scipy_rho(x, y):
        def rho(idx):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # scipy warns on constant resamples and returns NaN
                return float(spearmanr(x[idx], y[idx]).statistic)

        return rho

    fast = stats.correlation_interval(a, gold)
    slow = stats.bootstrap_interval(scipy_rho(a, gold), n)
    assert (fast.estimate, fast.low, fast.high) == (slow.estimate, slow.low, slow.high)
    rows = stats._resample(n, 1000, 0)
    assert np.array_equal(stats._spearman_rows(a, gold, rows), stats._each_row(scipy_rho(a, gold))(rows), equal_nan=True)
    fast_cmp = stats.compare_correlations(a, b, gold)
    slow_cmp = stats.paired_bootstrap(scipy_rho(a, gold), scipy_rho(b, gold), n)
    assert (fast_cmp.difference, fast_cmp.low, fast_cmp.high) == (slow_cmp.difference, slow_cmp.low, slow_cmp.high)


@pytest.mark.parametrize("call, fragment", [
    (lambda: stats.mean_interval([1.0, float("nan"), 2.0]), "NaN"),
    (lambda: stats.mean_interval("0.5"), "not a string"),
    (lambda: stats.mean_interval([1.0]), "at least 2"),
    (lambda: stats.compare_means([1, 2, 3], [1, 2]), "same items"),
    (lambda: stats.correlation_interval([1, 2, 3], [1, 2, 3], method="kendall"), "method"),
    (lambda: stats.mean_interval([1, 2, 3], n_resamples=0), "n_resamples"),
    (lambda: stats.mean_interval([1, 2, 3], level=95), "level"),
    (lambda: stats.correlation_interval([1, 1, 1, 1], [1, 2, 3, 4], method="pearson"), "NaN or constant"),
    (lambda: stats.correlation_interval([1, 1, 1, 1], [1, 2, 3, 4]), "NaN or constant"),
    (lambda: stats.compare_correlations([1, 1, 1, 1], [1, 2, 3, 4], [4, 3, 2, 1]), "NaN"),
    (lambda: stats.bootstrap_interval("mean", 10), "function"),
])
def test_bad_input_gets_one_clear_sentence(call, fragment):
    with pytest.raises(CourseError, match=fragment):
        call()
