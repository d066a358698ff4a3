"""Tokenising text: the regex tokeniser of the course. Taught in notebooks/01_one_hot.ipynb."""

from __future__ import annotations

import re
import unicodedata

from course_utils.errors import require_text

#: Runs of letters or digits of any script, keeping one in-word apostrophe ("don't", "world's", "l'été").
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:'[^\W\d_]+)?")
#: Typographic apostrophes and primes that mean the ASCII apostrophe inside a word.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2032": "'"})


def tokenize(text: str) -> list[str]:
    """Lower-case a text and split it into word tokens with TOKEN_PATTERN. Taught in notebooks/01_one_hot.ipynb.

    Unicode-aware: letters of any script count ("café in Zürich" -> café, in, zürich), accents written as
    combining marks are composed first (NFC), and the typographic apostrophe ’ becomes ' ("don’t" -> don't).
    Punctuation, symbols and emoji are dropped. Scripts written without spaces between words (Chinese, Japanese,
    Thai) are *not* segmented: each run of characters between punctuation comes out as one token, so use a
    subword tokenizer (notebook 05) for them.
    """
    text = unicodedata.normalize("NFC", require_text(text)).translate(_APOSTROPHES)
    return TOKEN_PATTERN.findall(text.lower())
