"""course_utils.models: the bundled models load offline, anything else fails fast offline and loads safely online."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from course_utils import models
from course_utils.errors import OfflineError, UnknownNameError, UnknownWordError


@pytest.fixture(scope="module")
def glove():
    return models.load_glove()


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")


# ---------------------------------------------------------------- GloVe
def test_glove_is_keyedvectors_with_400k_words_of_50_dims(glove):
    from gensim.models import KeyedVectors

    assert isinstance(glove, KeyedVectors)
    assert len(glove.index_to_key) == 400_000
    assert glove.vector_size == 50
    assert glove.vectors.shape == (400_000, 50)
    assert glove.index_to_key[:3] == ["the", ",", "."]


def test_glove_king_neighbours_are_royal(glove):
    neighbours = [w for w, _ in glove.most_similar("king", topn=10)]
    assert {"prince", "queen"} & set(neighbours)
    assert "banana" not in neighbours


def test_glove_name_aliases_load_the_bundled_vectors(offline):
    kv = models.load_word_vectors("GloVe-6B-50d")
    assert kv.vector_size == 50 and len(kv.key_to_index) == 400_000


def test_unknown_word_gives_suggestions(glove):
    with pytest.raises(UnknownWordError) as err:
        models.word_vector(glove, "kingg")
    assert "'kingg' is not in" in str(err.value)
    assert "king" in str(err.value).split("Did you mean:")[1]
    with pytest.raises(UnknownWordError, match="lower-case: try 'king'"):
        models.word_vector(glove, "King")
    assert models.word_vector(glove, "king").shape == (50,)


# ---------------------------------------------------------------- MiniLM, bundled
def test_bundled_minilm_as_sentence_transformer(offline):
    from sentence_transformers import SentenceTransformer

    st = models.load_sentence_model()
    assert isinstance(st, SentenceTransformer)
    assert st.get_embedding_dimension() == 384
    assert st.max_seq_length == 256
    vectors = st.encode(["a river bank", "a savings bank"], show_progress_bar=False)
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_bundled_minilm_as_tokenizer_and_model_with_attentions_and_hidden_states(offline):
    import torch

    tokenizer, model = models.load_transformer(attentions=True)
    assert tokenizer.is_fast and tokenizer.vocab_size == 30_522
    assert not model.training
    batch = tokenizer("This is a input.", return_tensors="pt")
    with torch.inference_mode():
        out = model(**batch, output_attentions=True, output_hidden_states=True)
    assert batch["input_ids"].tolist() == [[101, 2023, 2003, 1037, 7953, 1012, 102]]
    assert len(out.hidden_states) == 7 and out.hidden_states[-1].shape == (1, 7, 384)
    assert len(out.attentions) == 6 and out.attentions[0].shape == (1, 12, 7, 7)
    torch.testing.assert_close(out.attentions[2].sum(-1), torch.ones(1, 12, 7))


def test_loading_prints_no_progress_bar(offline, capfd):
    models.load_transformer()
    captured = capfd.readouterr()
    assert "Loading weights" not in captured.err + captured.out


# ---------------------------------------------------------------- other names, offline
@pytest.mark.parametrize(("loader", "name"), [
    (models.load_transformer, "distilbert-base-uncased"),
    (models.load_word_vectors, "glove-wiki-gigaword-100"),
    (models.load_sentence_model, "WhereIsAI/UAE-Large-V1"),
])
def test_non_bundled_name_offline_fails_fast_listing_bundled(offline, loader, name):
    start = time.perf_counter()
    with pytest.raises(OfflineError) as err:
        loader(name)
    assert time.perf_counter() - start < 1.0
    message = str(err.value)
    assert repr(name) in message and "offline" in message
    assert models.GLOVE_NAME in message and models.MINILM_NAME in message
    assert "COURSE_OFFLINE" in message  # says how to fix it


def test_empty_model_name_is_a_clear_error():
    with pytest.raises(UnknownNameError, match="non-empty string"):
        models.load_transformer("  ")


# ---------------------------------------------------------------- other names, online (stubbed loaders)
class _Recorder:
    """Stands in for a library loader and records what it was called with."""

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]]

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((args, kwargs))
        return self

    def eval(self) -> _Recorder:  # models are put in eval mode
        return self


@pytest.fixture
def online(monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(models, "is_online", lambda *a, **k: True)


def test_online_sentence_model_is_loaded_without_remote_code_and_from_safetensors(online, monkeypatch):
    import sentence_transformers

    recorder = _Recorder()
    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", recorder)
    assert models.load_sentence_model("WhereIsAI/UAE-Large-V1") is recorder
    (args, kwargs), = recorder.calls
    assert args[0] == "WhereIsAI/UAE-Large-V1"
    assert kwargs["trust_remote_code"] is False
    assert kwargs["model_kwargs"]["use_safetensors"] is True


def test_online_transformer_is_loaded_without_remote_code_and_from_safetensors(online, monkeypatch):
    import transformers

    tokenizer_loader, model_loader = _Recorder(), _Recorder()
    monkeypatch.setattr(transformers, "AutoTokenizer", type("T", (), {"from_pretrained": staticmethod(tokenizer_loader)}))
    monkeypatch.setattr(transformers, "AutoModel", type("M", (), {"from_pretrained": staticmethod(model_loader)}))
    models.load_transformer("distilbert-base-uncased", attentions=True)
    (t_args, t_kwargs), = tokenizer_loader.calls
    (m_args, m_kwargs), = model_loader.calls
    assert t_args[0] == m_args[0] == "distilbert-base-uncased"
    assert t_kwargs["trust_remote_code"] is False and m_kwargs["trust_remote_code"] is False
    assert m_kwargs["use_safetensors"] is True
    assert m_kwargs["attn_implementation"] == "eager"


def test_online_word_vectors_go_to_gensim_data(online, monkeypatch):
    import gensim.downloader

    loader = _Recorder()
    monkeypatch.setattr(gensim.downloader, "info", lambda: {"models": {"glove-wiki-gigaword-100": {}}})
    monkeypatch.setattr(gensim.downloader, "load", loader)
    assert models.load_word_vectors("glove-wiki-gigaword-100") is loader
    assert loader.calls == [(("glove-wiki-gigaword-100",), {})]
    with pytest.raises(UnknownNameError, match="not a gensim-data model"):
        models.load_word_vectors("glove-wiki-gigaword-7")


def test_loading_the_bundled_minilm_leaves_the_environment_alone(monkeypatch):
    import os

    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    before = dict(os.environ)
    model = models.load_sentence_model()
    tokenizer, transformer = models.load_transformer()
    assert dict(os.environ) == before  # the learner's kernel is not switched offline behind their back
    assert model.get_embedding_dimension() == 384 and transformer.config.hidden_size == 384 and tokenizer.is_fast


def test_the_bundled_minilm_is_loaded_from_local_files_only(monkeypatch):
    import sentence_transformers

    recorder = _Recorder()
    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", recorder)
    models.load_sentence_model("all-MiniLM-L6-v2")
    (args, kwargs), = recorder.calls
    assert kwargs["local_files_only"] is True and Path(args[0]).is_dir()
