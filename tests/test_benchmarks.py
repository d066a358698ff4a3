import gensim
import numpy as np
import pytest
from gensim.models import KeyedVectors
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from course_utils import benchmarks as B
from course_utils.errors import CourseError, UnknownNameError


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


def test_retrieval_task_never_uses_the_lead_as_query():
    task = B.retrieval_task()
    assert len(task.queries) == len(task.documents) == 94
    assert all(q not in d for q, d in zip(task.queries, task.documents, strict=True))
    assert B.retrieval_task().queries == task.queries  # seeded


def test_random_vectors_score_at_chance_and_tfidf_beats_them():
    def random_encoder(texts):
        return np.random.default_rng(0).normal(size=(len(texts), 50))

    def tfidf(texts):
        return TfidfVectorizer().fit_transform(texts)

    rand = B.evaluate_text_encoder(random_encoder)
    real = B.evaluate_text_encoder(tfidf, tasks=("lee", "retrieval", "newsgroups"))
    assert abs(rand["lee_pearson"]) < 0.1 and rand["wiki_recall@1"] < 0.05
    assert real["lee_pearson"] > rand["lee_pearson"] + 0.3
    assert real["wiki_recall@1"] > 0.4 and real["20ng_accuracy"] > 0.7


def test_encoder_returning_the_wrong_shape_gets_a_clear_error():
    with pytest.raises(CourseError, match="one row per text"):
        B.document_similarity(lambda texts: np.zeros((3, 4)))
    with pytest.raises(UnknownNameError):
        B.evaluate_text_encoder(lambda t: np.zeros((len(t), 2)), tasks=("sentiment",))


def test_analogy_accuracy_equals_gensim(glove):
    small = KeyedVectors(vector_size=50)
    small.add_vectors(glove.index_to_key[:5000], np.asarray(glove.vectors[:5000]))
    ours = B.analogy_summary(B.analogy_accuracy(small, restrict_vocab=5000))["analogy"]
    theirs, _ = small.evaluate_word_analogies(gensim.test.utils.datapath("questions-words.txt"), restrict_vocab=5000)
    assert ours == pytest.approx(theirs, abs=1e-12)


def test_word_similarity_on_glove_matches_the_known_figure(glove):
    ws = B.word_similarity(glove, "wordsim353")
    assert ws["pairs"] == 353 and 0.45 < ws["spearman"] < 0.55
    with pytest.raises(UnknownNameError):
        B.word_similarity(glove, "men3000")


def test_word_similarity_reports_coverage_for_a_tiny_vocabulary():
    kv = KeyedVectors(vector_size=2)
    kv.add_vectors(["tiger", "cat"], np.array([[1.0, 0.0], [0.9, 0.1]]))
    result = B.word_similarity(kv)
    assert result["pairs"] == 2 and np.isnan(result["spearman"])  # tiger-cat and tiger-tiger
    assert result["coverage"] == pytest.approx(2 / 353)


def test_leaderboard_adds_replaces_and_orders_rows(tmp_path):
    board = B.Leaderboard(tmp_path / "board.json")
    board.add("TF-IDF", {"lee_pearson": 0.5}, notebook="02")
    board.add("One-hot", {"lee_pearson": 0.4}, notebook="01")
    board.add("TF-IDF", {"lee_pearson": 0.55123}, notebook="02")
    table = board.table()
    assert table.index.tolist() == ["One-hot", "TF-IDF"]
    assert table.loc["TF-IDF", "lee_pearson"] == 0.551
    with pytest.raises(CourseError, match="Unknown leaderboard column"):
        board.add("x", {"accuracy!": 1.0}, notebook="03")
    with pytest.raises(CourseError, match="non-empty name"):
        board.add("", {}, notebook="03")
