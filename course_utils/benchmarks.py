"""The course's benchmark suite: every score with its spread, and paired comparisons. Taught in notebooks/00_welcome.ipynb.

One small interface lets any representation plug in:
- a *text encoder* is a function ``list[str] -> matrix`` (dense numpy or scipy sparse), one row per text
  (``course_utils.encoders``);
- *word vectors* are gensim ``KeyedVectors`` (or anything with ``key_to_index`` and ``[word]``).
Tasks: word similarity (WordSim-353, SimLex-999: Spearman), analogies (Google set: accuracy),
document similarity (Lee: Pearson with human ratings), retrieval (Wikipedia paragraph -> its article:
recall@k, MRR) and classification (20NG subset, polarity: cross-validated accuracy).

Every score comes with its spread (``course_utils.stats``): a bootstrap 95 % interval over the items the task
resamples (Lee documents, retrieval queries, word pairs, classified texts; keys ``<score>_low``/``<score>_high``)
and, for classification, the fold standard deviation (``accuracy_std``). ``compare_encoders`` says whether two
representations differ beyond noise on a task (a paired bootstrap on the same items).

Ranks follow one rule everywhere (``rank_of_correct``): an item that scores the same as the correct one counts
against it, so a query that matches nothing gets the worst rank, never the best.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from course_utils import data
from course_utils.encoders import TextEncoder, encode_checked
from course_utils.errors import CourseError, UnknownNameError, require_int, require_text
from course_utils.leaderboard import COLUMNS as COLUMNS  # re-exported: notebooks 00-10 import these from here
from course_utils.leaderboard import Leaderboard as Leaderboard
from course_utils.stats import (
    Comparison,
    bootstrap_interval,
    compare_correlations,
    compare_means,
    correlation_interval,
    mean_interval,
    paired_bootstrap,
)
from course_utils.vectors import cosine_matrix, l2_normalize, rowwise_cosine


class WordVectors(Protocol):
    """What the word-level tasks need from a model (gensim KeyedVectors fits)."""

    key_to_index: dict[str, int]

    def __getitem__(self, word: str) -> np.ndarray: ...


def _check_word_vectors(vectors: Any, what: str = "vectors") -> None:
    if not hasattr(vectors, "key_to_index") or not hasattr(vectors, "__getitem__"):
        raise CourseError(f"{what} must be word vectors (gensim KeyedVectors, e.g. load_glove() or model.wv), "
                          f"got {type(vectors).__name__}.")


# ---------------------------------------------------------------- ranking: one tie rule
def rank_of_correct(similarities: Any, targets: Sequence[int] | np.ndarray | None = None,
                    tolerance: float = 1e-9) -> np.ndarray:
    """1-based rank of each query's correct item; ties count against it. Internal to course_utils (every ranking).

    Row i of ``similarities`` scores query i against every candidate; the correct candidate is column
    ``targets[i]`` (default: the diagonal, column i). A candidate that scores the same as the correct one
    (within ``tolerance``, so float noise cannot decide) is ranked ahead of it: a query that matches nothing
    at all (all scores equal) gets the worst rank, not the best.
    """
    sims = np.asarray(similarities, dtype=np.float64)
    if sims.ndim != 2 or not sims.size:
        raise CourseError(f"similarities must be a 2-D matrix (queries x candidates), got shape {sims.shape}.")
    if not np.all(np.isfinite(sims)):
        raise CourseError("similarities contains NaN or infinite values: check the vectors they came from.")
    if targets is None:
        if sims.shape[0] > sims.shape[1]:
            raise CourseError(f"{sims.shape[0]} queries but {sims.shape[1]} candidates: pass targets= "
                              "(the correct column of each query) when it is not the diagonal.")
        targets = np.arange(sims.shape[0])
    targets = np.asarray(targets)
    if targets.shape != (sims.shape[0],) or not np.issubdtype(targets.dtype, np.integer):
        raise CourseError(f"targets must be one column index per query ({sims.shape[0]}), got shape {targets.shape}.")
    if targets.min() < 0 or targets.max() >= sims.shape[1]:
        raise CourseError(f"targets must be column indices in 0..{sims.shape[1] - 1}.")
    rows = np.arange(sims.shape[0])
    ahead = sims >= sims[rows, targets][:, None] - tolerance
    ahead[rows, targets] = False
    return 1 + ahead.sum(axis=1)


# ---------------------------------------------------------------- word tasks
_WORD_SETS: dict[str, Callable[[], pd.DataFrame]] = {"wordsim353": data.load_wordsim353,
                                                     "simlex999": data.load_simlex999}


def _word_pairs(vectors: Any, dataset: str) -> pd.DataFrame:
    """The dataset's pairs with a `known` flag and the model's cosine for the known ones."""
    _check_word_vectors(vectors)
    if not isinstance(dataset, str) or dataset not in _WORD_SETS:
        raise UnknownNameError(f"Unknown word-similarity set {dataset!r}: use one of {sorted(_WORD_SETS)}.")
    pairs = _WORD_SETS[dataset]()
    known = np.array([w1 in vectors.key_to_index and w2 in vectors.key_to_index
                      for w1, w2 in zip(pairs.word1, pairs.word2, strict=True)])
    cos = np.full(len(pairs), np.nan)
    if known.any():
        a = np.stack([np.asarray(vectors[w], dtype=np.float64) for w in pairs.word1[known]])
        b = np.stack([np.asarray(vectors[w], dtype=np.float64) for w in pairs.word2[known]])
        cos[known] = rowwise_cosine(a, b)
    return pairs.assign(known=known, cosine=cos)


def word_similarity(vectors: WordVectors, dataset: str = "wordsim353") -> dict[str, float]:
    """Spearman rho of model cosine with human scores on known pairs, with its interval. Taught in notebooks/03_word2vec.ipynb.

    Keys: spearman, spearman_low, spearman_high (bootstrap 95 % interval over pairs), pairs, coverage.
    """
    pairs = _word_pairs(vectors, dataset)
    known = pairs[pairs.known]
    if len(known) < 10:
        raise CourseError(f"Only {len(known)} of the {len(pairs)} {dataset} pairs are in this model's vocabulary: "
                          "a correlation needs at least 10. Train on a bigger corpus or lower min_count.")
    interval = correlation_interval(known.cosine.to_numpy(), known.score.to_numpy(), "spearman")
    return {"spearman": interval.estimate, "spearman_low": interval.low, "spearman_high": interval.high,
            "pairs": len(known), "coverage": len(known) / len(pairs)}


#: restrict_vocab above this is refused: the score matrix would not fit a 2 GB Binder machine.
MAX_ANALOGY_VOCAB = 200_000


def analogy_accuracy(vectors: Any, restrict_vocab: int = 30_000, batch_size: int = 1024) -> pd.DataFrame:
    """3CosAdd analogy accuracy per section, as gensim evaluates. Taught in notebooks/04_glove_fasttext.ipynb.

    Like gensim's ``evaluate_word_analogies``: only the first ``restrict_vocab`` words are candidates, a
    question with any word outside them is skipped, and a, b, c are never the answer.
    """
    _check_word_vectors(vectors)
    restrict_vocab = require_int(restrict_vocab, "restrict_vocab", 1, MAX_ANALOGY_VOCAB)
    batch_size = require_int(batch_size, "batch_size", 1)
    questions = data.load_analogies()
    vocab = {w: i for i, w in enumerate(vectors.index_to_key[:restrict_vocab])}
    ok = questions[["a", "b", "c", "d"]].isin(set(vocab)).all(axis=1)
    q = questions[ok]
    if q.empty:
        raise CourseError(f"No analogy question has all four words among the first {restrict_vocab} words: "
                          "raise restrict_vocab or use a model with a bigger vocabulary.")
    matrix = l2_normalize(np.asarray(vectors.vectors[: len(vocab)], dtype=np.float32), "vectors").astype(np.float32)
    ids = {col: q[col].map(vocab).to_numpy() for col in "abcd"}
    correct = np.zeros(len(q), dtype=bool)
    for start in range(0, len(q), batch_size):
        sl = slice(start, start + batch_size)
        target = matrix[ids["b"][sl]] - matrix[ids["a"][sl]] + matrix[ids["c"][sl]]
        scores = target @ matrix.T
        rows = np.arange(scores.shape[0])
        for col in "abc":
            scores[rows, ids[col][sl]] = -np.inf
        correct[sl] = scores.argmax(axis=1) == ids["d"][sl]
    result = q.assign(correct=correct)
    table = result.groupby("section", sort=False).agg(questions=("correct", "size"), accuracy=("correct", "mean"))
    total = questions.groupby("section", sort=False).size()
    table["coverage"] = table["questions"] / total.loc[table.index]
    table["kind"] = np.where(table.index.str.startswith("gram"), "syntactic", "semantic")
    return table


def analogy_summary(table: pd.DataFrame) -> dict[str, float]:
    """Overall, semantic and syntactic accuracy from analogy_accuracy's table. Taught in notebooks/04_glove_fasttext.ipynb."""
    if not isinstance(table, pd.DataFrame) or not {"questions", "accuracy", "kind"} <= set(table.columns):
        raise CourseError("table must be the DataFrame that analogy_accuracy returns.")
    out = {}
    for name, part in [("analogy", table), *table.groupby("kind")]:
        n = part["questions"].sum()
        key = name if name == "analogy" else f"analogy_{name}"
        out[key] = float((part["accuracy"] * part["questions"]).sum() / n) if n else float("nan")
    return out


