"""Exercises with self-checks and hidden solutions, from one source. Taught in notebooks/00_welcome.ipynb.

Each notebook's exercises live in ``course_utils/exercise_bank/nbNN.py`` as a list ``EXERCISES`` of
:class:`Exercise`. Its check, its hint and its solution sit together; the notebook shows only the task,
a place for the answer and a ``check(...)`` call. ``solution(...)`` reveals the solution on request.
"""

from __future__ import annotations

import html
import importlib
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.errors import UnknownNameError


class NotYet(Exception):
    """Raised by a check when an answer is wrong; its message is the hint shown to the learner."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: check(answer, **context) raises NotYet with a hint; solution(**context) returns a right answer.

    ``context`` builds the objects the notebook has at that point (for the tests); ``wrong`` returns
    a plausible wrong answer, so the tests prove the check can fail.
    """

    id: str
    title: str
    check: Callable[..., None]
    solution: Callable[..., Any]
    context: Callable[[], dict[str, Any]] = field(default=dict)
    wrong: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Feedback:
    """What a check says: 'correct', 'not attempted', 'not yet', 'recorded' (a prediction) or 'notebook error'."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when the answer was accepted."""
        return self.status == "correct"

    def __repr__(self) -> str:
        icon = {"correct": "✅", "not attempted": "⏳", "not yet": "❌", "recorded": "📝", "notebook error": "⚠️"}[self.status]
        return f"{icon} Exercise {self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {"correct": "#1b7f3b", "not attempted": "#8a6d00", "not yet": "#b3261e", "recorded": "#1f4e99",
                  "notebook error": "#6b3fa0"}[self.status]
        return f'<div style="color:{colour};font-size:1.05em">{html.escape(repr(self))}</div>'


def get_exercise(exercise_id: str) -> Exercise:
    """Look an exercise up by id such as "02.3". Internal to course_utils (check, solution and the tests)."""
    notebook = str(exercise_id).split(".")[0]
    try:
        module = importlib.import_module(f"course_utils.exercise_bank.nb{notebook}")
    except ModuleNotFoundError:
        raise UnknownNameError(f"No exercises for notebook {notebook!r}; ids look like '02.1'.") from None
    for exercise in module.EXERCISES:
        if exercise.id == exercise_id:
            return exercise
    ids = ", ".join(e.id for e in module.EXERCISES)
    raise UnknownNameError(f"Unknown exercise {exercise_id!r}; this notebook has: {ids}.")


def _bind(exercise: Exercise, answer: Any, context: dict[str, Any]) -> str | None:
    """None if check(answer, **context) fits the check's signature, else what the notebook got wrong."""
    try:
        inspect.signature(exercise.check).bind(answer, **context)
    except TypeError as err:
        wanted = [p for p in inspect.signature(exercise.check).parameters][1:]
        given = sorted(context)
        return (f"the notebook calls this check with {given or 'no context'}, but it needs {wanted} ({err}). "
                "This is the notebook's mistake, not yours: please report it.")
    return None


def _learner_frame(err: BaseException) -> bool:
    """True when the exception went through code of the learner's (a notebook cell), not only course or library code."""
    import sys

    outside = [str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}]
    package = str(Path(__file__).resolve().parent)
    tb = err.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith("<"):
            where = str(Path(filename).resolve())
            if not where.startswith(package) and not any(where.startswith(o) for o in outside):
                return True
        tb = tb.tb_next
    return False


def check(exercise_id: str, answer: Any, **context: Any) -> Feedback:
    """Check an answer: correct, not attempted yet (None or ...), or a hint. Taught in notebooks/00_welcome.ipynb.

    A context that does not fit the check is the notebook's error and is reported as such; an exception
    raised inside the learner's own function is reported by name, never as a traceback.
    """
    exercise = get_exercise(exercise_id)
    if answer is None or answer is Ellipsis:
        return Feedback(exercise_id, "not attempted",
                        "not attempted yet: replace None with your answer and run the cell again.")
    problem = _bind(exercise, answer, context)
    if problem:
        return Feedback(exercise_id, "notebook error", problem)
    try:
        exercise.check(answer, **context)
    except NotYet as hint:
        return Feedback(exercise_id, "not yet", f"not yet. Hint: {hint}")
    except Exception as err:  # noqa: BLE001 - any error in the learner's code becomes feedback, not a traceback
        if _learner_frame(err):
            return Feedback(exercise_id, "not yet",
                            f"not yet: your code raised {type(err).__name__}: {err}. Fix it and run the cell again.")
        if isinstance(err, (TypeError, ValueError, KeyError, IndexError, AttributeError)):
            return Feedback(exercise_id, "not yet", "not yet: your answer has the wrong type or shape "
                            f"({type(err).__name__}: {err}).")
        raise
    return Feedback(exercise_id, "correct", "correct, well done!")


