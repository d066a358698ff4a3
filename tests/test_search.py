"""course_utils.search: exact search, recall against it, rank fusion, chunking, index memory."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import search
from course_utils.benchmarks import rank_of_correct
from course_utils.errors import CourseError


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_exact_search_matches_brute_force_and_faiss():
    faiss = pytest.importorskip("faiss")
    rng = np.random.default_rng(0)
    corpus, queries = _unit(rng.normal(size=(50, 8))), _unit(rng.normal(size=(5, 8)))
    scores, ids = search.exact_search(corpus, queries, k=4)
    full = queries @ corpus.T
    assert ids.shape == (5, 4)
    assert np.array_equal(ids[:, 0], full.argmax(axis=1))
    assert np.all(np.diff(scores, axis=1) <= 1e-7)  # best first
    index = faiss.IndexFlatIP(8)
    index.add(corpus.astype(np.float32))
    _, faiss_ids = index.search(queries.astype(np.float32), 4)
    assert np.array_equal(ids, faiss_ids)


def test_exact_search_ties_go_to_lower_id():
    corpus = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    _, ids = search.exact_search(corpus, np.array([[1.0, 0.0]]), k=2)
    assert ids.tolist() == [[0, 1]]


@pytest.mark.parametrize("bad", [np.zeros((0, 3)), np.array([1.0, 2.0]), np.array([[np.nan, 1.0]]), "text"])
def test_exact_search_refuses_bad_matrices(bad):
    with pytest.raises(CourseError):
        search.exact_search(bad, np.ones((1, 2)), k=1)


def test_exact_search_refuses_bad_k_and_dimension_mismatch():
    corpus = np.eye(3)
    for k in (0, 4, 2.5, True):
        with pytest.raises(CourseError):
            search.exact_search(corpus, corpus, k=k)
    with pytest.raises(CourseError, match="same model"):
        search.exact_search(corpus, np.ones((1, 2)), k=1)


def test_recall_at_k_counts_overlap_ignoring_order_and_missing():
    exact = np.array([[0, 1, 2], [3, 4, 5]])
    found = np.array([[2, 1, 9], [-1, -1, 3]])
    assert search.recall_at_k(found, exact, k=3) == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert search.recall_at_k(found, exact, k=3, per_query=True).tolist() == pytest.approx([2 / 3, 1 / 3])
    assert search.recall_at_k(exact, exact, k=2) == 1.0
    assert search.recall_at_k(np.array([[-1, -1]]), np.array([[-1, 0]]), k=2) == 0.0


def test_recall_at_k_refuses_mismatched_shapes():
    with pytest.raises(CourseError):
        search.recall_at_k(np.zeros((2, 3), int), np.zeros((3, 3), int), k=3)
    with pytest.raises(CourseError):
        search.recall_at_k(np.zeros((2, 3), int), np.zeros((2, 3), int), k=5)


def test_rrf_by_hand_and_with_rank_of_correct():
    bm25 = np.array([[0, 1, 2]])
    dense = np.array([[1, 2, 0]])
    fused = search.reciprocal_rank_fusion([bm25, dense], n_documents=3, k=60)
    expected = [1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 63 + 1 / 62]
    assert fused[0].tolist() == pytest.approx(expected)
    assert search.rankings_from_scores(fused)[0].tolist() == [1, 0, 2]
    # a document absent from a shallow ranking only gets the other retriever's share
    shallow = search.reciprocal_rank_fusion([np.array([[2]]), dense], n_documents=3, k=0)
    assert shallow[0].tolist() == pytest.approx([1 / 3, 1.0, 1 + 1 / 2])
    assert rank_of_correct(np.eye(3) + search.reciprocal_rank_fusion([np.array([[0, 1, 2]] * 3)], 3)).tolist() == [1, 1, 1]


@pytest.mark.parametrize("rankings", [np.array([[0, 1]]), [], [np.array([[0, 5]])], [np.array([0, 1])], [np.array([[0.0, 1.0]])],
                                      [np.array([[0, 1]]), np.array([[0, 1], [1, 0]])]])
def test_rrf_refuses_bad_rankings(rankings):
    with pytest.raises(CourseError):
        search.reciprocal_rank_fusion(rankings, n_documents=3)


def test_chunk_windows_cover_every_token():
    assert search.chunk_windows(600, 256, 0) == [(0, 256), (256, 512), (512, 600)]
    assert search.chunk_windows(512, 256, 128) == [(0, 256), (128, 384), (256, 512)]
    assert search.chunk_windows(100, 256, 64) == [(0, 100)]
    assert search.chunk_windows(0, 256) == []
    for n in range(1, 700, 37):
        for overlap in (0, 50, 128):
            windows = search.chunk_windows(n, 256, overlap)
            covered = set().union(*(range(s, e) for s, e in windows))
            assert covered == set(range(n)) and all(e - s <= 256 for s, e in windows)


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (256, 256), (256, 300), (256, -1), (2.5, 0)])
def test_chunk_windows_refuse_bad_sizes(size, overlap):
    with pytest.raises(CourseError):
        search.chunk_windows(10, size, overlap)


def test_max_over_chunks():
    scores = np.array([[0.1, 0.9, 0.3], [0.5, 0.2, 0.4]])
    out = search.max_over_chunks(scores, np.array([0, 0, 1]), n_documents=2)
    assert out.tolist() == [[0.9, 0.3], [0.5, 0.4]]
    with pytest.raises(CourseError, match="at least one chunk"):
        search.max_over_chunks(scores, np.array([0, 0, 0]), n_documents=2)
    with pytest.raises(CourseError):
        search.max_over_chunks(scores, np.array([0, 1]), n_documents=2)


def test_memory_formula_matches_faiss_sizes():
    faiss = pytest.importorskip("faiss")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 16)).astype(np.float32)
    flat = faiss.IndexFlatIP(16)
    flat.add(x)
    assert faiss.serialize_index(flat).size / 2000 == pytest.approx(search.bytes_per_vector("flat", 16), rel=0.01)
    hnsw = faiss.IndexHNSWFlat(16, 8)
    hnsw.add(x)
    assert faiss.serialize_index(hnsw).size / 2000 == pytest.approx(search.bytes_per_vector("hnsw", 16, hnsw_m=8), rel=0.03)
    assert search.bytes_per_vector("binary", 384) == 48
    assert search.bytes_per_vector("int8", 384) == 384
    assert search.index_memory_gb(1e9, "flat", 384) == pytest.approx(1536.0)
    with pytest.raises(CourseError, match="Unknown index kind"):
        search.bytes_per_vector("lsh", 384)
    with pytest.raises(CourseError):
        search.bytes_per_vector("flat", 0)
    with pytest.raises(CourseError, match="hnsw_m"):
        search.bytes_per_vector("hnsw", 384, hnsw_m=1)
    with pytest.raises(CourseError):
        search.index_memory_gb(-1, "flat", 384)


def test_static_encoder_and_distilled_minilm_refuse_bad_input():
    with pytest.raises(CourseError):
        search.static_encoder(object())
    with pytest.raises(CourseError):
        search.distilled_minilm(pca_dims=1000)

    class Fake:
        def encode(self, texts, show_progress_bar=False):
            return np.array([[3.0, 4.0]] * len(texts))

    encode = search.static_encoder(Fake())
    assert np.allclose(encode(["a b", "c"]), [[0.6, 0.8], [0.6, 0.8]])
    with pytest.raises(CourseError):
        encode([""])


def test_the_shipped_distillation_is_used_only_when_it_matches_what_is_installed(tmp_path, monkeypatch):
    import json
    import shutil

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path / "cache"))

    def no_distilling(pca_dims):
        raise AssertionError("distilled although a matching shipped table exists")

    monkeypatch.setattr(search, "_distill", no_distilling)
    model = search.distilled_minilm(pca_dims=256)
    assert np.asarray(model.embedding).shape == (29525, 256)
    assert (tmp_path / "cache" / "model2vec-minilm-256" / "model.safetensors").is_file()

    stale = tmp_path / "stale"
    shutil.copytree(search.SHIPPED_DISTILLATION, stale)
    record = json.loads((stale / "SOURCE.json").read_text())
    (stale / "SOURCE.json").write_text(json.dumps(record | {"minilm_weights_sha256": "0" * 64}))
    monkeypatch.setattr(search, "SHIPPED_DISTILLATION", stale)
    assert search._shipped_distillation(256) is None  # other MiniLM weights: distil, never load a stale table
    assert search._shipped_distillation(128) is None


@pytest.mark.slow
def test_distilling_again_reproduces_the_shipped_table_bit_for_bit(tmp_path, monkeypatch):
    import hashlib
    import json

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    search.distilled_minilm(pca_dims=256, refresh=True)
    table = (tmp_path / "model2vec-minilm-256" / "model.safetensors").read_bytes()
    shipped = json.loads((search.SHIPPED_DISTILLATION / "SOURCE.json").read_text())
    assert hashlib.sha256(table).hexdigest() == shipped["table_sha256"]
