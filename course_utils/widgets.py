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


def bias_explorer(spaces: Any, directions: dict[str, Any], tests: dict[str, dict[str, Any]]) -> Any:
    """An ipywidgets explorer of associations and projections. Taught in notebooks/10_bias.ipynb.

    Pick the vectors, the word sets (a preset test or your own) and a direction.

    ``spaces`` is one KeyedVectors or a dict {name: KeyedVectors} (e.g. the original and the hard-debiased
    vectors): the table is computed on the vectors picked, so "after debiasing" really reads debiased vectors.
    Computed by bias.explore; the returned box keeps the table on show in ``box.current["table"]`` (for tests and for reuse).
    """
    import ipywidgets as widgets
    from IPython.display import display

    from course_utils.bias import explore
    from course_utils.errors import CourseError, UnknownNameError

    if not isinstance(spaces, dict):
        spaces = {"vectors": spaces}
    if not spaces:
        raise UnknownNameError("Give at least one set of vectors, e.g. {'GloVe': kv, 'hard-debiased': debiased}.")
    if not directions:
        raise UnknownNameError("Give at least one direction, e.g. {'gender (she - he)': g}.")
    if not tests:
        raise UnknownNameError("Give at least one preset test, e.g. bias.load_weat_tests().")
    preset = widgets.Dropdown(options=list(tests), description="preset")
    boxes = {k: widgets.Textarea(layout=widgets.Layout(width="95%", height="48px"), description=d)
             for k, d in [("X", "targets"), ("A", "set A"), ("B", "set B")]}
    space = widgets.Dropdown(options=list(spaces), description="vectors")
    direction = widgets.Dropdown(options=list(directions), description="direction")
    out = widgets.Output()
    current: dict[str, Any] = {"table": None}

    def fill(_: Any = None) -> None:
        test = tests[preset.value]
        boxes["X"].value = ", ".join(list(test["X"]) + list(test["Y"]))
        boxes["A"].value, boxes["B"].value = ", ".join(test["A"]), ", ".join(test["B"])

    def show(_: Any = None) -> None:
        out.clear_output()
        with out:
            try:
                table = explore(spaces[space.value], boxes["X"].value, boxes["A"].value, boxes["B"].value,
                                directions[direction.value])
            except CourseError as err:
                current["table"] = None
                print(err)
                return
            current["table"] = table
            print(f"vectors: {space.value}; direction: {direction.value}")
            if table.attrs["missing"]:
                print("not in the vocabulary:", ", ".join(table.attrs["missing"]))
            display(table)

    preset.observe(lambda change: (fill(), show()), names="value")
    for w in (*boxes.values(), space, direction):
        w.observe(show, names="value")
    fill()
    show()
    box = widgets.VBox([preset, *boxes.values(), space, direction, out])
    box.current = current
    return box
