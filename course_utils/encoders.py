"""What a text encoder is: a function from a list of texts to one row per text. Taught in notebooks/00_welcome.ipynb.

Every representation of the course plugs into the benchmark suite through this one small interface:
``list[str] -> matrix`` (a dense numpy array or a scipy sparse matrix), one row per text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course_utils.errors import CourseError

TextEncoder = Callable[[list[str]], Any]


def encode_checked(encoder: TextEncoder, texts: list[str], what: str) -> Any:
    """Call encoder(texts) and check it returned one finite row per text. Internal to course_utils."""
    if not callable(encoder) or isinstance(encoder, type):
        raise CourseError(f"encoder must be a function list[str] -> matrix, got {type(encoder).__name__}: "
                          "e.g. bow_encoder() or sentence_encoder().")
    out = encoder(texts)
    shape = getattr(out, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != len(texts):
        raise CourseError(f"The encoder must return one row per text for {what}: got {shape} for {len(texts)} texts.")
    return out
