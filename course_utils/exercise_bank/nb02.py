"""Exercises of notebooks/02_bow_tfidf.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet
from course_utils.text import tokenize


def _lee_docs_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    return {"lee_docs": load_lee()[0]}


def _lee_tokens_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    return {"lee_tokens": [tokenize(doc) for doc in load_lee()[0]]}


# ---------------------------------------------------------------- 02.1 idf by hand
WORD = "police"


def _idf(lee_tokens: list[list[str]], smooth: bool = True) -> float:
    n = len(lee_tokens)
    df = sum(WORD in doc for doc in lee_tokens)
    return float(np.log((1 + n) / (1 + df)) + 1) if smooth else float(np.log(n / df))


def _check_idf(answer: Any, lee_tokens: list[list[str]]) -> None:
    value = float(answer)
    df = sum(WORD in doc for doc in lee_tokens)
    if np.isclose(value, _idf(lee_tokens, smooth=False)) or np.isclose(value, np.log(len(lee_tokens) / df) + 1):
        raise NotYet("that is the unsmoothed idf: add 1 to both n and df inside the log, then add 1 to the log.")
    total = sum(doc.count(WORD) for doc in lee_tokens)
    if np.isclose(value, np.log((1 + len(lee_tokens)) / (1 + total)) + 1):
        raise NotYet("df counts documents that contain the word, not how often it occurs: use `WORD in doc`.")
    if not np.isclose(value, _idf(lee_tokens), rtol=0, atol=1e-9):
        raise NotYet("n = 50 documents, df = number of documents whose tokens contain 'police'; idf = ln((1+n)/(1+df)) + 1.")


def _solve_idf(lee_tokens: list[list[str]]) -> float:
    n = len(lee_tokens)
    df = sum("police" in doc for doc in lee_tokens)
    return float(np.log((1 + n) / (1 + df)) + 1)


# ---------------------------------------------------------------- 02.2 sublinear tf-idf
def _sk_sublinear(lee_docs: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False, sublinear_tf=True)
    return vectorizer.fit_transform(lee_docs).toarray()


def _check_sublinear(answer: Any, lee_docs: list[str]) -> None:
    from scipy import sparse

    matrix = answer.toarray() if sparse.issparse(answer) else np.asarray(answer, dtype=float)
    expected = _sk_sublinear(lee_docs)
    if matrix.shape != expected.shape:
        raise NotYet(f"expected shape {expected.shape} (documents x vocabulary), got {matrix.shape}.")
    if np.isnan(matrix).any():
        raise NotYet("your matrix has NaN: take 1 + ln(c) only where c > 0 (np.log(0) is -inf), keep zeros as zeros.")
    if not np.allclose(np.linalg.norm(matrix, axis=1), 1):
        raise NotYet("scale each row to unit length: divide by np.linalg.norm(row).")
    if not np.allclose(matrix, expected, rtol=0, atol=1e-9):
        raise NotYet("check the order: tf = 1 + ln(count) for count > 0, times the smoothed idf, then l2-normalise rows.")


def _solve_sublinear(lee_docs: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import CountVectorizer

    counts = CountVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False).fit_transform(lee_docs).toarray()
    tf = np.zeros_like(counts, dtype=float)
    tf[counts > 0] = 1 + np.log(counts[counts > 0])
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(lee_docs)) / (1 + df)) + 1
    weighted = tf * idf
    return weighted / np.linalg.norm(weighted, axis=1, keepdims=True)


def _wrong_sublinear(lee_docs: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False)  # plain tf
    return vectorizer.fit_transform(lee_docs).toarray()


# ---------------------------------------------------------------- 02.3 stop-word share
def _stop_share(lee_tokens: list[list[str]]) -> float:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    tokens = [token for doc in lee_tokens for token in doc]
    return sum(token in ENGLISH_STOP_WORDS for token in tokens) / len(tokens)


def _check_stop_share(answer: Any, lee_tokens: list[list[str]]) -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    value = float(answer)
    if value > 1:
        raise NotYet("give a fraction between 0 and 1, not a count or a percentage.")
    vocabulary = {t for doc in lee_tokens for t in doc}
    if np.isclose(value, len(vocabulary & ENGLISH_STOP_WORDS) / len(vocabulary), atol=1e-3):
        raise NotYet("that is the share of distinct words; count every token (with repeats).")
    if not np.isclose(value, _stop_share(lee_tokens), atol=1e-3):
        raise NotYet("count the tokens t with `t in ENGLISH_STOP_WORDS` over all documents, divide by all tokens.")


def _solve_stop_share(lee_tokens: list[list[str]]) -> float:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    tokens = [token for doc in lee_tokens for token in doc]
    return sum(token in ENGLISH_STOP_WORDS for token in tokens) / len(tokens)


def _wrong_stop_share(lee_tokens: list[list[str]]) -> float:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    vocabulary = {t for doc in lee_tokens for t in doc}
    return len(vocabulary & ENGLISH_STOP_WORDS) / len(vocabulary)


# ---------------------------------------------------------------- 02.4 nearest document
def _nearest(lee_docs: list[str], counts: bool = False) -> int:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    cls = CountVectorizer if counts else TfidfVectorizer
    matrix = cls(tokenizer=tokenize, token_pattern=None, lowercase=False).fit_transform(lee_docs).toarray()
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    sims = unit @ unit[0]
    sims[0] = -1
    return int(np.argmax(sims))


def _check_nearest(answer: Any, lee_docs: list[str]) -> None:
    value = int(answer)
    if value == 0:
        raise NotYet("document 0 is always most similar to itself: leave it out (set its score to -1).")
    if value != _nearest(lee_docs):
        if value == _nearest(lee_docs, counts=True):
            raise NotYet("that is the nearest by raw counts; use TfidfVectorizer.")
        raise NotYet("compute cosines of row 0 with every row of the TF-IDF matrix and take the argmax, excluding 0.")


def _solve_nearest(lee_docs: list[str]) -> int:
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False).fit_transform(lee_docs)
    similarities = (matrix @ matrix[0].T).toarray().ravel()  # rows are unit length: dot = cosine
    similarities[0] = -1
    return int(np.argmax(similarities))


EXERCISES = [
    Exercise(id="02.1", title="The smoothed idf of 'police' in the Lee documents, by hand",
             check=_check_idf, solution=_solve_idf, context=_lee_tokens_context,
             wrong=lambda lee_tokens: _idf(lee_tokens, smooth=False)),
    Exercise(id="02.2", title="Sublinear TF-IDF from scratch", check=_check_sublinear, solution=_solve_sublinear,
             context=_lee_docs_context, wrong=_wrong_sublinear),
    Exercise(id="02.3", title="The share of stop words among the Lee tokens", check=_check_stop_share,
             solution=_solve_stop_share, context=_lee_tokens_context, wrong=_wrong_stop_share),
    Exercise(id="02.4", title="The Lee document nearest to document 0 under TF-IDF", check=_check_nearest,
             solution=_solve_nearest, context=_lee_docs_context, wrong=lambda lee_docs: 0),
]
