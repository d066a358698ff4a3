"""course_utils conventions (nothing heavy on import, typed public functions), and the package as pip builds it."""

import ast
import email.parser
import importlib
import importlib.metadata
import inspect
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


# ---------------------------------------------------------------- the package as pip builds and installs it
def third_party_imports() -> set[str]:
    """Top-level names course_utils imports that are neither the standard library nor course_utils itself."""
    names = set()
    for path in (ROOT / "course_utils").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in {"course_utils", "__future__"}}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course package's wheel, built offline from a copy of only what the build needs (as `pip install .` does)."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(ROOT / "course_utils", src / "course_utils", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--isolated", "--no-deps", "--no-index",
                             "--no-build-isolation", "-w", str(out), str(src)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (built,) = out.glob("course_utils-*.whl")
    return built


def wheel_metadata(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as whl:
        (name,) = [n for n in whl.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.HeaderParser().parsestr(whl.read(name).decode())
    return [Requirement(line) for line in metadata.get_all("Requires-Dist")]


def test_wheel_ships_the_word_lists_and_the_licence(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
    lists = sorted(p.name for p in (ROOT / "course_utils" / "wordlists").glob("*.json"))
    assert lists == ["gender_word_lists.json", "weat_word_lists.json"]
    assert {f"course_utils/wordlists/{name}" for name in lists} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_wheel_declares_every_third_party_import_of_course_utils(wheel):
    base = {canonicalize_name(r.name) for r in wheel_metadata(wheel) if r.marker is None}
    providers = importlib.metadata.packages_distributions()
    imports = third_party_imports()
    assert {"numpy", "torch", "psutil", "huggingface_hub"} <= imports  # the scan sees lazy imports inside functions
    undeclared = {name: providers.get(name) for name in sorted(imports)
                  if not {canonicalize_name(d) for d in providers.get(name, [])} & base}
    assert undeclared == {}, "course_utils imports these, but the wheel does not require them (pyproject.toml dependencies)"


def test_wheel_declares_ranges_and_keeps_lab_and_dev_tools_in_extras(wheel):
    requirements = wheel_metadata(wheel)
    for req in requirements:
        operators = {spec.operator for spec in req.specifier}
        assert ">=" in operators and not operators & {"==", "==="}, f"{req}: a range, not a pin (pins: requirements.txt)"
    base = {canonicalize_name(r.name) for r in requirements if r.marker is None}
    extras = {extra: {canonicalize_name(r.name) for r in requirements if r.marker and r.marker.evaluate({"extra": extra})}
              for extra in ("lab", "dev")}
    assert {"jupyterlab", "ipykernel"} <= extras["lab"] and {"pytest", "nbval", "ruff", "jupyter-book"} <= extras["dev"]
    assert not base & (extras["lab"] | extras["dev"])


def test_non_editable_install_reads_the_word_lists_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--isolated", "--no-deps",
               "--no-index", str(wheel)]
    result = subprocess.run(install, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    # the dependencies come from this environment's site-packages, listed after the fresh venv's own
    purelib = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                           text=True).strip())
    (purelib / "course_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = ("import course_utils, json; from course_utils import bias\n"
             "print(json.dumps({'package': course_utils.__file__, 'lists': str(bias.DATA_DIR),"
             " 'weat': sorted(bias.load_weat_tests()), 'pairs': len(bias.load_gender_lists()['definitional_pairs'])}))")
    run = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    for path in (found["package"], found["lists"]):
        assert Path(path).is_relative_to(purelib) and not Path(path).is_relative_to(ROOT), path
    weat = json.loads((ROOT / "course_utils" / "wordlists" / "weat_word_lists.json").read_text(encoding="utf-8"))
    gender = json.loads((ROOT / "course_utils" / "wordlists" / "gender_word_lists.json").read_text(encoding="utf-8"))
    assert found["weat"] == sorted(weat["tests"]) and found["pairs"] == len(gender["definitional_pairs"]) > 0
