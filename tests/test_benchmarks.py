"""course_utils.benchmarks: scores with their spread, one tie rule, paired comparisons."""

import gensim
import numpy as np
import pytest
from gensim.models import KeyedVectors
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from course_utils import benchmarks as B
from course_utils.errors import CourseError, UnknownNameError


def tfidf(texts):
    return TfidfVectorizer().fit_transform(texts)


def random_encoder(texts):
    return np.random.default_rng(0).normal(size=(len(texts), 50))


def test_cosine_matrix_handles_sparse_and_zero_rows():
    m = sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0], [3.0, 3.0]]))
    sims = B.cosine_matrix(m)
    assert sims[0, 1] == 0 and sims[2].tolist() == [0, 0, 0, 0]
    assert sims[0, 3] == pytest.approx(1 / np.sqrt(2))
    assert np.allclose(np.diag(sims)[[0, 1, 3]], 1)


def test_rank_of_correct_counts_strictly_better_documents():
    sims = np.array([[0.9, 0.1, 0.2], [0.5, 0.4, 0.6], [0.3, 0.2, 0.1]])
    assert B.rank_of_correct(sims).tolist() == [1, 3, 3]


def test_ties_and_float_noise_count_against_the_correct_document():
    assert B.rank_of_correct(np.zeros((3, 3))).tolist() == [3, 3, 3]  # matching nothing is not a hit
    noisy = np.array([[0.5, 0.5 + 1e-15], [0.2, 0.7]])
    assert B.rank_of_correct(noisy).tolist() == [2, 1]


def test_rank_of_correct_with_targets_off_the_diagonal_uses_the_same_tie_rule():
    sims = np.array([[0.1, 0.9, 0.9], [0.0, 0.0, 0.0], [0.3, 0.2, 0.8]])
    assert B.rank_of_correct(sims, targets=[1, 0, 2]).tolist() == [2, 3, 1]
    with pytest.raises(CourseError, match="targets"):
        B.rank_of_correct(sims, targets=[0, 1])
    with pytest.raises(CourseError, match="NaN"):
        B.rank_of_correct(np.array([[np.nan, 1.0], [0.0, 1.0]]))


def test_retrieval_task_never_uses_the_lead_as_query():
    task = B.retrieval_task()
    assert len(task.queries) == len(task.documents) == 94
    assert all(q not in d for q, d in zip(task.queries, task.documents, strict=True))
    assert B.retrieval_task().queries == task.queries  # seeded


def test_random_vectors_score_at_chance_and_tfidf_beats_them_beyond_their_intervals():
    rand = B.evaluate_text_encoder(random_encoder)
    real = B.evaluate_text_encoder(tfidf, tasks=("lee", "retrieval", "newsgroups"))
    assert abs(rand["lee_pearson"]) < 0.1 and rand["wiki_recall@1"] < 0.05
    assert real["lee_pearson_low"] > rand["lee_pearson_high"]
    assert real["wiki_recall@1"] > 0.4 and real["20ng_accuracy"] > 0.7
    for row in (rand, real):
        for key in row:
            if key.endswith("_low"):
                score = key[: -len("_low")]
                assert row[key] <= row[score] <= row[score + "_high"], key
    assert {"20ng_accuracy_std", "20ng_accuracy_low", "20ng_accuracy_high"} <= set(real)


def test_one_task_may_be_passed_as_a_string():
    row = B.evaluate_text_encoder(tfidf, tasks="lee")
    assert set(row) == {"lee_pearson", "lee_pearson_low", "lee_pearson_high"}
    with pytest.raises(UnknownNameError, match="'le'"):
        B.evaluate_text_encoder(tfidf, tasks="le")


def test_lee_interval_resamples_documents_and_is_wider_than_a_pair_bootstrap():
    from course_utils.stats import correlation_interval

    result = B.document_similarity(tfidf)
    model, human, _ = B._lee_pairs(tfidf)
    by_pairs = correlation_interval(model, human, "pearson")
    assert by_pairs.estimate == pytest.approx(result["lee_pearson"])
    assert result["lee_pearson_high"] - result["lee_pearson_low"] > by_pairs.high - by_pairs.low


