"""Learner copies and the Colab cell, from one source (tools/course_views.py)."""

import json
import subprocess
import sys
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


# A Colab simulated in a child process: a fake google.colab module, subprocess.run recording the commands instead of
# running them, every other way to start a process refused, and PATH holding no git. It prints what the cell tried.
SIMULATED_COLAB = """
import json, os, subprocess, sys, types

sys.modules["google"] = types.ModuleType("google")
sys.modules["google.colab"] = types.ModuleType("google.colab")
calls = []


def record(command, **kwargs):
    calls.append(command)
    return subprocess.CompletedProcess(command, 0)


def refuse(*args, **kwargs):
    raise AssertionError("the simulated Colab must not start a process")


subprocess.run, subprocess.Popen, os.system = record, refuse, refuse
if os.environ.get("ALREADY_CLONED"):
    real_isdir = os.path.isdir
    os.path.isdir = lambda path: path == "/content/course/.git" or real_isdir(path)
stopped = None
try:
    exec(compile(sys.stdin.read(), "<colab cell>", "exec"), {"__name__": "__main__"})
except SystemExit as stop:
    stopped = str(stop)
print(json.dumps({"calls": calls, "stopped": stopped, "path": sys.path[:2]}))
"""


def run_cell(source: str, tmp_path: Path, colab: bool, **env: str) -> subprocess.CompletedProcess:
    """Run a cell's source in a fresh Python with no git on PATH, as on Colab (simulated) or not."""
    (tmp_path / "bin").mkdir(exist_ok=True)
    environment = {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1", **env}
    code = SIMULATED_COLAB if colab else source
    return subprocess.run([sys.executable, "-c", code], input=source if colab else None, capture_output=True,
                          text=True, env=environment, cwd=tmp_path, timeout=60)


def simulated_colab(source: str, tmp_path: Path, **env: str) -> dict:
    result = run_cell(source, tmp_path, colab=True, **env)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return json.loads(result.stdout)


def test_colab_cell_outside_colab_prints_nothing_and_does_nothing(tmp_path):
    result = run_cell(course_views.COLAB_CELL, tmp_path, colab=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert list(tmp_path.iterdir()) == [tmp_path / "bin"]


def test_colab_cell_on_colab_without_a_public_repository_stops_with_what_to_set(tmp_path):
    assert course_views.PLACEHOLDER_MARK in course_views.REPOSITORY, "the course is published: drop this test's premise"
    report = simulated_colab(course_views.COLAB_CELL, tmp_path)
    assert report["calls"] == [], "no clone and no pip install may be attempted"
    assert report["stopped"].startswith("This course has no public repository yet")
    assert "set REPOSITORY in tools/course_views.py" in report["stopped"] and "COURSE_REPOSITORY" in report["stopped"]
    assert report["stopped"].count(". ") == 0 and report["stopped"].endswith(".")


def test_colab_cell_with_a_real_url_clones_it_and_installs_the_course(tmp_path):
    url = "https://github.com/example-org/embeddings-course"
    report = simulated_colab(course_views.colab_cell(url), tmp_path)
    assert report["stopped"] is None
    assert report["calls"][0] == ["git", "clone", "--depth=1", url, "/content/course"]
    install = report["calls"][1]
    assert install[1:4] == ["-m", "pip", "install"] and install[-4:] == [
        "-c", "/content/course/requirements.txt", "-e", "/content/course[lab]"]
    assert len(report["calls"]) == 2 and report["path"][0] == "/content/course"


def test_colab_cell_takes_the_repository_from_the_environment_and_does_not_clone_twice(tmp_path):
    url = "https://gitlab.example.org/teacher/embeddings-course.git"
    report = simulated_colab(course_views.COLAB_CELL, tmp_path, COURSE_REPOSITORY=url)
    assert report["calls"][0] == ["git", "clone", "--depth=1", url, "/content/course"]
    again = simulated_colab(course_views.COLAB_CELL, tmp_path, COURSE_REPOSITORY=url, ALREADY_CLONED="1")
    assert [call[:4] for call in again["calls"]] == [[sys.executable, "-m", "pip", "install"]]


def test_the_repository_url_is_set_in_one_place():
    assert course_views.colab_cell("https://x.example/y").count("https://x.example/y") == 1
    sources = [p for p in (ROOT / "course_utils").rglob("*.py")] + list((ROOT / "tools").glob("*.py"))
    holders = [p.name for p in sources if "github.com/OWNER" in p.read_text()]
    assert holders == ["course_views.py"]


def test_learner_copies_are_written_for_every_notebook(tmp_path):
    written = course_views.write_learner_copies(tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    assert all(nbformat.read(p, as_version=4).metadata["course_view"] == "learner" for p in written)


@pytest.mark.parametrize("path", NOTEBOOKS[:2], ids=lambda p: p.stem)
def test_rewriting_the_colab_cell_changes_that_cell_only(path):
    before = nbformat.read(path, as_version=4)
    stale = nbformat.read(path, as_version=4)
    stale.cells[1].source = "# an old Colab cell"
    stale.cells.append(nbformat.v4.new_code_cell("print(1)", metadata={"tags": [course_views.COLAB_TAG]}))
    after = course_views.with_colab_cell(stale)
    assert [c for i, c in enumerate(after.cells) if i != 1] == [c for i, c in enumerate(before.cells) if i != 1]
    colab = after.cells[1]
    assert colab.source == course_views.COLAB_CELL and colab.outputs == [] and colab.id == "colab-setup"
    assert colab.metadata == before.cells[1].metadata and colab.execution_count == before.cells[1].execution_count
