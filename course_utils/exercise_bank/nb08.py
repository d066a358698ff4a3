"""Exercises of notebooks/08_embeddings_at_scale.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils.exercises import Exercise, NotYet, as_number, call_learner, one_right_option


# ---------------------------------------------------------------- 08.1 predict, then run: recall@10 kept by binary codes
def _binary_context() -> dict[str, Any]:
    # the shape of what the notebook measures: recall@10 of binary search against exact float search
    return {"measured": 0.62}


def _check_binary_prediction(answer: Any, measured: float) -> None:
    value = as_number(answer, "your prediction")
    if value > 1 or value < 0:
        raise NotYet("recall@10 is the share of the exact top 10 that binary search also found: a number from 0 to 1 "
                     "(0.5 means half of them).")
    if abs(value - float(measured)) > 0.1:
        raise NotYet(f"this run measured {float(measured):.2f}: each of the 384 dimensions keeps only its sign, so the "
                     "neighbours are roughly right but their order is noisy. A prediction within 0.1 counts; "
                     "note how far off you were, and read on: rescoring wins most of it back.")


def _solve_binary_prediction(measured: float) -> float:
    return float(measured)  # the value this run measures (any prediction within 0.1 is accepted)


# ---------------------------------------------------------------- 08.2 interpret: why rescoring helps
RESCORE_OPTIONS = {
    "a": "Rescoring makes the stored binary codes more precise.",
    "b": "Most exact neighbours were already among the binary candidates, in the wrong order; the float query "
         "re-ranks those candidates much better than Hamming distance did.",
    "c": "Rescoring searches the whole corpus again with float vectors, so it is exact search in disguise.",
    "d": "Binary codes lose nothing; the gap between binary and rescored recall is noise from the 200 queries.",
}
RESCORE_WHY_NOT = {
    "a": "the codes in the index do not change at all (still 48 bytes per vector); only the order of a few candidates "
         "is recomputed, with the query kept in float32.",
    "c": "only the candidates the binary search returned are scored again; an exact neighbour that the Hamming search "
         "missed stays missed, which is why rescored recall stays below 1 and cannot exceed candidate coverage.",
    "d": "the gap is far larger than its interval: binary codes do lose the fine order of neighbours (Hamming distance "
         "takes only 385 values), and a float query recovers much of it.",
}


_check_rescore, _solve_rescore = one_right_option(RESCORE_OPTIONS, "b", RESCORE_WHY_NOT)


# ---------------------------------------------------------------- 08.3 build: pick an index for a budget and a floor
def _index_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"bytes_per_vector": [1536.0, 384.0, 48.0, 48.0, 56.0, 1820.0, 512.0],
         "recall@10": [1.0, 0.97, 0.6, 0.9, 0.55, 0.99, 0.9]},
        index=["float32", "int8", "binary", "binary + rescore", "IVF-PQ", "HNSW", "truncate 128"],
    )


def _index_context() -> dict[str, Any]:
    return {"table": _index_table()}


def _reference_choice(table: pd.DataFrame, max_bytes: float, min_recall: float) -> str | None:
    fits = table[(table["bytes_per_vector"] <= max_bytes) & (table["recall@10"] >= min_recall)]
    if fits.empty:
        return None
    order = fits.assign(name=fits.index.astype(str)).sort_values(["bytes_per_vector", "recall@10", "name"],
                                                                 ascending=[True, False, True])
    return str(order.index[0])


def _hidden_tables(table: pd.DataFrame) -> list[tuple[pd.DataFrame, float, float]]:
    rng = np.random.default_rng(8)
    cases = []
    budgets = sorted(set(table["bytes_per_vector"].astype(float)))
    floors = sorted(set(table["recall@10"].astype(float)))
    for max_bytes in [*budgets, float(np.median(budgets)), 1.0]:
        for min_recall in [*floors[:: max(1, len(floors) // 4)], 0.0, 1.01]:
            cases.append((table, max_bytes, min_recall))
    hidden = pd.DataFrame({"bytes_per_vector": rng.choice([48.0, 96.0, 384.0, 1536.0], size=8),
                           "recall@10": rng.uniform(0.3, 1.0, size=8).round(3)},
                          index=[f"config {i}" for i in range(8)])
    hidden.loc["config 7"] = [48.0, 0.95]  # a cheap one that should win whenever it fits
    for max_bytes, min_recall in [(100.0, 0.5), (1536.0, 0.9), (50.0, 0.99), (400.0, 0.0)]:
        cases.append((hidden, max_bytes, min_recall))
    return cases


def _check_choose(answer: Any, table: pd.DataFrame) -> None:
    for case, max_bytes, min_recall in _hidden_tables(table):
        expected = _reference_choice(case, max_bytes, min_recall)
        got = call_learner(answer, case.copy(), max_bytes, min_recall, what="choose_index")
        if expected is None and got is not None:
            raise NotYet(f"with max_bytes={max_bytes:g} and min_recall={min_recall:g} nothing fits, so return None "
                         f"(you returned {got!r}).")
        if expected is None:
            continue
        if got is None:
            raise NotYet(f"with max_bytes={max_bytes:g} and min_recall={min_recall:g}, {expected!r} fits both limits: "
                         "return its name.")
        if not isinstance(got, str) or got not in case.index:
            raise NotYet(f"return the configuration's name (a row label of the table), got {got!r}.")
        row = case.loc[got]
        if row["bytes_per_vector"] > max_bytes:
            raise NotYet(f"{got!r} needs {row['bytes_per_vector']:g} bytes per vector, over the budget of {max_bytes:g}.")
        if row["recall@10"] < min_recall:
            raise NotYet(f"{got!r} has recall@10 {row['recall@10']:g}, under the floor of {min_recall:g}.")
        best = case.loc[expected]
        if row["bytes_per_vector"] > best["bytes_per_vector"]:
            raise NotYet(f"{got!r} fits, but {expected!r} fits too with fewer bytes per vector "
                         f"({best['bytes_per_vector']:g}): pick the smallest index that meets the floor.")
        if row["recall@10"] < best["recall@10"]:
            raise NotYet(f"{got!r} and {expected!r} take the same memory, but {expected!r} has the higher recall: "
                         "break ties by recall.")


def _solve_choose(table: pd.DataFrame) -> Any:
    def choose_index(table, max_bytes, min_recall):
        fits = table[(table["bytes_per_vector"] <= max_bytes) & (table["recall@10"] >= min_recall)]
        if fits.empty:
            return None
        return fits.sort_values(["bytes_per_vector", "recall@10"], ascending=[True, False]).index[0]

    return choose_index


def _wrong_choose(table: pd.DataFrame) -> Any:
    def cheapest_ignoring_recall(table, max_bytes, min_recall):
        fits = table[table["bytes_per_vector"] <= max_bytes]
        return None if fits.empty else fits["bytes_per_vector"].idxmin()

    return cheapest_ignoring_recall


EXERCISES = [
    Exercise(
        id="08.1",
        title="Predict, then run: how much recall@10 does binary quantization keep?",
        check=_check_binary_prediction,
        solution=_solve_binary_prediction,
        context=_binary_context,
        wrong=lambda measured: float(measured) + 0.3 if measured < 0.7 else float(measured) - 0.3,
    ),
    Exercise(
        id="08.2",
        title="Why does rescoring the binary candidates win recall back?",
        check=_check_rescore,
        solution=_solve_rescore,
        wrong=lambda: "c",
    ),
    Exercise(
        id="08.3",
        title="Choose the smallest index that fits a memory budget and a recall floor",
        check=_check_choose,
        solution=_solve_choose,
        context=_index_context,
        wrong=_wrong_choose,
    ),
]