# ---------------------------------------------------------------- answer readers for the checks
def as_number(answer: Any, what: str = "a number", *, integer: bool = False) -> float:
    """Read a number; NaN, inf, bools and strings are refused. Internal to course_utils (the exercise bank).

    Accepts int, float, numpy scalars and 0-d arrays. With ``integer=True`` a float is accepted only if it is a
    whole number (2.0, not 2.9).
    """
    if isinstance(answer, (bool, np.bool_)) or isinstance(answer, str):
        raise NotYet(f"give {what} as a number, not {type(answer).__name__} {answer!r}.")
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(-1)[0]
    if hasattr(answer, "item") and not isinstance(answer, (int, float)):
        try:
            answer = answer.item()
        except (TypeError, ValueError):
            pass
    if not isinstance(answer, (int, float, np.integer, np.floating)):
        raise NotYet(f"give {what} as a number, not {type(answer).__name__}.")
    value = float(answer)
    if not np.isfinite(value):
        raise NotYet(f"{what} must be a finite number, not {value}: check for a division by zero.")
    if integer and value != round(value):
        raise NotYet(f"{what} is a whole number (a count or an index), not {value}.")
    return int(round(value)) if integer else value


def close_to(answer: Any, right: float, decimals: int, what: str = "your answer") -> bool:
    """True if a number equals `right` rounded to `decimals` places. Internal to course_utils (the exercise bank)."""
    value = as_number(answer, what)
    return abs(value - float(right)) <= 0.5 * 10 ** (-decimals) + 1e-12


def as_vector(answer: Any, what: str = "the vector", *, dim: int | None = None, direction: bool = False) -> np.ndarray:
    """Read a 1-D vector; NaN/inf refused, and a zero vector as a direction. Internal to course_utils (the exercise bank).

    Accepts lists, tuples, arrays, tensors, Series and one-row matrices.
    """
    if hasattr(answer, "detach"):
        answer = answer.detach().cpu().numpy()
    if isinstance(answer, str) or np.isscalar(answer):
        raise NotYet(f"give {what} as a list or array of numbers.")
    try:
        vector = np.asarray(answer, dtype=float).reshape(-1) if np.ndim(answer) <= 2 else None
    except (TypeError, ValueError):
        vector = None
    if vector is None or (np.ndim(answer) == 2 and 1 not in np.shape(answer)):
        raise NotYet(f"give {what} as one row of numbers (a 1-D array).")
    if dim is not None and vector.shape != (dim,):
        raise NotYet(f"{what} must have {dim} numbers, yours has {vector.size}.")
    if not np.all(np.isfinite(vector)):
        raise NotYet(f"{what} holds NaN or infinite values: check for a division by zero.")
    if direction and not np.linalg.norm(vector) > 1e-9:
        raise NotYet(f"{what} is all zeros, which has no direction (its cosine with anything is undefined).")
    return vector


def as_items(answer: Any, what: str = "your answer") -> list[Any]:
    """Read an ordered collection as a list; one string is one item. Internal to course_utils (the exercise bank).

    Accepts lists, tuples, arrays, Series and Index; numpy scalars become Python values.
    """
    if isinstance(answer, (str, int, float, np.integer, np.floating)) and not isinstance(answer, bool):
        return [answer.item() if hasattr(answer, "item") else answer]
    if isinstance(answer, dict):
        raise NotYet(f"give {what} as a list, not a dict.")
    if hasattr(answer, "tolist"):
        answer = answer.tolist()
    try:
        items = list(answer)
    except TypeError:
        raise NotYet(f"give {what} as a list.") from None
    return [item.item() if hasattr(item, "item") else item for item in items]


def as_set(answer: Any, what: str = "your answer") -> set[Any]:
    """Read an unordered collection as a set; one string is one item. Internal to course_utils (the exercise bank)."""
    if isinstance(answer, (set, frozenset)):
        return set(answer)
    return set(as_items(answer, what))


def as_choice(answer: Any, options: dict[str, str]) -> str:
    """Read a multiple-choice answer: a letter in any case or the option's text. Internal to course_utils (the exercise bank)."""
    if not isinstance(answer, str):
        raise NotYet(f"give the letter of one option as a string, e.g. {sorted(options)[0]!r}.")
    key = answer.strip().lower()
    lowered = {k.lower(): k for k in options}
    if key in lowered:
        return lowered[key]
    for k, text in options.items():
        if key == text.strip().lower():
            return k
    raise NotYet(f"choose one of {', '.join(repr(k) for k in options)}.")


def one_right_option(options: dict[str, str], right: str,
                     why_not: dict[str, str]) -> tuple[Callable[[Any], None], Callable[[], str]]:
    """The check and the solution of a multiple-choice question with one right option. Internal to course_utils (the bank).

    ``why_not`` explains every wrong option (what in the notebook's output rules it out); a bank that misses one
    fails when it is built, not when a learner picks it.
    """
    _require_options(options, [right], why_not)

    def check(answer: Any) -> None:
        choice = as_choice(answer, options)
        if choice != right:
            raise NotYet(f"not {choice!r}: {why_not[choice]}")

    def solution() -> str:
        return right

    return check, solution


