"""Exercises of notebooks/01_one_hot.ipynb."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_items, as_number, call_learner, one_right_option
from course_utils.text import tokenize

# ---------------------------------------------------------------- 01.1 predict, then run: a text without spaces
CHINESE = "北京是中国的首都"  # "Beijing is the capital of China": five words, no spaces


def _chinese_context() -> dict[str, Any]:
    return {"text": CHINESE}


def _check_chinese(answer: Any, text: str) -> None:
    value = as_number(answer, "your prediction (a number of tokens)", integer=True)
    right = len(tokenize(text))
    if value != right:
        why = ("the regex keeps every run of letters, of any alphabet, and Chinese puts no spaces between words: the "
               "whole run of characters is one 'word'" if right == 1 else "it finds words by the spaces and "
               "punctuation between them, and Chinese has none")
        raise NotYet(f"tokenize gives {right} token(s) for {text!r}: {why}. A reader sees five words "
                     "(北京 / 是 / 中国 / 的 / 首都); finding them takes a segmenter.")


def _solve_chinese(text: str) -> int:
    return len(tokenize(text))


def _wrong_chinese(text: str) -> int:
    return len(text)  # one token per character


# ---------------------------------------------------------------- 01.2 vocabulary of the background corpus
def _background_context() -> dict[str, Any]:
    from course_utils.data import load_lee_background

    return {"background": load_lee_background()}


def _check_background(answer: Any, background: list[str]) -> None:
    if isinstance(answer, (set, frozenset, dict)):
        raise NotYet("the order matters: give a tuple (vocabulary_size, words_seen_once), not a set or a dict.")
    items = as_items(answer, "(vocabulary_size, words_seen_once)")
    if len(items) != 2:
        raise NotYet("give two numbers as a tuple: (vocabulary_size, words_seen_once).")
    size = as_number(items[0], "the vocabulary size", integer=True)
    once = as_number(items[1], "the number of words seen once", integer=True)
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


# ---------------------------------------------------------------- 01.3 build: one-hot encoder
HIDDEN_TOKEN_LISTS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["zebra", "apple", "zebra", "mango"],
    ["solo"],
    ["b", "a", "b", "a", "c", "c", "a"],
    ["zürich", "café", "apple"],
]


def _expected_one_hot(tokens: list[str]) -> np.ndarray:
    vocab = {w: i for i, w in enumerate(sorted(set(tokens)))}
    matrix = np.zeros((len(tokens), len(vocab)))
    matrix[np.arange(len(tokens)), [vocab[t] for t in tokens]] = 1
    return matrix


def _check_one_hot(answer: Any) -> None:
    from scipy import sparse

    for tokens in HIDDEN_TOKEN_LISTS:
        result = call_learner(answer, list(tokens), what="your one_hot_matrix")
        result = result.toarray() if sparse.issparse(result) else np.asarray(result, dtype=float)
        expected = _expected_one_hot(tokens)
        if result.shape != expected.shape:
            raise NotYet(f"for tokens {tokens} expected shape {expected.shape} (one row per token, one column per "
                         f"distinct word), got {result.shape}.")
        if not np.all(np.isfinite(result)) or not set(np.unique(result)) <= {0, 1} or not np.all(result.sum(axis=1) == 1):
            raise NotYet(f"for tokens {tokens}: each row must contain exactly one 1 and zeros elsewhere.")
        if not np.array_equal(result, expected):
            raise NotYet(f"for tokens {tokens} the 1s are in the wrong columns: number the distinct words in "
                         "alphabetical order (sorted(set(tokens))), as scikit-learn does.")


def _solve_one_hot() -> Any:
    def one_hot_matrix(tokens):
        vocab = {word: i for i, word in enumerate(sorted(set(tokens)))}
        matrix = np.zeros((len(tokens), len(vocab)))
        matrix[np.arange(len(tokens)), [vocab[t] for t in tokens]] = 1
        return matrix

    return one_hot_matrix


def _wrong_one_hot() -> Any:
    def in_order_of_appearance(tokens):
        vocab = {w: i for i, w in enumerate(dict.fromkeys(tokens))}  # not alphabetical
        matrix = np.zeros((len(tokens), len(vocab)))
        matrix[np.arange(len(tokens)), [vocab[t] for t in tokens]] = 1
        return matrix

    return in_order_of_appearance


# ---------------------------------------------------------------- 01.4 dense memory
def _lee_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    docs, _ = load_lee()
    return {"lee_tokens": [tokenize(d) for d in docs]}


def _check_memory(answer: Any, lee_tokens: list[list[str]]) -> None:
    n_tokens = sum(len(doc) for doc in lee_tokens)
    n_words = len({t for doc in lee_tokens for t in doc})
    value = as_number(answer, "the number of bytes", integer=True)
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


# ---------------------------------------------------------------- 01.5 shared words
def _check_shared(answer: Any, lee_tokens: list[list[str]]) -> None:
    a, b = set(lee_tokens[0]), set(lee_tokens[1])
    value = as_number(answer, "the dot product", integer=True)
    if value == len(a | b):
        raise NotYet("that is the union (words in either document); the dot product is 1 only where both rows are 1.")
    if value != len(a & b):
        raise NotYet("a binary row has 1 for each word the document contains; B[0] @ B[1] adds 1 per word in both.")


def _solve_shared(lee_tokens: list[list[str]]) -> int:
    return len(set(lee_tokens[0]) & set(lee_tokens[1]))


# ---------------------------------------------------------------- 01.6 interpret: the embedding lookup
LOOKUP_OPTIONS = {
    "a": "Multiplying by E gives one-hot vectors their meaning, so one-hot vectors were meaningful all along.",
    "b": "An embedding layer is a one-hot vector times a matrix, so what a word 'means' lives in the rows of E, "
         "which training must learn; the one-hot vector only says which row.",
    "c": "The row lookup is a fast approximation of the product, good enough in practice.",
    "d": "To train an embedding layer you must build the one-hot matrix, or the gradient cannot be computed.",
}
LOOKUP_WHY_NOT = {
    "a": "the one-hot vector of 'king' is still at cosine 0 from 'queen'; whatever similarity E[king] and E[queen] have "
         "is in E's rows, and with a random E (as here) there is none yet.",
    "c": "np.array_equal printed True: the lookup is exact, because the zeros add exactly nothing.",
    "d": "the gradient of X @ E with respect to E only touches the rows that were looked up; libraries "
         "(torch.nn.Embedding) compute it from the ids, without the one-hot matrix.",
}


_check_lookup, _solve_lookup = one_right_option(LOOKUP_OPTIONS, "b", LOOKUP_WHY_NOT)


EXERCISES = [
    Exercise(id="01.1", title="Predict, then run: how many tokens does a Chinese sentence give?",
             check=_check_chinese, solution=_solve_chinese, context=_chinese_context, wrong=_wrong_chinese),
    Exercise(id="01.2", title="Vocabulary size and words seen once in the Lee background corpus",
             check=_check_background, solution=_solve_background, context=_background_context, wrong=_wrong_background),
    Exercise(id="01.3", title="Write a one-hot encoder for any list of tokens",
             check=_check_one_hot, solution=_solve_one_hot, wrong=_wrong_one_hot),
    Exercise(id="01.4", title="Bytes of a dense float32 one-hot matrix of the Lee documents",
             check=_check_memory, solution=_solve_memory, context=_lee_context,
             wrong=lambda lee_tokens: _solve_memory(lee_tokens) * 2),
    Exercise(id="01.5", title="What the dot product of two binary bag-of-words rows counts",
             check=_check_shared, solution=_solve_shared, context=_lee_context,
             wrong=lambda lee_tokens: len(set(lee_tokens[0]) | set(lee_tokens[1]))),
    Exercise(id="01.6", title="Interpret: what 'one-hot times a matrix is a row lookup' means",
             check=_check_lookup, solution=_solve_lookup, wrong=lambda: "a"),
]
