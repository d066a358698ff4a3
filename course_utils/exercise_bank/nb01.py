"""Exercises of notebooks/01_one_hot.ipynb."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet
from course_utils.text import tokenize


# ---------------------------------------------------------------- 01.1 vocabulary of the background corpus
def _background_context() -> dict[str, Any]:
    from course_utils.data import load_lee_background

    return {"background": load_lee_background()}


def _check_background(answer: Any, background: list[str]) -> None:
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise NotYet("give two numbers as a tuple: (vocabulary_size, words_seen_once).")
    size, once = (int(x) for x in answer)
    counts = Counter(t for doc in background for t in tokenize(doc))
    if size != len(counts):
        if size == len({w for doc in background for w in doc.split()}):
            raise NotYet("you split on spaces: use tokenize(doc), which lower-cases and drops punctuation.")
        raise NotYet("count distinct tokens over all 300 documents: len(Counter(all tokens)).")
    if once != sum(1 for n in counts.values() if n == 1):
        raise NotYet("the vocabulary size is right; now count the words whose count is exactly 1.")


def _solve_background(background: list[str]) -> tuple[int, int]:
    counts = Counter(token for doc in background for token in tokenize(doc))
    return len(counts), sum(1 for n in counts.values() if n == 1)


def _wrong_background(background: list[str]) -> tuple[int, int]:
    words = Counter(w for doc in background for w in doc.split())
    return len(words), sum(1 for n in words.values() if n == 1)


# ---------------------------------------------------------------- 01.2 one-hot by hand
SENTENCE = "The cat sat on the mat"


def _expected_one_hot() -> np.ndarray:
    tokens = tokenize(SENTENCE)
    vocab = {w: i for i, w in enumerate(sorted(set(tokens)))}
    matrix = np.zeros((len(tokens), len(vocab)))
    matrix[np.arange(len(tokens)), [vocab[t] for t in tokens]] = 1
    return matrix


def _check_one_hot(answer: Any) -> None:
    expected = _expected_one_hot()
    answer = np.asarray(answer)
    if answer.shape != expected.shape:
        raise NotYet(f"expected shape {expected.shape} (6 tokens x 5 distinct words, 'the' twice), got {answer.shape}; "
                     "did you lower-case with tokenize()?")
    if not set(np.unique(answer)) <= {0, 1} or not np.all(answer.sum(axis=1) == 1):
        raise NotYet("each row must contain exactly one 1 and zeros elsewhere.")
    if not np.array_equal(answer, expected):
        raise NotYet("the 1s are in the wrong columns: number the words alphabetically, so 'cat' is column 0.")


def _solve_one_hot() -> np.ndarray:
    tokens = tokenize("The cat sat on the mat")
    vocab = {word: i for i, word in enumerate(sorted(set(tokens)))}
    matrix = np.zeros((len(tokens), len(vocab)))
    matrix[np.arange(len(tokens)), [vocab[t] for t in tokens]] = 1
    return matrix


def _wrong_one_hot() -> np.ndarray:
    tokens = tokenize(SENTENCE)
    vocab = {w: i for i, w in enumerate(dict.fromkeys(tokens))}  # order of appearance, not alphabetical
    matrix = np.zeros((len(tokens), len(vocab)))
    matrix[np.arange(len(tokens)), [vocab[t] for t in tokens]] = 1
    return matrix


# ---------------------------------------------------------------- 01.3 dense memory
def _lee_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    docs, _ = load_lee()
    return {"lee_tokens": [tokenize(d) for d in docs]}


def _check_memory(answer: Any, lee_tokens: list[list[str]]) -> None:
    n_tokens = sum(len(doc) for doc in lee_tokens)
    n_words = len({t for doc in lee_tokens for t in doc})
    value = int(answer)
    if value == n_tokens * n_words * 8:
        raise NotYet("that is float64 (8 bytes per number); the one-hot matrix is float32.")
    if value == len(lee_tokens) * n_words * 4:
        raise NotYet("that is one row per document; a one-hot matrix has one row per token.")
    if value != n_tokens * n_words * 4:
        raise NotYet("bytes = (number of tokens) x (vocabulary size) x 4 bytes per float32.")


def _solve_memory(lee_tokens: list[list[str]]) -> int:
    n_tokens = sum(len(doc) for doc in lee_tokens)
    n_words = len({token for doc in lee_tokens for token in doc})
    return n_tokens * n_words * np.dtype(np.float32).itemsize


# ---------------------------------------------------------------- 01.4 shared words
def _check_shared(answer: Any, lee_tokens: list[list[str]]) -> None:
    a, b = set(lee_tokens[0]), set(lee_tokens[1])
    value = int(answer)
    if value == len(a | b):
        raise NotYet("that is the union (words in either document); the dot product is 1 only where both rows are 1.")
    if value != len(a & b):
        raise NotYet("a binary row has 1 for each word the document contains; B[0] @ B[1] adds 1 per word in both.")


def _solve_shared(lee_tokens: list[list[str]]) -> int:
    return len(set(lee_tokens[0]) & set(lee_tokens[1]))


EXERCISES = [
    Exercise(id="01.1", title="Vocabulary size and words seen once in the Lee background corpus",
             check=_check_background, solution=_solve_background, context=_background_context, wrong=_wrong_background),
    Exercise(id="01.2", title="One-hot encode 'The cat sat on the mat' by hand",
             check=_check_one_hot, solution=_solve_one_hot, wrong=_wrong_one_hot),
    Exercise(id="01.3", title="Bytes of a dense float32 one-hot matrix of the Lee documents",
             check=_check_memory, solution=_solve_memory, context=_lee_context,
             wrong=lambda lee_tokens: _solve_memory(lee_tokens) * 2),
    Exercise(id="01.4", title="What the dot product of two binary bag-of-words rows counts",
             check=_check_shared, solution=_solve_shared, context=_lee_context,
             wrong=lambda lee_tokens: len(set(lee_tokens[0]) | set(lee_tokens[1]))),
]
