"""Word2Vec: the training corpus, skip-gram with negative sampling from scratch, gensim's twin, a count-based twin.

Taught in notebooks/03_word2vec.ipynb, which writes ``skipgram_pairs``, ``sgns_step``, ``sgns_loss`` and
``train_sgns`` in full with these same signatures and checks that they agree with the versions here; the
count-based twin (co-occurrences -> PPMI -> SVD) is taught in notebooks/04_glove_fasttext.ipynb.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.errors import CourseError, require_int, require_number, require_sentences
from course_utils.threads import uses_free_cpus
from course_utils.vectors import to_keyed_vectors as to_keyed_vectors  # re-exported: notebook 03 imports it here

if TYPE_CHECKING:  # heavy imports stay out of import time
    from gensim.models import KeyedVectors, Word2Vec


# ---------------------------------------------------------------- corpus
def training_corpus() -> list[list[str]]:
    """Wikipedia paragraphs + 300 Lee background documents, tokenised (no Lee test doc). Taught in notebooks/03_word2vec.ipynb."""
    from course_utils.data import load_lee_background, load_wikipedia
    from course_utils.text import tokenize

    paragraphs = [p for article in load_wikipedia() for p in article.paragraphs]
    return [tokenize(text) for text in paragraphs + load_lee_background()]


@dataclass(frozen=True)
class Vocabulary:
    """Words kept (count >= min_count), most frequent first, with their counts. Taught in notebooks/04_glove_fasttext.ipynb."""

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(repr=False)

    def __len__(self) -> int:
        return len(self.words)


def build_vocabulary(sentences: Iterable[Sequence[str]], min_count: int = 5) -> Vocabulary:
    """Keep the words seen at least min_count times, most frequent first. Taught in notebooks/04_glove_fasttext.ipynb."""
    sentences = require_sentences(sentences)
    min_count = require_int(min_count, "min_count", 1)
    counts = Counter(word for sentence in sentences for word in sentence)
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    if not kept:
        raise CourseError(f"No word occurs {min_count} times or more: lower min_count or pass a bigger corpus.")
    return Vocabulary(kept, np.array([counts[w] for w in kept], dtype=np.int64), {w: i for i, w in enumerate(kept)})


def encode_corpus(sentences: Iterable[Sequence[str]], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of the known words and the sentence of each, as two arrays. Taught in notebooks/04_glove_fasttext.ipynb."""
    sentences = require_sentences(sentences)
    if not isinstance(vocab, Vocabulary):
        raise CourseError(f"vocab must be the Vocabulary that build_vocabulary returns, got {type(vocab).__name__}.")
    ids, sentence_ids = [], []
    for s, sentence in enumerate(sentences):
        known = [vocab.index[w] for w in sentence if w in vocab.index]
        ids.extend(known)
        sentence_ids.extend([s] * len(known))
    return np.array(ids, dtype=np.int64), np.array(sentence_ids, dtype=np.int64)


# ---------------------------------------------------------------- skip-gram with negative sampling
def _id_arrays(ids: Any, sentence_ids: Any) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(ids, str) or isinstance(sentence_ids, str):
        raise CourseError("ids and sentence_ids must be integer arrays (from encode_corpus), not strings.")
    ids, sentence_ids = np.asarray(ids), np.asarray(sentence_ids)
    for name, array in (("ids", ids), ("sentence_ids", sentence_ids)):
        if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
            raise CourseError(f"{name} must be a 1-D integer array (from encode_corpus), got {array.dtype} "
                              f"of shape {array.shape}.")
    if len(ids) != len(sentence_ids):
        raise CourseError(f"ids ({len(ids)}) and sentence_ids ({len(sentence_ids)}) must have the same length.")
    return ids, sentence_ids


def _generator(rng: Any) -> Any:
    if not hasattr(rng, "integers") or not hasattr(rng, "random"):
        raise CourseError(f"rng must be a numpy Generator such as np.random.default_rng(42), got {type(rng).__name__}.")
    return rng