def predicted_band(options: dict[str, str], band: Callable[[float], str], explain: Callable[[str, str, float], str],
                   what: str) -> tuple[Callable[[Any, Any], None], Callable[[Any], str], Callable[[Any], str]]:
    """Check, solution and a wrong answer for "predict which band the measurement falls in". Internal to course_utils (the bank).

    ``band(value)`` names the option the measured value belongs to; ``explain(choice, right, value)`` says why the
    learner's choice does not match this run's measurement. The check reads the measurement of the learner's own run,
    so the right answer follows what the notebook printed.
    """
    _require_options(options, [], None)

    def check(answer: Any, measured: Any) -> None:
        choice = as_choice(answer, options)
        value = as_number(measured, what)
        right = band(value)
        if choice != right:
            raise NotYet(explain(choice, right, value))

    def solution(measured: Any) -> str:
        return band(float(measured))

    def wrong(measured: Any) -> str:
        return next(key for key in options if key != band(float(measured)))

    return check, solution, wrong


def _require_options(options: dict[str, str], right: list[str], why_not: dict[str, str] | None) -> None:
    """The author's side of a multiple-choice question is complete (raised when the bank is imported)."""
    missing = [key for key in right if key not in options]
    unexplained = [key for key in options if key not in right and key not in why_not] if why_not is not None else []
    if missing or unexplained:
        raise ValueError(f"exercise bank error: right option(s) {missing} are not among {sorted(options)}, or wrong "
                         f"option(s) {unexplained} have no explanation.")


def call_learner(function: Any, *args: Any, what: str = "your function", **kwargs: Any) -> Any:
    """Call the learner's function; a crash in it becomes a hint. Internal to course_utils (the exercise bank)."""
    if not callable(function):
        raise NotYet(f"give {what} itself (its name, without calling it), e.g. answer = my_function.")
    try:
        return function(*args, **kwargs)
    except NotYet:
        raise
    except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
        raise NotYet(f"{what} raised {type(err).__name__}: {err}.") from None


_PREDICTIONS: dict[str, Any] = {}


def predict(exercise_id: str, prediction: Any) -> Feedback:
    """Commit to a prediction before the cell that measures it; the later check compares. Taught in notebooks/00_welcome.ipynb.

    The first prediction counts: predicting again after seeing the result does not replace it (restart the
    kernel to start over).
    """
    get_exercise(exercise_id)
    if prediction is None or prediction is Ellipsis:
        return Feedback(exercise_id, "not attempted", "no prediction yet: replace None with your guess and run the cell.")
    if exercise_id in _PREDICTIONS and _PREDICTIONS[exercise_id] != prediction:
        return Feedback(exercise_id, "recorded", f"you already predicted {_PREDICTIONS[exercise_id]!r}; that one counts.")
    _PREDICTIONS[exercise_id] = prediction
    return Feedback(exercise_id, "recorded", f"prediction {prediction!r} recorded: now run the next cells.")


def committed_prediction(exercise_id: str, fallback: Any = None) -> Any:
    """The prediction predict() recorded for this exercise (or `fallback`). Internal to course_utils (the exercise bank)."""
    return _PREDICTIONS.get(exercise_id, fallback)


def solved_answer(exercise_id: str, **context: Any) -> Any:
    """The bank's solution on the notebook's own objects (the solved view). Internal to course_utils (the exercise bank)."""
    return get_exercise(exercise_id).solution(**context)


@dataclass(frozen=True)
class Solution:
    """A revealed solution: its source code, shown folded in HTML."""

    exercise: Exercise

    @property
    def source(self) -> str:
        """The solution function's source code."""
        return textwrap.dedent(inspect.getsource(self.exercise.solution))

    def __repr__(self) -> str:
        return f"Solution to exercise {self.exercise.id} ({self.exercise.title}):\n{self.source}"

    def _repr_html_(self) -> str:
        return (f"<details open><summary><b>Solution to exercise {self.exercise.id}</b>: "
                f"{html.escape(self.exercise.title)}</summary><pre>{html.escape(self.source)}</pre></details>")


def solution(exercise_id: str) -> Solution:
    """Reveal the solution of an exercise (only when you ask). Taught in notebooks/00_welcome.ipynb."""
    return Solution(get_exercise(exercise_id))


def all_exercises() -> list[Exercise]:
    """Every exercise of every notebook. Internal to course_utils (the tests)."""
    import pkgutil

    from course_utils import exercise_bank

    found: list[Exercise] = []
    for info in sorted(pkgutil.iter_modules(exercise_bank.__path__), key=lambda m: m.name):
        found.extend(importlib.import_module(f"course_utils.exercise_bank.{info.name}").EXERCISES)
    return found
