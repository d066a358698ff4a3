"""Search at scale: exact top-k, recall against exact search, rank fusion, chunking, index memory, a distilled static MiniLM.

Taught in notebooks/08_embeddings_at_scale.ipynb. Heavy libraries (faiss, model2vec, transformers) are imported
inside the functions that need them.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.errors import CourseError


# ---------------------------------------------------------------- exact search and recall against it
def _matrix(x: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError):
        raise CourseError(f"{what} must be a 2-D array of numbers (one row per text).") from None
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise CourseError(f"{what} must be a non-empty 2-D array (one row per text), got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise CourseError(f"{what} holds NaN or infinite values: re-encode the texts before searching.")
    return array


def _k(k: Any, limit: int, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise CourseError(f"{what} must be a positive integer such as 10, got {k!r}.")
    if k > limit:
        raise CourseError(f"{what}={k} is more than the {limit} vectors searched: use k <= {limit}.")
    return int(k)


def exact_search(corpus: Any, queries: Any, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Top-k corpus rows by inner product per query: (scores, ids), best first. Taught in notebooks/08_embeddings_at_scale.ipynb.

    Ties go to the lower id.

    With unit-length rows the inner product is the cosine similarity. Same result as faiss.IndexFlatIP.
    """
    corpus, queries = _matrix(corpus, "corpus"), _matrix(queries, "queries")
    if corpus.shape[1] != queries.shape[1]:
        raise CourseError(f"corpus has {corpus.shape[1]} dimensions but queries have {queries.shape[1]}: "
                          "encode both with the same model.")
    k = _k(k, corpus.shape[0])
    scores = queries @ corpus.T
    ids = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, ids, axis=1), ids


def recall_at_k(found: Any, exact: Any, k: int = 10, per_query: bool = False) -> float | np.ndarray:
    """Share of the exact top-k found approximately (mean or per query). Taught in notebooks/08_embeddings_at_scale.ipynb.

    Rows are queries, columns ranked ids; faiss marks a missing result with -1, which never matches.
    """
    found, exact = np.asarray(found), np.asarray(exact)
    if found.ndim != 2 or exact.ndim != 2 or found.shape[0] != exact.shape[0]:
        raise CourseError(f"found and exact must be (queries, ranked ids) arrays with the same number of rows, "
                          f"got shapes {found.shape} and {exact.shape}.")
    k = _k(k, min(found.shape[1], exact.shape[1]), "k (the columns of found and exact)")
    hits = np.array([len(set(f[:k].tolist()) & set(e[:k].tolist()) - {-1}) for f, e in zip(found, exact, strict=True)])
    per = hits / k
    return per if per_query else float(per.mean())


# ---------------------------------------------------------------- hybrid search
def rankings_from_scores(scores: Any) -> np.ndarray:
    """Each row's document ids from best to worst score, ties: lower id first. Taught in notebooks/08_embeddings_at_scale.ipynb"""
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise CourseError(f"scores must be a (queries, documents) matrix, got shape {scores.shape}.")
    return np.argsort(-scores, axis=1, kind="stable")


def reciprocal_rank_fusion(rankings: Sequence[Any], n_documents: int, k: int = 60) -> np.ndarray:
    """Reciprocal-rank fusion: (queries, documents) scores, sum of 1/(k + rank). Taught in notebooks/08_embeddings_at_scale.ipynb.

    As in Cormack, Clarke & Büttcher (SIGIR 2009), where k = 60.

    Each ranking is a (queries, depth) array of document ids, best first; a document missing from a
    ranking gets nothing from it. The result works with benchmarks.rank_of_correct.
    """
    if isinstance(rankings, np.ndarray) or not isinstance(rankings, Sequence) or len(rankings) < 1:
        raise CourseError("rankings must be a list of (queries, depth) id arrays, one per retriever, e.g. [bm25_ids, dense_ids].")
    if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)) or not k >= 0:
        raise CourseError(f"k must be a number >= 0 (60 in Cormack et al. 2009), got {k!r}.")
    n_documents = _k(n_documents, np.iinfo(np.int64).max, "n_documents")
    arrays = [np.asarray(r) for r in rankings]
    n_queries = arrays[0].shape[0] if arrays[0].ndim == 2 else -1
    for r in arrays:
        if r.ndim != 2 or r.shape[0] != n_queries or not np.issubdtype(r.dtype, np.integer):
            raise CourseError("every ranking must be an integer (queries, depth) array of document ids, "
                              "all with the same number of rows.")
        if r.size and (r.min() < 0 or r.max() >= n_documents):
            raise CourseError(f"a ranking holds ids outside 0..{n_documents - 1}: pass n_documents = the corpus size.")
    fused = np.zeros((n_queries, n_documents))
    rows = np.arange(n_queries)[:, None]
    for r in arrays:
        ranks = np.arange(1, r.shape[1] + 1)[None, :]
        np.add.at(fused, (np.broadcast_to(rows, r.shape), r), 1.0 / (k + ranks))
    return fused