# ---------------------------------------------------------------- document tasks
def _lee_pairs(encoder: TextEncoder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Model cosine and human rating of each Lee document pair (i < j), and the pairs' document ids."""
    docs, human = data.load_lee()
    sims = cosine_matrix(encode_checked(encoder, docs, "the Lee documents"))
    iu = np.triu_indices(len(docs), k=1)
    return sims[iu], human[iu], np.stack(iu, axis=1)


def _document_resample(pair_docs: np.ndarray, n_docs: int) -> Callable[[np.ndarray], np.ndarray]:
    """Map resampled document ids to the pairs (with multiplicity) of distinct resampled documents."""
    lookup = np.full((n_docs, n_docs), -1)
    lookup[pair_docs[:, 0], pair_docs[:, 1]] = np.arange(len(pair_docs))
    lookup[pair_docs[:, 1], pair_docs[:, 0]] = np.arange(len(pair_docs))

    def pairs_of(doc_idx: np.ndarray) -> np.ndarray:
        p, q = np.triu_indices(len(doc_idx), k=1)
        picked = lookup[doc_idx[p], doc_idx[q]]
        return picked[picked >= 0]  # a document drawn twice is not a pair with itself

    return pairs_of


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def document_similarity(encoder: TextEncoder) -> dict[str, float]:
    """Pearson of cosines with the Lee human ratings (1,225 pairs), with its interval. Taught in notebooks/02_bow_tfidf.ipynb.

    ``lee_pearson_low``/``lee_pearson_high`` is a bootstrap 95 % interval over the 50 *documents* (the pairs of
    a document share it, so resampling pairs would understate the noise).
    """
    model, human, pair_docs = _lee_pairs(encoder)
    if np.ptp(model) == 0:
        raise CourseError("The encoder gives every Lee document pair the same cosine, so no correlation exists: "
                          "check that it returns different vectors for different texts.")
    pairs_of = _document_resample(pair_docs, 50)
    interval = bootstrap_interval(lambda idx: _pearson(model[pairs_of(idx)], human[pairs_of(idx)]), 50)
    return {
        "lee_pearson": interval.estimate,
        "lee_pearson_low": interval.low,
        "lee_pearson_high": interval.high,
        "lee_spearman": float(scipy_stats.spearmanr(model, human).statistic),
    }


@dataclass(frozen=True)
class RetrievalTask:
    """Queries (a paragraph per article) and documents (title and lead). Taught in notebooks/02_bow_tfidf.ipynb."""

    queries: list[str]
    documents: list[str]
    titles: list[str]


def retrieval_task(seed: int = 0) -> RetrievalTask:
    """The retrieval task: a later paragraph must find its article's lead. Taught in notebooks/05_contextual_embeddings.ipynb."""
    seed = require_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    queries, documents, titles = [], [], []
    for article in data.load_wikipedia():
        if len(article.paragraphs) < 2:
            continue
        queries.append(article.paragraphs[1 + rng.integers(len(article.paragraphs) - 1)])
        documents.append(f"{article.title}. {article.paragraphs[0]}")
        titles.append(article.title)
    return RetrievalTask(queries, documents, titles)


def retrieval_ranks(encoder: TextEncoder, seed: int = 0, document_encoder: TextEncoder | None = None) -> np.ndarray:
    """Rank of each query's own article (1 = found first; ties count against it). Internal to course_utils.

    ``document_encoder`` (default: the same encoder) encodes the articles, e.g. with a document prompt.
    """
    task = retrieval_task(seed)
    if document_encoder is None:
        encoded = encode_checked(encoder, task.queries + task.documents, "the Wikipedia paragraphs")
        n = len(task.queries)
        return rank_of_correct(cosine_matrix(encoded[:n], encoded[n:]))
    if not callable(document_encoder):
        raise CourseError("document_encoder must be a text encoder (a function of a list of texts) or None.")
    queries = encode_checked(encoder, task.queries, "the Wikipedia queries")
    documents = encode_checked(document_encoder, task.documents, "the Wikipedia articles")
    return rank_of_correct(cosine_matrix(queries, documents))


def retrieval(encoder: TextEncoder, ks: Sequence[int] = (1, 5), seed: int = 0,
              document_encoder: TextEncoder | None = None) -> dict[str, float]:
    """Recall@k and MRR of paragraph -> article retrieval, with intervals over queries. Taught in notebooks/02_bow_tfidf.ipynb.

    Keys: ``recall@k`` for each k, ``mrr``, and ``<key>_low``/``<key>_high`` (bootstrap 95 % over the queries).
    """
    if isinstance(ks, int | str) or not len(ks):
        raise CourseError(f"ks must be a list of cut-offs such as (1, 5), got {ks!r}.")
    ks = [require_int(k, "ks[]", 1) for k in ks]
    ranks = retrieval_ranks(encoder, seed, document_encoder)
    out: dict[str, float] = {}
    for name, values in [*((f"recall@{k}", (ranks <= k).astype(float)) for k in ks), ("mrr", 1.0 / ranks)]:
        interval = mean_interval(values)
        out[name], out[f"{name}_low"], out[f"{name}_high"] = interval.estimate, interval.low, interval.high
    return out


_CLASSIFICATION_SETS = ("newsgroups_subset", "polarity")


def _classification_data(dataset: str) -> tuple[list[str], np.ndarray]:
    if dataset == "newsgroups_subset":
        texts, labels, _ = data.load_newsgroups_subset()
        return [t if t.strip() else "(empty post)" for t in texts], labels
    if dataset == "polarity":
        return data.load_polarity()
    raise UnknownNameError(f"Unknown classification set {dataset!r}: use one of {list(_CLASSIFICATION_SETS)}.")


def classification_predictions(encoder: TextEncoder, dataset: str = "newsgroups_subset", folds: int = 5,
                               seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold correctness per text and accuracy per fold (cross_val_predict). Internal to course_utils."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    folds = require_int(folds, "folds", 2, 20)
    seed = require_int(seed, "seed", 0)
    texts, labels = _classification_data(dataset)
    features = encode_checked(encoder, texts, dataset)
    model = make_pipeline(Normalizer(), LogisticRegression(C=10.0, max_iter=2000))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, features, labels, cv=cv)
    correct = predicted == labels
    per_fold = np.array([correct[test].mean() for _, test in cv.split(np.zeros(len(labels)), labels)])
    return correct, per_fold


def classification(encoder: TextEncoder, dataset: str = "newsgroups_subset", folds: int = 5,
                   seed: int = 0) -> dict[str, float]:
    """Stratified k-fold accuracy of logistic regression, with its spread. Taught in notebooks/02_bow_tfidf.ipynb.

    Keys: accuracy (mean over folds), accuracy_std (fold standard deviation) and accuracy_low/accuracy_high
    (bootstrap 95 % interval over the texts' out-of-fold correctness).
    """
    correct, per_fold = classification_predictions(encoder, dataset, folds, seed)
    interval = mean_interval(correct.astype(float))
    return {"accuracy": float(per_fold.mean()), "accuracy_std": float(per_fold.std()),
            "accuracy_low": interval.low, "accuracy_high": interval.high}


# ---------------------------------------------------------------- running everything
DOCUMENT_TASKS = ("lee", "retrieval", "newsgroups", "polarity")
WORD_TASKS = ("ws353", "simlex")


def _task_list(tasks: Any, known: Sequence[str]) -> list[str]:
    if isinstance(tasks, str):
        tasks = [tasks]  # one task by name
    try:
        tasks = list(tasks)
    except TypeError:
        raise CourseError(f"tasks must be a task name or a list of them from {list(known)}, got {tasks!r}.") from None
    if not tasks:
        raise CourseError(f"tasks is empty: choose from {list(known)}.")
    unknown = [t for t in tasks if t not in known]
    if unknown:
        raise UnknownNameError(f"Unknown task(s) {unknown}: choose from {list(known)}.")
    return tasks


def evaluate_text_encoder(encoder: TextEncoder, tasks: Sequence[str] | str = DOCUMENT_TASKS,
                          query_encoder: TextEncoder | None = None,
                          document_encoder: TextEncoder | None = None) -> dict[str, float]:
    """Run the document tasks on a text encoder: leaderboard columns and spread. Taught in notebooks/00_welcome.ipynb.

    ``tasks`` is a task name or a list of them. Beside each score ``<column>`` come ``<column>_low`` and
    ``<column>_high`` (bootstrap 95 % interval) and, for classification, ``<column>_std`` (fold std).
    Retrieval encodes queries with ``query_encoder`` and articles with ``document_encoder`` when given (models
    trained with query/document prompts); every other task uses ``encoder``.
    """
    tasks = _task_list(tasks, DOCUMENT_TASKS)
    row: dict[str, float] = {}

    def put(column: str, result: dict[str, float], key: str, extra: Sequence[str] = ("_low", "_high")) -> None:
        row[column] = result[key]
        for suffix in extra:
            row[column + suffix] = result[key + suffix]

    if "lee" in tasks:
        put("lee_pearson", document_similarity(encoder), "lee_pearson")
    if "retrieval" in tasks:
        if query_encoder is None and document_encoder is None:
            r = retrieval(encoder, ks=(1,))  # one call: encoders fitted on their input (TF-IDF) see both sides
        else:
            r = retrieval(query_encoder or encoder, ks=(1,), document_encoder=document_encoder or encoder)
        put("wiki_recall@1", r, "recall@1")
        put("wiki_mrr", r, "mrr")
    for task, dataset, column in [("newsgroups", "newsgroups_subset", "20ng_accuracy"),
                                  ("polarity", "polarity", "polarity_accuracy")]:
        if task in tasks:
            put(column, classification(encoder, dataset), "accuracy", ("_std", "_low", "_high"))
    return row


def evaluate_word_vectors(vectors: Any, analogies: bool = True) -> dict[str, float]:
    """Run the word tasks (WS353, SimLex, analogies): leaderboard columns and spread. Taught in notebooks/03_word2vec.ipynb.

    Beside each Spearman come ``_low``/``_high`` (bootstrap 95 % over pairs); analogy accuracy over the questions
    too (``analogy_accuracy_low``/``_high``).
    """
    row: dict[str, float] = {}
    for column, dataset in [("ws353_spearman", "wordsim353"), ("simlex_spearman", "simlex999")]:
        result = word_similarity(vectors, dataset)
        row[column], row[column + "_low"], row[column + "_high"] = (result["spearman"], result["spearman_low"],
                                                                    result["spearman_high"])
    if analogies:
        table = analogy_accuracy(vectors)
        n = int(table["questions"].sum())
        hits = int(round(float((table["accuracy"] * table["questions"]).sum())))
        interval = mean_interval(np.r_[np.ones(hits), np.zeros(n - hits)])
        row["analogy_accuracy"] = analogy_summary(table)["analogy"]
        row["analogy_accuracy_low"], row["analogy_accuracy_high"] = interval.low, interval.high
    return row


# ---------------------------------------------------------------- beyond noise?
def compare_encoders(a: Any, b: Any, task: str, *, n_resamples: int = 1000, seed: int = 0) -> Comparison:
    """Does a differ from b on a task beyond noise? A paired bootstrap. Taught in notebooks/02_bow_tfidf.ipynb.

    ``task`` is one of "lee" (Pearson, documents resampled), "retrieval" (MRR, queries), "retrieval@1"
    (recall@1), "newsgroups", "polarity" (accuracy, texts): then a and b are text encoders; or "ws353",
    "simlex" (Spearman, pairs both models know): then a and b are word vectors. Returns a Comparison of
    score(a) - score(b) with its 95 % interval; ``.differs`` is True when the interval excludes 0.
    """
    options = {"n_resamples": n_resamples, "seed": seed}
    require_text(task, "task")
    if task == "lee":
        model_a, human, pair_docs = _lee_pairs(a)
        model_b, _, _ = _lee_pairs(b)
        pairs_of = _document_resample(pair_docs, 50)
        return paired_bootstrap(lambda idx: _pearson(model_a[pairs_of(idx)], human[pairs_of(idx)]),
                                lambda idx: _pearson(model_b[pairs_of(idx)], human[pairs_of(idx)]), 50, **options)
    if task in ("retrieval", "retrieval@1"):
        ranks_a, ranks_b = retrieval_ranks(a), retrieval_ranks(b)
        if task == "retrieval":
            return compare_means(1.0 / ranks_a, 1.0 / ranks_b, **options)
        return compare_means((ranks_a == 1).astype(float), (ranks_b == 1).astype(float), **options)
    if task in ("newsgroups", "polarity"):
        dataset = "newsgroups_subset" if task == "newsgroups" else "polarity"
        correct_a, _ = classification_predictions(a, dataset)
        correct_b, _ = classification_predictions(b, dataset)
        return compare_means(correct_a.astype(float), correct_b.astype(float), **options)
    if task in WORD_TASKS:
        dataset = "wordsim353" if task == "ws353" else "simlex999"
        pairs_a, pairs_b = _word_pairs(a, dataset), _word_pairs(b, dataset)
        both = (pairs_a.known & pairs_b.known).to_numpy()
        if both.sum() < 10:
            raise CourseError(f"Only {both.sum()} {dataset} pairs are known to both models: a comparison needs 10.")
        return compare_correlations(pairs_a.cosine[both], pairs_b.cosine[both], pairs_a.score[both], "spearman",
                                    **options)
    raise UnknownNameError(f"Unknown task {task!r}: choose from "
                           f"{['lee', 'retrieval', 'retrieval@1', 'newsgroups', 'polarity', *WORD_TASKS]}.")
