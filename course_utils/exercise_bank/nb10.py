"""Exercises of notebooks/10_bias.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet


def _context() -> dict[str, Any]:
    from course_utils import bias
    from course_utils.models import load_glove

    kv = load_glove()
    lists = bias.load_gender_lists()
    left, right = bias.pair_vectors(kv, lists["definitional_pairs"])
    g, _ = bias.bias_direction(left, right)
    return {"kv": kv, "tests": bias.load_weat_tests(), "g": g, "professions": lists["professions"]}


# ---------------------------------------------------------------- 10.1 association of one word
def _s_rose(kv: Any, tests: dict[str, Any]) -> float:
    def unit(m: np.ndarray) -> np.ndarray:
        return m / np.linalg.norm(m, axis=-1, keepdims=True)

    w = unit(kv["rose"])
    A = unit(np.stack([kv[x] for x in tests["WEAT1"]["A"]]))
    B = unit(np.stack([kv[x] for x in tests["WEAT1"]["B"]]))
    return float((A @ w).mean() - (B @ w).mean())


def _check_s_rose(answer: Any, kv: Any, tests: dict[str, Any], **_: Any) -> None:
    value = float(answer)
    expected = _s_rose(kv, tests)
    if abs(value - expected) < 1e-3:
        return
    if value > 0.2:
        raise NotYet("that is too large for a difference of two mean cosines: did you forget to subtract the mean over B?")
    raise NotYet("s(w, A, B) = mean over a in A of cos(w, a) minus mean over b in B of cos(w, b); "
                 "normalise the vectors (or use cosine similarity), and use tests['WEAT1']['A'] and ['B'].")


def _solve_s_rose(kv: Any, tests: dict[str, Any], **_: Any) -> float:
    w = kv["rose"] / np.linalg.norm(kv["rose"])
    A = np.stack([kv[x] / np.linalg.norm(kv[x]) for x in tests["WEAT1"]["A"]])
    B = np.stack([kv[x] / np.linalg.norm(kv[x]) for x in tests["WEAT1"]["B"]])
    return float((A @ w).mean() - (B @ w).mean())


def _wrong_s_rose(kv: Any, tests: dict[str, Any], **_: Any) -> float:
    w = kv["rose"] / np.linalg.norm(kv["rose"])
    return float(np.mean([w @ kv[x] / np.linalg.norm(kv[x]) for x in tests["WEAT1"]["A"]]))


# ---------------------------------------------------------------- 10.2 most female-leaning profession
def _projections(kv: Any, g: np.ndarray, professions: list[str]) -> dict[str, float]:
    return {p: float(kv[p] @ g / np.linalg.norm(kv[p])) for p in professions}


def _check_female_profession(answer: Any, kv: Any, g: np.ndarray, professions: list[str], **_: Any) -> None:
    if not isinstance(answer, str):
        raise NotYet("give one profession as a string, e.g. 'teacher'.")
    proj = _projections(kv, g, professions)
    if answer not in proj:
        raise NotYet("choose a word from the list `professions`.")
    if answer == min(proj, key=proj.get):
        raise NotYet("that is the most male-leaning one: g points from the male to the female words, so take the largest projection.")
    if answer != max(proj, key=proj.get):
        raise NotYet("compute cos(word, g) for every profession (bias.projection or v @ g / |v|) and take the largest.")


def _solve_female_profession(kv: Any, g: np.ndarray, professions: list[str], **_: Any) -> str:
    proj = {p: float(kv[p] @ g / np.linalg.norm(kv[p])) for p in professions}
    return max(proj, key=proj.get)


def _wrong_female_profession(kv: Any, g: np.ndarray, professions: list[str], **_: Any) -> str:
    proj = _projections(kv, g, professions)
    return min(proj, key=proj.get)


# ---------------------------------------------------------------- 10.3 neutralise by hand
def _check_neutral_nurse(answer: Any, kv: Any, g: np.ndarray, **_: Any) -> None:
    v = np.asarray(answer, dtype=np.float64)
    if v.shape != (len(g),):
        raise NotYet(f"give one vector of {len(g)} numbers (the neutralised 'nurse').")
    nurse = kv["nurse"] / np.linalg.norm(kv["nurse"])
    gu = g / np.linalg.norm(g)
    target = nurse - (nurse @ gu) * gu
    if abs(v @ gu) > 1e-4 * max(np.linalg.norm(v), 1e-12):
        raise NotYet("the result still has a component along g: subtract (v · g) g, with g of unit length.")
    if v @ target / (np.linalg.norm(v) * np.linalg.norm(target)) < 0.999:
        raise NotYet("start from kv['nurse'] and remove only its projection on g; the rest of the vector must stay.")


def _solve_neutral_nurse(kv: Any, g: np.ndarray, **_: Any) -> np.ndarray:
    v = kv["nurse"] / np.linalg.norm(kv["nurse"])
    g = g / np.linalg.norm(g)
    neutral = v - (v @ g) * g
    return neutral / np.linalg.norm(neutral)


EXERCISES = [
    Exercise(
        id="10.1",
        title="The association s('rose', pleasant, unpleasant) in GloVe",
        check=_check_s_rose,
        solution=_solve_s_rose,
        context=_context,
        wrong=_wrong_s_rose,
    ),
    Exercise(
        id="10.2",
        title="Which profession leans furthest towards the female side of the gender direction?",
        check=_check_female_profession,
        solution=_solve_female_profession,
        context=_context,
        wrong=_wrong_female_profession,
    ),
    Exercise(
        id="10.3",
        title="Neutralise 'nurse' by hand: remove its component along g",
        check=_check_neutral_nurse,
        solution=_solve_neutral_nurse,
        context=_context,
        wrong=lambda kv, g, **_: np.asarray(kv["nurse"], dtype=np.float64),
    ),
]
