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
from typing import Any

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
    """What a check says: status is 'correct', 'not attempted' or 'not yet'."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when the answer was accepted."""
        return self.status == "correct"

    def __repr__(self) -> str:
        icon = {"correct": "✅", "not attempted": "⏳", "not yet": "❌"}[self.status]
        return f"{icon} Exercise {self.exercise}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {"correct": "#1b7f3b", "not attempted": "#8a6d00", "not yet": "#b3261e"}[self.status]
        return f'<div style="color:{colour};font-size:1.05em">{html.escape(repr(self))}</div>'


def get_exercise(exercise_id: str) -> Exercise:
    """Look an exercise up by id such as '02.3'. Taught in notebooks/00_welcome.ipynb."""
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


def check(exercise_id: str, answer: Any, **context: Any) -> Feedback:
    """Check an answer: correct, not attempted yet (None or ...), or a hint. Taught in notebooks/00_welcome.ipynb."""
    exercise = get_exercise(exercise_id)
    if answer is None or answer is Ellipsis:
        return Feedback(exercise_id, "not attempted", "not attempted yet: replace None with your answer and run the cell again.")
    try:
        exercise.check(answer, **context)
    except NotYet as hint:
        return Feedback(exercise_id, "not yet", f"not yet. Hint: {hint}")
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as err:
        return Feedback(exercise_id, "not yet", f"not yet: your answer has the wrong type or shape ({type(err).__name__}: {err}).")
    return Feedback(exercise_id, "correct", "correct, well done!")


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
    """Every exercise of every notebook, for the tests. Taught in notebooks/00_welcome.ipynb."""
    import pkgutil

    from course_utils import exercise_bank

    found: list[Exercise] = []
    for info in sorted(pkgutil.iter_modules(exercise_bank.__path__), key=lambda m: m.name):
        found.extend(importlib.import_module(f"course_utils.exercise_bank.{info.name}").EXERCISES)
    return found
