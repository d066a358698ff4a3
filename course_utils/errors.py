"""Errors that tell the learner what to do next. Taught in notebooks/00_welcome.ipynb."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CourseError(ValueError):
    """Base class of the course's errors: the message always says how to fix the problem."""


class UnknownWordError(CourseError, KeyError):
    """A word is not in a model's vocabulary."""

    def __str__(self) -> str:  # KeyError would otherwise wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class OfflineError(CourseError, RuntimeError):
    """Something needs the internet and this machine is offline."""


class UnknownNameError(CourseError, KeyError):
    """An unknown dataset, model or exercise name."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def close_matches(word: str, vocabulary: Iterable[str], n: int = 5) -> list[str]:
    """Up to n vocabulary entries spelt like `word`. Taught in notebooks/00_welcome.ipynb."""
    return difflib.get_close_matches(word, list(vocabulary), n=n, cutoff=0.75)


def unknown_word(word: str, vocabulary: Iterable[str], what: str = "the vocabulary") -> UnknownWordError:
    """An UnknownWordError with spelling suggestions. Taught in notebooks/00_welcome.ipynb."""
    vocabulary = list(vocabulary)
    suggestions = close_matches(word.lower(), vocabulary)
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    lower = ""
    if word != word.lower() and word.lower() in set(vocabulary):
        lower = f" This model is lower-case: try {word.lower()!r}."
        hint = ""
    return UnknownWordError(f"{word!r} is not in {what}.{lower}{hint}")


def require_text(text: object, what: str = "text") -> str:
    """Return `text` if it is a non-empty string, else raise a CourseError. Taught in notebooks/00_welcome.ipynb."""
    if not isinstance(text, str):
        raise CourseError(f"{what} must be a string, got {type(text).__name__}: pass text such as 'the cat sat'.")
    if not text.strip():
        raise CourseError(f"{what} is empty: pass at least one word.")
    return text


def require_texts(texts: object, what: str = "texts") -> list[str]:
    """Return `texts` as a list of non-empty strings, else raise a CourseError. Taught in notebooks/00_welcome.ipynb."""
    if isinstance(texts, str):
        raise CourseError(f"{what} must be a list of strings, not one string: wrap it as [{texts[:30]!r}].")
    try:
        items = list(texts)  # type: ignore[call-overload]
    except TypeError:
        raise CourseError(f"{what} must be a list of strings, got {type(texts).__name__}.") from None
    if not items:
        raise CourseError(f"{what} is empty: pass at least one document.")
    for i, t in enumerate(items):
        require_text(t, f"{what}[{i}]")
    return items
