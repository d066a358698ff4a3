"""Exercises of notebooks/07_choosing_models.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_choice, as_number, as_set, call_learner, close_to, one_right_option

# ---------------------------------------------------------------- 07.1 interpret: overlapping intervals
OVERLAP_OPTIONS = {
    "a": "The intervals overlap, so the two are indistinguishable on polarity.",
    "b": "Nothing yet from the two separate intervals: both models classified the same 200 texts, so the question is "
         "answered by the interval of the difference, resampling the same texts for both (a paired bootstrap).",
    "c": "MiniLM is better, because its accuracy is higher.",
    "d": "Nothing at all: 200 texts are too few for any conclusion about these two models.",
}
OVERLAP_WHY_NOT = {
    "a": "two separate intervals each carry the noise of *which* texts were drawn; when both models are scored on the "
         "same texts, much of that noise is shared and cancels in the difference. Overlapping separate intervals "
         "are compatible with a difference beyond noise: compare paired.",
    "c": "a higher point estimate on 200 texts can come from which texts happened to be in the set; without the "
         "interval of the difference you cannot tell a real lead from luck.",
    "d": "small sets give wide intervals, not no information: the paired interval of the difference is computable "
         "and can exclude 0. 'Too few' is a statement about the interval's width, so measure it.",
}


_check_overlap, _solve_overlap = one_right_option(OVERLAP_OPTIONS, "b", OVERLAP_WHY_NOT)


# ---------------------------------------------------------------- 07.2 predict: does a prefix help MiniLM?
PREFIX_OPTIONS = {"better": "the E5 prefixes make MiniLM's retrieval better, beyond noise",
                  "worse": "the E5 prefixes make MiniLM's retrieval worse, beyond noise",
                  "same": "indistinguishable: the paired interval contains 0"}
_VERDICT_TO_OPTION = {"a is better": "better", "b is better": "worse", "within noise": "same"}


def _outcome(comparison: Any) -> str:
    verdict = getattr(comparison, "verdict", None)
    if verdict not in _VERDICT_TO_OPTION:
        raise TypeError("comparison must be the stats.Comparison of the prefixed against the plain model.")
    return _VERDICT_TO_OPTION[verdict]


def _check_prefix(answer: Any, comparison: Any) -> None:
    choice = as_choice(answer, PREFIX_OPTIONS)
    right = _outcome(comparison)
    if choice != right:
        measured = (f"measured: {comparison.difference:+.3f} MRR, 95 % interval "
                    f"[{comparison.low:+.3f}, {comparison.high:+.3f}], so {right!r}.")
        if choice == "better":
            raise NotYet(f"{measured} A prefix helps a model that was *trained* with it (E5, BGE, Qwen3-Embedding); "
                         "MiniLM never saw 'query: ' in training, so the prefix's word pieces are just averaged into "
                         "every vector.")
        if choice == "worse":
            raise NotYet(f"{measured} The prefix adds the same few word pieces to every text; averaged with a whole "
                         "paragraph's word pieces, they move all vectors about equally, which changes few rankings.")
        raise NotYet(f"{measured} Look at the table: the paired interval does not contain 0 here.")


def _solve_prefix(comparison: Any) -> str:
    return _outcome(comparison)


def _prefix_context() -> dict[str, Any]:
    """A comparison shaped like the notebook's (the tests need no model)."""
    from course_utils.stats import Comparison

    return {"comparison": Comparison(0.0005, -0.0055, 0.0073)}


def _wrong_prefix(comparison: Any) -> str:
    return "worse" if _outcome(comparison) != "worse" else "better"


# ---------------------------------------------------------------- 07.3 build: the Pareto front
def _reference_front(quality: Any, cost: Any) -> set[str]:
    names = list(quality.index)
    front = set()
    for a in names:
        dominated = any(quality[b] >= quality[a] and cost[b] <= cost[a] and (quality[b] > quality[a] or cost[b] < cost[a])
                        for b in names if b != a)
        if not dominated:
            front.add(a)
    return front


