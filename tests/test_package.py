"""course_utils conventions: nothing heavy on import, typed public functions whose docstring names a notebook."""

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import course_utils

ROOT = Path(__file__).resolve().parents[1]
MODULES = [m.name for m in pkgutil.walk_packages(course_utils.__path__, "course_utils.")]


def test_importing_every_module_loads_no_model_library():
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers', 'gensim', 'sklearn', 'matplotlib')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"imported at module load: {result.stdout.strip()}"


def public_functions():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != name:
                continue
            yield f"{name}.{attr}", obj


def test_every_public_function_is_typed_and_has_a_one_line_summary():
    # whether the named notebook really teaches the function: tests/test_taught_in.py
    problems = []
    for qualname, func in public_functions():
        if qualname.startswith("course_utils.exercise_bank."):
            continue
        doc = inspect.getdoc(func) or ""
        if not doc or not doc.splitlines()[0].strip():
            problems.append(f"{qualname}: no one-line docstring summary")
        sig = inspect.signature(func)
        if sig.return_annotation is inspect.Signature.empty:
            problems.append(f"{qualname}: no return type")
        untyped = [p for p in sig.parameters.values()
                   if p.annotation is inspect.Parameter.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        if untyped:
            problems.append(f"{qualname}: untyped parameters {[p.name for p in untyped]}")
    assert not problems, "\n".join(problems)


def test_no_star_imports_and_no_bare_except():
    for path in (ROOT / "course_utils").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*from\s+\S+\s+import\s+\*", text, re.M), f"star import in {path}"
        assert not re.search(r"^\s*except\s*:", text, re.M), f"bare except in {path}"


def test_show_outputs_tool_does_nothing_on_import():
    code = f"import sys; sys.argv = ['x', 'no-such.ipynb']; sys.path.insert(0, {str(ROOT / 'tools')!r}); import show_outputs"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stderr[-500:]
