"""Learner and instructor views of the course from one source, and the Colab set-up cell.

    python tools/course_views.py learner --out build/learner   # learner copies: no outputs, no solution lines
    python tools/course_views.py colab                         # (re)write the Colab cell at the top of every notebook
    python tools/course_views.py solved --out build/solved     # solved copies: every check fed the bank's solution

Instructors teach from notebooks/ (full outputs; solutions revealable with `solution("NN.k")`). Learner copies
start empty, so learners run every cell themselves, and carry no "reveal a solution" lines; tests/test_browser.py
runs the learner copies in JupyterLab to prove they still work. Solved copies (tests/test_solved_views.py) run
every exercise's solution through its check with the notebook's own variables at that point.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COLAB_TAG = "colab-setup"
# Where the course is published: the one place its URL is set (the Colab cell clones it from there). Until the
# course has a public home this is a placeholder ("/OWNER/" marks it), and on Colab the cell stops and says what to set.
REPOSITORY = "https://github.com/OWNER/embeddings-course"
PLACEHOLDER_MARK = "/OWNER/"
COLAB_TARGET = "/content/course"


def colab_cell(repository: str) -> str:
    """Source of the Colab set-up cell that clones `repository` (COURSE_REPOSITORY overrides it on Colab)."""
    return f'''# Only on Google Colab: fetch and install the course (elsewhere this cell does nothing).
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    repository = os.environ.get("COURSE_REPOSITORY", "{repository}")
    if "{PLACEHOLDER_MARK}" in repository:
        raise SystemExit("This course has no public repository yet, so Colab cannot fetch it: set REPOSITORY in "
                         "tools/course_views.py, or run `%env COURSE_REPOSITORY=<git URL of the course>` above, then rerun.")
    if not os.path.isdir("{COLAB_TARGET}/.git"):
        subprocess.run(["git", "clone", "--depth=1", repository, "{COLAB_TARGET}"], check=True)
    # the course and what its notebooks import, at the course's pinned versions (no test or site tools)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-c", "{COLAB_TARGET}/requirements.txt",
                    "-e", "{COLAB_TARGET}[lab]"], check=True)
    if "{COLAB_TARGET}" not in sys.path:
        sys.path.insert(0, "{COLAB_TARGET}")'''


COLAB_CELL = colab_cell(REPOSITORY)
SOLUTION_LINE = re.compile(r"^\s*#\s*solution\(.*$\n?", re.M)


def notebooks() -> list[Path]:
    """The course notebooks in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def with_colab_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with exactly one Colab cell, placed right after the title cell (an old one keeps its metadata)."""
    def is_colab(cell: nbformat.NotebookNode) -> bool:
        return COLAB_TAG in cell.get("metadata", {}).get("tags", [])

    old = [c for c in nb.cells if is_colab(c)]
    nb.cells = [c for c in nb.cells if not is_colab(c)]
    cell = nbformat.v4.new_code_cell(COLAB_CELL, metadata={"tags": [COLAB_TAG]})
    if old:  # only the source changes: execution count and timestamps stay, so the diff is this one cell's source
        cell.metadata, cell.execution_count = old[0].metadata, old[0].get("execution_count")
    cell.id = "colab-setup"
    nb.cells.insert(1, cell)
    return nb


def learner_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A learner's copy: outputs and execution counts cleared, 'reveal a solution' lines and cells removed."""
    kept = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.source = SOLUTION_LINE.sub("", cell.source).rstrip()
            if not cell.source:
                continue
        kept.append(cell)
    nb.cells = kept
    nb.metadata["course_view"] = "learner"
    return nb


def _check_calls(source: str) -> list[ast.Call]:
    """Statement-level calls check("NN.k", answer, ...) in a cell, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"
                and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
            calls.append(call)
    return calls


def solved_copy(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str]]:
    """A copy where each check("NN.k", answer, **ctx) is followed by the bank's solution checked on the same ctx."""
    ids = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        extra = []
        for call in _check_calls(cell.source):
            exercise_id = call.args[0].value
            context = ", ".join(ast.unparse(k) if k.arg is None else f"{k.arg}={ast.unparse(k.value)}"
                                for k in call.keywords)
            context = ", ".join(part for part in (context,) if part)
            solved = f"solved_answer({exercise_id!r}{', ' + context if context else ''})"
            extra.append(f"_solved = check({exercise_id!r}, {solved}{', ' + context if context else ''})\n"
                         f"assert _solved.passed, repr(_solved)")
            ids.append(exercise_id)
        if extra:
            cell.source = (cell.source + "\n\nfrom course_utils.exercises import solved_answer  # solved view\n"
                           + "\n".join(extra))
    nb.metadata["course_view"] = "solved"
    return nb, ids


def write_learner_copies(out: Path) -> list[Path]:
    """Write learner copies of every notebook into out/notebooks."""
    target = out / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks():
        nb = learner_copy(nbformat.read(path, as_version=4))
        nbformat.write(nb, target / path.name)
        written.append(target / path.name)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    learner = sub.add_parser("learner", help="write learner copies")
    learner.add_argument("--out", type=Path, default=ROOT / "build" / "learner")
    sub.add_parser("colab", help="write the Colab cell into every notebook")
    solved = sub.add_parser("solved", help="write solved copies (every check fed the bank's solution)")
    solved.add_argument("--out", type=Path, default=ROOT / "build" / "solved")
    args = parser.parse_args()
    if args.command == "learner":
        for path in write_learner_copies(args.out):
            print(path)
    elif args.command == "solved":
        args.out.mkdir(parents=True, exist_ok=True)
        for path in notebooks():
            nb, ids = solved_copy(nbformat.read(path, as_version=4))
            nbformat.write(nb, args.out / path.name)
            print(path.name, " ".join(ids))
    else:
        for path in notebooks():
            nbformat.write(with_colab_cell(nbformat.read(path, as_version=4)), path)
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
