"""Exercises of notebooks/10_bias.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_number, call_learner, one_right_option, predicted_band


def _context() -> dict[str, Any]:
    from course_utils.models import load_glove

    return {"kv": load_glove(), "tests": _tests()}


def _tests() -> dict[str, Any]:
    from course_utils import bias

    return bias.load_weat_tests()


# ---------------------------------------------------------------- 10.1 association of one word
def _s_rose(kv: Any, tests: dict[str, Any]) -> float:
    def unit(m: np.ndarray) -> np.ndarray:
        return m / np.linalg.norm(m, axis=-1, keepdims=True)

    w = unit(np.asarray(kv["rose"], dtype=np.float64))
    A = unit(np.stack([kv[x] for x in tests["WEAT1"]["A"]]).astype(np.float64))
    B = unit(np.stack([kv[x] for x in tests["WEAT1"]["B"]]).astype(np.float64))
    return float((A @ w).mean() - (B @ w).mean())


def _check_s_rose(answer: Any, kv: Any, tests: dict[str, Any]) -> None:
    value = as_number(answer, "s('rose', A, B)")
    expected = _s_rose(kv, tests)
    if abs(value - expected) < 1e-3:
        return
    if value > 0.2:
        raise NotYet("that is too large for a difference of two mean cosines: did you forget to subtract the mean over B?")
    raise NotYet("s(w, A, B) = mean over a in A of cos(w, a) minus mean over b in B of cos(w, b); "
                 "normalise the vectors (or use cosine similarity), and use tests['WEAT1']['A'] and ['B'].")


def _solve_s_rose(kv: Any, tests: dict[str, Any]) -> float:
    w = kv["rose"] / np.linalg.norm(kv["rose"])
    A = np.stack([kv[x] / np.linalg.norm(kv[x]) for x in tests["WEAT1"]["A"]])
    B = np.stack([kv[x] / np.linalg.norm(kv[x]) for x in tests["WEAT1"]["B"]])
    return float((A @ w).mean() - (B @ w).mean())


def _wrong_s_rose(kv: Any, tests: dict[str, Any]) -> float:
    w = kv["rose"] / np.linalg.norm(kv["rose"])
    return float(np.mean([w @ kv[x] / np.linalg.norm(kv[x]) for x in tests["WEAT1"]["A"]]))


# ---------------------------------------------------------------- 10.2 predict: does gender survive hard debiasing?
SVM_OPTIONS = {
    "a": "about 50 %, chance: with the projection on g gone, nothing tells the two groups apart",
    "b": "between 60 % and 80 %: some gender information is left, much of it is gone",
    "c": "above 80 %: most of the split is still recoverable",
}
SVM_MISCONCEPTIONS = {
    "a": "hard debiasing removes one direction out of 50; the words' neighbours (football teams, first names, "
         "baby words) did not move, and a classifier can read gender off them.",
    "b": "the split is more than partly recoverable: removing one direction leaves the other 49, and the gendered "
         "neighbourhoods live there.",
    "c": "the measured accuracy is not above 80 % this time: read the table again.",
}


def _band(measured: float) -> str:
    return "a" if measured < 0.6 else "b" if measured <= 0.8 else "c"


def _explain_svm(choice: str, right: str, value: float) -> str:
    return (f"the SVM recovers the split {value:.0%} of the time. Your prediction ({choice}) assumed that "
            f"{SVM_MISCONCEPTIONS[choice]}")


_check_svm_prediction, _solve_svm_prediction, _wrong_svm_prediction = predicted_band(SVM_OPTIONS, _band, _explain_svm,
                                                                                     "the measured accuracy")


# ---------------------------------------------------------------- 10.3 interpret: intrinsic zero, extrinsic gap
SWAP_OPTIONS = {
    "a": "Hard debiasing removed the bias; what is left in the search is noise.",
    "b": "A bias score of zero on the embedding does not certify equal treatment: the decision itself has to be "
         "tested across groups.",
    "c": "The search favours male names because MiniLM is biased.",
    "d": "The projections after debiasing must have been computed wrongly, since the search still differs.",
}
SWAP_MISCONCEPTIONS = {
    "a": "the placebo swap (names of the same gender exchanged) measures what noise does, and the gender swap's "
         "gap and its interval lie outside it: it is not noise.",
    "c": "the debiased-GloVe search uses no MiniLM at all: it averages the debiased word vectors.",
    "d": "the projections are exactly 0 by construction (the notebook and the unit tests check it); the gap comes "
         "from the other 49 dimensions and from the names and pronouns themselves.",
}


_check_swap_reading, _solve_swap_reading = one_right_option(SWAP_OPTIONS, "b", SWAP_MISCONCEPTIONS)


# ---------------------------------------------------------------- 10.4 build: neutralise rows along a direction
def _neutralized(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    g = direction / np.linalg.norm(direction)
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    out = v - np.outer(v @ g, g)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _unseen_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(2024)
    cases = []
    for n, dim, scale in [(5, 8, 3.0), (1, 50, 0.2), (7, 3, 10.0)]:
        vectors = rng.normal(size=(n, dim)) * rng.uniform(0.5, 4.0, size=(n, 1))
        direction = rng.normal(size=dim) * scale  # deliberately not of unit length
        cases.append((vectors, direction))
    return cases


def _check_neutralize(answer: Any) -> None:
    for vectors, direction in _unseen_cases():
        result = call_learner(answer, vectors.copy(), direction.copy(), what="your neutralize")
        result = np.asarray(result.detach().numpy() if hasattr(result, "detach") else result, dtype=np.float64)
        if result.shape != vectors.shape:
            raise NotYet(f"for {vectors.shape[0]} vectors of {vectors.shape[1]} numbers return the same shape, "
                         f"got {result.shape}.")
        if not np.all(np.isfinite(result)):
            raise NotYet("your result holds NaN or infinite values: check for a division by zero.")
        norms = np.linalg.norm(result, axis=1)
        if np.any(norms < 1e-9):
            raise NotYet("a row of your result is all zeros: it has no direction left. Subtract only the component "
                         "along the direction, not the whole vector.")
        g = direction / np.linalg.norm(direction)
        if np.abs(result @ g / norms).max() > 1e-6:
            raise NotYet("the rows still have a component along the direction: normalise the direction to length 1 "
                         "before you subtract (v · g) g, or the subtraction is scaled wrongly.")
        if not np.allclose(norms, 1.0, atol=1e-6):
            raise NotYet("the rows are orthogonal to the direction but not of length 1: divide each row by its norm at the end.")
        if not np.allclose(result, _neutralized(vectors, direction), atol=1e-6):
            raise NotYet("remove only the component along the direction; everything else of each row must stay.")


def _solve_neutralize() -> Any:
    def neutralize(vectors, direction):
        g = direction / np.linalg.norm(direction)
        v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        out = v - np.outer(v @ g, g)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return neutralize


def _wrong_neutralize() -> Any:
    def neutralize(vectors, direction):  # forgets to make the direction unit length
        out = vectors - np.outer(vectors @ direction, direction)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return neutralize


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
        title="Predict: can an SVM still tell the 500 'female' from the 500 'male' words after hard debiasing?",
        check=_check_svm_prediction,
        solution=_solve_svm_prediction,
        context=lambda: {"measured": 0.936},
        wrong=_wrong_svm_prediction,
    ),
    Exercise(
        id="10.3",
        title="Interpret: the embedding's bias score is zero, the search still treats names differently",
        check=_check_swap_reading,
        solution=_solve_swap_reading,
        wrong=lambda: "a",
    ),
    Exercise(
        id="10.4",
        title="Build: neutralise vectors along a direction (hard debiasing, step 1)",
        check=_check_neutralize,
        solution=_solve_neutralize,
        wrong=_wrong_neutralize,
    ),
]
