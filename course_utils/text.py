"""Tokenising text: the regex tokeniser of the course. Taught in notebooks/01_one_hot.ipynb."""

from __future__ import annotations

import re

from course_utils.errors import require_text

#: Lower-case words and numbers, keeping in-word apostrophes ("don't", "world's").
TOKEN_PATTERN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-case a text and split it into word tokens with TOKEN_PATTERN. Taught in notebooks/01_one_hot.ipynb."""
    return TOKEN_PATTERN.findall(require_text(text).lower())
