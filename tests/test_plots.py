"""course_utils.plots: the course style and a heatmap that refuses mislabelled figures."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.errors import CourseError  # noqa: E402
from course_utils.plots import heatmap, use_course_style  # noqa: E402


def test_heatmap_labels_every_row_and_column():
    ax = heatmap(np.eye(3), ["a", "b", "c"], title="t")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert len(ax.texts) == 9 and ax.get_title() == "t"


@pytest.mark.parametrize("matrix, rows, cols, message", [
    (np.eye(3), ["a", "b"], None, "needs 3 row_labels"),
    (np.ones((2, 3)), ["a", "b"], ["x", "y"], "3 col_labels"),
    (np.ones((2, 2)), "ab", None, "not one string"),
    (np.ones(3), ["a", "b", "c"], None, "2-D"),
    ([["x"]], ["a"], None, "numbers"),
])
def test_heatmap_with_wrong_labels_raises_instead_of_mislabelling(matrix, rows, cols, message):
    with pytest.raises(CourseError, match=message):
        heatmap(matrix, rows, cols)


def test_course_style_sets_readable_fonts():
    use_course_style()
    assert matplotlib.rcParams["font.size"] == 12
