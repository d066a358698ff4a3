"""Loaders for the real data the course uses, with provenance. Taught in notebooks/00_welcome.ipynb.

Every file here ships inside gensim (``gensim/test/test_data``), so it works offline; data/README.md
gives each file's source, licence and size.
"""

from __future__ import annotations

import bz2
import functools
import io
import pickle
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def gensim_data_path(filename: str) -> Path:
    """Path of a file in gensim's test_data folder, with a clear error if it is missing. Internal to course_utils."""
    from gensim.test.utils import datapath

    path = Path(datapath(filename))
    if not path.exists():
        raise FileNotFoundError(f"{filename} is not in gensim's test data ({path.parent}); reinstall gensim with `make setup`.")
    return path


# ---------------------------------------------------------------- word benchmarks
def _read_pairs(filename: str) -> pd.DataFrame:
    path = gensim_data_path(filename)
    df = pd.read_csv(path, sep="\t", comment="#", header=None, names=["word1", "word2", "score"])
    df["word1"] = df["word1"].str.lower()
    df["word2"] = df["word2"].str.lower()
    return df


def load_wordsim353() -> pd.DataFrame:
    """WordSim-353: 353 word pairs with mean human relatedness (0-10). Taught in notebooks/03_word2vec.ipynb."""
    return _read_pairs("wordsim353.tsv")


def load_simlex999() -> pd.DataFrame:
    """SimLex-999: 999 word pairs with mean human similarity (0-10). Taught in notebooks/04_glove_fasttext.ipynb."""
    return _read_pairs("simlex999.txt")


def load_analogies() -> pd.DataFrame:
    """The Google analogy set (a : b :: c : d) with its section, lower-cased. Taught in notebooks/00_welcome.ipynb."""
    rows = []
    section = ""
    for line in gensim_data_path("questions-words.txt").read_text().splitlines():
        if line.startswith(":"):
            section = line[1:].strip()
        elif line.strip():
            a, b, c, d = line.lower().split()
            rows.append((section, a, b, c, d))
    df = pd.DataFrame(rows, columns=["section", "a", "b", "c", "d"])
    df["kind"] = np.where(df["section"].str.startswith("gram"), "syntactic", "semantic")
    return df


# ---------------------------------------------------------------- Lee corpus
def load_lee() -> tuple[list[str], np.ndarray]:
    """The 50 Lee news documents and their 50x50 mean human similarity matrix. Taught in notebooks/02_bow_tfidf.ipynb."""
    docs = gensim_data_path("lee.cor").read_text(encoding="latin-1").splitlines()
    docs = [d.strip() for d in docs if d.strip()]
    sims = np.loadtxt(gensim_data_path("similarities0-1.txt"))
    sims = np.triu(sims) + np.triu(sims, 1).T  # the file stores the upper triangle
    if len(docs) != 50 or sims.shape != (50, 50):
        raise RuntimeError(f"Unexpected Lee data: {len(docs)} documents, ratings {sims.shape}.")
    return docs, sims


def load_lee_background() -> list[str]:
    """The 300 Lee background news documents (for training, never for evaluation). Taught in notebooks/01_one_hot.ipynb."""
    lines = gensim_data_path("lee_background.cor").read_text(encoding="latin-1").splitlines()
    return [line.strip() for line in lines if line.strip()]


# ---------------------------------------------------------------- Wikipedia sample
@dataclass(frozen=True)
class Article:
    """One Wikipedia article: its title and its prose paragraphs. Taught in notebooks/00_welcome.ipynb."""

    title: str
    paragraphs: tuple[str, ...] = field(repr=False)

    @property
    def text(self) -> str:
        """All paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)


_MARKUP = re.compile(r"'{2,}")
_SPACES = re.compile(r"[ \t]+")


def _clean_paragraphs(wikitext: str, min_words: int) -> tuple[str, ...]:
    from gensim.corpora.wikicorpus import filter_wiki

    text = _MARKUP.sub("", filter_wiki(wikitext))
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        block = _SPACES.sub(" ", block.replace("\n", " ")).strip()
        if len(block.split()) >= min_words and not block.startswith(("|", "{", "!", "*", "#", "=")):
            paragraphs.append(block)
    return tuple(paragraphs)


def load_wikipedia(min_words: int = 30) -> tuple[Article, ...]:
    """The English Wikipedia articles gensim ships, as prose paragraphs. Taught in notebooks/00_welcome.ipynb."""
    from course_utils.errors import require_int

    return _load_wikipedia(require_int(min_words, "min_words", 1))


@functools.lru_cache(maxsize=2)
def _load_wikipedia(min_words: int) -> tuple[Article, ...]:
    from gensim.corpora.wikicorpus import extract_pages

    with bz2.open(gensim_data_path(WIKI_FILE)) as f:
        pages = list(extract_pages(f))
    articles = []
    for title, wikitext, _page_id in pages:
        if wikitext.lstrip().upper().startswith("#REDIRECT"):
            continue
        paragraphs = _clean_paragraphs(wikitext, min_words)
        if paragraphs:
            articles.append(Article(title=title, paragraphs=paragraphs))
    return tuple(articles)


# ---------------------------------------------------------------- labelled text
class _BunchUnpickler(pickle.Unpickler):
    """gensim's mini_newsgroup was pickled by an old scikit-learn under Python 2."""

    def find_class(self, module: str, name: str) -> object:
        if module.startswith("sklearn.datasets") and name == "Bunch":
            from sklearn.utils import Bunch

            return Bunch
        return super().find_class(module, name)


def load_newsgroups_subset(remove_headers: bool = True) -> tuple[list[str], np.ndarray, list[str]]:
    """200 20-Newsgroups posts (alt.atheism vs sci.space): texts, labels, label names. Taught in notebooks/02_bow_tfidf.ipynb.

    Headers (which name the newsgroup), signatures and quoted replies are removed by default with
    scikit-learn's own functions, as ``fetch_20newsgroups(remove=...)`` does.
    """
    from sklearn.datasets._twenty_newsgroups import (
        strip_newsgroup_footer,
        strip_newsgroup_header,
        strip_newsgroup_quoting,
    )

    if not isinstance(remove_headers, bool):
        from course_utils.errors import CourseError

        raise CourseError(f"remove_headers must be True or False, got {remove_headers!r}.")
    raw = zlib.decompress(gensim_data_path("mini_newsgroup").read_bytes())
    bunch = _BunchUnpickler(io.BytesIO(raw), encoding="latin-1").load()
    texts = list(bunch.data)
    if remove_headers:
        texts = [strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(t))) for t in texts]
    return texts, np.asarray(bunch.target, dtype=int), list(bunch.target_names)


def load_polarity() -> tuple[list[str], np.ndarray]:
    """200 movie-review sentences with polarity labels (1 = positive). Taught in notebooks/02_bow_tfidf.ipynb."""
    texts, labels = [], []
    for line in gensim_data_path("pang_lee_polarity.cor").read_text(encoding="latin-1").splitlines():
        if line.strip():
            label, text = line.split(" ", 1)
            texts.append(text.strip())
            labels.append(1 if label == "__label__pos" else 0)
    return texts, np.asarray(labels, dtype=int)
