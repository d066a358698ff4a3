"""Word2Vec: the training corpus, skip-gram with negative sampling from scratch, gensim's twin, and a count-based twin.

Taught in notebooks/03_word2vec.ipynb, where every function here is first written out in full.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.errors import CourseError

if TYPE_CHECKING:  # heavy imports stay out of import time
    from gensim.models import KeyedVectors, Word2Vec


# ---------------------------------------------------------------- corpus
def training_corpus() -> list[list[str]]:
    """Wikipedia sample paragraphs + the 300 Lee background documents, tokenised (never the 50 Lee test docs). Taught in notebooks/03_word2vec.ipynb."""
    from course_utils.data import load_lee_background, load_wikipedia
    from course_utils.text import tokenize

    paragraphs = [p for article in load_wikipedia() for p in article.paragraphs]
    return [tokenize(text) for text in paragraphs + load_lee_background()]


@dataclass(frozen=True)
class Vocabulary:
    """Words kept (count >= min_count), most frequent first, with their counts. Taught in notebooks/03_word2vec.ipynb."""

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(repr=False)

    def __len__(self) -> int:
        return len(self.words)


def build_vocabulary(sentences: Iterable[Sequence[str]], min_count: int = 5) -> Vocabulary:
    """Count words and keep those seen at least min_count times, most frequent first. Taught in notebooks/03_word2vec.ipynb."""
    counts = Counter(word for sentence in sentences for word in sentence)
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    if not kept:
        raise CourseError(f"No word occurs {min_count} times or more: lower min_count or pass a bigger corpus.")
    return Vocabulary(kept, np.array([counts[w] for w in kept], dtype=np.int64), {w: i for i, w in enumerate(kept)})


def encode_corpus(sentences: Iterable[Sequence[str]], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of the known words and the sentence each came from, as two flat arrays. Taught in notebooks/03_word2vec.ipynb."""
    ids, sentence_ids = [], []
    for s, sentence in enumerate(sentences):
        known = [vocab.index[w] for w in sentence if w in vocab.index]
        ids.extend(known)
        sentence_ids.extend([s] * len(known))
    return np.array(ids, dtype=np.int64), np.array(sentence_ids, dtype=np.int64)


def keep_probabilities(counts: np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """Probability of keeping each word under word2vec's subsampling of frequent words. Taught in notebooks/03_word2vec.ipynb."""
    if sample <= 0:  # word2vec's convention: sample=0 switches subsampling off
        return np.ones(len(counts))
    frequency = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(frequency / sample) + 1) * sample / frequency)


