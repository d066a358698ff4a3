"""Static word vectors in use: averaged text vectors, 3CosAdd analogies, FastText. Taught in notebooks/04_glove_fasttext.ipynb."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError, require_texts
from course_utils.text import tokenize as course_tokenize

if TYPE_CHECKING:  # heavy imports stay out of import time
    from gensim.models import FastText, KeyedVectors


def mean_vector_encoder(kv: KeyedVectors, tokenize: Callable[[str], list[str]] = course_tokenize) -> TextEncoder:
    """A text encoder that averages the vectors of a text's known words (no known word: a zero row). Taught in notebooks/04_glove_fasttext.ipynb."""

    def encode(texts: list[str]) -> np.ndarray:
        texts = require_texts(texts)
        out = np.zeros((len(texts), kv.vector_size), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [kv.key_to_index[w] for w in tokenize(text) if w in kv.key_to_index]
            if ids:
                out[row] = np.asarray(kv.vectors[ids], dtype=np.float32).mean(axis=0)
        return out

    return encode


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def analogy(kv: KeyedVectors, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
    """a : b :: c : ?  by 3CosAdd: the words nearest to unit(b) - unit(a) + unit(c), a, b, c excluded (gensim's most_similar). Taught in notebooks/04_glove_fasttext.ipynb."""
    from course_utils.models import word_vector

    if not isinstance(topn, int) or topn < 1:
        raise CourseError(f"topn must be a positive integer, got {topn!r}.")
    query_words = [a, b, c]
    va, vb, vc = (_unit_rows(np.asarray(word_vector(kv, w), dtype=np.float32)) for w in query_words)
    target = _unit_rows(vb - va + vc)
    sims = _unit_rows(np.asarray(kv.vectors, dtype=np.float32)) @ target
    for w in query_words:
        sims[kv.key_to_index[w]] = -np.inf
    best = np.argpartition(-sims, topn)[:topn] if topn < len(sims) else np.arange(len(sims))
    best = best[np.argsort(-sims[best], kind="stable")]
    return [(kv.index_to_key[i], float(sims[i])) for i in best]


def train_fasttext(sentences: Sequence[Sequence[str]], **kwargs: Any) -> FastText:
    """gensim FastText (skip-gram, 50 d, character 3-6-grams in 200k hash buckets) with reproducible defaults (seed 42, one worker). Taught in notebooks/04_glove_fasttext.ipynb."""
    from gensim.models import FastText

    if not sentences:
        raise CourseError("The corpus is empty: pass a list of tokenised sentences, e.g. word2vec.training_corpus().")
    options = {"vector_size": 50, "window": 5, "min_count": 5, "sg": 1, "negative": 5, "epochs": 5,
               "min_n": 3, "max_n": 6, "bucket": 200_000, "seed": 42, "workers": 1}
    options.update(kwargs)
    return FastText(sentences, **options)