# ---------------------------------------------------------------- chunking
def chunk_windows(n_tokens: int, size: int = 256, overlap: int = 0) -> list[tuple[int, int]]:
    """(start, end) windows of at most `size` tokens that cover n_tokens. Taught in notebooks/08_embeddings_at_scale.ipynb.

    Each window starts size - overlap tokens after the previous one.
    """
    for name, value in (("n_tokens", n_tokens), ("size", size), ("overlap", overlap)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise CourseError(f"{name} must be a whole number >= 0, got {value!r}.")
    if size < 1 or overlap >= size:
        raise CourseError(f"Need size >= 1 and 0 <= overlap < size (got size={size}, overlap={overlap}): "
                          "an overlap as long as the chunk would never move forward.")
    if n_tokens == 0:
        return []
    stride = size - overlap
    windows = [(start, min(start + size, n_tokens)) for start in range(0, max(n_tokens - overlap, 1), stride)]
    return windows


def max_over_chunks(chunk_scores: Any, chunk_owner: Any, n_documents: int) -> np.ndarray:
    """Document scores from chunk scores: each document scores its best chunk. Taught in notebooks/08_embeddings_at_scale.ipynb.

    chunk_owner[i] is the document of chunk i (column i of chunk_scores).
    """
    scores = np.asarray(chunk_scores, dtype=float)
    owner = np.asarray(chunk_owner)
    if scores.ndim != 2 or owner.shape != (scores.shape[1],):
        raise CourseError(f"chunk_scores must be (queries, chunks) and chunk_owner one document id per chunk; "
                          f"got {scores.shape} and {owner.shape}.")
    missing = set(range(n_documents)) - set(owner.tolist())
    if missing or owner.min() < 0 or owner.max() >= n_documents:
        raise CourseError(f"every document 0..{n_documents - 1} needs at least one chunk and no chunk may name another id "
                          f"(documents without chunks: {sorted(missing)[:5]}).")
    out = np.full((scores.shape[0], n_documents), -np.inf)
    np.maximum.at(out.T, owner, scores.T)
    return out


# ---------------------------------------------------------------- memory of an index
def bytes_per_vector(kind: str, dim: int, *, hnsw_m: int = 32, pq_m: int = 48, pq_bits: int = 8) -> float:
    """Bytes per vector in an index of this kind (no trained tables). Taught in notebooks/08_embeddings_at_scale.ipynb.

    flat: 4*dim (float32); float16: 2*dim; int8: dim; binary: dim/8; hnsw (faiss IndexHNSWFlat): the float32
    vector + 2*M 4-byte links on the bottom layer + M/(M-1) on upper layers on average + 12 bytes of
    bookkeeping; ivfpq: pq_m*pq_bits/8 bytes of code + an 8-byte id.
    """
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise CourseError(f"dim must be a positive integer such as 384, got {dim!r}.")
    if kind == "flat":
        return 4.0 * dim
    if kind == "float16":
        return 2.0 * dim
    if kind == "int8":
        return float(dim)
    if kind == "binary":
        return dim / 8
    if kind == "hnsw":
        if isinstance(hnsw_m, bool) or not isinstance(hnsw_m, (int, np.integer)) or hnsw_m < 2:
            raise CourseError(f"hnsw_m (links per vector) must be an integer >= 2 such as 32, got {hnsw_m!r}.")
        links = 2 * hnsw_m + hnsw_m / (hnsw_m - 1)  # 2M slots on level 0; a vector reaches level l with chance M^-l
        return 4.0 * dim + 4.0 * links + 12.0  # + its level (4 bytes) and offset (8 bytes)
    if kind == "ivfpq":
        return pq_m * pq_bits / 8 + 8.0
    raise CourseError(f"Unknown index kind {kind!r}: use 'flat', 'float16', 'int8', 'binary', 'hnsw' or 'ivfpq'.")


def index_memory_gb(n_vectors: float, kind: str, dim: int, **options: Any) -> float:
    """Memory of n_vectors in an index of this kind, in GB (10^9 bytes). Taught in notebooks/08_embeddings_at_scale.ipynb."""
    if not isinstance(n_vectors, (int, float, np.integer, np.floating)) or isinstance(n_vectors, bool) or not n_vectors >= 0:
        raise CourseError(f"n_vectors must be a number >= 0, got {n_vectors!r}.")
    return float(n_vectors) * bytes_per_vector(kind, dim, **options) / 1e9


# ---------------------------------------------------------------- static distillation, cached
def distilled_minilm(pca_dims: int = 256, refresh: bool = False) -> Any:
    """MiniLM distilled into a static table by model2vec, cached. Taught in notebooks/08_embeddings_at_scale.ipynb.

    The first call runs MiniLM over its whole vocabulary (tens of seconds to a few minutes on a CPU, with
    a progress bar) and saves the result under cache_dir()/model2vec-minilm-<pca_dims>; later calls load it.
    A repository checkout ships this function's result for pca_dims=256 (data/model2vec-minilm-256, with the
    model2vec version and the MiniLM weights it was made from): when both match what is installed, the first
    call copies it instead of distilling, as distillation is deterministic (a slow test distils and compares).
    ``refresh=True`` always distils.
    """
    from course_utils.downloads import cache_dir

    if isinstance(pca_dims, bool) or not isinstance(pca_dims, (int, np.integer)) or not 2 <= pca_dims <= 384:
        raise CourseError(f"pca_dims must be an integer from 2 to 384 (MiniLM has 384 dimensions), got {pca_dims!r}.")
    folder = cache_dir() / f"model2vec-minilm-{int(pca_dims)}"
    from model2vec import StaticModel

    if folder.exists() and not refresh:
        try:
            return StaticModel.from_pretrained(str(folder))
        except (OSError, ValueError):  # a half-written cache: distil again
            shutil.rmtree(folder, ignore_errors=True)
    shipped = None if refresh else _shipped_distillation(int(pca_dims))
    tmp = Path(str(folder) + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    if shipped is not None:
        shutil.copytree(shipped, tmp)
        model = StaticModel.from_pretrained(str(tmp))
    else:
        model = _distill(int(pca_dims))
        model.save_pretrained(str(tmp))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return model


SHIPPED_DISTILLATION = Path(__file__).resolve().parents[1] / "data" / "model2vec-minilm-256"


def _shipped_distillation(pca_dims: int) -> Path | None:
    """The shipped distilled table when it was made from what is installed now (model2vec, MiniLM's weights)."""
    import hashlib
    import json
    from importlib.metadata import version

    from course_utils.models import MINILM_NAME, _transformer_source

    record = SHIPPED_DISTILLATION / "SOURCE.json"
    if not record.is_file():
        return None  # an installed package without the repository's data/ folder
    try:
        source = json.loads(record.read_text())
        weights = Path(_transformer_source(MINILM_NAME)) / "model.safetensors"
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None
    if (source.get("pca_dims"), source.get("model2vec"), source.get("minilm_weights_sha256")) != (
            pca_dims, version("model2vec"), digest):
        return None
    return SHIPPED_DISTILLATION


def _distill(pca_dims: int) -> Any:
    from model2vec.distill import distill

    from course_utils.models import MINILM_NAME, _transformer_source

    return distill(model_name=_transformer_source(MINILM_NAME), vocabulary=None, pca_dims=pca_dims, device="cpu")


def static_encoder(model: Any) -> Any:
    """A text encoder (unit-length rows) from a model2vec StaticModel. Taught in notebooks/08_embeddings_at_scale.ipynb."""
    from course_utils.benchmarks import l2_normalize
    from course_utils.errors import require_texts

    if not hasattr(model, "encode"):
        raise CourseError(f"static_encoder needs a model2vec StaticModel (from distilled_minilm()), got {type(model).__name__}.")

    def encode(texts: list[str]) -> np.ndarray:
        return l2_normalize(np.asarray(model.encode(require_texts(texts), show_progress_bar=False), dtype=np.float32))

    return encode
