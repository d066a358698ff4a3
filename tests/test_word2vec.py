"""course_utils.word2vec: the corpus, the pieces of skip-gram, and the scratch model against gensim."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import benchmarks, word2vec
from course_utils.errors import CourseError


@pytest.fixture(scope="module")
def corpus() -> list[list[str]]:
    return word2vec.training_corpus()


def test_training_corpus_is_wikipedia_plus_lee_background_never_lee_test(corpus):
    from course_utils.data import load_lee, load_lee_background, load_wikipedia
    from course_utils.text import tokenize

    n_paragraphs = sum(len(a.paragraphs) for a in load_wikipedia())
    assert len(corpus) == n_paragraphs + len(load_lee_background())
    assert 350_000 < sum(map(len, corpus)) < 500_000
    assert all(isinstance(w, str) for w in corpus[0])
    test_docs = {tuple(tokenize(d)) for d in load_lee()[0]}
    assert not test_docs & {tuple(s) for s in corpus}


def test_vocabulary_is_sorted_by_frequency_and_respects_min_count():
    sentences = [["a", "b", "a"], ["c", "a", "b"], ["d"]]
    vocab = word2vec.build_vocabulary(sentences, min_count=2)
    assert vocab.words == ["a", "b"] and vocab.counts.tolist() == [3, 2]
    with pytest.raises(CourseError, match="min_count"):
        word2vec.build_vocabulary(sentences, min_count=10)


def test_skipgram_pairs_stay_inside_sentences_and_windows():
    ids = np.arange(6)
    sentence_ids = np.array([0, 0, 0, 1, 1, 1])
    rng = np.random.default_rng(0)
    centres, contexts = word2vec.skipgram_pairs(ids, sentence_ids, window=2, rng=rng)
    assert len(centres) == len(contexts) > 0
    assert np.all(sentence_ids[centres] == sentence_ids[contexts])
    assert np.all((np.abs(centres - contexts) >= 1) & (np.abs(centres - contexts) <= 2))
    # a full window (reach always = window) gives every in-sentence pair within distance 2, both ways
    class Full:
        def integers(self, low, high, size):
            return np.full(size, high - 1)

    c, x = word2vec.skipgram_pairs(ids, sentence_ids, window=2, rng=Full())
    assert len(c) == 2 * 2 * (2 + 1)  # per sentence: 2 pairs at distance 1, 1 at distance 2, both directions


def test_keep_probabilities_follow_word2vec_formula():
    counts = np.array([1000, 10, 1])
    keep = word2vec.keep_probabilities(counts, sample=1e-3)
    f = counts / counts.sum()
    assert keep[0] == pytest.approx((np.sqrt(f[0] / 1e-3) + 1) * 1e-3 / f[0])
    assert keep[0] < 0.1 and keep[2] == 1.0
    assert word2vec.keep_probabilities(counts, sample=0).tolist() == [1.0, 1.0, 1.0]  # sample=0: off


def test_sgns_step_matches_autograd():
    import torch

    torch.manual_seed(0)
    w_in, w_out = torch.randn(10, 4), torch.randn(10, 4)
    centres, contexts = torch.tensor([1, 2]), torch.tensor([3, 4])
    negatives = torch.tensor([[5, 6], [7, 8]])
    a_in, a_out = w_in.clone().requires_grad_(), w_out.clone().requires_grad_()
    targets = torch.cat([contexts[:, None], negatives], 1)
    scores = torch.einsum("bd,bkd->bk", a_in[centres], a_out[targets])
    loss = -(torch.nn.functional.logsigmoid(scores[:, 0]) + torch.nn.functional.logsigmoid(-scores[:, 1:]).sum(1)).sum()
    loss.backward()
    word2vec.sgns_step(w_in, w_out, centres, contexts, negatives, lr=0.1)
    assert torch.allclose(w_in, a_in.detach() - 0.1 * a_in.grad, atol=1e-6)
    assert torch.allclose(w_out, a_out.detach() - 0.1 * a_out.grad, atol=1e-6)


def test_scratch_word2vec_is_within_005_of_gensim_on_wordsim353(corpus):
    scratch = word2vec.train_sgns(corpus, progress=False)
    gensim_model = word2vec.train_gensim_word2vec(corpus)
    ours = benchmarks.word_similarity(scratch.keyed_vectors(), "wordsim353")
    theirs = benchmarks.word_similarity(gensim_model.wv, "wordsim353")
    assert ours["pairs"] == theirs["pairs"]  # same vocabulary rule (min_count)
    assert abs(ours["spearman"] - theirs["spearman"]) < 0.05
    assert scratch.losses[-1] < scratch.losses[0] - 1.0  # it learnt something
    assert len(scratch.keyed_vectors()) == len(gensim_model.wv)


def test_train_gensim_word2vec_is_reproducible():
    sentences = [["the", "cat", "sat", "on", "the", "mat"]] * 20
    a = word2vec.train_gensim_word2vec(sentences, min_count=1)
    b = word2vec.train_gensim_word2vec(sentences, min_count=1)
    assert a.workers == 1 and a.wv.vector_size == 50
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)


def test_to_keyed_vectors_keeps_rows_and_checks_shape():
    kv = word2vec.to_keyed_vectors(["a", "b"], np.eye(2))
    assert len(kv) == 2 and kv["b"].tolist() == [0.0, 1.0]
    with pytest.raises(CourseError, match="one row per word"):
        word2vec.to_keyed_vectors(["a"], np.eye(2))


def test_ppmi_is_positive_and_matches_definition():
    from scipy import sparse

    counts = sparse.csr_matrix(np.array([[0, 2, 1], [2, 0, 0], [1, 0, 4]], dtype=float))
    m = word2vec.ppmi(counts, context_power=1.0).toarray()
    c = counts.toarray()
    expected = np.log(c * c.sum() / (c.sum(1, keepdims=True) * c.sum(0, keepdims=True)), where=c > 0, out=np.zeros_like(c))
    np.testing.assert_allclose(m, np.maximum(expected, 0))


def test_ppmi_svd_vectors_cover_the_vocabulary(corpus):
    kv = word2vec.ppmi_svd_vectors(corpus[:500], dim=20)
    assert kv.vector_size == 20 and len(kv) == len(word2vec.build_vocabulary(corpus[:500]))


def test_empty_corpus_gives_a_clear_error():
    with pytest.raises(CourseError, match="empty"):
        word2vec.train_sgns([])


def test_train_scratch_word2vec_returns_keyed_vectors_in_vocabulary_order():
    sentences = [["the", "king", "ruled", "the", "land"], ["the", "queen", "ruled", "the", "land"]] * 20
    kv = word2vec.train_scratch_word2vec(sentences, min_count=1, epochs=1, dim=8, sample=0)
    assert kv.index_to_key[0] == "the" and len(kv) == 5 and kv.vector_size == 8
    assert kv.most_similar("king", topn=1)[0][0] in {"the", "queen", "ruled", "land"}


def test_a_tiny_corpus_where_subsampling_drops_everything_still_trains():
    result = word2vec.train_sgns([["a", "b"]] * 5, min_count=1, epochs=2, dim=4, progress=True)
    assert result.vectors.shape == (2, 4)
