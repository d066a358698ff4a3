"""Bag-of-words and TF-IDF text encoders, as baselines for later notebooks. Taught in notebooks/07_choosing_models.ipynb.

Notebook 01 writes the binary bag of words and notebook 02 counts and TF-IDF in full (with scikit-learn's
vectorizers and the course tokeniser); notebook 07 imports these two factories to put them on its leaderboard.
"""

from __future__ import annotations

from typing import Any

from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError, require_texts
from course_utils.text import tokenize


def _vectorizer_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    for key in ("tokenizer", "token_pattern", "analyzer"):
        if key in kwargs:
            raise CourseError(f"The course encoders always tokenise with course_utils.text.tokenize: drop {key}=.")
    return {"tokenizer": tokenize, "token_pattern": None, "lowercase": False, **kwargs}


def _fit(vectorizer: Any, texts: list[str]) -> Any:
    """fit_transform, with scikit-learn's errors told as the course's."""
    try:
        return vectorizer.fit_transform(texts)
    except ValueError as err:
        if "empty vocabulary" in str(err):
            raise CourseError("The texts contain no word the tokeniser keeps (only punctuation or stop words?): "
                              "pass texts with words.") from None
        raise CourseError(f"The vectorizer options are invalid: {err}") from None


def _check_options(cls: Any, kwargs: dict[str, Any]) -> None:
    """Build the vectorizer once, so an unknown option fails when the encoder is made, not deep in a benchmark."""
    try:
        cls(**kwargs)
    except TypeError as err:
        raise CourseError(f"Unknown vectorizer option: {err}. See scikit-learn's {cls.__name__} for the options.") from None


def bow_encoder(binary: bool = False, **vectorizer_kwargs: Any) -> TextEncoder:
    """A text encoder: CountVectorizer (course tokeniser) fitted per call. Taught in notebooks/07_choosing_models.ipynb.

    ``binary=True`` gives the set-of-words (one-hot) document of notebook 01; extra keyword arguments
    (``ngram_range``, ``stop_words``, ``min_df`` ...) go to scikit-learn's CountVectorizer.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    kwargs = _vectorizer_kwargs(vectorizer_kwargs)

    if not isinstance(binary, bool):
        raise CourseError(f"binary must be True or False, got {binary!r}.")

    def encode(texts: list[str]) -> Any:
        return _fit(CountVectorizer(binary=binary, **kwargs), require_texts(texts))

    return encode


def tfidf_encoder(**vectorizer_kwargs: Any) -> TextEncoder:
    """A text encoder: TfidfVectorizer (course tokeniser) fitted per call. Taught in notebooks/07_choosing_models.ipynb."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kwargs = _vectorizer_kwargs(vectorizer_kwargs)
    _check_options(TfidfVectorizer, kwargs)

    def encode(texts: list[str]) -> Any:
        return _fit(TfidfVectorizer(**kwargs), require_texts(texts))

    return encode
