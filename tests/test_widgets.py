"""course_utils.widgets.search_box: the query box of notebooks/02_bow_tfidf.ipynb."""

from course_utils.errors import CourseError
from course_utils.widgets import search_box


def test_nothing_runs_until_the_learner_types():
    calls = []
    search_box(calls.append)
    assert calls == []


def test_enter_runs_the_search_with_the_query():
    calls = []
    widget = search_box(lambda query: calls.append(query) or f"results for {query}")
    widget.children[0].value = "moon landing"
    assert calls == ["moon landing"]


def test_course_errors_are_shown_not_raised(capsys):
    def failing(query):
        raise CourseError(f"No word of {query!r} is in the index: try other words.")

    widget = search_box(failing)
    widget.children[0].value = "the of and"
    assert "No word of 'the of and' is in the index" in capsys.readouterr().out
