"""Plot helpers: one readable style and the course's recurring figures. Taught in notebooks/01_one_hot.ipynb."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def use_course_style() -> None:
    """Readable fonts and sizes for every figure (call once per notebook). Taught in notebooks/01_one_hot.ipynb."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (7, 4.5), "figure.dpi": 90, "font.size": 12, "axes.titlesize": 14,
        "axes.labelsize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11,
        "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
    })


def heatmap(matrix: np.ndarray, row_labels: Sequence[str], col_labels: Sequence[str] | None = None,
            title: str = "", cbar_label: str = "cosine similarity", ax: Any = None, fmt: str = ".2f",
            vmin: float | None = None, vmax: float | None = None) -> Any:
    """A labelled heatmap with values written in the cells. Taught in notebooks/01_one_hot.ipynb."""
    import matplotlib.pyplot as plt

    from course_utils.errors import CourseError

    try:
        matrix = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        raise CourseError(f"matrix must be a 2-D array of numbers, got {type(matrix).__name__}.") from None
    if matrix.ndim != 2 or not matrix.size:
        raise CourseError(f"matrix must be a non-empty 2-D array, got shape {matrix.shape}.")
    if isinstance(row_labels, str) or isinstance(col_labels, str):
        raise CourseError("row_labels and col_labels must be lists of labels, not one string.")
    row_labels = list(row_labels)
    col_labels = row_labels if col_labels is None else list(col_labels)
    if len(row_labels) != matrix.shape[0] or len(col_labels) != matrix.shape[1]:
        raise CourseError(f"A {matrix.shape[0]} x {matrix.shape[1]} matrix needs {matrix.shape[0]} row_labels and "
                          f"{matrix.shape[1]} col_labels, got {len(row_labels)} and {len(col_labels)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(1 + 0.7 * len(col_labels), 0.8 + 0.55 * len(row_labels)))
    image = ax.imshow(matrix, cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), row_labels)
    ax.grid(False)
    if matrix.size <= 400 and np.isfinite(matrix).any():
        mid = np.nanmean(matrix)
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, format(value, fmt), ha="center", va="center", fontsize=9,
                    color="black" if value > mid else "white")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, label=cbar_label)
    return ax
