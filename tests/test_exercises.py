import pytest

from course_utils.errors import UnknownNameError
from course_utils.exercises import Feedback, NotYet, all_exercises, check, get_exercise, solution

EXERCISES = all_exercises()


def test_every_notebook_with_exercises_has_at_least_three():
    per_notebook = {}
    for exercise in EXERCISES:
        per_notebook.setdefault(exercise.id.split(".")[0], []).append(exercise.id)
    assert per_notebook, "no exercises found"
    for notebook, ids in per_notebook.items():
        assert len(ids) >= 3, f"notebook {notebook} has only {ids}"
        assert len(set(ids)) == len(ids), f"duplicate ids in notebook {notebook}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_solution_passes_unattempted_says_so_and_wrong_fails(exercise):
    context = exercise.context()
    right = exercise.solution(**context)
    assert check(exercise.id, right, **context).passed, f"the solution of {exercise.id} fails its own check"
    assert check(exercise.id, None, **context).status == "not attempted"
    assert exercise.wrong is not None, f"{exercise.id} needs a wrong answer to prove its check can fail"
    feedback = check(exercise.id, exercise.wrong(**context), **context)
    assert feedback.status == "not yet" and "Hint" in feedback.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_solution_is_revealed_as_source(exercise):
    shown = solution(exercise.id)
    assert "def " in shown.source and exercise.id in repr(shown) and "<details" in shown._repr_html_()


def test_wrong_type_gives_feedback_not_a_crash():
    feedback = check("00.3", "fifty", docs=list(range(50)), human=None)
    assert feedback.status == "not yet"


def test_unknown_exercise_ids():
    with pytest.raises(UnknownNameError, match="00.1"):
        get_exercise("00.99")
    with pytest.raises(UnknownNameError, match="ids look like"):
        get_exercise("99.1")


def test_feedback_renders_in_text_and_html():
    fb = Feedback("00.1", "correct", "correct, well done!")
    assert repr(fb).startswith("✅") and "well done" in fb._repr_html_()


# ---------------------------------------------------------------- the checker's own rules
import numpy as np  # noqa: E402

from course_utils import exercises as ex  # noqa: E402


def _fake(monkeypatch, check_fn, solution_fn=lambda **kw: 1):
    exercise = ex.Exercise("99.9", "fake", check_fn, solution_fn)
    monkeypatch.setattr(ex, "get_exercise", lambda exercise_id: exercise)
    return exercise


def test_a_context_that_does_not_fit_is_the_notebooks_error_not_the_learners(monkeypatch):
    def check_count(answer, docs):
        if ex.as_number(answer, integer=True) != len(docs):
            raise ex.NotYet("count again.")

    _fake(monkeypatch, check_count)
    feedback = ex.check("99.9", 3, documents=[1, 2, 3])  # misnamed keyword
    assert feedback.status == "notebook error" and "notebook's mistake" in feedback.message and "docs" in feedback.message
    assert not feedback.passed and "⚠️" in repr(feedback)
    assert ex.check("99.9", 3, docs=[1, 2, 3]).passed


def test_an_exception_in_the_learners_function_is_named_not_raised(monkeypatch):
    def check_fn(answer):
        ex.call_learner(answer, [1, 2])

    def broken(values):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    _fake(monkeypatch, check_fn)
    feedback = ex.check("99.9", broken)
    assert feedback.status == "not yet" and "RuntimeError" in feedback.message and "mat1" in feedback.message

    def check_direct(answer):
        answer([1, 2])  # a check that forgot call_learner: the learner's frame is still recognised

    _fake(monkeypatch, check_direct)
    feedback = ex.check("99.9", broken)
    assert feedback.status == "not yet" and "your code raised RuntimeError" in feedback.message


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float64("nan"), "3", True, [3]])
def test_as_number_refuses_what_is_not_a_finite_number(bad):
    with pytest.raises(ex.NotYet):
        ex.as_number(bad)


def test_as_number_accepts_numpy_scalars_and_refuses_truncation():
    assert ex.as_number(np.int64(7), integer=True) == 7
    assert ex.as_number(np.array(2.5)) == 2.5
    assert ex.as_number(7.0, integer=True) == 7
    with pytest.raises(ex.NotYet, match="whole number"):
        ex.as_number(7.9, integer=True)
    assert ex.close_to(0.8164, 0.816, 3) and not ex.close_to(0.8174, 0.816, 3)


def test_as_vector_refuses_zero_directions_and_nan():
    with pytest.raises(ex.NotYet, match="all zeros"):
        ex.as_vector(np.zeros(50), direction=True)
    with pytest.raises(ex.NotYet, match="NaN"):
        ex.as_vector([1.0, float("nan")])
    with pytest.raises(ex.NotYet, match="50 numbers"):
        ex.as_vector(np.ones(49), dim=50)
    assert ex.as_vector(np.ones((1, 3))).shape == (3,)


def test_collections_and_choices_in_every_reasonable_form():
    import pandas as pd

    assert ex.as_set(("a", "b")) == ex.as_set(np.array(["b", "a"])) == ex.as_set(pd.Series(["a", "b"])) == {"a", "b"}
    assert ex.as_set("nurse") == {"nurse"}  # one string is one item, never its characters
    assert ex.as_items(np.array([1, 2])) == [1, 2] and type(ex.as_items(np.array([1, 2]))[0]) is int
    options = {"a": "more data", "b": "more epochs"}
    assert ex.as_choice(" B ", options) == "b" and ex.as_choice("more data", options) == "a"
    with pytest.raises(ex.NotYet, match="'a', 'b'"):
        ex.as_choice("c", options)


def test_a_prediction_is_committed_once(monkeypatch):
    _fake(monkeypatch, lambda answer: None)
    monkeypatch.setattr(ex, "_PREDICTIONS", {})
    assert ex.predict("99.9", None).status == "not attempted"
    assert ex.predict("99.9", 0.5).status == "recorded"
    again = ex.predict("99.9", 0.9)
    assert "already predicted 0.5" in again.message and ex.committed_prediction("99.9") == 0.5


def test_one_right_option_refuses_an_incomplete_question_when_the_bank_is_built():
    from course_utils.exercises import one_right_option

    options = {"a": "one", "b": "two", "c": "three"}
    with pytest.raises(ValueError, match="no explanation"):
        one_right_option(options, "b", {"a": "why not a"})  # c is not explained
    with pytest.raises(ValueError, match="not among"):
        one_right_option(options, "d", {"a": "x", "b": "y", "c": "z"})
    check, solution = one_right_option(options, "b", {"a": "why not a", "c": "why not c"})
    assert solution() == "b" and check("B") is None
    with pytest.raises(NotYet, match="why not c"):
        check("c")


def test_predicted_band_follows_the_measurement_of_the_learners_run():
    from course_utils.exercises import predicted_band

    options = {"a": "low", "b": "high"}
    check, solution, wrong = predicted_band(options, lambda v: "a" if v < 0.5 else "b",
                                            lambda choice, right, value: f"measured {value:.2f}, so {right}", "the value")
    assert solution(0.2) == "a" and solution(0.9) == "b"
    assert wrong(0.2) == "b" and wrong(0.9) == "a"
    assert check("a", 0.2) is None
    with pytest.raises(NotYet, match="measured 0.90, so b"):
        check("a", 0.9)
