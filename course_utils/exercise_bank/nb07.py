"""Exercises of notebooks/07_choosing_models.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet

DOC_COLUMNS = ["lee_pearson", "wiki_mrr", "20ng_accuracy", "polarity_accuracy"]


def _quality_context() -> dict[str, Any]:
    """A small quality table shaped like the notebook's (the tests need no models)."""
    import pandas as pd

    from course_utils.benchmarks import COLUMNS

    nan = np.nan
    rows = {
        "binary BoW": [0.15, 0.26, 0.72, 0.55, nan, nan, nan, nan],
        "TF-IDF": [0.44, 0.70, 0.79, 0.52, nan, nan, nan, nan],
        "GloVe 6B 50d, averaged": [0.52, 0.55, 0.74, 0.60, 0.50, 0.26, 0.45, 0.49],
        "MiniLM": [0.66, 0.89, 0.91, 0.72, nan, nan, nan, nan],
    }
    quality = pd.DataFrame(rows, index=COLUMNS).T
    fixed = pd.DataFrame({"dimension": [1800, 1800, 50, 384], "disk_mb": [0.0, 0.0, 80.0, 87.0]}, index=list(rows))
    return {"quality": quality, "fixed": fixed}


# ---------------------------------------------------------------- 07.1 best per task
def _solve_best(quality: Any, fixed: Any = None) -> dict[str, str]:
    return {column: quality[column].idxmax() for column in DOC_COLUMNS}


def _check_best(answer: Any, quality: Any, fixed: Any = None) -> None:
    if not isinstance(answer, dict):
        raise NotYet("give a dict such as {'lee_pearson': 'MiniLM', ...}.")
    right = _solve_best(quality)
    if set(answer) != set(right):
        raise NotYet(f"use exactly the four document columns as keys: {DOC_COLUMNS}.")
    wrong = [c for c in DOC_COLUMNS if answer[c] != right[c]]
    if wrong:
        raise NotYet(f"not right for {wrong}; `quality[column].idxmax()` gives the best row of a column.")


# ---------------------------------------------------------------- 07.2 TF-IDF vs GloVe
def _solve_tfidf_wins(quality: Any, fixed: Any = None) -> list[str]:
    tfidf, glove = quality.loc["TF-IDF"], quality.loc["GloVe 6B 50d, averaged"]
    both = tfidf.notna() & glove.notna()
    return sorted(tfidf.index[both & (tfidf > glove)])


def _check_tfidf_wins(answer: Any, quality: Any, fixed: Any = None) -> None:
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise NotYet("give a list of column names, e.g. ['wiki_mrr'].")
    given = sorted(str(a) for a in answer)
    right = _solve_tfidf_wins(quality)
    if given != right:
        raise NotYet("compare quality.loc['TF-IDF'] with quality.loc['GloVe 6B 50d, averaged'] column by column, "
                     "skip columns where either is NaN, and sort the names.")


# ---------------------------------------------------------------- 07.3 Pareto front
def _solve_pareto(quality: Any, fixed: Any) -> list[str]:
    score, size = quality["lee_pearson"], fixed["disk_mb"]
    names = list(score.index)
    front = []
    for a in names:
        dominated = any(score[b] >= score[a] and size[b] <= size[a] and (score[b] > score[a] or size[b] < size[a])
                        for b in names if b != a)
        if not dominated:
            front.append(a)
    return sorted(front)


def _check_pareto(answer: Any, quality: Any, fixed: Any) -> None:
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        raise NotYet("give a list of representation names.")
    given = sorted(str(a) for a in answer)
    right = _solve_pareto(quality, fixed)
    if given == sorted(quality.index):
        raise NotYet("not every representation is on the front: look for one that another beats on both quality and size.")
    if given != right:
        raise NotYet("for each representation, look for another that is >= on lee_pearson and <= on disk_mb, and "
                     "strictly better on one of them; keep those for which none exists.")


EXERCISES = [
    Exercise(id="07.1", title="The best representation for each document task", check=_check_best,
             solution=_solve_best, context=_quality_context,
             wrong=lambda quality, fixed=None: dict.fromkeys(DOC_COLUMNS, quality.index[0])),
    Exercise(id="07.2", title="Where TF-IDF beats averaged GloVe", check=_check_tfidf_wins,
             solution=_solve_tfidf_wins, context=_quality_context,
             wrong=lambda quality, fixed=None: sorted(quality.columns)),
    Exercise(id="07.3", title="The Pareto front of quality and size", check=_check_pareto,
             solution=_solve_pareto, context=_quality_context,
             wrong=lambda quality, fixed: sorted(quality.index)),
]
