"""Static word vectors in use: averaged text vectors, 3CosAdd analogies, FastText. Taught in notebooks/04_glove_fasttext.ipynb."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError, require_int, require_sentences, require_texts
from course_utils.text import tokenize as course_tokenize
from course_utils.vectors import l2_normalize

if TYPE_CHECKING:  # heavy imports stay out of import time
    from gensim.models import FastText, KeyedVectors


def mean_vector_encoder(kv: KeyedVectors, tokenize: Callable[[str], list[str]] = course_tokenize) -> TextEncoder:
    """A text encoder averaging a text's known word vectors (none: zero row). Taught in notebooks/04_glove_fasttext.ipynb."""
    if not hasattr(kv, "key_to_index") or not hasattr(kv, "vector_size"):
        raise CourseError(f"kv must be word vectors (gensim KeyedVectors, e.g. load_glove() or model.wv), "
                          f"got {type(kv).__name__}.")
    if not callable(tokenize):
        raise CourseError(f"tokenize must be a function str -> list[str], got {type(tokenize).__name__}.")

    def encode(texts: list[str]) -> np.ndarray:
        texts = require_texts(texts)
        out = np.zeros((len(texts), kv.vector_size), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [kv.key_to_index[w] for w in tokenize(text) if w in kv.key_to_index]
            if ids:
                out[row] = np.asarray(kv.vectors[ids], dtype=np.float32).mean(axis=0)
        return out

    return encode


def analogy(kv: KeyedVectors, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
    """a : b :: c : ? by 3CosAdd (a, b, c excluded). Taught in notebooks/04_glove_fasttext.ipynb.

    The same ranking as gensim's ``most_similar(positive=[b, c], negative=[a])``.
    """
    from course_utils.models import word_vector

    topn = require_int(topn, "topn", 1, len(kv.index_to_key) - 3)
    query_words = [a, b, c]
    va, vb, vc = (l2_normalize(np.asarray(word_vector(kv, w), dtype=np.float32)) for w in query_words)
    target = l2_normalize(vb - va + vc)
    sims = l2_normalize(np.asarray(kv.vectors, dtype=np.float32)) @ target
    for w in query_words:
        sims[kv.key_to_index[w]] = -np.inf
    best = np.argpartition(-sims, topn)[:topn] if topn < len(sims) else np.arange(len(sims))
    best = best[np.argsort(-sims[best], kind="stable")]
    return [(kv.index_to_key[i], float(sims[i])) for i in best]


def train_fasttext(sentences: Sequence[Sequence[str]], **kwargs: Any) -> FastText:
    """gensim FastText with reproducible defaults (seed 42, one worker). Taught in notebooks/04_glove_fasttext.ipynb.

    Skip-gram, 50 d, character 3-6-grams hashed into 200,000 buckets (``bucket``), window 5, 5 epochs.
    """
    from gensim.models import FastText

    from course_utils.word2vec import _check_training_options, _check_vocabulary

    sentences = require_sentences(sentences)
    options = {"vector_size": 50, "window": 5, "min_count": 5, "sg": 1, "negative": 5, "epochs": 5,
               "min_n": 3, "max_n": 6, "bucket": 200_000, "seed": 42, "workers": 1}
    options.update(kwargs)
    _check_training_options(options)
    for key in ("min_n", "max_n", "bucket"):
        require_int(options[key], key, 0 if key != "bucket" else 1)
    _check_vocabulary(sentences, options["min_count"])
    return FastText(sentences, **options)
