"""Exercises of notebooks/03_word2vec.ipynb."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet

SENTENCE = "the cat sat on the mat"


def _full_window_pairs(tokens: list[str], window: int = 2) -> list[tuple[str, str]]:
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(max(0, i - window), min(len(tokens), i + window + 1)) if j != i]


def _check_pairs(answer: Any) -> None:
    pairs = [tuple(p) for p in answer]
    if any(len(p) != 2 or not all(isinstance(w, str) for w in p) for p in pairs):
        raise NotYet("give a list of (centre, context) tuples of words, e.g. [('the', 'cat'), ...].")
    expected = Counter(_full_window_pairs(SENTENCE.split()))
    got = Counter(pairs)
    if sum(got.values()) != sum(expected.values()):
        raise NotYet(f"expected {sum(expected.values())} pairs, got {sum(got.values())}: every word pairs with each word up to 2 positions left and right, repeats included.")
    if got != expected:
        wrong = sorted(set(got) - set(expected))[:3] or sorted(set(expected) - set(got))[:3]
        raise NotYet(f"some pairs are wrong or missing, e.g. {wrong}; each pair is (centre, context), both directions.")


def _solve_pairs() -> list[tuple[str, str]]:
    tokens = "the cat sat on the mat".split()
    return [(tokens[i], tokens[j]) for i in range(len(tokens))
            for j in range(max(0, i - 2), min(len(tokens), i + 3)) if j != i]


def _keep_probability(count: int, total: int, sample: float = 1e-3) -> float:
    f = count / total
    return min(1.0, (np.sqrt(f / sample) + 1) * sample / f)


def _check_keep(answer: Any, count: int, total: int) -> None:
    value = float(answer)
    expected = _keep_probability(count, total)
    if abs(value - expected) > 1e-4:
        if abs(value - count / total) < 1e-4:
            raise NotYet("that is the frequency f; put it into p = (sqrt(f / s) + 1) * s / f with s = 1e-3.")
        raise NotYet("frequency f = count / total, then p = (sqrt(f / s) + 1) * s / f with s = 1e-3 (at most 1).")


def _solve_keep(count: int, total: int) -> float:
    s = 1e-3
    f = count / total
    return min(1.0, (np.sqrt(f / s) + 1) * s / f)


def _keep_context() -> dict[str, Any]:
    return {"count": 25_329, "total": 372_665}


def _check_neighbour(answer: Any, kv: Any) -> None:
    if not isinstance(answer, str):
        raise NotYet("give the neighbour as a string.")
    expected = kv.most_similar("war", topn=1)[0][0]
    if answer == "war":
        raise NotYet("exclude 'war' itself: its cosine with itself is 1.")
    if answer != expected:
        raise NotYet("normalise the rows to unit length first (cosine, not dot product), then take the largest "
                     "similarity other than 'war' itself.")


def _solve_neighbour(kv: Any) -> str:
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    sims = unit @ unit[kv.key_to_index["war"]]
    sims[kv.key_to_index["war"]] = -np.inf
    return kv.index_to_key[int(np.argmax(sims))]


def _neighbour_context() -> dict[str, Any]:
    from course_utils.word2vec import to_keyed_vectors

    rng = np.random.default_rng(0)
    words = ["war", "army", "battle", "peace", "music", "the"]
    vectors = rng.normal(size=(len(words), 8))
    vectors[5] = 50 * (vectors[0] + 1.5 * rng.normal(size=8))  # long vector: wins by dot product, not by cosine
    vectors[1] = vectors[0] + 0.1 * rng.normal(size=8)
    return {"kv": to_keyed_vectors(words, vectors)}


def _wrong_neighbour(kv: Any) -> str:
    sims = kv.vectors @ kv.vectors[kv.key_to_index["war"]]  # dot product, not cosine, and war not excluded
    return kv.index_to_key[int(np.argmax(sims))]


EXERCISES = [
    Exercise(
        id="03.1",
        title="All (centre, context) pairs of 'the cat sat on the mat' with a full window of 2",
        check=_check_pairs,
        solution=_solve_pairs,
        wrong=lambda: [p for p in _solve_pairs() if p[0] != "the"],
    ),
    Exercise(
        id="03.2",
        title="word2vec's probability of keeping one occurrence of 'the'",
        check=_check_keep,
        solution=_solve_keep,
        context=_keep_context,
        wrong=lambda count, total: count / total,
    ),
    Exercise(
        id="03.3",
        title="The nearest neighbour of 'war' by cosine, without most_similar",
        check=_check_neighbour,
        solution=_solve_neighbour,
        context=_neighbour_context,
        wrong=_wrong_neighbour,
    ),
]