def _hidden_tables() -> list[tuple[Any, Any]]:
    """Quality/cost tables the learner has not seen: random, with exact ties, one representation, all on the front."""
    import pandas as pd

    rng = np.random.default_rng(707)
    tables = []
    for n in (6, 9):
        names = [f"model_{i}" for i in range(n)]
        tables.append((pd.Series(rng.uniform(0.2, 0.9, n).round(2), index=names),
                       pd.Series(rng.uniform(1, 500, n).round(0), index=names)))
    names = ["A", "B", "C", "D"]  # B ties A on quality and costs more (dominated); C and D are identical (both kept)
    tables.append((pd.Series([0.8, 0.8, 0.5, 0.5], index=names), pd.Series([10.0, 20.0, 1.0, 1.0], index=names)))
    tables.append((pd.Series([0.7], index=["only"]), pd.Series([3.0], index=["only"])))
    names = ["fast", "middle", "best"]  # a staircase: everyone on the front
    tables.append((pd.Series([0.3, 0.6, 0.9], index=names), pd.Series([1.0, 10.0, 100.0], index=names)))
    return tables


def _check_front(answer: Any) -> None:
    for quality, cost in _hidden_tables():
        result = call_learner(answer, quality.copy(), cost.copy(), what="your pareto_front")
        if result is None:
            raise NotYet("your pareto_front returned None: return the list of names that are not dominated.")
        given = as_set(result, "the front")
        right = _reference_front(quality, cost)
        if given == set(quality.index) and right != given:
            raise NotYet("not every representation is on the front: one that another matches on quality at a lower "
                         "cost (or beats at the same cost) is dominated.")
        if given != right:
            missing, extra = sorted(right - given), sorted(given - right)
            raise NotYet(f"on a hidden table of {len(quality)} representations you missed {missing} and kept {extra}. "
                         "Dominated means: another is >= on quality AND <= on cost, and strictly better on one; "
                         "two identical representations do not dominate each other.")


def _solve_front() -> Any:
    def pareto_front(quality, cost):
        names = list(quality.index)
        return [a for a in names
                if not any(quality[b] >= quality[a] and cost[b] <= cost[a] and (quality[b] > quality[a] or cost[b] < cost[a])
                           for b in names if b != a)]

    return pareto_front


def _wrong_front() -> Any:
    return lambda quality, cost: [quality.idxmax(), cost.idxmin()]


# ---------------------------------------------------------------- 07.4 compute: an index in GB
N_TICKETS, DIMENSION = 5_000_000, 768


def _solve_index_gb() -> float:
    return round(N_TICKETS * DIMENSION * 1 / 2**30, 1)


def _check_index_gb(answer: Any) -> None:
    value = as_number(answer, "the index size in GB")
    if close_to(value, N_TICKETS * DIMENSION * 4 / 2**30, 1):
        raise NotYet("that is the float32 size: int8 stores one byte per value, not four.")
    if close_to(value, N_TICKETS * DIMENSION / 1e9, 1):
        raise NotYet("that is in units of 10**9 bytes: the exercise asks for GB of 2**30 bytes.")
    if close_to(value, N_TICKETS * DIMENSION / 8 / 2**30, 1):
        raise NotYet("that is the binary size (one bit per value): int8 keeps one byte per value.")
    if not close_to(value, N_TICKETS * DIMENSION / 2**30, 1):
        raise NotYet("documents x dimension x bytes per value, divided by 2**30: 5,000,000 x 768 x 1 / 2**30.")


EXERCISES = [
    Exercise(id="07.1", title="Interpret: two overlapping intervals on the same texts", check=_check_overlap,
             solution=_solve_overlap, wrong=lambda: "a"),
    Exercise(id="07.2", title="Predict, then run: do E5's query/passage prefixes change MiniLM's retrieval?",
             check=_check_prefix, solution=_solve_prefix, context=_prefix_context, wrong=_wrong_prefix),
    Exercise(id="07.3", title="Write the Pareto front of quality and cost", check=_check_front,
             solution=_solve_front, wrong=_wrong_front),
    Exercise(id="07.4", title="The size of an int8 index of 5 million documents", check=_check_index_gb,
             solution=_solve_index_gb, wrong=lambda: round(N_TICKETS * DIMENSION * 4 / 2**30, 1)),
]
