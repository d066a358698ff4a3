"""Choosing an embedding model: cost beside quality, any hub model on the suite. Taught in notebooks/07_choosing_models.ipynb."""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from course_utils.benchmarks import DOCUMENT_TASKS, evaluate_text_encoder
from course_utils.encoders import TextEncoder
from course_utils.errors import CourseError
from course_utils.models import MINILM_NAME, canonical_name, offline_error
from course_utils.network import is_online

#: Above this download size (MB) evaluate_sentence_model warns before loading a hub model.
LARGE_MODEL_MB = 500.0


def rss_mb() -> float:
    """Resident memory of this process now, in MB. Taught in notebooks/07_choosing_models.ipynb."""
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def folder_size_mb(path: str | os.PathLike[str]) -> float:
    """Total size of the files under a folder (or of one file), in MB. Taught in notebooks/07_choosing_models.ipynb."""
    root = Path(path)
    if not root.exists():
        raise CourseError(f"{root} does not exist: pass a model file or folder.")
    files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def saved_size_mb(save: Callable[[str], Any], filename: str = "model") -> float:
    """Size on disk of whatever save(path) writes (e.g. model.save). Taught in notebooks/07_choosing_models.ipynb."""
    with tempfile.TemporaryDirectory() as folder:
        save(str(Path(folder) / filename))
        return folder_size_mb(folder)


def throughput(encoder: TextEncoder, texts: Sequence[str], repeats: int = 1) -> float:
    """Documents encoded per second (best of `repeats` runs over all texts). Taught in notebooks/07_choosing_models.ipynb."""
    if not texts:
        raise CourseError("throughput needs at least one text to encode.")
    best = float("inf")
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        encoder(list(texts))
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def hub_download_mb(name: str) -> float | None:
    """Size of a hub model's weight files in MB, asked before downloading (None when unknown). Internal to course_utils."""
    from huggingface_hub import HfApi

    info = HfApi().model_info(name, files_metadata=True)
    weights = [s.size for s in info.siblings or [] if s.size and s.rfilename.endswith((".safetensors", ".bin"))]
    return sum(weights) / 2**20 if weights else None


def evaluate_sentence_model(name: str = MINILM_NAME, tasks: Sequence[str] = DOCUMENT_TASKS, max_seq_length: int | None = None,
                            large_mb: float = LARGE_MODEL_MB, prompts: Mapping[str, str] | None = None) -> dict[str, float]:
    """Load a sentence-transformers model by name, run the suite, with costs. Taught in notebooks/07_choosing_models.ipynb.

    Offline only the bundled MiniLM works (any other name raises the course's OfflineError with the fix).
    Online, a hub model's size is checked first and a warning names the download and memory it needs.
    Returns the leaderboard columns plus dimension, parameters (millions), load_rss_mb and load_seconds.
    ``prompts`` maps "query" (retrieval queries), "document" (retrieval articles) and "text" (every other task)
    to a prefix; None uses the model's own prompts (``model.prompts``, as encode_query/encode_document do),
    {} uses none.
    """
    if prompts is not None:
        if not isinstance(prompts, Mapping) or set(prompts) - {"query", "document", "text"}:
            raise CourseError("prompts must be a dict with keys among 'query', 'document', 'text', e.g. "
                              "{'query': 'query: ', 'document': 'passage: '}, or None for the model's own.")
        if not all(isinstance(v, str) for v in prompts.values()):
            raise CourseError("every prompt must be a string such as 'query: '.")
    from course_utils.contextual import sentence_encoder
    from course_utils.models import load_sentence_model

    if canonical_name(name) is None:
        if not is_online():
            raise offline_error(name, "the Hugging Face hub")
        size = hub_download_mb(name)
        if size is not None and size > large_mb:
            warnings.warn(f"{name} downloads {size:,.0f} MB of weights and needs at least as much RAM "
                          f"(more while encoding); Binder gives 2 GB. Consider a smaller model.", stacklevel=2)
    rss_before, start = rss_mb(), time.perf_counter()
    model = load_sentence_model(name)
    load_seconds, load_rss = time.perf_counter() - start, rss_mb() - rss_before
    if max_seq_length is not None:
        model.max_seq_length = max_seq_length
    if prompts is None:
        own = dict(getattr(model, "prompts", None) or {})
        prompts = {k: own[k] for k in ("query", "document") if own.get(k)}
    encoder = sentence_encoder(model, prompt=prompts.get("text"))
    query, document = (sentence_encoder(model, prompt=prompts[k]) if prompts.get(k) else None for k in ("query", "document"))
    row = evaluate_text_encoder(encoder, tasks=tasks, query_encoder=query, document_encoder=document)
    row.update(dimension=float(model.get_embedding_dimension()),
               parameters_m=sum(p.numel() for p in model.parameters()) / 1e6,
               load_rss_mb=load_rss, load_seconds=load_seconds)
    return row
