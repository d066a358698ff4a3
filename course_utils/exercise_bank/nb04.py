"""Exercises of notebooks/04_glove_fasttext.ipynb."""

from __future__ import annotations

from typing import Any

from course_utils.exercises import Exercise, NotYet, as_choice, as_items, call_learner, one_right_option

# ---------------------------------------------------------------- 04.1 predict, then run: question words kept
KEPT_OPTIONS = {"a": "about the same (within 0.05)", "b": "much lower (more than 0.1 lower)", "c": "higher"}


def _kept_outcome(kept: float, excluded: float) -> set[str]:
    """The options the measurement supports (both a and b in the grey zone between 0.05 and 0.1 lower)."""
    drop = excluded - kept
    if drop > 0.1:
        return {"b"}
    if drop < -0.05:
        return {"c"}
    if abs(drop) <= 0.05:
        return {"a"}
    return {"a", "b"}


def _kept_context() -> dict[str, Any]:
    # The values notebook 04 measures: GloVe 6B 50d, family section, 30,000 most frequent words.
    return {"kept": 0.523, "excluded": 0.757}


def _check_kept(answer: Any, kept: float, excluded: float) -> None:
    choice = as_choice(answer, KEPT_OPTIONS)
    if choice in _kept_outcome(kept, excluded):
        return
    measured = f"this run measured {excluded:.3f} with the question words excluded and {kept:.3f} with them kept. "
    if excluded - kept > 0.05:
        raise NotYet(measured + "b - a + c is built from the three question words, so one of them (often b itself, "
                     "as king for man : king :: woman) is usually the nearest vector. The exclusion rule does part "
                     "of the work that analogy scores are credited to the vectors for.")
    raise NotYet(measured + "Here the rule changed little: look at how often an input was the top answer.")


def _solve_kept(kept: float, excluded: float) -> str:
    return sorted(_kept_outcome(kept, excluded))[-1]


def _wrong_kept(kept: float, excluded: float) -> str:
    return next(k for k in KEPT_OPTIONS if k not in _kept_outcome(kept, excluded))


# ---------------------------------------------------------------- 04.2 interpret: apple's neighbours
APPLE_OPTIONS = {
    "a": "GloVe does not know that an apple is a fruit: that sense is missing from its vector.",
    "b": "The vector blends both senses, weighted by how often each occurs in the training text; the neighbours show "
         "the dominant one, and the fruit sense survives as a smaller component (e.g. a cosine with banana well "
         "above the random-pair baseline).",
    "c": "Fifty dimensions are too few to hold two senses; 300-d GloVe would list fruits first.",
    "d": "most_similar ranks by dot product, which favours frequent words such as company names.",
}
APPLE_WHY = {
    "a": "the neighbours show only the most similar words. Check a fruit directly: cosine(apple, banana) is about "
         "0.56, far above the 0.07 of random frequent words. The fruit sense is there, outweighed, not missing.",
    "c": "the dimension is not the cause: one vector per word has to serve every sense, at any width, and the "
         "neighbours follow whichever sense the training text uses most. Only a vector per occurrence (05) splits them.",
    "d": "gensim's most_similar ranks by cosine (unit-normalised vectors), so word frequency or vector length does "
         "not decide the ranking; what decides it is which contexts dominate apple's co-occurrences.",
}


_check_apple, _solve_apple = one_right_option(APPLE_OPTIONS, "b", APPLE_WHY)


# ---------------------------------------------------------------- 04.3 build: FastText's character n-grams
UNSEEN_WORDS = ["vector", "a", "ox", "banana", "embeddings", "naïve", "x-ray", "supercalifragilistic"]


def _reference_ngrams(word: str, min_n: int, max_n: int) -> set[str]:
    from gensim.models.fasttext_inner import compute_ngrams

    return set(compute_ngrams(word, min_n, max_n))


def _check_ngrams(answer: Any) -> None:
    for word, min_n, max_n in [(w, 3, 6) for w in UNSEEN_WORDS] + [("where", 2, 4), ("subword", 1, 3)]:
        got = call_learner(answer, word, min_n=min_n, max_n=max_n, what="char_ngrams")
        if got is None or isinstance(got, str):
            raise NotYet(f"char_ngrams({word!r}) must return a list of strings, e.g. ['<ve', 'vec', ...].")
        items = as_items(got, f"char_ngrams({word!r})")
        if not all(isinstance(g, str) for g in items):
            raise NotYet(f"char_ngrams({word!r}) must return strings only.")
        expected = _reference_ngrams(word, min_n, max_n)
        if set(items) == expected:
            continue
        if not any(g.startswith("<") or g.endswith(">") for g in items):
            raise NotYet("FastText first wraps the word as '<word>': n-grams at the edges include '<' or '>'.")
        missing, extra = sorted(expected - set(items))[:3], sorted(set(items) - expected)[:3]
        raise NotYet(f"for {word!r} with min_n={min_n}, max_n={max_n}: missing {missing}, unexpected {extra}. "
                     "Use the arguments min_n and max_n, and every start position of '<word>'.")


def _solve_ngrams() -> Any:
    def char_ngrams(word, min_n=3, max_n=6):
        marked = f"<{word}>"
        return [marked[i:i + n] for n in range(min_n, max_n + 1) for i in range(len(marked) - n + 1)]

    return char_ngrams


def _wrong_ngrams() -> Any:
    def char_ngrams(word, min_n=3, max_n=6):
        marked = f"<{word}>"
        return [marked[i:i + n] for n in range(3, 7) for i in range(len(marked) - n + 1)]  # ignores min_n, max_n

    return char_ngrams


EXERCISES = [
    Exercise(
        id="04.1",
        title="Predict, then run: analogy accuracy with the question words allowed as answers",
        check=_check_kept,
        solution=_solve_kept,
        context=_kept_context,
        wrong=_wrong_kept,
    ),
    Exercise(
        id="04.2",
        title="Interpret: apple's GloVe neighbours are all companies",
        check=_check_apple,
        solution=_solve_apple,
        wrong=lambda: "a",
    ),
    Exercise(
        id="04.3",
        title="Build: FastText's character n-grams of any word",
        check=_check_ngrams,
        solution=_solve_ngrams,
        wrong=_wrong_ngrams,
    ),
]
