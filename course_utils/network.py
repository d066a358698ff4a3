"""Is this machine online? Asked once, answered fast. Taught in notebooks/00_welcome.ipynb."""

from __future__ import annotations

import functools
import os
import socket

#: Hosts whose reachability decides "online": the model hub and GitHub (gensim-data lives there).
PROBE_HOSTS: tuple[tuple[str, int], ...] = (("huggingface.co", 443), ("github.com", 443))


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@functools.lru_cache(maxsize=1)
def _probe(timeout: float) -> bool:
    for host, port in PROBE_HOSTS:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def is_online(timeout: float = 2.0) -> bool:
    """True if the hub can be reached (COURSE_OFFLINE=1, HF_HUB_OFFLINE=1: False). Taught in notebooks/00_welcome.ipynb."""
    if _env_flag("COURSE_OFFLINE") or _env_flag("HF_HUB_OFFLINE"):
        return False
    return _probe(timeout)


def reset_online_cache() -> None:
    """Forget the cached answer of is_online (after plugging in a cable). Internal to course_utils."""
    _probe.cache_clear()
