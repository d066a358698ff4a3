"""course_utils.shipped: vectors read from data/vectors only for the exact (model, settings, texts) they were made for."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import shipped
from course_utils.contextual import SENTENCE_ENCODER_SETTINGS
from course_utils.errors import CourseError
from course_utils.models import MINILM_NAME

MODEL, SETTINGS = MINILM_NAME, SENTENCE_ENCODER_SETTINGS


def _counting_encoder(calls: list[list[str]]):
    def encode(texts):
        calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts])

    return encode


def test_key_names_model_settings_and_the_exact_list_in_order():
    texts = ["the cat sat", "a dog ran"]
    key = shipped.vectors_key(MODEL, SETTINGS, texts)
    assert len(key) == 16 and int(key, 16) >= 0
    assert key == shipped.vectors_key(MODEL, SETTINGS, list(texts))
    others = {shipped.vectors_key(MODEL, SETTINGS, texts[::-1]), shipped.vectors_key("other/model", SETTINGS, texts),
              shipped.vectors_key(MODEL, "batch_size=64,normalize_embeddings=True", texts),
              shipped.vectors_key(MODEL, SETTINGS, texts[:1]), shipped.vectors_key(MODEL, SETTINGS, ["the cat", "sat a dog ran"])}
    assert key not in others and len(others) == 5


def test_shipped_file_is_read_and_anything_else_is_encoded(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "SHIPPED_VECTORS", tmp_path)
    monkeypatch.delenv(shipped.RECORD_VARIABLE, raising=False)
    texts = ["the cat sat", "a dog ran"]
    stored = np.array([[9.0, 9.0, 9.0], [8.0, 8.0, 8.0]], dtype=np.float32)
    np.save(tmp_path / f"{shipped.vectors_key(MODEL, SETTINGS, texts)}.npy", stored)
    calls: list[list[str]] = []
    encoder = shipped.shipped_encoder(_counting_encoder(calls), MODEL, SETTINGS)
    assert shipped.shipped_path(MODEL, SETTINGS, texts) is not None
    np.testing.assert_array_equal(encoder(texts), stored)
    assert calls == []
    live = encoder(texts[::-1])  # same texts, another order: not the shipped list
    assert calls == [texts[::-1]] and live.dtype == np.float32 and live[0, 0] == len(texts[1])
    assert shipped.shipped_path(MODEL, SETTINGS, texts[::-1]) is None
    other_settings = shipped.shipped_encoder(_counting_encoder(calls), MODEL, "batch_size=64,normalize_embeddings=True")
    other_settings(texts)
    assert len(calls) == 2


def test_record_variable_writes_what_was_encoded_and_it_is_read_back(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "SHIPPED_VECTORS", tmp_path / "shipped")
    monkeypatch.setenv(shipped.RECORD_VARIABLE, str(tmp_path / "recorded"))
    calls: list[list[str]] = []
    encoder = shipped.shipped_encoder(_counting_encoder(calls), MODEL, SETTINGS)
    first = encoder(["banana bread", "a cat"])
    recorded = list((tmp_path / "recorded").glob("*.npy"))
    assert [p.stem for p in recorded] == [shipped.vectors_key(MODEL, SETTINGS, ["banana bread", "a cat"])]
    np.testing.assert_array_equal(np.load(recorded[0]), first)
    monkeypatch.delenv(shipped.RECORD_VARIABLE)
    (tmp_path / "recorded").rename(tmp_path / "shipped")
    np.testing.assert_array_equal(encoder(["banana bread", "a cat"]), first)
    assert len(calls) == 1


def test_a_damaged_file_is_refused_not_returned(tmp_path, monkeypatch):
    monkeypatch.setattr(shipped, "SHIPPED_VECTORS", tmp_path)
    texts = ["one text", "two texts", "three texts"]
    np.save(tmp_path / f"{shipped.vectors_key(MODEL, SETTINGS, texts)}.npy", np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(CourseError, match="holds 2 vectors for 3 texts"):
        shipped.shipped_encoder(_counting_encoder([]), MODEL, SETTINGS)(texts)


@pytest.mark.parametrize("texts, message", [("the cat sat", "not one string"), ([], "empty"), (["ok", 3], r"texts\[1\]"),
                                            (None, "list of strings")])
def test_bad_texts_are_refused_at_the_door(texts, message):
    encoder = shipped.shipped_encoder(_counting_encoder([]), MODEL, SETTINGS)
    with pytest.raises(CourseError, match=message):
        encoder(texts)


@pytest.mark.parametrize("encode, model, settings, message", [
    ("not a function", MODEL, SETTINGS, "encode must be a function"),
    (len, "", SETTINGS, "model must name the model"),
    (len, None, SETTINGS, "model must name the model"),
    (len, MODEL, 64, "settings must be a string"),
])
def test_bad_arguments_are_refused_when_the_encoder_is_made(encode, model, settings, message):
    with pytest.raises(CourseError, match=message):
        shipped.shipped_encoder(encode, model, settings)


def test_every_shipped_file_holds_finite_unit_minilm_rows():
    files = sorted(shipped.SHIPPED_VECTORS.glob("*.npy"))
    assert files, "data/vectors is empty: notebooks 07 and 08 would encode everything live"
    assert not [p.name for p in shipped.SHIPPED_VECTORS.iterdir() if p.suffix != ".npy" and p.name != "README.md"]
    for path in files:
        vectors = np.load(path)
        assert vectors.dtype == np.float32 and vectors.ndim == 2 and vectors.shape[1] == 384, path.name
        assert np.isfinite(vectors).all(), path.name
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5, err_msg=path.name)


@pytest.mark.slow
def test_shipped_retrieval_queries_are_what_minilm_gives_now():
    from course_utils.benchmarks import retrieval_task
    from course_utils.models import load_sentence_model

    queries = retrieval_task().queries
    path = shipped.shipped_path(MODEL, SETTINGS, queries)
    assert path is not None, "notebook 08 ships the retrieval task's query vectors (batch size 32)"
    live = load_sentence_model().encode(queries, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(np.load(path) - live).max() < 1e-5


def test_the_settings_name_describes_sentence_encoders_default_call():
    import inspect

    from course_utils.contextual import sentence_encoder

    defaults = {name: p.default for name, p in inspect.signature(sentence_encoder).parameters.items()}
    assert f"batch_size={defaults['batch_size']}" in SETTINGS.split(",") and defaults["prompt"] is None
    assert "normalize_embeddings=True" in SETTINGS.split(",")


def test_minilms_lee_and_polarity_vectors_are_shipped_for_notebooks_07_and_09():
    from course_utils import data

    docs, _ = data.load_lee()
    lines, _ = data.load_polarity()
    for name, texts in (("Lee documents", docs), ("polarity lines", lines)):
        path = shipped.shipped_path(MODEL, SETTINGS, list(texts))
        assert path is not None, f"MiniLM's vectors of the {name} are not in data/vectors under {SETTINGS!r}"
        assert np.load(path).shape == (len(texts), 384)