def skipgram_pairs(ids: np.ndarray, sentence_ids: np.ndarray, window: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All (centre, context) pairs within a random window of 1..window words, inside each sentence. Taught in notebooks/03_word2vec.ipynb."""
    reach = rng.integers(1, window + 1, size=len(ids))  # word2vec's "dynamic window"
    centres, contexts = [], []
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]
        right = same & (reach[:-offset] >= offset)  # centre i, context i + offset
        left = same & (reach[offset:] >= offset)  # centre i + offset, context i
        centres += [ids[:-offset][right], ids[offset:][left]]
        contexts += [ids[offset:][right], ids[:-offset][left]]
    return np.concatenate(centres), np.concatenate(contexts)


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """Unigram counts raised to 3/4 and normalised: where negative samples are drawn from. Taught in notebooks/03_word2vec.ipynb."""
    weights = counts.astype(np.float64) ** power
    return weights / weights.sum()


# ---------------------------------------------------------------- skip-gram with negative sampling
@dataclass
class SGNSResult:
    """A trained scratch model: word vectors, the loss per logged step, and the training speed. Taught in notebooks/03_word2vec.ipynb."""

    vocab: Vocabulary
    vectors: np.ndarray
    losses: list[float]
    words_trained: int
    seconds: float

    @property
    def words_per_second(self) -> float:
        """Corpus words processed per second (gensim counts the same way)."""
        return self.words_trained / self.seconds

    def keyed_vectors(self) -> KeyedVectors:
        """The vectors as gensim KeyedVectors, so the benchmark suite and most_similar apply."""
        return to_keyed_vectors(self.vocab.words, self.vectors)


def to_keyed_vectors(words: Sequence[str], matrix: np.ndarray) -> KeyedVectors:
    """Wrap a (words x dims) matrix as gensim KeyedVectors. Taught in notebooks/03_word2vec.ipynb."""
    from gensim.models import KeyedVectors

    if len(words) != len(matrix):
        raise CourseError(f"{len(words)} words but {len(matrix)} vectors: pass one row per word.")
    kv = KeyedVectors(vector_size=matrix.shape[1], count=0, dtype=np.float32)
    kv.add_vectors(list(words), np.asarray(matrix, dtype=np.float32))
    return kv


def sgns_step(w_in: Any, w_out: Any, centres: Any, contexts: Any, negatives: Any, lr: float) -> Any:
    """One vectorised SGD step of skip-gram with negative sampling on a minibatch; returns the scores. Taught in notebooks/03_word2vec.ipynb.

    For each pair the model should say "yes" (sigmoid(v . u) -> 1) to the true context and "no" to k noise words.
    """
    import torch

    targets = torch.cat([contexts[:, None], negatives], dim=1)  # (B, 1 + k): the true context, then k noise words
    v = w_in.index_select(0, centres)  # (B, d) centre vectors
    u = w_out.index_select(0, targets.reshape(-1)).view(*targets.shape, -1)  # (B, 1 + k, d) output vectors
    scores = (u * v[:, None, :]).sum(-1)
    g = -torch.sigmoid(scores)  # d log-likelihood / d score is label - sigmoid(score)
    g[:, 0] += 1.0  # label 1 for the true context, 0 for the noise words
    g *= lr
    w_in.index_add_(0, centres, (g[:, :, None] * u).sum(1))
    w_out.index_add_(0, targets.reshape(-1), (g[:, :, None] * v[:, None, :]).reshape(-1, v.shape[1]))
    return scores


def sgns_loss(scores: Any) -> float:
    """Mean negative-sampling loss of a batch of scores (column 0 true context, the rest noise). Taught in notebooks/03_word2vec.ipynb."""
    import torch.nn.functional as F

    return float(-(F.logsigmoid(scores[:, 0]) + F.logsigmoid(-scores[:, 1:]).sum(1)).mean())


def train_sgns(sentences: Sequence[Sequence[str]], dim: int = 50, window: int = 5, negative: int = 5,
               epochs: int = 5, min_count: int = 5, sample: float = 1e-3, lr: float = 0.025,
               batch_size: int = 4096, seed: int = 42, progress: bool = True, log_every: int = 20,
               threads: int = 1) -> SGNSResult:
    """Train skip-gram with negative sampling from scratch (torch, minibatches, linear learning-rate decay). Taught in notebooks/03_word2vec.ipynb."""
    import torch
    from tqdm.auto import tqdm

    if not sentences:
        raise CourseError("The corpus is empty: pass a list of tokenised sentences, e.g. training_corpus().")
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    vocab = build_vocabulary(sentences, min_count)
    ids, sentence_ids = encode_corpus(sentences, vocab)
    keep = keep_probabilities(vocab.counts, sample)
    noise_cdf = np.cumsum(noise_distribution(vocab.counts))
    w_in = (torch.rand(len(vocab), dim) - 0.5) / dim  # word2vec's initialisation
    w_out = torch.zeros(len(vocab), dim)
    losses: list[float] = []
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    start = time.perf_counter()
    try:
        with tqdm(total=epochs, unit="epoch", disable=not progress, desc="SGNS") as bar:
            for epoch in range(epochs):
                kept = rng.random(len(ids)) < keep[ids]
                centres, contexts = skipgram_pairs(ids[kept], sentence_ids[kept], window, rng)
                order = rng.permutation(len(centres))
                centres, contexts = torch.from_numpy(centres[order]), torch.from_numpy(contexts[order])
                noise = np.searchsorted(noise_cdf, rng.random((len(centres), negative)))
                negatives = torch.from_numpy(np.minimum(noise, len(vocab) - 1))
                n_batches = -(-len(centres) // batch_size)
                for b in range(n_batches):
                    step_lr = lr * max(1 - (epoch + b / n_batches) / epochs, 1e-4)
                    sl = slice(b * batch_size, (b + 1) * batch_size)
                    scores = sgns_step(w_in, w_out, centres[sl], contexts[sl], negatives[sl], step_lr)
                    if b % log_every == 0:
                        losses.append(sgns_loss(scores))
                bar.update(1)
                if losses:
                    bar.set_postfix(loss=f"{losses[-1]:.3f}")
    finally:
        torch.set_num_threads(previous_threads)
    seconds = time.perf_counter() - start
    return SGNSResult(vocab, w_in.numpy(), losses, epochs * len(ids), seconds)


def train_scratch_word2vec(sentences: Sequence[Sequence[str]], **kwargs: Any) -> KeyedVectors:
    """The from-scratch skip-gram's word vectors as gensim KeyedVectors (see train_sgns for options). Taught in notebooks/03_word2vec.ipynb."""
    kwargs.setdefault("progress", False)
    return train_sgns(sentences, **kwargs).keyed_vectors()


# ---------------------------------------------------------------- gensim
def train_gensim_word2vec(sentences: Sequence[Sequence[str]], **kwargs: Any) -> Word2Vec:
    """gensim Word2Vec with reproducible defaults (skip-gram, 50 d like GloVe 6B 50d, window 5, 5 epochs, seed 42, one worker). Taught in notebooks/03_word2vec.ipynb."""
    from gensim.models import Word2Vec

    options = {"vector_size": 50, "window": 5, "min_count": 5, "sg": 1, "negative": 5, "epochs": 5,
               "seed": 42, "workers": 1}
    options.update(kwargs)
    return Word2Vec(sentences, **options)


# ---------------------------------------------------------------- the count-based twin
def cooccurrence_matrix(ids: np.ndarray, sentence_ids: np.ndarray, vocab_size: int, window: int = 5) -> Any:
    """Symmetric sparse matrix: how often word j occurs within `window` words of word i. Taught in notebooks/03_word2vec.ipynb."""
    from scipy import sparse

    rows, cols = [], []
    for offset in range(1, window + 1):
        same = sentence_ids[:-offset] == sentence_ids[offset:]
        rows += [ids[:-offset][same], ids[offset:][same]]
        cols += [ids[offset:][same], ids[:-offset][same]]
    row, col = np.concatenate(rows), np.concatenate(cols)
    counts = sparse.coo_matrix((np.ones(len(row), dtype=np.float64), (row, col)), shape=(vocab_size, vocab_size))
    return counts.tocsr()  # duplicates are summed


def ppmi(counts: Any, context_power: float = 0.75) -> Any:
    """Positive pointwise mutual information of a co-occurrence matrix (context counts smoothed by ^0.75). Taught in notebooks/03_word2vec.ipynb."""
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
    """Count-based word vectors: co-occurrences -> PPMI -> truncated SVD (U * sqrt(S)). Taught in notebooks/03_word2vec.ipynb."""
    from sklearn.decomposition import TruncatedSVD

    vocab = build_vocabulary(sentences, min_count)
    ids, sentence_ids = encode_corpus(sentences, vocab)
    matrix = ppmi(cooccurrence_matrix(ids, sentence_ids, len(vocab), window))
    svd = TruncatedSVD(n_components=dim, random_state=seed)
    u_times_s = svd.fit_transform(matrix)  # U * S
    return to_keyed_vectors(vocab.words, u_times_s / np.sqrt(svd.singular_values_))  # U * sqrt(S)