def skipgram_pairs(ids: np.ndarray, sentence_ids: np.ndarray, window: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All (centre, context) pairs within a random reach of 1..window words. Taught in notebooks/03_word2vec.ipynb."""
    ids, sentence_ids = _id_arrays(ids, sentence_ids)
    window = require_int(window, "window", 1)
    rng = _generator(rng)
    reach = rng.integers(1, window + 1, size=len(ids))  # word2vec's "dynamic window"
    centres, contexts = [np.zeros(0, dtype=ids.dtype)], [np.zeros(0, dtype=ids.dtype)]
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]
        right = same & (reach[:-offset] >= offset)  # centre i, context i + offset
        left = same & (reach[offset:] >= offset)  # centre i + offset, context i
        centres += [ids[:-offset][right], ids[offset:][left]]
        contexts += [ids[offset:][right], ids[:-offset][left]]
    return np.concatenate(centres), np.concatenate(contexts)


def sgns_step(w_in: Any, w_out: Any, centres: Any, contexts: Any, negatives: Any, lr: float) -> Any:
    """One SGD step of skip-gram with negative sampling on a minibatch; returns the scores. Taught in notebooks/03_word2vec.ipynb.

    For each pair the model should say "yes" (sigmoid(v . u) -> 1) to the true context and "no" to k noise
    words. ``w_in``/``w_out`` are (vocabulary x dim) float tensors updated in place; ``centres``/``contexts``
    (B,) and ``negatives`` (B, k) are long tensors.
    """
    import torch

    tensors = {"w_in": w_in, "w_out": w_out, "centres": centres, "contexts": contexts, "negatives": negatives}
    for name, value in tensors.items():
        if not isinstance(value, torch.Tensor):
            raise CourseError(f"{name} must be a torch tensor, got {type(value).__name__}.")
    if negatives.ndim != 2 or len(negatives) != len(centres) or len(contexts) != len(centres):
        raise CourseError("centres, contexts (B,) and negatives (B, k) must describe the same B pairs.")
    lr = require_number(lr, "lr", 0.0, strict=True)
    targets = torch.cat([contexts[:, None], negatives], dim=1)  # (B, 1 + k): true context, then noise
    v = w_in.index_select(0, centres)  # (B, d): w_in[centres], faster
    u = w_out.index_select(0, targets.reshape(-1)).view(*targets.shape, -1)  # (B, 1 + k, d)
    scores = (u * v[:, None, :]).sum(-1)
    g = -torch.sigmoid(scores)  # label - sigmoid(score), label 0 ...
    g[:, 0] += 1.0  # ... and label 1 for the true context
    g *= lr
    w_in.index_add_(0, centres, (g[:, :, None] * u).sum(1))
    w_out.index_add_(0, targets.reshape(-1), (g[:, :, None] * v[:, None, :]).reshape(-1, v.shape[1]))
    return scores


def sgns_loss(scores: Any) -> float:
    """Mean loss of a batch of scores (column 0: true context, the rest: noise). Taught in notebooks/03_word2vec.ipynb."""
    import torch

    if not isinstance(scores, torch.Tensor) or scores.ndim != 2 or scores.shape[1] < 2 or not len(scores):
        raise CourseError("scores must be a (B, 1 + k) torch tensor as sgns_step returns (B >= 1, k >= 1).")
    return float(-(torch.nn.functional.logsigmoid(scores[:, 0])
                   + torch.nn.functional.logsigmoid(-scores[:, 1:]).sum(1)).mean())


def _probabilities(values: Any, what: str, size: int) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64) if not isinstance(values, str) else np.zeros(0)
    if array.shape != (size,):
        raise CourseError(f"{what} must hold one probability per vocabulary word ({size}), got shape {array.shape}.")
    if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
        raise CourseError(f"{what} must hold probabilities between 0 and 1.")
    return array


@uses_free_cpus
def train_sgns(ids: np.ndarray, sentence_ids: np.ndarray, rng: np.random.Generator, keep_prob: np.ndarray,
               noise: np.ndarray, *, dim: int = 50, window: int = 5, negative: int = 5, epochs: int = 5,
               lr: float = 0.025, batch_size: int = 4096, log_every: int = 20,
               progress: bool = True) -> tuple[np.ndarray, list[float]]:
    """Skip-gram with negative sampling: word vectors and the logged losses. Taught in notebooks/03_word2vec.ipynb.

    ``ids``/``sentence_ids`` come from encode_corpus; ``keep_prob`` (subsampling) and ``noise`` (the 3/4-power
    unigram distribution) hold one value per vocabulary word. Every draw comes from ``rng``; the initial vectors
    come from torch's global generator (call ``torch.manual_seed`` first to repeat a run). The learning rate
    decays linearly to 1e-4 of ``lr`` over training, as in word2vec.
    """
    import torch
    from tqdm.auto import tqdm

    ids, sentence_ids = _id_arrays(ids, sentence_ids)
    if not len(ids):
        raise CourseError("ids is empty: the corpus has no word of the vocabulary; check encode_corpus's input.")
    rng = _generator(rng)
    dim = require_int(dim, "dim", 1)
    window = require_int(window, "window", 1)
    negative = require_int(negative, "negative", 1)
    epochs = require_int(epochs, "epochs", 1)
    batch_size = require_int(batch_size, "batch_size", 1)
    log_every = require_int(log_every, "log_every", 1)
    lr = require_number(lr, "lr", 0.0, strict=True)
    n_words = len(np.asarray(keep_prob)) if not isinstance(keep_prob, str) else 0
    keep_prob = _probabilities(keep_prob, "keep_prob", n_words)
    noise = _probabilities(noise, "noise", n_words)
    if abs(noise.sum() - 1) > 1e-6:
        raise CourseError(f"noise must sum to 1 (a distribution), it sums to {noise.sum():.4g}.")
    if ids.min() < 0 or ids.max() >= n_words:
        raise CourseError(f"ids must be word indices in 0..{n_words - 1} (one keep_prob per word).")
    noise_cdf = np.cumsum(noise)
    w_in = (torch.rand(n_words, dim) - 0.5) / dim  # word2vec's initialisation
    w_out = torch.zeros(n_words, dim)
    losses: list[float] = []
    for epoch in tqdm(range(epochs), desc="SGNS epochs", disable=not progress):
        kept = rng.random(len(ids)) < keep_prob[ids]
        centres, contexts = skipgram_pairs(ids[kept], sentence_ids[kept], window, rng)
        order = rng.permutation(len(centres))
        centres, contexts = torch.from_numpy(centres[order]), torch.from_numpy(contexts[order])
        negatives = np.searchsorted(noise_cdf, rng.random((len(centres), negative)))
        negatives = torch.from_numpy(np.minimum(negatives, n_words - 1))
        n_batches = -(-len(centres) // batch_size)
        for b in range(n_batches):
            step_lr = lr * max(1 - (epoch + b / n_batches) / epochs, 1e-4)
            sl = slice(b * batch_size, (b + 1) * batch_size)
            scores = sgns_step(w_in, w_out, centres[sl], contexts[sl], negatives[sl], step_lr)
            if b % log_every == 0:
                losses.append(sgns_loss(scores))
    vectors = w_in.numpy()
    if not np.all(np.isfinite(vectors)):
        raise CourseError(f"Training diverged (NaN or infinite vectors) with lr={lr}: use a smaller learning rate "
                          "such as 0.025.")
    return vectors, losses


# ---------------------------------------------------------------- gensim
def _check_training_options(options: dict[str, Any]) -> None:
    for key in ("vector_size", "window", "min_count", "epochs", "negative", "workers"):
        if key in options:
            require_int(options[key], key, 0 if key == "negative" else 1)
    if "alpha" in options:
        require_number(options["alpha"], "alpha", 0.0, strict=True)


def _check_vocabulary(sentences: list[list[str]], min_count: int) -> None:
    counts = Counter(word for sentence in sentences for word in sentence)
    if not any(c >= min_count for c in counts.values()):
        raise CourseError(f"No word occurs {min_count} times or more: lower min_count or pass a bigger corpus.")


def train_gensim_word2vec(sentences: Sequence[Sequence[str]], **kwargs: Any) -> Word2Vec:
    """gensim Word2Vec with reproducible defaults (skip-gram, 50 d, seed 42, 1 worker). Taught in notebooks/03_word2vec.ipynb."""
    from gensim.models import Word2Vec

    sentences = require_sentences(sentences)
    options = {"vector_size": 50, "window": 5, "min_count": 5, "sg": 1, "negative": 5, "epochs": 5,
               "seed": 42, "workers": 1}
    options.update(kwargs)
    _check_training_options(options)
    _check_vocabulary(sentences, options["min_count"])
    return Word2Vec(sentences, **options)


# ---------------------------------------------------------------- the count-based twin
def cooccurrence_matrix(ids: np.ndarray, sentence_ids: np.ndarray, vocab_size: int, window: int = 5) -> Any:
    """Sparse counts: how often word j occurs within `window` words of word i. Taught in notebooks/04_glove_fasttext.ipynb."""
    from scipy import sparse

    ids, sentence_ids = _id_arrays(ids, sentence_ids)
    vocab_size = require_int(vocab_size, "vocab_size", 1)
    window = require_int(window, "window", 1)
    if len(ids) and (ids.min() < 0 or ids.max() >= vocab_size):
        raise CourseError(f"ids must be word indices in 0..{vocab_size - 1}: pass vocab_size=len(vocab).")
    rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]
        rows += [ids[:-offset][same], ids[offset:][same]]
        cols += [ids[offset:][same], ids[:-offset][same]]
    row, col = np.concatenate(rows), np.concatenate(cols)
    counts = sparse.coo_matrix((np.ones(len(row), dtype=np.float64), (row, col)), shape=(vocab_size, vocab_size))
    return counts.tocsr()  # duplicates are summed


def _ppmi(counts: Any, context_power: float = 0.75) -> Any:
    """Positive pointwise mutual information of a co-occurrence matrix (context counts smoothed by ^0.75)."""
    from scipy import sparse

    counts = sparse.csr_matrix(counts, dtype=np.float64)
    total = counts.sum()
    p_word = np.asarray(counts.sum(axis=1)).ravel() / total
    context = np.asarray(counts.sum(axis=0)).ravel() ** context_power
    p_context = context / context.sum()
    coo = counts.tocoo()
    pmi = np.log(coo.data / total / (p_word[coo.row] * p_context[coo.col]))
    keep = pmi > 0
    return sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=counts.shape)


def ppmi_svd_vectors(sentences: Sequence[Sequence[str]], dim: int = 50, window: int = 5, min_count: int = 5,
                     seed: int = 42) -> KeyedVectors:
    """Count-based word vectors: co-occurrences -> PPMI -> SVD (U * sqrt(S)). Taught in notebooks/04_glove_fasttext.ipynb."""
    from sklearn.decomposition import TruncatedSVD

    vocab = build_vocabulary(sentences, min_count)
    dim = require_int(dim, "dim", 1, max(1, len(vocab) - 1))
    ids, sentence_ids = encode_corpus(sentences, vocab)
    counts = cooccurrence_matrix(ids, sentence_ids, len(vocab), window)
    if not counts.nnz:
        raise CourseError("No two known words ever occur within the window: pass a bigger corpus or a wider window.")
    svd = TruncatedSVD(n_components=dim, random_state=seed)
    u_times_s = svd.fit_transform(_ppmi(counts))  # U * S
    singular = np.where(svd.singular_values_ > 0, svd.singular_values_, 1.0)
    return to_keyed_vectors(vocab.words, u_times_s / np.sqrt(singular))  # U * sqrt(S)


# ---------------------------------------------------------------- notebook 03's sweep, as the course ships it
SHIPPED_SWEEP = Path(__file__).resolve().parents[1] / "data" / "nb03_sweep"


def sweep_key(words: Sequence[str], n_tokens: int) -> str:
    """Name of notebook 03's sweep folder for a corpus (a hash of vocabulary and size). Taught in notebooks/03_word2vec.ipynb.

    ``words`` is the vocabulary, most frequent first (build_vocabulary's order). Another corpus or tokeniser gives
    another name, so stored results are never read for the wrong corpus.
    """
    if isinstance(words, str) or not hasattr(words, "__iter__"):
        raise CourseError("words must be the list of vocabulary words (build_vocabulary(sentences).words), not a string.")
    words = list(words)
    if not words or not all(isinstance(w, str) for w in words):
        raise CourseError("words must be a non-empty list of strings: the vocabulary, most frequent first.")
    n_tokens = require_int(n_tokens, "n_tokens", 1)
    return hashlib.sha256(" ".join(words).encode() + str(n_tokens).encode()).hexdigest()[:12]


def _sweep_file(sentences: Sequence[Sequence[str]], name: str, suffix: str, min_count: int) -> tuple[Path | None, Any]:
    from course_utils.downloads import cache_dir

    if not isinstance(name, str) or not name:
        raise CourseError(f'name must be a sweep model\'s name such as "SGNS-epochs20-seed1", got {name!r}.')
    sentences = require_sentences(sentences)
    vocab = build_vocabulary(sentences, min_count)
    key = sweep_key(vocab.words, sum(len(s) for s in sentences))
    for folder in (SHIPPED_SWEEP / key, cache_dir() / "nb03_sweep" / key):
        if (folder / f"{name}{suffix}").is_file():
            return folder / f"{name}{suffix}", vocab
    return None, vocab


def sweep_vectors(sentences: Sequence[Sequence[str]], name: str, min_count: int = 5) -> KeyedVectors | None:
    """One model of notebook 03's sweep as word vectors, None where none is stored. Taught in notebooks/04_glove_fasttext.ipynb.

    ``name`` is the sweep's file name, e.g. "SGNS-epochs20-seed1". Looks in the course's data/nb03_sweep/<key>
    (shipped) and then in the course cache (where notebook 03 trains the grid for another corpus). Vectors are
    stored as float16 and come back as float32.
    """
    path, vocab = _sweep_file(sentences, name, ".npy", min_count)
    if path is None:
        return None
    matrix = np.load(path).astype(np.float32)
    if matrix.shape[0] != len(vocab.words):
        raise CourseError(f"{path} holds {matrix.shape[0]} vectors for {len(vocab.words)} words: delete it and run "
                          "notebook 03's sweep again.")
    return to_keyed_vectors(vocab.words, matrix)


def sweep_cosines(sentences: Sequence[Sequence[str]], name: str, min_count: int = 5) -> dict[str, Any] | None:
    """What notebook 03's sweep stored of one model: pair cosines per benchmark. Taught in notebooks/04_glove_fasttext.ipynb.

    A dict with "wordsim353" and "simlex999" (one cosine per benchmark pair, None for a pair outside the vocabulary)
    and "seconds" (its training time); None where the sweep stored no such model.
    """
    import json

    path, _ = _sweep_file(sentences, name, ".json", min_count)
    return None if path is None else json.loads(path.read_text())


def pair_gaps(cosines_a: dict[str, Any], cosines_b: dict[str, Any]) -> list[float]:
    """|cosine difference| of each benchmark pair between two sweep records. Taught in notebooks/03_word2vec.ipynb.

    Pairs outside the vocabulary (None in the first record) are left out.
    """
    return [abs(a - b) for name in ("wordsim353", "simlex999")
            for a, b in zip(cosines_a[name], cosines_b[name], strict=True) if a is not None]
