"""Exercises of notebooks/00_welcome.ipynb."""

from __future__ import annotations

from typing import Any

from course_utils.exercises import Exercise, NotYet


def _articles_context() -> dict[str, Any]:
    from course_utils.data import load_wikipedia

    return {"articles": load_wikipedia()}


def _check_longest(answer: Any, articles: Any) -> None:
    if not isinstance(answer, str):
        raise NotYet("give the title as a string, e.g. 'Anarchism'.")
    longest = max(articles, key=lambda a: len(a.paragraphs))
    if answer not in {a.title for a in articles}:
        raise NotYet(f"{answer!r} is not a title in the sample; titles are in `[a.title for a in articles]`.")
    if answer != longest.title:
        raise NotYet("count paragraphs with `len(article.paragraphs)` and take the max over all articles.")


def _solve_longest(articles: Any) -> str:
    longest = max(articles, key=lambda article: len(article.paragraphs))
    return longest.title


def _check_best_task(answer: Any, board: Any) -> None:
    if not isinstance(answer, str):
        raise NotYet("give a column name as a string, e.g. 'lee_pearson'.")
    scores = board.drop(columns="notebook").iloc[0]
    if answer not in scores.index:
        raise NotYet(f"choose one of the columns: {', '.join(scores.index)}.")
    if answer != scores.idxmax():
        raise NotYet("look for the largest number in the row; `row.idxmax()` finds its column.")


def _solve_best_task(board: Any) -> str:
    scores = board.drop(columns="notebook").iloc[0]
    return scores.idxmax()


def _board_context() -> dict[str, Any]:
    import pandas as pd

    return {"board": pd.DataFrame({"notebook": ["00"], "lee_pearson": [0.3], "wiki_mrr": [0.6], "20ng_accuracy": [0.8]})}


def _lee_context() -> dict[str, Any]:
    from course_utils.data import load_lee

    docs, human = load_lee()
    return {"docs": docs, "human": human}


def _check_pairs(answer: Any, docs: Any, human: Any) -> None:
    n = len(docs)
    if not isinstance(answer, int | float) or isinstance(answer, bool):
        raise NotYet("give a number: how many different pairs of documents are there?")
    if answer == n * n:
        raise NotYet("that counts every cell of the matrix; a document paired with itself is not a pair, and (a, b) is (b, a).")
    if answer == n * (n - 1):
        raise NotYet("close: (a, b) and (b, a) are the same pair, so count each once.")
    if answer != n * (n - 1) // 2:
        raise NotYet("use the number of documents n: each of the n documents pairs with the n - 1 others, each pair counted once.")


def _solve_pairs(docs: Any, human: Any) -> int:
    n = len(docs)
    return n * (n - 1) // 2


EXERCISES = [
    Exercise(
        id="00.1",
        title="Which Wikipedia article in the sample has the most paragraphs?",
        check=_check_longest,
        solution=_solve_longest,
        context=_articles_context,
        wrong=lambda articles: articles[0].title if articles[0] is not max(articles, key=lambda a: len(a.paragraphs)) else articles[1].title,
    ),
    Exercise(
        id="00.2",
        title="On which task does the first leaderboard row score highest?",
        check=_check_best_task,
        solution=_solve_best_task,
        context=_board_context,
        wrong=lambda board: board.drop(columns="notebook").iloc[0].idxmin(),
    ),
    Exercise(
        id="00.3",
        title="How many distinct document pairs do the Lee human ratings cover?",
        check=_check_pairs,
        solution=_solve_pairs,
        context=_lee_context,
        wrong=lambda docs, human: len(docs) ** 2,
    ),
]
