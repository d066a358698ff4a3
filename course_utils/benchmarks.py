"""The course's benchmark suite and its running leaderboard. Taught in notebooks/00_welcome.ipynb.

One small interface lets any representation plug in:
- a *text encoder* is a function ``list[str] -> matrix`` (dense numpy or scipy sparse), one row per text;
- *word vectors* are gensim ``KeyedVectors`` (or anything with ``key_to_index`` and ``[word]``).
Tasks: word similarity (WordSim-353, SimLex-999: Spearman), analogies (Google set: accuracy),
document similarity (Lee: Pearson with human ratings), retrieval (Wikipedia paragraph -> its article:
recall@k, MRR) and classification (20NG subset, polarity: cross-validated accuracy).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import sparse, stats

from course_utils import data
from course_utils.errors import CourseError, UnknownNameError

TextEncoder = Callable[[list[str]], Any]


class WordVectors(Protocol):
    """What the word-level tasks need from a model (gensim KeyedVectors fits)."""

    key_to_index: dict[str, int]

    def __getitem__(self, word: str) -> np.ndarray: ...


# ---------------------------------------------------------------- shared maths
def _as_dense(matrix: Any) -> np.ndarray:
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix, dtype=np.float64)


def l2_normalize(matrix: Any) -> Any:
    """Rows scaled to unit length (all-zero rows stay zero); sparse stays sparse. Taught in notebooks/01_one_hot.ipynb."""
    from sklearn.preprocessing import normalize

    if sparse.issparse(matrix):
        return normalize(sparse.csr_matrix(matrix, dtype=np.float64), norm="l2")
    dense = np.asarray(matrix, dtype=np.float64)
    if dense.ndim != 2:
        raise CourseError(f"Expected a 2-D matrix (one row per text), got shape {dense.shape}.")
    return normalize(dense, norm="l2")


def cosine_matrix(a: Any, b: Any | None = None) -> np.ndarray:
    """Cosine similarity of every row of a with every row of b (zero rows give 0), as a dense array. Taught in notebooks/01_one_hot.ipynb."""
    an = l2_normalize(a)
    bn = an if b is None else l2_normalize(b)
    return _as_dense(an @ bn.T)


def _encode(encoder: TextEncoder, texts: list[str], what: str) -> Any:
    out = encoder(texts)
    shape = getattr(out, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != len(texts):
        raise CourseError(f"The encoder must return one row per text for {what}: got {shape} for {len(texts)} texts.")
    return out


# ---------------------------------------------------------------- word tasks
def word_similarity(vectors: WordVectors, dataset: str = "wordsim353") -> dict[str, float]:
    """Spearman rho between model cosine and human scores, on pairs the model knows. Taught in notebooks/04_glove_fasttext.ipynb."""
    loaders = {"wordsim353": data.load_wordsim353, "simlex999": data.load_simlex999}
    if dataset not in loaders:
        raise UnknownNameError(f"Unknown word-similarity set {dataset!r}: use one of {sorted(loaders)}.")
    pairs = loaders[dataset]()
    known = pairs[[w1 in vectors.key_to_index and w2 in vectors.key_to_index
                   for w1, w2 in zip(pairs.word1, pairs.word2, strict=True)]]
    if len(known) < 3:
        return {"spearman": float("nan"), "pairs": len(known), "coverage": len(known) / len(pairs)}
    a = np.stack([vectors[w] for w in known.word1])
    b = np.stack([vectors[w] for w in known.word2])
    cos = np.sum(l2_normalize(a) * l2_normalize(b), axis=1)  # row-wise cosine of each pair
    rho = stats.spearmanr(cos, known.score).statistic
    return {"spearman": float(rho), "pairs": len(known), "coverage": len(known) / len(pairs)}


def analogy_accuracy(vectors: Any, restrict_vocab: int = 30_000, batch_size: int = 1024) -> pd.DataFrame:
    """3CosAdd analogy accuracy per section over the most frequent words, as gensim evaluates. Taught in notebooks/04_glove_fasttext.ipynb.

    Like gensim's ``evaluate_word_analogies``: only the first ``restrict_vocab`` words are candidates, a
    question with any word outside them is skipped, and a, b, c are never the answer.
    """
    questions = data.load_analogies()
    vocab = {w: i for i, w in enumerate(vectors.index_to_key[:restrict_vocab])}
    ok = questions[["a", "b", "c", "d"]].isin(set(vocab)).all(axis=1)
    q = questions[ok]
    matrix = l2_normalize(np.asarray(vectors.vectors[: len(vocab)], dtype=np.float32)).astype(np.float32)
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
    out = {}
    for name, part in [("analogy", table), *table.groupby("kind")]:
        n = part["questions"].sum()
        out[name if name == "analogy" else f"analogy_{name}"] = float((part["accuracy"] * part["questions"]).sum() / n) if n else float("nan")
    return out


# ---------------------------------------------------------------- document tasks
def document_similarity(encoder: TextEncoder) -> dict[str, float]:
    """Pearson (and Spearman) of cosine similarities with the Lee human ratings, 1,225 pairs. Taught in notebooks/02_bow_tfidf.ipynb."""
    docs, human = data.load_lee()
    sims = cosine_matrix(_encode(encoder, docs, "the Lee documents"))
    iu = np.triu_indices(len(docs), k=1)
    return {
        "lee_pearson": float(stats.pearsonr(sims[iu], human[iu]).statistic),
        "lee_spearman": float(stats.spearmanr(sims[iu], human[iu]).statistic),
    }


@dataclass(frozen=True)
class RetrievalTask:
    """Queries (one paragraph per article) and documents (each article's title and lead). Taught in notebooks/02_bow_tfidf.ipynb."""

    queries: list[str]
    documents: list[str]
    titles: list[str]


def retrieval_task(seed: int = 0) -> RetrievalTask:
    """Build the Wikipedia retrieval task: a random later paragraph must find its article's lead. Taught in notebooks/02_bow_tfidf.ipynb."""
    rng = np.random.default_rng(seed)
    queries, documents, titles = [], [], []
    for article in data.load_wikipedia():
        if len(article.paragraphs) < 2:
            continue
        queries.append(article.paragraphs[1 + rng.integers(len(article.paragraphs) - 1)])
        documents.append(f"{article.title}. {article.paragraphs[0]}")
        titles.append(article.title)
    return RetrievalTask(queries, documents, titles)


def rank_of_correct(similarities: np.ndarray, tolerance: float = 1e-9) -> np.ndarray:
    """1-based rank of the correct document (the diagonal) per query row; ties count against it. Taught in notebooks/02_bow_tfidf.ipynb.

    A document that scores the same as the correct one (within ``tolerance``, so float noise cannot decide)
    is ranked ahead of it: a query that matches nothing at all gets the worst rank, not the best.
    """
    similarities = np.asarray(similarities)
    ahead = similarities >= np.diag(similarities)[:, None] - tolerance
    np.fill_diagonal(ahead, False)
    return 1 + ahead.sum(axis=1)


def retrieval(encoder: TextEncoder, ks: Sequence[int] = (1, 5), seed: int = 0) -> dict[str, float]:
    """Recall@k and mean reciprocal rank of paragraph -> article retrieval on Wikipedia. Taught in notebooks/02_bow_tfidf.ipynb."""
    task = retrieval_task(seed)
    encoded = _encode(encoder, task.queries + task.documents, "the Wikipedia paragraphs")
    n = len(task.queries)
    ranks = rank_of_correct(cosine_matrix(encoded[:n], encoded[n:]))
    out = {f"recall@{k}": float(np.mean(ranks <= k)) for k in ks}
    out["mrr"] = float(np.mean(1.0 / ranks))
    return out


def classification(encoder: TextEncoder, dataset: str = "newsgroups_subset", folds: int = 5, seed: int = 0) -> dict[str, float]:
    """Stratified k-fold accuracy of logistic regression on the encoded texts (mean and std). Taught in notebooks/02_bow_tfidf.ipynb."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    if dataset == "newsgroups_subset":
        texts, labels, _ = data.load_newsgroups_subset()
        texts = [t if t.strip() else "(empty post)" for t in texts]
    elif dataset == "polarity":
        texts, labels = data.load_polarity()
    else:
        raise UnknownNameError(f"Unknown classification set {dataset!r}: use 'newsgroups_subset' or 'polarity'.")
    features = _encode(encoder, texts, dataset)
    model = make_pipeline(Normalizer(), LogisticRegression(C=10.0, max_iter=2000))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_val_score(model, features, labels, cv=cv, scoring="accuracy")
    return {"accuracy": float(scores.mean()), "accuracy_std": float(scores.std())}


# ---------------------------------------------------------------- running everything
DOCUMENT_TASKS = ("lee", "retrieval", "newsgroups", "polarity")


def evaluate_text_encoder(encoder: TextEncoder, tasks: Sequence[str] = DOCUMENT_TASKS) -> dict[str, float]:
    """Run the document tasks on one text encoder; keys are leaderboard columns. Taught in notebooks/00_welcome.ipynb."""
    unknown = set(tasks) - set(DOCUMENT_TASKS)
    if unknown:
        raise UnknownNameError(f"Unknown task(s) {sorted(unknown)}: choose from {list(DOCUMENT_TASKS)}.")
    row: dict[str, float] = {}
    if "lee" in tasks:
        row["lee_pearson"] = document_similarity(encoder)["lee_pearson"]
    if "retrieval" in tasks:
        r = retrieval(encoder)
        row["wiki_recall@1"], row["wiki_mrr"] = r["recall@1"], r["mrr"]
    if "newsgroups" in tasks:
        row["20ng_accuracy"] = classification(encoder, "newsgroups_subset")["accuracy"]
    if "polarity" in tasks:
        row["polarity_accuracy"] = classification(encoder, "polarity")["accuracy"]
    return row


def evaluate_word_vectors(vectors: Any, analogies: bool = True) -> dict[str, float]:
    """Run the word tasks (WS353, SimLex, analogies) on word vectors; keys are leaderboard columns. Taught in notebooks/04_glove_fasttext.ipynb."""
    row = {
        "ws353_spearman": word_similarity(vectors, "wordsim353")["spearman"],
        "simlex_spearman": word_similarity(vectors, "simlex999")["spearman"],
    }
    if analogies:
        row["analogy_accuracy"] = analogy_summary(analogy_accuracy(vectors))["analogy"]
    return row


COLUMNS = ["lee_pearson", "wiki_recall@1", "wiki_mrr", "20ng_accuracy", "polarity_accuracy",
           "ws353_spearman", "simlex_spearman", "analogy_accuracy"]


class Leaderboard:
    """The running leaderboard, kept in a JSON file so every notebook adds its rows. Taught in notebooks/00_welcome.ipynb."""

    def __init__(self, path: Path | None = None) -> None:
        from course_utils.downloads import cache_dir

        self.path = Path(path) if path is not None else cache_dir() / "leaderboard.json"

    def rows(self) -> dict[str, dict[str, Any]]:
        """All rows saved so far, by representation name."""
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text())

    def add(self, name: str, results: dict[str, float], notebook: str) -> pd.DataFrame:
        """Add or replace one representation's row; return that row as a table."""
        if not isinstance(name, str) or not name.strip():
            raise CourseError("A leaderboard row needs a non-empty name, e.g. 'TF-IDF'.")
        unknown = set(results) - set(COLUMNS)
        if unknown:
            raise CourseError(f"Unknown leaderboard column(s) {sorted(unknown)}; known: {COLUMNS}.")
        rows = self.rows()
        rows[name] = {"notebook": notebook, **{k: float(v) for k, v in results.items()}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(rows, indent=1, sort_keys=True))
        return self.table(only=[name])

    def table(self, only: Sequence[str] | None = None, decimals: int = 3) -> pd.DataFrame:
        """The leaderboard as a DataFrame in course order (notebook, then insertion), rounded."""
        rows = self.rows()
        names = list(only) if only is not None else sorted(rows, key=lambda n: rows[n]["notebook"])
        frame = pd.DataFrame([rows[n] for n in names], index=pd.Index(names, name="representation"))
        cols = ["notebook"] + [c for c in COLUMNS if c in frame.columns]
        return frame.reindex(columns=cols).round(decimals)
