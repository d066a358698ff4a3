"""Errors that tell the learner what to do next, and the checks at the door of every course function.

Taught in notebooks/00_welcome.ipynb. Every public function of ``course_utils`` validates its arguments with
the ``require_*`` helpers here, so a bad argument fails at once with one sentence that names it.
"""

from __future__ import annotations

import difflib
import math
import numbers
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
    """Up to n vocabulary entries spelt like `word`. Internal to course_utils (unknown_word's suggestions)."""
    return difflib.get_close_matches(word, list(vocabulary), n=n, cutoff=0.75)


def unknown_word(word: str, vocabulary: Iterable[str], what: str = "the vocabulary") -> UnknownWordError:
    """An UnknownWordError with spelling suggestions. Taught in notebooks/01_one_hot.ipynb."""
    vocabulary = list(vocabulary)
    suggestions = close_matches(word.lower(), vocabulary)
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    lower = ""
    if word != word.lower() and word.lower() in set(vocabulary):
        lower = f" This model is lower-case: try {word.lower()!r}."
        hint = ""
    return UnknownWordError(f"{word!r} is not in {what}.{lower}{hint}")


def require_text(text: object, what: str = "text") -> str:
    """Return `text` if it is a non-empty string, else raise a CourseError. Taught in notebooks/02_bow_tfidf.ipynb."""
    if not isinstance(text, str):
        raise CourseError(f"{what} must be a string, got {type(text).__name__}: pass text such as 'the cat sat'.")
    if not text.strip():
        raise CourseError(f"{what} is empty: pass at least one word.")
    return text


def require_texts(texts: object, what: str = "texts") -> list[str]:
    """Return `texts` as a list of non-empty strings (a str is refused, never split). Internal to course_utils."""
    if isinstance(texts, str):
        raise CourseError(f"{what} must be a list of strings, not one string: wrap it as [{texts[:30]!r}].")
    if texts is None or isinstance(texts, bytes | dict) or not isinstance(texts, Iterable):
        raise CourseError(f"{what} must be a list of strings, got {type(texts).__name__}.")
    items = list(texts)
    if not items:
        raise CourseError(f"{what} is empty: pass at least one document.")
    for i, t in enumerate(items):
        require_text(t, f"{what}[{i}]")
    return items


def require_words(words: object, what: str = "words") -> list[str]:
    """Return `words` as a list of single words (a str is refused, never split). Internal to course_utils."""
    if isinstance(words, str):
        raise CourseError(f"{what} must be a list of words, not one string: write [{words[:30]!r}] "
                          f"or {words[:30]!r}.split().")
    items = require_texts(words, what)
    for i, w in enumerate(items):
        if len(w.split()) != 1:
            raise CourseError(f"{what}[{i}] = {w!r} is not one word: pass single words, e.g. {w.split()!r}.")
    return items


def require_sentences(sentences: object, what: str = "sentences") -> list[list[str]]:
    """Return tokenised sentences (lists of words); refuse strings, None, empty. Internal to course_utils."""
    if isinstance(sentences, str) or sentences is None or not isinstance(sentences, Iterable):
        raise CourseError(f"{what} must be a list of tokenised sentences (lists of words), got "
                          f"{type(sentences).__name__}: e.g. [tokenize(text) for text in texts].")
    items = list(sentences)
    if not items:
        raise CourseError(f"{what} is empty: pass a list of tokenised sentences, e.g. training_corpus().")
    for i, sentence in enumerate(items[:1000]):  # a cheap look at the start: the whole corpus may be large
        if isinstance(sentence, str) or not isinstance(sentence, list | tuple):
            raise CourseError(f"{what}[{i}] must be a list of words, got {type(sentence).__name__}: "
                              "tokenise each text first, e.g. tokenize(text).")
        if sentence and not isinstance(sentence[0], str):
            raise CourseError(f"{what}[{i}] must hold words (strings), got {type(sentence[0]).__name__}.")
    if not any(items):
        raise CourseError(f"{what} holds no words at all: check the texts you tokenised.")
    return items


def require_int(value: object, what: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return `value` as an int within [minimum, maximum], else a CourseError naming it. Internal to course_utils."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise CourseError(f"{what} must be a whole number, got {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise CourseError(f"{what} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise CourseError(f"{what} must be at most {maximum}, got {value}.")
    return value


def require_number(value: object, what: str, minimum: float | None = None, maximum: float | None = None,
                   strict: bool = False) -> float:
    """Return `value` as a finite float in range (strict: above minimum), else raise. Internal to course_utils."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CourseError(f"{what} must be a number, got {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise CourseError(f"{what} must be a finite number, got {value}.")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise CourseError(f"{what} must be {'above' if strict else 'at least'} {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise CourseError(f"{what} must be at most {maximum}, got {value}.")
    return value
