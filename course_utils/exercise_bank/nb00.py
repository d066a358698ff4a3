"""Exercises of notebooks/00_welcome.ipynb."""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import Exercise, NotYet, as_number, call_learner, one_right_option


# ---------------------------------------------------------------- 00.1 the longest article
def _articles_context() -> dict[str, Any]:
    from course_utils.data import load_wikipedia

    return {"articles": load_wikipedia()}


def _check_longest(answer: Any, articles: Any) -> None:
    if not isinstance(answer, str):
        raise NotYet("give the title as a string, e.g. 'Anarchism' (`article.title`).")
    titles = {a.title for a in articles}
    if answer.strip() not in titles:
        raise NotYet(f"{answer!r} is not a title in the sample; titles are in `[a.title for a in articles]`.")
    longest = max(articles, key=lambda a: len(a.paragraphs))
    if answer.strip() != longest.title:
        raise NotYet("count paragraphs with `len(article.paragraphs)` and take the max over all articles.")


def _solve_longest(articles: Any) -> str:
    longest = max(articles, key=lambda article: len(article.paragraphs))
    return longest.title


def _wrong_longest(articles: Any) -> str:
    longest = max(articles, key=lambda a: len(a.paragraphs))
    return next(a.title for a in articles if a is not longest)


# ---------------------------------------------------------------- 00.2 predict, then run: recall@5 of random vectors
def _random_context() -> dict[str, Any]:
    from course_utils.benchmarks import retrieval, retrieval_task

    def random_encoder(texts: list[str]) -> np.ndarray:
        return np.random.default_rng(42).normal(size=(len(texts), 50))

    return {"n_queries": len(retrieval_task().queries), "measured": retrieval(random_encoder)["recall@5"]}


def _check_random_recall(answer: Any, n_queries: int, measured: float) -> None:
    value = as_number(answer, "your prediction")
    if value > 1:
        raise NotYet("recall@5 is a fraction of the queries, between 0 and 1 (0.25 means a quarter of them).")
    expected = 5 / n_queries
    if abs(value - expected) > 0.02 and abs(value - measured) > 0.02:
        raise NotYet(f"random vectors rank the {n_queries} candidates in a random order, so the right one is among the "
                     f"first 5 with probability 5/{n_queries} = {expected:.3f}; this run measured {measured:.3f}. "
                     "That is the floor every real representation must beat.")


def _solve_random_recall(n_queries: int, measured: float) -> float:
    return 5 / n_queries  # five chances in n_queries for a blind ranking


# ---------------------------------------------------------------- 00.3 pairs of Lee documents
def _lee_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    docs, human = load_lee()
    return {"docs": docs, "human": human}


def _check_pairs(answer: Any, docs: Any, human: Any) -> None:
    n = len(docs)
    value = as_number(answer, "the number of pairs", integer=True)
    if value == n * n:
        raise NotYet("that counts every cell of the matrix; a document paired with itself is not a pair, and (a, b) is (b, a).")
    if value == n * (n - 1):
        raise NotYet("close: (a, b) and (b, a) are the same pair, so count each once.")
    if value != n * (n - 1) // 2:
        raise NotYet("use the number of documents n: each of the n documents pairs with the n - 1 others, "
                     "each pair counted once.")


def _solve_pairs(docs: Any, human: Any) -> int:
    n = len(docs)
    return n * (n - 1) // 2


# ---------------------------------------------------------------- 00.4 interpret: a score and its interval
FLOOR_OPTIONS = {
    "a": "Random vectors know a little about sentiment: 0.53 is above the 0.50 of guessing.",
    "b": "Nothing: the interval contains 0.50, so this score cannot be told apart from guessing on 200 sentences.",
    "c": "The classifier is broken: random vectors should score exactly 0.50.",
    "d": "Polarity is an easy task, since even random vectors pass 50 %.",
}
FLOOR_WHY_NOT = {
    "a": "0.53 is 106 of 200 sentences right, and the interval (which contains 0.50) says a coin would land there often. "
         "A score whose interval contains the chance level is evidence of nothing.",
    "c": "a finite test set never gives exactly the expected value: 200 coin flips rarely give exactly 100 heads. "
         "Scatter around 0.50 is what a working classifier on random features should show.",
    "d": "a task is easy when real representations score far above chance, not when a random one scatters around it; "
         "notebook 02 shows that bag-of-words features stay at chance on it too.",
}


_check_floor, _solve_floor = one_right_option(FLOOR_OPTIONS, "b", FLOOR_WHY_NOT)


# ---------------------------------------------------------------- 00.5 build: mean reciprocal rank
HIDDEN_RANKS = [[1, 1, 1], [2, 4, 1, 10], [3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [50, 1, 94, 2, 2]]


def _mrr(ranks: Any) -> float:
    return float(np.mean(1.0 / np.asarray(ranks, dtype=float)))


def _check_mrr(answer: Any) -> None:
    for ranks in HIDDEN_RANKS:
        given = list(ranks)
        value = as_number(call_learner(answer, given, what="your mean_reciprocal_rank"), "the MRR")
        right = _mrr(ranks)
        if abs(value - right) <= 1e-9:
            continue
        if abs(value - 1 / np.mean(ranks)) <= 1e-9:
            raise NotYet(f"for ranks {ranks} you returned 1 / (mean rank) = {value:.3f}; MRR is the mean of the "
                         f"reciprocals, mean(1/r) = {right:.3f}. One query found at rank 50 must not drown the others.")
        if abs(value - np.mean(ranks)) <= 1e-9:
            raise NotYet(f"for ranks {ranks} you returned the mean rank; MRR averages 1/rank, so rank 1 gives 1.")
        raise NotYet(f"for ranks {ranks} the MRR is the mean of 1/rank over the queries = {right:.3f}, you returned {value:.3f}.")


def _solve_mrr() -> Any:
    def mean_reciprocal_rank(ranks):
        return float(np.mean([1 / rank for rank in ranks]))

    return mean_reciprocal_rank


def _wrong_mrr() -> Any:
    def reciprocal_of_mean_rank(ranks):
        return 1 / float(np.mean(ranks))

    return reciprocal_of_mean_rank


EXERCISES = [
    Exercise(id="00.1", title="Which Wikipedia article in the sample has the most paragraphs?", check=_check_longest,
             solution=_solve_longest, context=_articles_context, wrong=_wrong_longest),
    Exercise(id="00.2", title="Predict, then run: recall@5 of random vectors on the retrieval task",
             check=_check_random_recall, solution=_solve_random_recall, context=_random_context,
             wrong=lambda n_queries, measured: 0.5),
    Exercise(id="00.3", title="How many distinct document pairs do the Lee human ratings cover?", check=_check_pairs,
             solution=_solve_pairs, context=_lee_context, wrong=lambda docs, human: len(docs) ** 2),
    Exercise(id="00.4", title="Interpret: what does random vectors' polarity score say?", check=_check_floor,
             solution=_solve_floor, wrong=lambda: "a"),
    Exercise(id="00.5", title="Write the mean reciprocal rank", check=_check_mrr, solution=_solve_mrr, wrong=_wrong_mrr),
]
