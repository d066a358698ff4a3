"""Sentence vectors the course computed once with a real model and ships. Taught in notebooks/08_embeddings_at_scale.ipynb.

Encoding a few thousand texts with MiniLM takes about a minute on a 2-core laptop and several on a busy or 1-CPU
machine. For the fixed text lists of notebooks 07 and 08 the course ships the vectors that the same call
computed (``data/vectors/``, float32), named by a hash of the model, the encoding settings and the exact list of
texts: any other list, or the same list in another order, is encoded live. The notebooks re-encode a sample
live and show that it agrees.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError, require_texts

SHIPPED_VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
RECORD_VARIABLE = "COURSE_RECORD_VECTORS"  # a folder: vectors encoded live are written there (how data/vectors is made)


def _check_names(model: object, settings: object) -> None:
    if not isinstance(model, str) or not model.strip():
        raise CourseError(f'model must name the model, e.g. "all-MiniLM-L6-v2", got {model!r}.')
    if not isinstance(settings, str):
        raise CourseError(f'settings must be a string describing the encode call, e.g. "batch64,normalized", got {settings!r}.')


def vectors_key(model: str, settings: str, texts: list[str]) -> str:
    """16 hex digits naming (model, settings, this exact list of texts): the shipped file's name. Internal to course_utils."""
    _check_names(model, settings)
    texts = require_texts(texts)
    h = hashlib.sha256()
    for part in (model, settings, str(len(texts)), *texts):
        h.update(part.encode("utf-8") + b"\x1f")
    return h.hexdigest()[:16]


def shipped_path(model: str, settings: str, texts: list[str]) -> Path | None:
    """The shipped vectors' file for exactly these texts, or None. Taught in notebooks/08_embeddings_at_scale.ipynb."""
    path = SHIPPED_VECTORS / f"{vectors_key(model, settings, texts)}.npy"
    return path if path.is_file() else None


def shipped_encoder(encode: TextEncoder, model: str, settings: str) -> TextEncoder:
    """encode, but reading shipped vectors where they exist. Taught in notebooks/08_embeddings_at_scale.ipynb.

    A list of texts the course ships vectors for is read from data/vectors instead of encoded.
    ``model`` and ``settings`` must describe ``encode`` (model name; batch size, normalisation, prompt): they are
    part of the file name, so vectors are never read for another model or another call.
    """
    if not callable(encode):
        raise CourseError(f"encode must be a function list[str] -> matrix, got {type(encode).__name__}.")
    _check_names(model, settings)  # now, not at the first call

    def encoder(texts: list[str]) -> np.ndarray:
        texts = require_texts(texts)
        path = shipped_path(model, settings, texts)
        if path is not None:
            vectors = np.load(path)
            if vectors.shape[0] != len(texts):
                raise CourseError(f"{path} holds {vectors.shape[0]} vectors for {len(texts)} texts: the course's "
                                  "data/vectors folder is damaged; restore it from the repository (git checkout data).")
            return vectors
        vectors = np.asarray(encode(texts), dtype=np.float32)
        record = os.environ.get(RECORD_VARIABLE, "").strip()
        if record:
            folder = Path(record).expanduser()
            folder.mkdir(parents=True, exist_ok=True)
            np.save(folder / f"{vectors_key(model, settings, texts)}.npy", vectors)
        return vectors

    return encoder
