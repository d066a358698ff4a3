"""Every notebook run with each exercise's solution fed to its check, on the notebook's own variables."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import notebook_tiers
import pytest

from course_utils.exercises import all_exercises

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import course_views  # noqa: E402

NOTEBOOKS = course_views.notebooks()
pytestmark = pytest.mark.solved


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_solved_view_covers_every_exercise_of_the_bank(path):
    _, ids = course_views.solved_copy(nbformat.read(path, as_version=4))
    bank = sorted(e.id for e in all_exercises() if e.id.split(".")[0] == path.name[:2])
    assert sorted(set(ids)) == bank, f"{path.name} checks {sorted(set(ids))}, its bank has {bank}"


def test_a_wrong_solution_would_fail_the_solved_view():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('answer = None\ncheck("00.1", answer, x=1)')])
    solved, ids = course_views.solved_copy(nb)
    assert ids == ["00.1"]
    source = solved.cells[0].source
    assert "solved_answer('00.1', x=1)" in source and "assert _solved.passed" in source


@pytest.mark.parametrize("path", notebook_tiers.params(NOTEBOOKS))
def test_solved_notebook_runs_and_every_solution_passes(path, tmp_path):
    from nbclient import NotebookClient

    nb, ids = course_views.solved_copy(nbformat.read(path, as_version=4))
    if not ids:
        pytest.skip(f"{path.name} has no exercises")
    env = {**os.environ, "COURSE_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PYTHONHASHSEED": "0", "TOKENIZERS_PARALLELISM": "false", "COURSE_CACHE": str(tmp_path / "cache"),
           "MPLBACKEND": "agg"}
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}})
    saved = dict(os.environ)
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
