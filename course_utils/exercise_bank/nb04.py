"""Exercises of notebooks/04_glove_fasttext.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet


def _glove_context() -> dict[str, Any]:
    from course_utils.models import load_glove

    return {"kv": load_glove()}


def _check_analogy(answer: Any, kv: Any) -> None:
    if not isinstance(answer, str):
        raise NotYet("give the answer as one word, a string.")
    expected = kv.most_similar(positive=["paris", "japan"], negative=["france"], topn=1)[0][0]
    if answer in {"france", "paris", "japan"}:
        raise NotYet("leave the three question words out of the ranking: set their similarity to -inf.")
    if answer != expected:
        raise NotYet("normalise each vector to unit length, form unit(paris) - unit(france) + unit(japan), "
                     "and rank all words by cosine with it.")


def _solve_analogy(kv: Any) -> str:
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    a, b, c = (kv.key_to_index[w] for w in ("france", "paris", "japan"))
    target = unit[b] - unit[a] + unit[c]
    sims = unit @ target
    sims[[a, b, c]] = -np.inf
    return kv.index_to_key[int(np.argmax(sims))]


def _simlex_pairs(kv: Any) -> Any:
    from course_utils.data import load_simlex999

    pairs = load_simlex999()
    return pairs[[a in kv.key_to_index and b in kv.key_to_index for a, b in zip(pairs.word1, pairs.word2, strict=True)]]


def _check_simlex(answer: Any, kv: Any) -> None:
    from course_utils.benchmarks import word_similarity

    value = float(answer)
    expected = word_similarity(kv, "simlex999")["spearman"]
    if abs(value - expected) > 1e-3:
        if abs(value - _pearson_simlex(kv)) < 1e-3:
            raise NotYet("that is Pearson's r; the benchmark uses Spearman's rank correlation (scipy.stats.spearmanr).")
        raise NotYet("keep the pairs whose two words are in kv.key_to_index, compute kv.similarity(w1, w2) for each, "
                     "then spearmanr(cosines, pairs.score).statistic.")


def _solve_simlex(kv: Any) -> float:
    from scipy.stats import spearmanr

    from course_utils.data import load_simlex999

    pairs = load_simlex999()
    known = pairs[[a in kv.key_to_index and b in kv.key_to_index for a, b in zip(pairs.word1, pairs.word2, strict=True)]]
    cosines = [kv.similarity(a, b) for a, b in zip(known.word1, known.word2, strict=True)]
    return float(spearmanr(cosines, known.score).statistic)


def _pearson_simlex(kv: Any) -> float:
    from scipy.stats import pearsonr

    known = _simlex_pairs(kv)
    cosines = [kv.similarity(a, b) for a, b in zip(known.word1, known.word2, strict=True)]
    return float(pearsonr(cosines, known.score).statistic)


def _fasttext_ngrams(word: str, min_n: int = 3, max_n: int = 6) -> list[str]:
    marked = f"<{word}>"
    return [marked[i:i + n] for n in range(min_n, max_n + 1) for i in range(len(marked) - n + 1)]


def _check_ngrams(answer: Any) -> None:
    if isinstance(answer, str) or not all(isinstance(g, str) for g in answer):
        raise NotYet("give a list of strings such as ['<ve', 'vec', ...].")
    got, expected = sorted(answer), sorted(_fasttext_ngrams("vector"))
    if got == expected:
        return
    if not any(g.startswith("<") or g.endswith(">") for g in got):
        raise NotYet("FastText first wraps the word as '<vector>': n-grams at the edges include '<' or '>'.")
    if "<vector>" in got:
        raise NotYet("the whole '<vector>' is 8 characters: lengths stop at 6 (the word itself is stored separately).")
    raise NotYet(f"expected {len(expected)} n-grams of lengths 3 to 6 from '<vector>', got {len(got)}.")


def _solve_ngrams() -> list[str]:
    marked = "<vector>"
    return [marked[i:i + n] for n in range(3, 7) for i in range(len(marked) - n + 1)]


EXERCISES = [
    Exercise(
        id="04.1",
        title="france : paris :: japan : ? by 3CosAdd, by hand",
        check=_check_analogy,
        solution=_solve_analogy,
        context=_glove_context,
        wrong=lambda kv: "paris",
    ),
    Exercise(
        id="04.2",
        title="GloVe's SimLex-999 Spearman correlation, by hand",
        check=_check_simlex,
        solution=_solve_simlex,
        context=_glove_context,
        wrong=_pearson_simlex,
    ),
    Exercise(
        id="04.3",
        title="FastText's character n-grams of 'vector'",
        check=_check_ngrams,
        solution=_solve_ngrams,
        wrong=lambda: [g for g in _solve_ngrams() if "<" not in g and ">" not in g],
    ),
]
