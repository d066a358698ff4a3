"""course_utils.static: averaged text vectors, the hand-written 3CosAdd analogy, FastText."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import static
from course_utils.errors import CourseError, UnknownWordError
from course_utils.word2vec import to_keyed_vectors


@pytest.fixture(scope="module")
def tiny_kv():
    return to_keyed_vectors(["cat", "dog", "mat"], np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]]))


def test_mean_vector_encoder_averages_known_words_and_gives_zero_rows(tiny_kv):
    encode = static.mean_vector_encoder(tiny_kv)
    out = encode(["The cat and the DOG", "nothing known here", "mat"])
    np.testing.assert_allclose(out, [[0.5, 1.0], [0.0, 0.0], [3.0, 3.0]])
    assert out.dtype == np.float32


def test_mean_vector_encoder_accepts_a_custom_tokenizer(tiny_kv):
    encode = static.mean_vector_encoder(tiny_kv, tokenize=lambda t: t.split("|"))
    np.testing.assert_allclose(encode(["cat|mat"]), [[2.0, 1.5]])


def test_mean_vector_encoder_rejects_bad_input(tiny_kv):
    encode = static.mean_vector_encoder(tiny_kv)
    with pytest.raises(CourseError, match="list of strings"):
        encode("the cat")
    with pytest.raises(CourseError, match="empty"):
        encode([])


def test_mean_vector_encoder_plugs_into_the_benchmark_suite(glove):
    from course_utils.benchmarks import document_similarity

    result = document_similarity(static.mean_vector_encoder(glove))
    assert 0.2 < result["lee_pearson"] < 0.6


@pytest.mark.parametrize("a, b, c", [("man", "king", "woman"), ("france", "paris", "italy"),
                                     ("good", "better", "bad"), ("walk", "walked", "swim")])
def test_analogy_equals_gensim_most_similar(glove, a, b, c):
    ours = static.analogy(glove, a, b, c, topn=5)
    theirs = glove.most_similar(positive=[b, c], negative=[a], topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def test_analogy_king_queen(glove):
    assert static.analogy(glove, "man", "king", "woman")[0][0] == "queen"


def test_analogy_unknown_word_and_bad_topn(glove):
    with pytest.raises(UnknownWordError, match="qeen"):
        static.analogy(glove, "man", "king", "qeen")
    with pytest.raises(CourseError, match="topn"):
        static.analogy(glove, "man", "king", "woman", topn=0)


def test_train_fasttext_gives_vectors_to_unseen_words():
    sentences = [["the", "government", "governs", "the", "governed", "people"]] * 30
    ft = static.train_fasttext(sentences, min_count=1, bucket=10_000)
    assert ft.workers == 1 and ft.wv.vector_size == 50
    assert "governing" not in ft.wv.key_to_index
    assert ft.wv["governing"].shape == (50,) and np.linalg.norm(ft.wv["governing"]) > 0
    again = static.train_fasttext(sentences, min_count=1, bucket=10_000)
    np.testing.assert_array_equal(ft.wv.vectors, again.wv.vectors)
    with pytest.raises(CourseError, match="empty"):
        static.train_fasttext([])
