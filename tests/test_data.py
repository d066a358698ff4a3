import numpy as np
import pytest

from course_utils import data


def test_word_benchmarks_have_their_published_sizes():
    assert len(data.load_wordsim353()) == 353
    assert len(data.load_simlex999()) == 999
    analogies = data.load_analogies()
    assert len(analogies) == 19_544
    assert analogies["kind"].value_counts().to_dict() == {"syntactic": 10_675, "semantic": 8_869}


def test_lee_ratings_are_a_symmetric_50x50_matrix_with_unit_diagonal():
    docs, sims = data.load_lee()
    assert len(docs) == 50 and sims.shape == (50, 50)
    assert np.allclose(sims, sims.T) and np.allclose(np.diag(sims), 1.0)
    pairs = sims[np.triu_indices(50, 1)]
    assert 0 < pairs.min() < np.median(pairs) < pairs.max() <= 1


def test_lee_is_read_as_latin1():
    docs, _ = data.load_lee()
    assert all(isinstance(d, str) and d for d in docs)
    assert len(data.load_lee_background()) == 300


def test_wikipedia_sample_drops_redirects_and_markup():
    articles = data.load_wikipedia()
    assert len(articles) == 100
    titles = [a.title for a in articles]
    assert "Anarchism" in titles and "AccessibleComputing" not in titles  # a redirect
    text = " ".join(p for a in articles for p in a.paragraphs)
    assert "'''" not in text and "[[" not in text
    assert all(len(p.split()) >= 30 for a in articles for p in a.paragraphs)


def test_newsgroups_subset_headers_removed_by_default():
    texts, labels, names = data.load_newsgroups_subset()
    assert len(texts) == 200 and names == ["alt.atheism", "sci.space"]
    assert np.bincount(labels).tolist() == [100, 100]
    assert not any(t.lstrip().startswith("Newsgroups:") or "\nNewsgroups:" in t for t in texts)
    raw, _, _ = data.load_newsgroups_subset(remove_headers=False)
    assert sum("Newsgroups:" in t for t in raw) > 150


def test_polarity_lines_are_balanced():
    texts, labels = data.load_polarity()
    assert len(texts) == 200 and labels.sum() == 100
    assert not any(t.startswith("__label__") for t in texts)


def test_missing_gensim_file_says_how_to_fix():
    with pytest.raises(FileNotFoundError, match="make setup"):
        data.gensim_data_path("no-such-file.txt")
