"""Shared fixtures: the tests run offline and write caches into a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def glove():
    from course_utils.models import load_glove

    return load_glove()
