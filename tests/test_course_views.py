"""Learner copies and the Colab cell, from one source (tools/course_views.py)."""

import sys
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import course_views  # noqa: E402

NOTEBOOKS = course_views.notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_copy_has_no_outputs_and_no_solution_lines_but_keeps_the_checks(path):
    full = nbformat.read(path, as_version=4)
    copy = course_views.learner_copy(nbformat.read(path, as_version=4))
    code = [c for c in copy.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert not any("# solution(" in c.source for c in code)
    checks_full = sum(c.source.count("check(") for c in full.cells if c.cell_type == "code")
    checks_copy = sum(c.source.count("check(") for c in code)
    assert checks_copy == checks_full >= 3
    markdown = [c.source for c in full.cells if c.cell_type == "markdown"]
    assert [c.source for c in copy.cells if c.cell_type == "markdown"] == markdown
    nbformat.validate(copy)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_starts_with_the_colab_cell(path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == course_views.COLAB_CELL, "run `python tools/course_views.py colab`"
    assert first_code.outputs == []


def test_colab_cell_installs_only_on_colab(monkeypatch):
    calls = []
    monkeypatch.setattr("subprocess.run", lambda cmd, check: calls.append(cmd))
    path_before = list(sys.path)
    exec(course_views.COLAB_CELL, {})
    assert calls == [], "outside Colab the cell must do nothing"
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(course_views.COLAB_CELL, {})
    assert calls[0][:2] == ["git", "clone"] and calls[0][-1] == "/content/course"
    assert "pip" in calls[1] and "/content/course/requirements.txt" in calls[1] and calls[1][-2:] == ["-e", "/content/course"]
    assert sys.path[0] == "/content/course"
    sys.path[:] = path_before


def test_learner_copies_are_written_for_every_notebook(tmp_path):
    written = course_views.write_learner_copies(tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    assert all(nbformat.read(p, as_version=4).metadata["course_view"] == "learner" for p in written)
