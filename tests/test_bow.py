"""course_utils.bow: BoW/TF-IDF encoders and TF-IDF from scratch against scikit-learn (notebooks 01 and 02)."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from course_utils.bow import bow_encoder, count_matrix, tfidf_encoder, tfidf_from_scratch, top_terms
from course_utils.data import load_lee, load_newsgroups_subset
from course_utils.errors import CourseError
from course_utils.text import tokenize


@pytest.fixture(scope="module")
def lee_docs():
    return load_lee()[0]


def _sk(cls, **kw):
    return cls(tokenizer=tokenize, token_pattern=None, lowercase=False, **kw)


def test_count_matrix_equals_countvectorizer(lee_docs):
    counts, vocabulary = count_matrix([tokenize(d) for d in lee_docs])
    vectorizer = _sk(CountVectorizer)
    expected = vectorizer.fit_transform(lee_docs)
    assert vocabulary == list(vectorizer.get_feature_names_out())
    assert (counts != expected).nnz == 0


@pytest.mark.parametrize("corpus", ["lee", "newsgroups"])
def test_tfidf_from_scratch_equals_tfidfvectorizer(corpus, lee_docs):
    docs = lee_docs if corpus == "lee" else [t for t in load_newsgroups_subset()[0] if t.strip() and tokenize(t)]
    matrix, vocabulary = tfidf_from_scratch([tokenize(d) for d in docs])
    vectorizer = _sk(TfidfVectorizer)
    expected = vectorizer.fit_transform(docs)
    assert vocabulary == list(vectorizer.get_feature_names_out())
    assert matrix.shape == expected.shape
    assert abs(matrix - expected).max() < 1e-12


def test_tfidf_from_scratch_by_hand_on_three_documents():
    docs = [["a", "b", "b"], ["a", "c"], ["a"]]
    matrix, vocabulary = tfidf_from_scratch(docs)
    assert vocabulary == ["a", "b", "c"]
    idf_b = np.log(4 / 2) + 1  # smoothed idf: ln((1 + n) / (1 + df)) + 1, with n = 3, df = 1
    row = np.array([1.0, 2 * idf_b, 0.0])  # idf of 'a' is ln(4/4) + 1 = 1
    np.testing.assert_allclose(matrix.toarray()[0], row / np.linalg.norm(row), rtol=0, atol=1e-15)
    np.testing.assert_allclose(matrix.toarray()[2], [1.0, 0.0, 0.0])


def test_tfidf_rows_have_unit_length_and_empty_rows_stay_zero():
    matrix, _ = tfidf_from_scratch([["x", "y"], [], ["y", "y", "z"]])
    norms = sparse.linalg.norm(matrix, axis=1)
    np.testing.assert_allclose(norms, [1.0, 0.0, 1.0])


def test_encoders_equal_the_vectorizers(lee_docs):
    binary = bow_encoder(binary=True)(lee_docs)
    assert (binary != _sk(CountVectorizer, binary=True).fit_transform(lee_docs)).nnz == 0
    assert set(np.unique(binary.data)) == {1}
    counts = bow_encoder(ngram_range=(1, 2))(lee_docs)
    assert (counts != _sk(CountVectorizer, ngram_range=(1, 2)).fit_transform(lee_docs)).nnz == 0
    tfidf = tfidf_encoder(sublinear_tf=True)(lee_docs)
    assert abs(tfidf - _sk(TfidfVectorizer, sublinear_tf=True).fit_transform(lee_docs)).max() < 1e-15


def test_encoder_is_refitted_on_each_call():
    encode = tfidf_encoder()
    assert encode(["a b", "b c"]).shape == (2, 3)
    assert encode(["x y z w"]).shape == (1, 4)


def test_encoders_reject_bad_input():
    with pytest.raises(CourseError, match="list of strings"):
        bow_encoder()("one string")
    with pytest.raises(CourseError, match="empty"):
        tfidf_encoder()(["fine", ""])
    with pytest.raises(CourseError, match="tokenize"):
        bow_encoder(tokenizer=str.split)


def test_from_scratch_rejects_untokenised_documents():
    with pytest.raises(CourseError, match="tokenize"):
        tfidf_from_scratch(["a string, not tokens"])
    with pytest.raises(CourseError, match="non-empty"):
        tfidf_from_scratch([])


def test_top_terms_orders_by_weight_then_alphabet():
    matrix = sparse.csr_matrix(np.array([[0.5, 0.0, 0.5, 0.9], [0.0, 0.0, 0.0, 0.0]]))
    terms = top_terms(matrix, ["b", "c", "a", "d"], k=3)
    assert [w for w, _ in terms[0]] == ["d", "b", "a"]  # ties: column order
    assert terms[1] == []
    with pytest.raises(CourseError, match="vocabulary"):
        top_terms(matrix, ["a"], k=2)


def test_top_terms_of_lee_tfidf_are_content_words(lee_docs):
    matrix, vocabulary = tfidf_from_scratch([tokenize(d) for d in lee_docs])
    words = [w for w, _ in top_terms(matrix, vocabulary, k=5)[0]]
    assert "greig" in words and "the" not in words
