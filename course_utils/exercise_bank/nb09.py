"""Exercises of notebooks/09_fine_tuning.ipynb."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet


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
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise NotYet("give one integer: the number of words added.")
    right = _solve_new_words(old_vocab, sentences, min_count)
    counts = Counter(token for sentence in sentences for token in sentence)
    if answer == sum(1 for word in counts if word not in old_vocab):
        raise NotYet("you counted every unknown word; only words with at least min_count occurrences in the new corpus are added.")
    if answer != right:
        raise NotYet("count tokens with collections.Counter over all sentences, keep words with count >= min_count, "
                     "and drop those already in old_vocab.")


# ---------------------------------------------------------------- 09.2 batches without false negatives
def _batches_context() -> dict[str, Any]:
    return {"groups": [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5], "batch_size": 4}


def _check_batches(answer: Any, groups: Any, batch_size: int) -> None:
    order = [int(i) for i in answer]
    if len(set(order)) != len(order) or any(not 0 <= i < len(groups) for i in order):
        raise NotYet(f"give each index at most once, between 0 and {len(groups) - 1}.")
    if len(order) % batch_size:
        raise NotYet(f"the length must be a multiple of batch_size={batch_size}: drop the leftovers.")
    if len(order) < 2 * batch_size:
        raise NotYet(f"use at least {2 * batch_size} pairs: the articles with most pairs left should go first.")
    for start in range(0, len(order), batch_size):
        block = [groups[i] for i in order[start:start + batch_size]]
        if len(set(block)) != len(block):
            raise NotYet(f"the block starting at position {start} holds article(s) twice: {block}.")


def _solve_batches(groups: Any, batch_size: int) -> list[int]:
    remaining: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        remaining.setdefault(group, []).append(index)
    order: list[int] = []
    while sum(1 for items in remaining.values() if items) >= batch_size:
        fullest = sorted((g for g in remaining if remaining[g]), key=lambda g: -len(remaining[g]))[:batch_size]
        order.extend(remaining[g].pop() for g in fullest)
    return order


# ---------------------------------------------------------------- 09.3 early stopping
def _history_context() -> dict[str, Any]:
    import pandas as pd

    rows = []
    for fold, best in enumerate([1, 2, 1]):
        for epoch in range(5):
            rows.append({"fold": fold, "epoch": epoch, "train_loss": 0.7 / (1 + epoch), "train_accuracy": 0.5 + 0.1 * epoch,
                         "test_loss": 0.5 + 0.05 * (epoch - best) ** 2, "test_accuracy": 0.8 - 0.01 * abs(epoch - best)})
    return {"history": pd.DataFrame(rows).set_index("fold")}


def _solve_early_stopping(history: Any) -> list[int]:
    flat = history.reset_index()
    best_rows = flat.loc[flat.groupby("fold").test_loss.idxmin()]
    return [int(epoch) for epoch in best_rows.epoch]


def _check_early_stopping(answer: Any, history: Any) -> None:
    right = _solve_early_stopping(history)
    given = [int(x) for x in answer]
    if len(given) != len(right):
        raise NotYet(f"give one epoch per fold: {len(right)} integers.")
    flat = history.reset_index()
    by_train = [int(e) for e in flat.loc[flat.groupby("fold").train_loss.idxmin()].epoch]
    if given == by_train and given != right:
        raise NotYet("that is the lowest *training* loss; look at the test_loss column.")
    if given != right:
        raise NotYet("group by fold (`history.reset_index().groupby('fold')`) and find the row with the smallest test_loss.")


# ---------------------------------------------------------------- 09.4 reading retrieval
def _retrieval_context() -> dict[str, Any]:
    return {"sims": np.array([[0.9, 0.2, 0.4], [0.8, 0.5, 0.6], [0.1, 0.7, 0.3]]), "targets": np.array([0, 2, 2])}


def _solve_mrr(sims: Any, targets: Any) -> float:
    correct = sims[np.arange(len(targets)), targets]
    ranks = 1 + np.sum(sims > correct[:, None], axis=1)
    return float(np.mean(1.0 / ranks))


def _check_mrr(answer: Any, sims: Any, targets: Any) -> None:
    value = float(answer)
    correct = sims[np.arange(len(targets)), targets]
    ranks = 1 + np.sum(sims > correct[:, None], axis=1)
    if abs(value - float(np.mean(ranks == 1))) < 1e-9 and abs(value - _solve_mrr(sims, targets)) > 1e-9:
        raise NotYet("that is recall@1; MRR averages 1/rank, so a correct document in 2nd place still counts 0.5.")
    if abs(value - _solve_mrr(sims, targets)) > 1e-6:
        raise NotYet("rank of the correct document = 1 + number of documents with a higher similarity; average 1/rank.")


EXERCISES = [
    Exercise(id="09.1", title="How many Lee-background words does build_vocab(update=True) add?",
             check=_check_new_words, solution=_solve_new_words, context=_new_words_context,
             wrong=lambda old_vocab, sentences, min_count: len({t for s in sentences for t in s} - set(old_vocab))),
    Exercise(id="09.2", title="Order pairs so no batch holds the same article twice",
             check=_check_batches, solution=_solve_batches, context=_batches_context,
             wrong=lambda groups, batch_size: list(range(len(groups)))),
    Exercise(id="09.3", title="Early stopping: the epoch with the lowest test loss per fold",
             check=_check_early_stopping, solution=_solve_early_stopping, context=_history_context,
             wrong=lambda history: [int(history.epoch.max())] * history.index.nunique()),
    Exercise(id="09.4", title="Mean reciprocal rank from a similarity matrix",
             check=_check_mrr, solution=_solve_mrr, context=_retrieval_context,
             wrong=lambda sims, targets: float(np.mean(sims.argmax(axis=1) == targets))),
]
