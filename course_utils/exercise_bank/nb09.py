"""Exercises of notebooks/09_fine_tuning.ipynb."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_items, as_number, call_learner, one_right_option


# ---------------------------------------------------------------- 09.1 new words
def _new_words_context() -> dict[str, Any]:
    from course_utils.data import load_lee_background
    from course_utils.text import tokenize

    old = Counter(t for doc in load_lee_background()[:150] for t in tokenize(doc))
    return {"old_vocab": {w: i for i, w in enumerate(w for w, c in old.items() if c >= 3)},
            "sentences": [tokenize(doc) for doc in load_lee_background()], "min_count": 3}


def _solve_new_words(old_vocab: Any, sentences: Any, min_count: int) -> int:
    counts = Counter(token for sentence in sentences for token in sentence)
    return sum(1 for word, count in counts.items() if count >= min_count and word not in old_vocab)


def _check_new_words(answer: Any, old_vocab: Any, sentences: Any, min_count: int) -> None:
    answer = int(as_number(answer, "the number of words added", integer=True))
    right = _solve_new_words(old_vocab, sentences, min_count)
    counts = Counter(token for sentence in sentences for token in sentence)
    if answer == sum(1 for word in counts if word not in old_vocab):
        raise NotYet("you counted every unknown word; only words with at least min_count occurrences in the new corpus "
                     "are added.")
    if answer != right:
        raise NotYet("count tokens with collections.Counter over all sentences, keep words with count >= min_count, "
                     "and drop those already in old_vocab.")


# ---------------------------------------------------------------- 09.2 build: batches without false negatives
HIDDEN_GROUPS = [
    ([0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5], 4, 8),
    ([7, 7, 7, 7, 3, 3, 3, 9, 9, 1], 3, 9),
    (["a", "b", "a", "c", "b", "d", "a", "e"], 2, 6),
    (list(range(10)), 5, 10),
    ([1, 1, 1, 1], 2, 0),
    ([1, 2, 3, 4, 0, 0, 0], 2, 6),
]


def _check_order(order: Any, groups: list[Any], batch_size: int, at_least: int) -> None:
    order = [int(i) for i in as_items(order, "the order your function returned")]
    if len(set(order)) != len(order) or any(not 0 <= i < len(groups) for i in order):
        raise NotYet(f"for groups={groups}, batch_size={batch_size}: give each index at most once, between 0 and "
                     f"{len(groups) - 1}.")
    if len(order) % batch_size:
        raise NotYet(f"for groups={groups}, batch_size={batch_size}: the length must be a multiple of batch_size "
                     "(drop the leftovers).")
    for start in range(0, len(order), batch_size):
        block = [groups[i] for i in order[start:start + batch_size]]
        if len(set(block)) != len(block):
            raise NotYet(f"for groups={groups}, batch_size={batch_size}: the block starting at position {start} "
                         f"holds a group twice: {block}.")
    if len(order) < at_least:
        raise NotYet(f"for groups={groups}, batch_size={batch_size} you used {len(order)} items; {at_least} fit. "
                     "Take first from the groups with most items left, so the big groups are not left over at the end.")


def _check_batches(answer: Any) -> None:
    for groups, batch_size, at_least in HIDDEN_GROUPS:
        _check_order(call_learner(answer, list(groups), batch_size, what="your batch_order"), groups, batch_size, at_least)


def _solve_batches() -> Any:
    def batch_order(groups: list[Any], batch_size: int) -> list[int]:
        remaining: dict[Any, list[int]] = {}
        for index, group in enumerate(groups):
            remaining.setdefault(group, []).append(index)
        order: list[int] = []
        while sum(1 for items in remaining.values() if items) >= batch_size:
            fullest = sorted((g for g in remaining if remaining[g]), key=lambda g: -len(remaining[g]))[:batch_size]
            order.extend(remaining[g].pop() for g in fullest)
        return order

    return batch_order


def _wrong_batches() -> Any:
    def in_order(groups: list[Any], batch_size: int) -> list[int]:  # first come, first served: drops too many
        order: list[int] = []
        used: set[int] = set()
        while True:
            block, seen = [], set()
            for i, g in enumerate(groups):
                if i not in used and g not in seen:
                    block.append(i)
                    seen.add(g)
                if len(block) == batch_size:
                    break
            if len(block) < batch_size:
                return order
            used.update(block)
            order.extend(block)

    return in_order


# ---------------------------------------------------------------- 09.3 early stopping on validation
def _history_context() -> dict[str, Any]:
    import pandas as pd

    rows = []
    for fold, (best_val, best_test) in enumerate([(1, 3), (2, 0), (1, 2)]):
        for epoch in range(1, 6):
            rows.append({"fold": fold, "epoch": epoch, "train_loss": 0.7 / epoch, "train_accuracy": 0.5 + 0.1 * epoch,
                         "validation_loss": 0.5 + 0.05 * (epoch - 1 - best_val) ** 2,
                         "validation_accuracy": 0.8 - 0.01 * abs(epoch - 1 - best_val),
                         "test_loss": 0.5 + 0.04 * (epoch - 1 - best_test) ** 2,
                         "test_accuracy": 0.8 - 0.01 * abs(epoch - 1 - best_test)})
    return {"history": pd.DataFrame(rows).set_index("fold")}


def _best_epochs(history: Any, column: str) -> list[int]:
    flat = history.reset_index()
    return [int(part.epoch.to_numpy()[int(np.argmin(part[column].to_numpy()))]) for _, part in flat.groupby("fold")]


def _solve_early_stopping(history: Any) -> list[int]:
    return _best_epochs(history, "validation_loss")


def _check_early_stopping(answer: Any, history: Any) -> None:
    given = [int(as_number(x, "each epoch", integer=True)) for x in as_items(answer, "the epochs")]
    right = _solve_early_stopping(history)
    if len(given) != len(right):
        raise NotYet(f"give one epoch per fold: {len(right)} integers, fold 0 first.")
    if given == right:
        return
    if given == _best_epochs(history, "test_loss"):
        raise NotYet("that is the lowest *test* loss: choosing the epoch on the test fold leaks it into the result. "
                     "Use the validation_loss column.")
    if given == _best_epochs(history, "train_loss"):
        raise NotYet("that is the lowest *training* loss, which keeps falling while the model overfits; use validation_loss.")
    raise NotYet("group by fold (`history.reset_index().groupby('fold')`) and take the epoch of the smallest validation_loss.")


# ---------------------------------------------------------------- 09.4 reading retrieval
def _retrieval_context() -> dict[str, Any]:
    return {"sims": np.array([[0.9, 0.2, 0.4, 0.1], [0.8, 0.5, 0.6, 0.7], [0.1, 0.7, 0.7, 0.3]]),
            "targets": np.array([0, 2, 2])}


def _ranks(sims: Any, targets: Any) -> np.ndarray:
    from course_utils.benchmarks import rank_of_correct

    return rank_of_correct(np.asarray(sims, dtype=float), np.asarray(targets))


def _solve_mrr(sims: Any, targets: Any) -> float:
    return float(np.mean(1.0 / _ranks(sims, targets)))


def _check_mrr(answer: Any, sims: Any, targets: Any) -> None:
    value = as_number(answer, "the mean reciprocal rank")
    right = _solve_mrr(sims, targets)
    if abs(value - right) <= 1e-6:
        return
    ranks = _ranks(sims, targets)
    correct = np.asarray(sims)[np.arange(len(targets)), targets]
    optimistic = 1 + np.sum(np.asarray(sims) > correct[:, None], axis=1)
    if abs(value - float(np.mean(ranks == 1))) < 1e-9:
        raise NotYet("that is recall@1; MRR averages 1/rank, so a correct document in 2nd place still counts 0.5.")
    if abs(value - float(np.mean(1.0 / optimistic))) < 1e-9:
        raise NotYet("you let a tie count *for* the correct document; in the course a document that scores the same "
                     "ranks ahead of it (a model that cannot tell them apart has not found it).")
    raise NotYet("rank of the correct document = 1 + number of other documents scoring at least as high; average 1/rank.")


# ---------------------------------------------------------------- 09.5 predict, then run: the starting loss
def _start_context() -> dict[str, Any]:
    return {"measured": 0.35}


def _check_start(answer: Any, measured: float) -> None:
    value = as_number(answer, "your prediction")
    if value < 0:
        raise NotYet("a cross-entropy is never negative: predict a number between 0 and log 8 = 2.08.")
    if abs(value - measured) > 0.3:
        raise NotYet(f"you predicted {value:.2f}, the measurement is {measured:.2f} (log 8 = 2.08). MiniLM was trained "
                     "for exactly this kind of matching, so in a batch of 8 it usually puts the right lead first by a "
                     "margin; the loss is far from log 8. Keep this in mind: a loss near 0 leaves little to learn.")


def _solve_start(measured: float) -> float:
    return round(measured, 2)


# ---------------------------------------------------------------- 09.6 interpret: small batches
SMALL_BATCH_OPTIONS = {
    "a": "The learning rate was too small.",
    "b": "The untouched model already ranks most positives first: loss far below log 8, small gradients.",
    "c": "MiniLM cannot be fine-tuned on a CPU: its weights were frozen.",
    "d": "Eight negatives are too many.",
}
SMALL_BATCH_WHY_NOT = {
    "a": "a larger step scales a small gradient, it does not give it a new direction; with the positive already "
         "first by a margin the softmax is nearly saturated and the batch says little about what to change. "
         "Section 2.1 measures that: the starting loss is far below log 8.",
    "c": "only the word-piece table was frozen (to save memory); every transformer layer was trained, and the loss "
         "did move. Training on a CPU is slow, not impossible.",
    "d": "the opposite: more negatives make the task harder and the loss larger (log B grows), which is why a larger "
         "batch gives the model something to learn.",
}


_check_small_batch, _solve_small_batch = one_right_option(SMALL_BATCH_OPTIONS, "b", SMALL_BATCH_WHY_NOT)


EXERCISES = [
    Exercise(id="09.1", title="How many Lee-background words does build_vocab(update=True) add?",
             check=_check_new_words, solution=_solve_new_words, context=_new_words_context,
             wrong=lambda old_vocab, sentences, min_count: len({t for s in sentences for t in s} - set(old_vocab))),
    Exercise(id="09.2", title="Build: order pairs so no batch holds the same article twice",
             check=_check_batches, solution=_solve_batches, wrong=_wrong_batches),
    Exercise(id="09.3", title="Early stopping: the epoch with the lowest validation loss per fold",
             check=_check_early_stopping, solution=_solve_early_stopping, context=_history_context,
             wrong=lambda history: _best_epochs(history, "test_loss")),
    Exercise(id="09.4", title="Mean reciprocal rank from a similarity matrix (ties count against)",
             check=_check_mrr, solution=_solve_mrr, context=_retrieval_context,
             wrong=lambda sims, targets: float(np.mean(np.argmax(sims, axis=1) == targets))),
    Exercise(id="09.5", title="Predict, then run: MiniLM's starting loss on batches of 8",
             check=_check_start, solution=_solve_start, context=_start_context,
             wrong=lambda measured: float(np.log(8))),
    Exercise(id="09.6", title="Interpret: why small batches taught a strong model nothing",
             check=_check_small_batch, solution=_solve_small_batch, wrong=lambda: "a"),
]
