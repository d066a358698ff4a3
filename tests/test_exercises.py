import pytest

from course_utils.errors import UnknownNameError
from course_utils.exercises import Feedback, all_exercises, check, get_exercise, solution

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
