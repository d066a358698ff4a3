"""Small ipywidgets front-ends for functions the notebooks teach. Taught in notebooks/02_bow_tfidf.ipynb.

The function behind a widget is always a plain, testable function of the notebook; the widget only
calls it and shows what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def search_box(search: Callable[[str], Any], placeholder: str = "type a query, press Enter",
               description: str = "Query:") -> Any:
    """A text box that runs search(query) on Enter and shows its result below. Taught in notebooks/02_bow_tfidf.ipynb.

    Nothing runs until the learner types, so the stored notebook shows the same output under any front-end.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from course_utils.errors import CourseError

    box = widgets.Text(value="", placeholder=placeholder, description=description,
                       layout=widgets.Layout(width="60%"), continuous_update=False)
    output = widgets.Output()

    def run(change: Any = None) -> None:
        output.clear_output()
        with output:
            query = box.value
            if not query.strip():
                print("Type a query above and press Enter.")
                return
            try:
                display(search(query))
            except CourseError as err:
                print(f"{type(err).__name__}: {err}")

    box.observe(run, names="value")
    return widgets.VBox([box, output])
