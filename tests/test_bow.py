"""course_utils.bow: the BoW/TF-IDF encoder factories equal scikit-learn's vectorizers (notebook 07's baselines)."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from course_utils.bow import bow_encoder, tfidf_encoder
from course_utils.data import load_lee
from course_utils.errors import CourseError
from course_utils.text import tokenize


@pytest.fixture(scope="module")
def lee_docs():
    return load_lee()[0]


def _sk(cls, **kw):
    return cls(tokenizer=tokenize, token_pattern=None, lowercase=False, **kw)


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


def test_texts_without_a_single_token_get_a_course_error_not_sklearns():
    with pytest.raises(CourseError, match="no word"):
        tfidf_encoder()(["!!!", "???"])
