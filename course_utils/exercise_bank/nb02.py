"""Exercises of notebooks/02_bow_tfidf.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_choice, as_number, call_learner, close_to, one_right_option
from course_utils.text import tokenize


def _lee_docs_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    return {"lee_docs": load_lee()[0]}


def _lee_tokens_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    return {"lee_tokens": [tokenize(doc) for doc in load_lee()[0]]}


def _lee_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    docs, human = load_lee()
    return {"lee_docs": docs, "lee_human": human}


# ---------------------------------------------------------------- 02.1 predict: counts vs binary on Lee
def _lee_pearson(lee_docs: list[str], lee_human: Any, binary: bool) -> float:
    from sklearn.feature_extraction.text import CountVectorizer

    matrix = CountVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                             binary=binary).fit_transform(lee_docs).toarray().astype(float)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    upper = np.triu_indices(len(lee_docs), k=1)
    return float(np.corrcoef((unit @ unit.T)[upper], np.asarray(lee_human)[upper])[0, 1])


CHOICES_COUNTS = {"more": "counts agree with people more than the binary bag of words",
                  "less": "counts agree with people less than the binary bag of words"}


def _check_counts_vs_binary(answer: Any, lee_docs: list[str], lee_human: Any) -> None:
    choice = as_choice(answer, CHOICES_COUNTS)
    counts, binary = _lee_pearson(lee_docs, lee_human, False), _lee_pearson(lee_docs, lee_human, True)
    right = "more" if counts > binary else "less"
    if choice != right:
        raise NotYet(f"counts score {counts:.3f}, binary {binary:.3f}. More information is not always better: a count "
                     "lets 'the', said five times, outweigh a rare shared name. Section 2 measures how much.")


def _solve_counts_vs_binary(lee_docs: list[str], lee_human: Any) -> str:
    counts = _lee_pearson(lee_docs, lee_human, binary=False)
    binary = _lee_pearson(lee_docs, lee_human, binary=True)
    return "more" if counts > binary else "less"


def _wrong_counts_vs_binary(lee_docs: list[str], lee_human: Any) -> str:
    return "more" if _solve_counts_vs_binary(lee_docs, lee_human) == "less" else "less"


# ---------------------------------------------------------------- 02.2 idf by hand
WORD = "police"


def _idf(lee_tokens: list[list[str]], smooth: bool = True) -> float:
    n = len(lee_tokens)
    df = sum(WORD in doc for doc in lee_tokens)
    return float(np.log((1 + n) / (1 + df)) + 1) if smooth else float(np.log(n / df))


def _check_idf(answer: Any, lee_tokens: list[list[str]]) -> None:
    value = as_number(answer, "the idf")
    n = len(lee_tokens)
    df = sum(WORD in doc for doc in lee_tokens)
    if close_to(value, _idf(lee_tokens, smooth=False), 6) or close_to(value, np.log(n / df) + 1, 6):
        raise NotYet("that is the unsmoothed idf: add 1 to both n and df inside the log, then add 1 to the log.")
    total = sum(doc.count(WORD) for doc in lee_tokens)
    if close_to(value, np.log((1 + n) / (1 + total)) + 1, 6):
        raise NotYet("df counts documents that contain the word, not how often it occurs: use `WORD in doc`.")
    if not close_to(value, _idf(lee_tokens), 3):
        raise NotYet("n = 50 documents, df = number of documents whose tokens contain 'police'; idf = ln((1+n)/(1+df)) + 1.")


def _solve_idf(lee_tokens: list[list[str]]) -> float:
    n = len(lee_tokens)
    df = sum("police" in doc for doc in lee_tokens)
    return float(np.log((1 + n) / (1 + df)) + 1)


# ---------------------------------------------------------------- 02.3 build: sublinear tf-idf from counts
def _hidden_count_matrices() -> list[np.ndarray]:
    """Count matrices the learner has not seen: random sparse counts, a word in every document, repeated words."""
    rng = np.random.default_rng(2024)
    matrices = []
    for n_docs, n_words in [(4, 6), (7, 11), (12, 30)]:
        counts = rng.poisson(0.6, size=(n_docs, n_words)) * rng.integers(1, 4, size=(n_docs, n_words))
        counts[:, 0] = rng.integers(1, 5, size=n_docs)  # a word in every document (idf = 1)
        counts[0, -1] = 9  # one word repeated many times in one document
        matrices.append(counts.astype(np.int64))
    return matrices


def _reference_sublinear(counts: np.ndarray) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True).fit_transform(counts).toarray()


def _check_sublinear(answer: Any) -> None:
    from scipy import sparse

    for counts in _hidden_count_matrices():
        result = call_learner(answer, counts.copy(), what="your sublinear_tfidf")
        result = result.toarray() if sparse.issparse(result) else np.asarray(result, dtype=float)
        expected = _reference_sublinear(counts)
        if result.shape != expected.shape:
            raise NotYet(f"for a {counts.shape} count matrix your function returned shape {result.shape}: "
                         "keep one row per document and one column per word.")
        if not np.all(np.isfinite(result)):
            raise NotYet("your matrix has NaN or inf: take 1 + ln(c) only where c > 0 (np.log(0) is -inf), keep zeros.")
        if not np.allclose(np.linalg.norm(result, axis=1), 1):
            raise NotYet("scale each row to unit length: divide by np.linalg.norm(row).")
        if np.allclose(result, _reference_plain(counts)):
            raise NotYet("that is plain tf: replace every non-zero count c by 1 + ln(c) before weighting.")
        if not np.allclose(result, expected, rtol=0, atol=1e-9):
            raise NotYet("check the order: tf = 1 + ln(count) for count > 0, times the smoothed idf "
                         "ln((1+n)/(1+df)) + 1 with n = number of rows, then l2-normalise the rows.")


def _reference_plain(counts: np.ndarray) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer().fit_transform(counts).toarray()


def _solve_sublinear() -> Any:
    def sublinear_tfidf(counts):
        counts = np.asarray(counts, dtype=float)
        tf = np.zeros_like(counts)
        tf[counts > 0] = 1 + np.log(counts[counts > 0])
        df = (counts > 0).sum(axis=0)
        idf = np.log((1 + len(counts)) / (1 + df)) + 1
        weighted = tf * idf
        return weighted / np.linalg.norm(weighted, axis=1, keepdims=True)

    return sublinear_tfidf


def _wrong_sublinear() -> Any:
    def plain_tfidf(counts):  # forgets the sublinear step
        counts = np.asarray(counts, dtype=float)
        idf = np.log((1 + len(counts)) / (1 + (counts > 0).sum(axis=0))) + 1
        weighted = counts * idf
        return weighted / np.linalg.norm(weighted, axis=1, keepdims=True)

    return plain_tfidf


# ---------------------------------------------------------------- 02.4 stop-word share
def _stop_share(lee_tokens: list[list[str]]) -> float:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    tokens = [token for doc in lee_tokens for token in doc]
    return sum(token in ENGLISH_STOP_WORDS for token in tokens) / len(tokens)


def _check_stop_share(answer: Any, lee_tokens: list[list[str]]) -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    value = as_number(answer, "the share")
    if value > 1:
        raise NotYet("give a fraction between 0 and 1, not a count or a percentage.")
    vocabulary = {t for doc in lee_tokens for t in doc}
    if close_to(value, len(vocabulary & ENGLISH_STOP_WORDS) / len(vocabulary), 3):
        raise NotYet("that is the share of distinct words; count every token (with repeats).")
    if not close_to(value, _stop_share(lee_tokens), 3):
        raise NotYet("count the tokens t with `t in ENGLISH_STOP_WORDS` over all documents, divide by all tokens.")


def _solve_stop_share(lee_tokens: list[list[str]]) -> float:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    tokens = [token for doc in lee_tokens for token in doc]
    return sum(token in ENGLISH_STOP_WORDS for token in tokens) / len(tokens)


def _wrong_stop_share(lee_tokens: list[list[str]]) -> float:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    vocabulary = {t for doc in lee_tokens for t in doc}
    return len(vocabulary & ENGLISH_STOP_WORDS) / len(vocabulary)


# ---------------------------------------------------------------- 02.5 nearest document
def _nearest(lee_docs: list[str], counts: bool = False) -> int:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    cls = CountVectorizer if counts else TfidfVectorizer
    matrix = cls(tokenizer=tokenize, token_pattern=None, lowercase=False).fit_transform(lee_docs).toarray()
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    sims = unit @ unit[0]
    sims[0] = -1
    return int(np.argmax(sims))


def _check_nearest(answer: Any, lee_docs: list[str]) -> None:
    value = as_number(answer, "the document index", integer=True)
    if value == 0:
        raise NotYet("document 0 is always most similar to itself: leave it out (set its score to -1).")
    if not 0 < value < len(lee_docs):
        raise NotYet(f"document indices go from 0 to {len(lee_docs) - 1}.")
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


# ---------------------------------------------------------------- 02.6 interpret: which interval to report
INTERVAL_OPTIONS = {
    "a": "The pair interval: 1,225 pairs are more data than 50 documents, so it is the more precise one.",
    "b": "The document interval: the 50 documents are what was sampled, and the 49 pairs of one document share it.",
    "c": "Either: both are valid bootstraps, so report the narrower one.",
    "d": "Neither: the bootstrap only works for means, and a Pearson correlation is not a mean.",
}
INTERVAL_WHY_NOT = {
    "a": "the 1,225 pairs are not 1,225 independent observations: every document appears in 49 of them, so one odd "
         "document moves 49 pairs at once. Resampling pairs pretends each pair was drawn on its own and understates "
         "the noise.",
    "c": "choosing the interval that flatters a result after seeing both is a way of fooling yourself; the unit "
         "that was sampled (here the documents) decides, before you look.",
    "d": "the bootstrap works for any statistic you can recompute on a resample (a correlation, a median, recall@1); "
         "that is its point.",
}


_check_interval, _solve_interval = one_right_option(INTERVAL_OPTIONS, "b", INTERVAL_WHY_NOT)


EXERCISES = [
    Exercise(id="02.1", title="Predict, then run: do raw counts agree with people more or less than binary?",
             check=_check_counts_vs_binary, solution=_solve_counts_vs_binary, context=_lee_context,
             wrong=_wrong_counts_vs_binary),
    Exercise(id="02.2", title="The smoothed idf of 'police' in the Lee documents, by hand",
             check=_check_idf, solution=_solve_idf, context=_lee_tokens_context,
             wrong=lambda lee_tokens: _idf(lee_tokens, smooth=False)),
    Exercise(id="02.3", title="Write sublinear TF-IDF from a count matrix", check=_check_sublinear,
             solution=_solve_sublinear, wrong=_wrong_sublinear),
    Exercise(id="02.4", title="The share of stop words among the Lee tokens", check=_check_stop_share,
             solution=_solve_stop_share, context=_lee_tokens_context, wrong=_wrong_stop_share),
    Exercise(id="02.5", title="The Lee document nearest to document 0 under TF-IDF", check=_check_nearest,
             solution=_solve_nearest, context=_lee_docs_context, wrong=lambda lee_docs: 0),
    Exercise(id="02.6", title="Interpret: which interval for the Lee score, pairs or documents?", check=_check_interval,
             solution=_solve_interval, wrong=lambda: "a"),
]
