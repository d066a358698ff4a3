"""Every "Taught in notebooks/NN_...ipynb" in a course_utils docstring is true.

A public function's first docstring line names the notebook that teaches it; this test reads each notebook's
code cells with ``ast`` and fails unless that notebook defines the function (``def name``) or uses it (a
name, attribute or import of it). Functions marked "Internal to course_utils" serve the package itself
(argument checks, shared plumbing) and name no notebook.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import course_utils

ROOT = Path(__file__).resolve().parents[1]
TAUGHT_IN = re.compile(r"Taught in notebooks/(\d\d_[a-z0-9_]+\.ipynb)")
INTERNAL = "Internal to course_utils"
SKIP_MODULES = ("course_utils.exercise_bank",)  # exercise checks: called by exercises.check, not by name

#: Functions whose notebook does not reference them yet, each with who must act. xfail(strict=True): the day
#: the notebook uses the function this test passes unexpectedly and the entry must go. Empty: every function is taught.
PENDING: dict[str, str] = {}


def _marks(qualname: str) -> list[pytest.MarkDecorator]:
    if qualname in PENDING:
        return [pytest.mark.xfail(strict=True, reason=PENDING[qualname])]
    return []


def public_functions() -> Iterable[tuple[str, Callable[..., object]]]:
    for info in pkgutil.walk_packages(course_utils.__path__, "course_utils."):
        if info.name.startswith(SKIP_MODULES):
            continue
        module = importlib.import_module(info.name)
        for attr, obj in vars(module).items():
            if not attr.startswith("_") and inspect.isfunction(obj) and obj.__module__ == info.name:
                yield f"{info.name}.{attr}", obj


def notebook_names(path: Path) -> set[str]:
    """Every name a notebook's code defines, uses, or imports (magics and shell lines are skipped)."""
    names: set[str] = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.ImportFrom | ast.Import):
                for alias in node.names:
                    names.add(alias.name.rsplit(".", 1)[-1])
    return names


def taught_in_problem(qualname: str, func: Callable[..., object], notebooks: Path,
                      names_of: Callable[[Path], set[str]]) -> str | None:
    """Why the docstring's "Taught in" claim is false, or None when it holds."""
    first = (inspect.getdoc(func) or "").splitlines()[:1]
    first_line = first[0] if first else ""
    if INTERNAL in first_line:
        return None
    match = TAUGHT_IN.search(first_line)
    if not match:
        return f"{qualname}: first docstring line names no 'Taught in notebooks/NN_name.ipynb' (nor '{INTERNAL}')"
    path = notebooks / match[1]
    if not path.exists():
        return f"{qualname}: names {match[1]}, which does not exist"
    name = qualname.rsplit(".", 1)[-1]
    if name not in names_of(path):
        return f"{qualname}: {match[1]} neither defines nor uses {name}"
    return None


@functools.cache
def _real_names(path: Path) -> frozenset[str]:
    return frozenset(notebook_names(path))


FUNCTIONS = sorted(public_functions())


@pytest.mark.parametrize(
    "qualname, func",
    [pytest.param(q, f, id=q, marks=_marks(q)) for q, f in FUNCTIONS],
)
def test_docstring_names_a_notebook_that_teaches_or_uses_the_function(qualname, func):
    problem = taught_in_problem(qualname, func, ROOT / "notebooks", _real_names)
    assert problem is None, problem


def _notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
             for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_the_check_fails_on_a_false_claim_and_passes_on_a_true_one(tmp_path):
    _notebook(tmp_path / "01_fake.ipynb", "%matplotlib inline\nimport numpy as np\n", "def helper(x):\n    return x\n")
    _notebook(tmp_path / "02_fake.ipynb", "from course_utils.benchmarks import retrieval\nprint(retrieval)\n",
              "!ls\nimport course_utils.plots as p\np.heatmap([[1]], ['a'])\n")

    def fn(docstring: str) -> Callable[[], None]:
        def f() -> None: ...

        f.__doc__ = docstring
        return f

    def check(name: str, docstring: str) -> str | None:
        return taught_in_problem(f"course_utils.fake.{name}", fn(docstring), tmp_path, notebook_names)

    assert check("helper", "Defined there. Taught in notebooks/01_fake.ipynb.") is None  # def
    assert check("retrieval", "Imported there. Taught in notebooks/02_fake.ipynb.") is None  # import
    assert check("heatmap", "Called as an attribute. Taught in notebooks/02_fake.ipynb.") is None  # attribute
    assert check("shared", "Argument checks. Internal to course_utils.") is None
    assert "neither defines nor uses retrieval" in check("retrieval", "Wrong notebook. Taught in notebooks/01_fake.ipynb.")
    assert "does not exist" in check("helper", "Taught in notebooks/09_missing.ipynb.")
    assert "names no" in check("helper", "No claim at all.")
    assert "names no" in check("helper", "Summary line.\n\nTaught in notebooks/01_fake.ipynb (not on the first line).")
