"""Bag-of-words and TF-IDF text encoders, TF-IDF from scratch, keyword extraction. Taught in notebooks/02_bow_tfidf.ipynb.

The binary bag of words is taught in notebooks/01_one_hot.ipynb, counts and TF-IDF in
notebooks/02_bow_tfidf.ipynb; later notebooks import these as baselines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError, require_texts
from course_utils.text import tokenize


def _vectorizer_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    for key in ("tokenizer", "token_pattern", "analyzer"):
        if key in kwargs:
            raise CourseError(f"The course encoders always tokenise with course_utils.text.tokenize: drop {key}=.")
    return {"tokenizer": tokenize, "token_pattern": None, "lowercase": False, **kwargs}


def bow_encoder(binary: bool = False, **vectorizer_kwargs: Any) -> TextEncoder:
    """A text encoder: CountVectorizer (course tokeniser) fitted on the texts it gets. Taught in notebooks/01_one_hot.ipynb.

    ``binary=True`` gives the set-of-words (one-hot) document of notebook 01; extra keyword arguments
    (``ngram_range``, ``stop_words``, ``min_df`` ...) go to scikit-learn's CountVectorizer.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    kwargs = _vectorizer_kwargs(vectorizer_kwargs)

    def encode(texts: list[str]) -> Any:
        return CountVectorizer(binary=binary, **kwargs).fit_transform(require_texts(texts))

    return encode


def tfidf_encoder(**vectorizer_kwargs: Any) -> TextEncoder:
    """A text encoder: TfidfVectorizer (course tokeniser) fitted on the texts it gets. Taught in notebooks/02_bow_tfidf.ipynb."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kwargs = _vectorizer_kwargs(vectorizer_kwargs)

    def encode(texts: list[str]) -> Any:
        return TfidfVectorizer(**kwargs).fit_transform(require_texts(texts))

    return encode


def count_matrix(docs: Sequence[Sequence[str]]) -> tuple[Any, list[str]]:
    """Term counts of tokenised documents as a CSR matrix and its sorted vocabulary. Taught in notebooks/02_bow_tfidf.ipynb."""
    from scipy import sparse

    if isinstance(docs, str) or not len(docs):
        raise CourseError("Pass a non-empty list of tokenised documents, e.g. [tokenize(t) for t in texts].")
    if any(isinstance(d, str) for d in docs):
        raise CourseError("Each document must be a list of tokens, not a string: use tokenize(text) first.")
    vocabulary = sorted({token for doc in docs for token in doc})
    if not vocabulary:
        raise CourseError("The documents contain no tokens at all: check the texts you tokenised.")
    index = {token: i for i, token in enumerate(vocabulary)}
    rows, cols, vals = [], [], []
    for r, doc in enumerate(docs):
        for token, n in Counter(doc).items():
            rows.append(r)
            cols.append(index[token])
            vals.append(n)
    counts = sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(docs), len(vocabulary)))
    counts.sort_indices()
    return counts, vocabulary


def tfidf_from_scratch(docs: Sequence[Sequence[str]]) -> tuple[Any, list[str]]:
    """TF-IDF as scikit-learn computes it: counts x (ln((1+n)/(1+df)) + 1), rows l2-normalised. Taught in notebooks/02_bow_tfidf.ipynb.

    Returns a CSR matrix (one row per document) and the vocabulary (column order, alphabetical);
    it equals ``TfidfVectorizer()`` with the same tokens to about 1e-15.
    """
    from scipy import sparse

    counts, vocabulary = count_matrix(docs)
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n_docs) / (1 + df)) + 1.0
    weighted = counts @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    tfidf = sparse.diags(1.0 / norms) @ weighted
    return sparse.csr_matrix(tfidf), vocabulary


def top_terms(matrix: Any, vocabulary: Sequence[str], k: int = 10) -> list[list[tuple[str, float]]]:
    """The k highest-weighted terms of each row (e.g. TF-IDF keywords), with their weights. Taught in notebooks/02_bow_tfidf.ipynb.

    Ties are broken alphabetically (column order), so the result is deterministic; zero weights are left out.
    """
    from scipy import sparse

    if k < 1:
        raise CourseError(f"k must be at least 1, got {k}.")
    rows = sparse.csr_matrix(matrix)
    if rows.shape[1] != len(vocabulary):
        raise CourseError(f"The matrix has {rows.shape[1]} columns but the vocabulary has {len(vocabulary)} words: "
                          "pass the vocabulary of the same vectorizer (get_feature_names_out()).")
    out = []
    for r in range(rows.shape[0]):
        row = rows.getrow(r)
        order = np.lexsort((row.indices, -np.round(row.data, 12)))[:k]  # rounding: float noise never reorders ties
        out.append([(str(vocabulary[row.indices[i]]), float(row.data[i])) for i in order if row.data[i] != 0])
    return out