def test_classification_correctness_agrees_with_cross_val_score():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    from course_utils.data import load_polarity

    texts, labels = load_polarity()
    expected = cross_val_score(make_pipeline(Normalizer(), LogisticRegression(C=10.0, max_iter=2000)),
                               tfidf(texts), labels, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    result = B.classification(tfidf, "polarity")
    assert result["accuracy"] == pytest.approx(expected.mean()) and result["accuracy_std"] == pytest.approx(expected.std())
    correct, _ = B.classification_predictions(tfidf, "polarity")
    assert correct.shape == (200,) and correct.mean() == pytest.approx(expected.mean())


def test_compare_encoders_tells_a_real_difference_from_noise():
    clear = B.compare_encoders(tfidf, random_encoder, "lee")
    assert clear.differs and clear.difference > 0.3
    same = B.compare_encoders(tfidf, tfidf, "retrieval")
    assert not same.differs and same.difference == 0
    with pytest.raises(UnknownNameError, match="Unknown task"):
        B.compare_encoders(tfidf, tfidf, "sentiment")


def test_compare_encoders_on_word_pairs_known_to_both(glove):
    small = KeyedVectors(vector_size=50)
    small.add_vectors(glove.index_to_key[:20000], np.asarray(glove.vectors[:20000]))
    noise = KeyedVectors(vector_size=50)
    noise.add_vectors(glove.index_to_key[:20000], np.random.default_rng(0).normal(size=(20000, 50)))
    assert B.compare_encoders(small, noise, "ws353").differs
    assert not B.compare_encoders(small, small, "simlex").differs


def test_encoder_returning_the_wrong_shape_gets_a_clear_error():
    with pytest.raises(CourseError, match="one row per text"):
        B.document_similarity(lambda texts: np.zeros((3, 4)))
    with pytest.raises(UnknownNameError):
        B.evaluate_text_encoder(lambda t: np.zeros((len(t), 2)), tasks=("sentiment",))
    with pytest.raises(CourseError, match="same cosine"):
        B.document_similarity(lambda t: np.ones((len(t), 2)))


def test_analogy_accuracy_equals_gensim(glove):
    small = KeyedVectors(vector_size=50)
    small.add_vectors(glove.index_to_key[:5000], np.asarray(glove.vectors[:5000]))
    ours = B.analogy_summary(B.analogy_accuracy(small, restrict_vocab=5000))["analogy"]
    theirs, _ = small.evaluate_word_analogies(gensim.test.utils.datapath("questions-words.txt"), restrict_vocab=5000)
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("bad", [None, 0, -5, 10**9, 2.5, "30000"])
def test_analogy_accuracy_refuses_an_unbounded_or_nonsense_vocabulary(glove, bad):
    with pytest.raises(CourseError, match="restrict_vocab"):
        B.analogy_accuracy(glove, restrict_vocab=bad)


def test_word_similarity_on_glove_matches_the_known_figure_with_an_interval(glove):
    ws = B.word_similarity(glove, "wordsim353")
    assert ws["pairs"] == 353 and 0.45 < ws["spearman"] < 0.55
    assert ws["spearman_low"] < ws["spearman"] < ws["spearman_high"] and ws["spearman_high"] - ws["spearman_low"] < 0.25
    with pytest.raises(UnknownNameError):
        B.word_similarity(glove, "men3000")


def test_word_similarity_refuses_a_correlation_on_too_few_pairs():
    kv = KeyedVectors(vector_size=2)
    kv.add_vectors(["tiger", "cat"], np.array([[1.0, 0.0], [0.9, 0.1]]))
    with pytest.raises(CourseError, match="Only 2 of the 353"):
        B.word_similarity(kv)


def test_evaluate_word_vectors_gives_intervals(glove):
    row = B.evaluate_word_vectors(glove, analogies=False)
    assert set(row) == {"ws353_spearman", "ws353_spearman_low", "ws353_spearman_high",
                        "simlex_spearman", "simlex_spearman_low", "simlex_spearman_high"}
