"""Tests for course_utils.choosing (notebooks/07_choosing_models.ipynb): sizes, throughput, any model name on the suite."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_utils import choosing
from course_utils.errors import CourseError, OfflineError


def test_folder_size_counts_every_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 2**20)
    (tmp_path / "sub" / "b.bin").write_bytes(b"y" * 2**19)
    assert choosing.folder_size_mb(tmp_path) == pytest.approx(1.5)
    assert choosing.folder_size_mb(tmp_path / "a.bin") == pytest.approx(1.0)
    with pytest.raises(CourseError, match="does not exist"):
        choosing.folder_size_mb(tmp_path / "missing")


def test_saved_size_of_a_gensim_model_matches_its_vectors():
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=100)
    kv.add_vectors([f"w{i}" for i in range(5000)], np.ones((5000, 100), dtype=np.float32))
    size = choosing.saved_size_mb(kv.save)
    assert 5000 * 100 * 4 / 2**20 <= size < 1.5 * 5000 * 100 * 4 / 2**20


def test_throughput_is_texts_per_second():
    def slow(texts):
        time.sleep(0.05)
        return np.zeros((len(texts), 2))

    rate = choosing.throughput(slow, ["a"] * 10, repeats=2)
    assert 50 < rate <= 200  # 10 texts in >= 0.05 s
    with pytest.raises(CourseError, match="at least one text"):
        choosing.throughput(slow, [])


def test_rss_is_positive_and_grows_with_an_allocation():
    before = choosing.rss_mb()
    block = np.ones(50 * 2**20 // 8)  # 50 MB touched
    assert choosing.rss_mb() - before > 30
    del block


def test_unknown_hub_model_offline_names_the_fix(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(OfflineError, match="not bundled.*offline"):
        choosing.evaluate_sentence_model("BAAI/bge-large-en-v1.5")


@pytest.mark.slow  # about 14 s: MiniLM encodes a whole benchmark task
def test_bundled_minilm_on_one_task_reports_quality_and_cost():
    row = choosing.evaluate_sentence_model("all-MiniLM-L6-v2", tasks=("lee",), max_seq_length=64)
    assert set(row) == {"lee_pearson", "lee_pearson_low", "lee_pearson_high", "dimension", "parameters_m", "load_rss_mb",
                        "load_seconds"}
    assert row["lee_pearson_low"] < row["lee_pearson"] < row["lee_pearson_high"]
    assert row["dimension"] == 384
    assert 22 < row["parameters_m"] < 24  # model card: about 22.7M parameters
    assert 0.3 < row["lee_pearson"] < 0.95


def test_prompts_reach_the_encoder_and_bad_prompts_are_refused(monkeypatch):
    import numpy as np

    from course_utils import choosing
    from course_utils.errors import CourseError

    with pytest.raises(CourseError, match="prompts"):
        choosing.evaluate_sentence_model(prompts={"queries": "q: "})
    with pytest.raises(CourseError, match="string"):
        choosing.evaluate_sentence_model(prompts={"query": 1})
    seen = []

    class Fake:
        prompts = {"query": "", "document": ""}

        def encode(self, texts, prompt=None, **kwargs):
            seen.append(prompt)
            return np.ones((len(texts), 3))

        def get_embedding_dimension(self):
            return 3

        def parameters(self):
            return []

    monkeypatch.setattr("course_utils.models.load_sentence_model", lambda name=None: Fake())
    choosing.evaluate_sentence_model(tasks="retrieval", prompts={"query": "query: ", "document": "passage: "})
    assert seen == ["query: ", "passage: "]
    seen.clear()
    choosing.evaluate_sentence_model(tasks="retrieval")  # the model's own prompts are empty: one call, no prefix
    assert seen == [None]
