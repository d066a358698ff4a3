"""Vector maths of the course, in one place: unit rows, cosine, KeyedVectors. Taught in notebooks/01_one_hot.ipynb.

One rule for zero vectors everywhere: a zero row has no direction, so ``l2_normalize`` leaves it zero and its
cosine with anything is 0 (a text with no known word is "similar to nothing", never "similar to everything").
Rows with NaN or infinite values are refused with a CourseError: they are always a bug upstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from course_utils.errors import CourseError

if TYPE_CHECKING:  # heavy imports stay out of import time
    from gensim.models import KeyedVectors


def as_dense(matrix: Any) -> np.ndarray:
    """A float64 numpy array from a dense or scipy sparse matrix. Internal to course_utils."""
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix, dtype=np.float64)


def _check_finite(values: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(values)):
        raise CourseError(f"{what} contains NaN or infinite values: check how the vectors were computed "
                          "(a learning rate too large, a division by zero).")


def l2_normalize(matrix: Any, what: str = "matrix") -> Any:
    """Rows scaled to unit length; zero rows stay zero; sparse stays sparse. Taught in notebooks/05_contextual_embeddings.ipynb.

    A 1-D vector is normalised as one row and returned 1-D. float32 input stays float32 (memory), anything else
    becomes float64.
    """
    from sklearn.preprocessing import normalize

    if sparse.issparse(matrix):
        m = sparse.csr_matrix(matrix, dtype=np.float64)
        if 0 in m.shape:
            raise CourseError(f"{what} must be a non-empty 2-D matrix (one row per item), got shape {m.shape}.")
        _check_finite(m.data, what)
        return normalize(m, norm="l2")
    try:
        dense = np.asarray(matrix)
        dense = dense if dense.dtype == np.float32 else dense.astype(np.float64)
    except (TypeError, ValueError):
        raise CourseError(f"{what} must be a numeric matrix (one row per item), got {type(matrix).__name__}.") from None
    if dense.ndim == 1 and dense.size:
        return l2_normalize(dense[None, :], what)[0]
    if dense.ndim != 2 or 0 in dense.shape:
        raise CourseError(f"{what} must be a non-empty 2-D matrix (one row per item), got shape {dense.shape}.")
    _check_finite(dense, what)
    return normalize(dense, norm="l2")


def cosine_matrix(a: Any, b: Any | None = None) -> np.ndarray:
    """Cosine of every row of a with every row of b (zero rows give 0), dense. Taught in notebooks/04_glove_fasttext.ipynb."""
    an = l2_normalize(a, "a")
    bn = an if b is None else l2_normalize(b, "b")
    if an.ndim != 2 or bn.ndim != 2:
        raise CourseError("a and b must be 2-D matrices (one row per item): wrap one vector as [vector].")
    if an.shape[1] != bn.shape[1]:
        raise CourseError(f"a has {an.shape[1]} columns and b has {bn.shape[1]}: both need the same dimension.")
    return as_dense(an @ bn.T)


def cosine(u: Any, v: Any) -> float:
    """Cosine similarity of two vectors (0 when either is the zero vector). Taught in notebooks/01_one_hot.ipynb."""
    u, v = np.ravel(as_dense(u)), np.ravel(as_dense(v))
    if u.shape != v.shape or not u.size:
        raise CourseError(f"u and v must be vectors of the same length, got {u.shape} and {v.shape}.")
    return float(l2_normalize(u, "u") @ l2_normalize(v, "v"))


def rowwise_cosine(a: Any, b: Any) -> np.ndarray:
    """Cosine of row i of a with row i of b, for every i. Internal to course_utils (word-pair similarity)."""
    an, bn = as_dense(l2_normalize(a, "a")), as_dense(l2_normalize(b, "b"))
    if an.shape != bn.shape:
        raise CourseError(f"a and b must have the same shape, got {an.shape} and {bn.shape}.")
    return np.sum(an * bn, axis=1)


def to_keyed_vectors(words: Sequence[str], matrix: Any, copy: bool = True) -> KeyedVectors:
    """Wrap a (words x dims) matrix as gensim KeyedVectors, row i for words[i]. Taught in notebooks/03_word2vec.ipynb.

    ``copy=False`` wraps a float32 matrix as it is (e.g. memory-mapped GloVe: nothing is read into RAM).
    """
    from gensim.models import KeyedVectors

    from course_utils.errors import require_texts

    words = require_texts(words, "words")
    values = matrix if not copy and getattr(matrix, "dtype", None) == np.float32 else as_dense(matrix)
    if values.ndim != 2 or len(words) != len(values):
        raise CourseError(f"{len(words)} words but a matrix of shape {values.shape}: pass one row per word.")
    index = {w: i for i, w in enumerate(words)}
    if len(index) != len(words):
        raise CourseError("words contains duplicates: each word needs exactly one row.")
    kv = KeyedVectors(vector_size=values.shape[1], count=0, dtype=np.float32)
    if not copy:
        kv.index_to_key, kv.key_to_index, kv.vectors = words, index, values
        return kv
    values = values.astype(np.float32)
    _check_finite(values, "matrix")
    kv.add_vectors(words, values)
    return kv
