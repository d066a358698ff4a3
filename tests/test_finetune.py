"""Tests for course_utils.finetune (notebooks/09_fine_tuning.ipynb): splits, pairs, batches, training moves the loss."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import finetune
from course_utils.contextual import sentence_encoder
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
    train, validation, test = finetune.split_articles(articles, validation_fraction=0.2, test_fraction=0.3, seed=1)
    titles = [{a.title for a in part} for part in (train, validation, test)]
    assert not titles[0] & titles[1] and not titles[0] & titles[2] and not titles[1] & titles[2]
    total = sum(len(a.paragraphs) >= 2 for a in articles)
    assert len(train) + len(validation) + len(test) == total
    assert abs(len(test) - 0.3 * total) <= 1 and abs(len(validation) - 0.2 * total) <= 1
    again = finetune.split_articles(articles, validation_fraction=0.2, test_fraction=0.3, seed=1)
    assert [a.title for a in again[2]] == [a.title for a in test]
    with pytest.raises(CourseError, match="test_fraction"):
        finetune.split_articles(articles, test_fraction=1.0)
    with pytest.raises(CourseError, match="below 1"):
        finetune.split_articles(articles, validation_fraction=0.5, test_fraction=0.5)
    with pytest.raises(CourseError, match="list of Article"):
        finetune.split_articles("Anarchism")


def test_lead_pairs_use_the_test_format_and_never_cross_articles(articles):
    pairs = finetune.lead_pairs(articles[:10], anchors_per_article=3, seed=0)
    assert len(pairs) == sum(min(3, len(a.paragraphs) - 1) for a in articles[:10])
    for anchor, positive, index in pairs:
        assert anchor in articles[index].paragraphs[1:]
        assert positive == f"{articles[index].title}. {articles[index].paragraphs[0]}"


def test_distinct_group_order_keeps_groups_apart_in_every_batch():
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 30, size=300).tolist()
    order = finetune.distinct_group_order(groups, batch_size=16, seed=3)
    assert len(order) == len(set(order)) and len(order) % 16 == 0
    assert len(order) >= 250  # few items dropped
    for start in range(0, len(order), 16):
        block = [groups[i] for i in order[start:start + 16]]
        assert len(set(block)) == 16


def test_distinct_group_order_refuses_bad_input_at_once():
    import signal

    def too_slow(*_):
        raise TimeoutError("distinct_group_order did not return")

    old = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(5)  # before the fix, batch_size=0 looped for ever
    try:
        for bad in (0, -3):
            with pytest.raises(CourseError, match="batch_size"):
                finetune.distinct_group_order([0, 1, 2, 3], batch_size=bad)
        with pytest.raises(CourseError, match="groups must be a list"):
            finetune.distinct_group_order("abcabc", batch_size=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_retrieval_ties_count_against_the_target_as_in_benchmarks():
    from course_utils.benchmarks import rank_of_correct

    flat = np.ones((3, 4))  # a model that cannot tell the documents apart
    scores = finetune.retrieval_scores(flat, np.eye(4), np.array([0, 1, 2]))
    assert scores["mrr"] == pytest.approx(0.25) and scores["recall@1"] == 0.0
    sims = np.random.default_rng(0).random((6, 5)).round(1)
    targets = np.array([0, 1, 2, 3, 4, 0])
    assert np.array_equal(finetune.retrieval_ranks(sims, np.eye(5), targets), rank_of_correct(sims, targets))


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
    with pytest.raises(CourseError, match="list of words"):
        finetune.continue_word2vec(old, ["not tokenised"])
    with pytest.raises(CourseError, match="tokenised sentences"):
        finetune.continue_word2vec(old, "one long string")
    with pytest.raises(CourseError, match="epochs"):
        finetune.continue_word2vec(old, docs[150:], epochs=0)
    with pytest.raises(CourseError, match="not one string"):
        finetune.vector_drift(old.wv, new.wv, "police")
    with pytest.raises(CourseError, match="not in both models"):
        finetune.vector_drift(old.wv, new.wv, ["zzzunknownzzz"])


def _mnrl_loss(model, pairs) -> float:
    import torch

    a = sentence_encoder(model)([p[0] for p in pairs])
    b = sentence_encoder(model)([p[1] for p in pairs])
    logits = torch.as_tensor(a @ b.T * 20.0)  # MultipleNegativesRankingLoss's default scale
    return float(torch.nn.functional.cross_entropy(logits, torch.arange(len(pairs))))


def test_tiny_contrastive_run_lowers_the_loss_and_round_trips(minilm, articles, tmp_path):
    import copy

    import torch
    from sentence_transformers import SentenceTransformer

    model = copy.deepcopy(minilm)
    pairs = [p[:2] for p in finetune.lead_pairs(articles[:8], anchors_per_article=1, seed=0)]
    before = _mnrl_loss(model, pairs)
    table = model[0].auto_model.embeddings.word_embeddings.weight
    table_before = table.detach().clone()
    layer = model[0].auto_model.encoder.layer[0].attention.self.query.weight
    layer_before = layer.detach().clone()
    torch.manual_seed(0)
    seen_epochs = []
    logged = finetune.train_contrastive(model, pairs, output_dir=str(tmp_path / "run"), batch_size=8, epochs=3,
                                        learning_rate=1e-4, progress=False, mini_batch_size=4,
                                        on_epoch_end=lambda epoch: seen_epochs.append((epoch, model.training)))
    assert len(logged) == 3 and all(np.isfinite(logged))
    assert seen_epochs == [(1, False), (2, False), (3, False)]  # called after every epoch, in eval mode
    assert torch.equal(table, table_before) and table.requires_grad  # frozen while training, trainable again after
    assert not torch.equal(layer, layer_before)
    assert _mnrl_loss(model, pairs) < before - 0.01
    model.save(str(tmp_path / "saved"))
    reloaded = SentenceTransformer(str(tmp_path / "saved"), device="cpu")
    probe = [p[0] for p in pairs[:3]]
    assert np.array_equal(sentence_encoder(model)(probe), sentence_encoder(reloaded)(probe))
    assert reloaded.max_seq_length == 32


def test_train_contrastive_refuses_bad_input_at_the_door(minilm, articles, tmp_path):
    pairs = [p[:2] for p in finetune.lead_pairs(articles[:8], anchors_per_article=1, seed=0)]
    out = str(tmp_path / "x")
    with pytest.raises(CourseError, match="fewer than one batch of 16"):  # failed deep in transformers before
        finetune.train_contrastive(minilm, pairs[:5], output_dir=out, batch_size=16)
    with pytest.raises(CourseError, match="pairs must be a list"):  # a str was split into characters before
        finetune.train_contrastive(minilm, "anchor and positive", output_dir=out, batch_size=2)
    with pytest.raises(CourseError, match=r"pairs\[0\] must be an \(anchor, positive\) pair"):
        finetune.train_contrastive(minilm, ["ab", "cd", "ef"], output_dir=out, batch_size=2)
    for bad in (0, -1):
        with pytest.raises(CourseError, match="epochs"):
            finetune.train_contrastive(minilm, pairs, output_dir=out, batch_size=2, epochs=bad)
    with pytest.raises(CourseError, match="batch_size"):
        finetune.train_contrastive(minilm, pairs, output_dir=out, batch_size=1)
    with pytest.raises(CourseError, match="SentenceTransformer"):
        finetune.train_contrastive("all-MiniLM-L6-v2", pairs, output_dir=out, batch_size=2)


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
    with pytest.raises(CourseError, match="epochs"):
        finetune.finetune_classifier(minilm, texts, labels, train, test, epochs=0)
    with pytest.raises(CourseError, match="test_index and validation_index overlap"):
        finetune.finetune_classifier(minilm, texts, labels, train, test, validation_index=test[:2])
    with pytest.raises(CourseError, match="not one string"):
        finetune.finetune_classifier(minilm, "one review", labels, train, test)


def test_finetune_classifier_reports_validation_and_test_predictions(minilm):
    texts, labels = load_polarity()
    pick = np.r_[0:6, 100:106]
    texts, labels = [texts[i] for i in pick], labels[pick]
    train, validation, test = np.r_[0:4, 6:10], np.array([4, 10]), np.array([5, 11])
    history = finetune.finetune_classifier(minilm, texts, labels, train, test, epochs=1, batch_size=8,
                                           validation_index=validation)
    assert {"validation_loss", "validation_accuracy", "test_predictions"} <= set(history.columns)
    predicted = np.asarray(history.test_predictions.iloc[0])
    assert predicted.shape == (2,) and history.test_accuracy.iloc[0] == pytest.approx(np.mean(predicted == labels[test]))
