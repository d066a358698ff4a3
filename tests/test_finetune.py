"""Tests for course_utils.finetune (notebooks/09_fine_tuning.ipynb): splits, pairs, batches, training moves the loss."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import finetune
from course_utils.data import Article, load_lee_background, load_polarity, load_wikipedia
from course_utils.errors import CourseError
from course_utils.text import tokenize


@pytest.fixture(scope="module")
def articles() -> tuple[Article, ...]:
    return load_wikipedia()


@pytest.fixture(scope="module")
def minilm():
    import transformers

    from course_utils.models import load_sentence_model

    transformers.logging.disable_progress_bar()
    model = load_sentence_model()
    model.max_seq_length = 32
    return model


def test_split_articles_is_disjoint_complete_and_seeded(articles):
    train, test = finetune.split_articles(articles, test_fraction=0.3, seed=1)
    titles_train, titles_test = {a.title for a in train}, {a.title for a in test}
    assert not titles_train & titles_test
    assert len(train) + len(test) == sum(len(a.paragraphs) >= 2 for a in articles)
    assert abs(len(test) - 0.3 * (len(train) + len(test))) <= 1
    assert [a.title for a in finetune.split_articles(articles, 0.3, seed=1)[1]] == [a.title for a in test]
    with pytest.raises(CourseError, match="between 0 and 1"):
        finetune.split_articles(articles, test_fraction=1.0)


def test_same_article_pairs_never_cross_articles(articles):
    pairs = finetune.same_article_pairs(articles[:10], pairs_per_article=3, seed=0)
    for first, second, index in pairs:
        assert first != second
        assert first in articles[index].paragraphs and second in articles[index].paragraphs


def test_distinct_group_order_keeps_groups_apart_in_every_batch():
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 30, size=300).tolist()
    order = finetune.distinct_group_order(groups, batch_size=16, seed=3)
    assert len(order) == len(set(order)) and len(order) % 16 == 0
    assert len(order) >= 250  # few items dropped
    for start in range(0, len(order), 16):
        block = [groups[i] for i in order[start:start + 16]]
        assert len(set(block)) == 16


def test_retrieval_scores_matches_hand_computed_ranks():
    sims = np.array([[0.9, 0.2, 0.4], [0.8, 0.5, 0.6], [0.1, 0.7, 0.3]])
    # rows are already cosine similarities of unit vectors: build vectors that reproduce them via identity docs
    scores = finetune.retrieval_scores(sims, np.eye(3), np.array([0, 2, 2]), ks=(1, 2))
    assert scores["recall@1"] == pytest.approx(1 / 3)
    assert scores["recall@2"] == pytest.approx(1.0)
    assert scores["mrr"] == pytest.approx((1 + 0.5 + 0.5) / 3)


def test_heldout_task_targets_point_to_the_right_article(articles):
    task, targets = finetune.heldout_retrieval_task(articles[:5], queries_per_article=2, seed=0)
    assert len(task.documents) == 5 and len(task.queries) == len(targets)
    for query, target in zip(task.queries, targets, strict=True):
        assert query in articles[target].paragraphs[1:]
        assert task.documents[target].startswith(articles[target].title)


def test_continue_word2vec_adds_words_moves_only_seen_words_and_keeps_original():
    from gensim.models import Word2Vec

    docs = [tokenize(d) for d in load_lee_background()]
    old = Word2Vec(docs[:150], vector_size=20, min_count=3, epochs=2, workers=1, seed=0)
    snapshot = old.wv.vectors.copy()
    new = finetune.continue_word2vec(old, docs[150:], epochs=2)
    assert np.array_equal(old.wv.vectors, snapshot)  # the original is untouched
    assert len(new.wv) > len(old.wv)
    seen = {t for d in docs[150:] for t in d}
    shared = old.wv.index_to_key
    drift = finetune.vector_drift(old.wv, new.wv, shared)
    unseen = np.array([w not in seen for w in shared])
    assert unseen.any() and np.allclose(drift[unseen], 1.0)
    assert drift[~unseen].mean() < 0.999
    with pytest.raises(CourseError, match="token lists"):
        finetune.continue_word2vec(old, ["not tokenised"])
    with pytest.raises(CourseError, match="not in both models"):
        finetune.vector_drift(old.wv, new.wv, ["zzzunknownzzz"])


def _mnrl_loss(model, pairs) -> float:
    import torch

    a = finetune.sentence_encoder_of(model)([p[0] for p in pairs])
    b = finetune.sentence_encoder_of(model)([p[1] for p in pairs])
    logits = torch.as_tensor(a @ b.T * 20.0)  # MultipleNegativesRankingLoss's default scale
    return float(torch.nn.functional.cross_entropy(logits, torch.arange(len(pairs))))


def test_tiny_contrastive_run_lowers_the_loss_and_round_trips(minilm, articles, tmp_path):
    import copy

    import torch
    from sentence_transformers import SentenceTransformer

    model = copy.deepcopy(minilm)
    pairs = [p[:2] for p in finetune.same_article_pairs(articles[:8], pairs_per_article=1, seed=0)]
    before = _mnrl_loss(model, pairs)
    table = model[0].auto_model.embeddings.word_embeddings.weight
    table_before = table.detach().clone()
    layer = model[0].auto_model.encoder.layer[0].attention.self.query.weight
    layer_before = layer.detach().clone()
    torch.manual_seed(0)
    logged = finetune.train_contrastive(model, pairs, output_dir=str(tmp_path / "run"), batch_size=8, epochs=3,
                                        learning_rate=1e-4, progress=False)
    assert len(logged) == 3 and all(np.isfinite(logged))
    assert torch.equal(table, table_before) and table.requires_grad  # frozen while training, trainable again after
    assert not torch.equal(layer, layer_before)
    assert _mnrl_loss(model, pairs) < before - 0.01
    model.save(str(tmp_path / "saved"))
    reloaded = SentenceTransformer(str(tmp_path / "saved"), device="cpu")
    probe = [p[0] for p in pairs[:3]]
    assert np.array_equal(finetune.sentence_encoder_of(model)(probe), finetune.sentence_encoder_of(reloaded)(probe))
    assert reloaded.max_seq_length == 32
    with pytest.raises(CourseError, match="at least two"):
        finetune.train_contrastive(model, pairs[:1], output_dir=str(tmp_path / "x"))


def test_finetune_classifier_fits_its_training_lines_and_refuses_leaks(minilm):
    texts, labels = load_polarity()
    pick = np.r_[0:8, 100:108]
    texts, labels = [texts[i] for i in pick], labels[pick]
    train, test = np.arange(0, 16, 2), np.arange(1, 16, 2)
    history = finetune.finetune_classifier(minilm, texts, labels, train, test, epochs=2, learning_rate=1e-4, batch_size=8)
    assert list(history.epoch) == [1, 2]
    assert history.train_loss.iloc[-1] < history.train_loss.iloc[0] and history.test_loss.notna().all()
    with pytest.raises(CourseError, match="overlap"):
        finetune.finetune_classifier(minilm, texts, labels, train, train[:2])
