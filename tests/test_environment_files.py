"""One pin list (requirements.txt) behind make, conda, Binder and the wheelhouse; a fresh machine's set-up explained."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)$")
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def requirement_pins(path: Path = ROOT / "requirements.txt") -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = PIN.match(line)
            assert match, f"{path.name} line is not pinned with ==: {line!r}"
            name = canonicalize_name(match[1])
            assert name not in pins, f"{name} is pinned twice in {path.name}"
            pins[name] = match[2]
    return pins


def conda_pip_section(path: Path) -> list[str]:
    spec = yaml.safe_load(path.read_text())
    return next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))


def pip_requirement_files(path: Path) -> list[Path]:
    """The files `-r` names in a conda file's pip section, found as conda and mamba find them.

    Both write the pip section to a file beside the environment file and run pip there: a relative `-r` is read
    from the folder of the path given (binder/ for binder/environment.yml, even though that file is a link).
    """
    folder = Path(os.path.abspath(path)).parent
    return [folder / entry.split(None, 1)[1] for entry in conda_pip_section(path) if entry.startswith("-r ")]


def declared_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {canonicalize_name(req.name): req for req in map(Requirement, lines)}


def make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_requirements_pin_torch_to_the_cpu_build_on_disk():
    assert requirement_pins()["torch"] == "2.13.0"


def test_environment_yml_installs_the_one_pin_list_and_pins_nothing_itself():
    entries = conda_pip_section(ROOT / "environment.yml")
    assert pip_requirement_files(ROOT / "environment.yml") == [ROOT / "requirements.txt"]
    assert not [e for e in entries if "==" in e], "environment.yml must not repeat pins: they live in requirements.txt"


def test_binder_builds_the_same_environment():
    binder_env = ROOT / "binder" / "environment.yml"
    assert binder_env.resolve() == (ROOT / "environment.yml").resolve(), "binder/environment.yml must link to the root file"
    files = pip_requirement_files(binder_env)
    assert files and all(f.exists() for f in files), f"Binder's pip would not find {files}"
    assert [f.resolve() for f in files] == [(ROOT / "requirements.txt").resolve()]
    assert requirement_pins(files[0]) == requirement_pins()
    assert "python=3.11" in binder_env.read_text()
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and "set -e" in post_build and "pip install --no-deps -e ." in post_build


def test_environment_yml_uses_the_cpu_wheel_index_for_torch():
    assert f"--extra-index-url {CPU_INDEX}" in conda_pip_section(ROOT / "environment.yml")


def test_every_pin_is_declared_in_pyproject_and_inside_its_range():
    declared = declared_requirements()
    pins = requirement_pins()
    assert sorted(set(pins) - set(declared)) == [], "pinned but not declared in pyproject.toml (dependencies or an extra)"
    assert sorted(set(declared) - set(pins)) == [], "declared in pyproject.toml but not pinned in requirements.txt"
    outside = [f"{name}=={pins[name]} not in {req.specifier}" for name, req in declared.items()
               if not req.specifier.contains(Version(pins[name]), prereleases=True)]
    assert outside == []


def test_pyproject_declares_ranges_not_pins():
    for name, req in declared_requirements().items():
        operators = {spec.operator for spec in req.specifier}
        assert ">=" in operators, f"{name}: give the lowest release the course is tested with (>=)"
        assert not operators & {"==", "==="}, f"{name}: exact pins belong in requirements.txt, not pyproject.toml"


def test_pyproject_licence_has_its_file_and_a_setuptools_that_reads_it():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT" and pyproject["project"]["license-files"] == ["LICENSE"]
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "Copyright (c) 2026 The course authors" in licence
    (backend,) = [Requirement(r) for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    assert not backend.specifier.contains("76.1.0") and backend.specifier.contains("77.0.0"), \
        "PEP 639 license expressions need setuptools>=77"


def test_python_versions_agree_between_makefile_conda_and_pyproject():
    stated = re.search(r"^PYTHON_VERSIONS := (.+)$", (ROOT / "Makefile").read_text(), re.M)[1].split()
    conda = re.search(r"python=(\d+\.\d+)", (ROOT / "environment.yml").read_text())[1]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert conda in stated and f"{sys.version_info.major}.{sys.version_info.minor}" in stated
    assert all(Requirement(f"x{requires}").specifier.contains(v + ".0") for v in stated)


# ---------------------------------------------------------------- make on a fresh machine
def fake_python(folder: Path, version: str, venv_fails: bool = False) -> Path:
    """A stand-in interpreter that reports a version; with venv_fails, `-m venv DIR` half-makes DIR like Debian's."""
    script = folder / "python3"
    venv = ('if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin"; '
            'echo "The virtual environment was not created successfully because ensurepip is not available." >&2; exit 1; fi\n')
    script.write_text("#!/bin/sh\n" + (venv if venv_fails else "") + f"echo {version}\n")
    script.chmod(0o755)
    return script


def test_setup_explains_a_venv_folder_without_python(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    result = make("setup", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert result.returncode != 0
    assert f"{venv} is a half-made environment: {venv}/bin/python is missing" in result.stderr
    assert f"rm -rf {venv} && make setup" in result.stderr


def test_setup_explains_a_venv_without_pip(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result = make("setup", f"VENV={venv}", f"PYTHON={sys.executable}")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert result.returncode != 0
    assert f"has Python {version} but no pip" in result.stderr and f"sudo apt install python{version}-venv" in result.stderr
    assert f"rm -rf {venv} && make setup" in result.stderr
    assert "No module named pip" not in result.stderr + result.stdout


def test_setup_explains_a_venv_that_python_could_not_make(tmp_path):
    venv = tmp_path / "venv"
    result = make("lab", f"VENV={venv}", f"PYTHON={fake_python(tmp_path, '3.11', venv_fails=True)}")
    assert result.returncode != 0
    assert "could not make" in result.stderr and "sudo apt install python3.11-venv" in result.stderr
    assert f"rm -rf {venv} && make lab" in result.stderr
    assert (venv / "bin").is_dir()  # half-made, as Debian leaves it; the next `make` names it again
    again = make("lab", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert again.returncode != 0 and "half-made environment" in again.stderr


def test_setup_refuses_a_python_the_pins_are_not_known_to_work_with(tmp_path):
    python = fake_python(tmp_path, "3.9")
    result = make("setup", f"VENV={tmp_path / 'venv'}", f"PYTHON={python}")
    assert result.returncode != 0
    assert f"{python} is Python 3.9" in result.stderr and "known to work with Python 3.11 3.12 3.13" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_setup_says_when_there_is_no_python(tmp_path):
    result = make("setup", f"VENV={tmp_path / 'venv'}", f"PYTHON={tmp_path / 'no-python3.11'}")
    assert result.returncode != 0 and f"no {tmp_path / 'no-python3.11'} here. Install Python 3.11" in result.stderr


# ---------------------------------------------------------------- where torch comes from
PROBE = 'probe: ; @$(torch_source); echo "TORCH_ARGS=[$$torch_args]"'


def fake_torch_wheel(folder: Path, version: str) -> None:
    """A minimal valid wheel named torch, enough for pip to resolve it from a --find-links folder."""
    name = f"torch-{version}.dist-info"
    with zipfile.ZipFile(folder / f"torch-{version}-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{name}/METADATA", f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n")
        whl.writestr(f"{name}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{name}/RECORD", "")


def torch_args(tmp_path: Path, torch_index: str | None, find_links: Path | None = None) -> subprocess.CompletedProcess[str]:
    venv = Path(sys.executable).parents[1]  # this environment's pip, asked only for a dry run
    env = {"PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": str(find_links or ""), "PIP_NO_INPUT": "1"}
    index = [f"TORCH_INDEX={torch_index}"] if torch_index is not None else []
    return make("--eval", PROBE, "probe", f"VENV={venv}", *index, env=env)


def test_torch_comes_from_the_cpu_index_on_a_fresh_machine(tmp_path):
    result = torch_args(tmp_path, None)
    assert result.returncode == 0, result.stderr
    assert f"TORCH_ARGS=[--extra-index-url {CPU_INDEX}]" in result.stdout
    assert f"torch 2.13.0: from {CPU_INDEX} (TORCH_INDEX=auto)" in result.stdout


def test_torch_comes_from_disk_where_pip_already_finds_its_cpu_build(tmp_path):
    fake_torch_wheel(tmp_path, "2.13.0+cpu")
    result = torch_args(tmp_path, None, find_links=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TORCH_ARGS=[]" in result.stdout and "the CPU build pip finds on this disk" in result.stdout


def test_a_local_cuda_or_other_torch_is_not_taken_for_the_cpu_build(tmp_path):
    fake_torch_wheel(tmp_path, "2.13.0")
    result = torch_args(tmp_path, None, find_links=tmp_path)
    assert f"TORCH_ARGS=[--extra-index-url {CPU_INDEX}]" in result.stdout


@pytest.mark.parametrize(("choice", "expected"), [
    ("https://download.pytorch.org/whl/cu128", "--extra-index-url https://download.pytorch.org/whl/cu128"),
    ("pip", ""),
])
def test_torch_index_choices(tmp_path, choice, expected):
    result = torch_args(tmp_path, choice)
    assert result.returncode == 0 and f"TORCH_ARGS=[{expected}]" in result.stdout


def test_torch_index_folder_and_nonsense(tmp_path):
    folder = torch_args(tmp_path, str(tmp_path))
    assert folder.returncode == 0 and f"TORCH_ARGS=[--find-links {tmp_path}]" in folder.stdout
    nonsense = torch_args(tmp_path, str(tmp_path / "missing"))
    assert nonsense.returncode != 0 and "is none of auto, pip, an index URL or a folder of wheels" in nonsense.stderr


def test_setup_installs_the_pins_with_the_package_and_its_extras(tmp_path):
    recipe = make("-n", "setup", f"VENV={tmp_path / 'venv'}").stdout
    install = [line for line in recipe.splitlines() if "pip install -q $torch_args" in line]
    assert install and install[0].endswith('-r requirements.txt -e ".[lab,dev]"')


# ---------------------------------------------------------------- test tiers
def pytest_lines(target: str, tmp_path: Path) -> list[str]:
    lines = make("-n", target, f"VENV={tmp_path / 'venv'}").stdout.splitlines()
    return [line for line in lines if "bin/pytest" in line]


def test_make_test_runs_the_fast_tiers_and_test_all_adds_slow_and_the_light_second_runs(tmp_path):
    fast = pytest_lines("test", tmp_path)
    assert any('-m "not slow and not browser and not solved" tests' in line for line in fast)
    assert any("--nbval" in line and line.endswith(" notebooks") for line in fast)
    assert any('-m "browser and not slow"' in line for line in fast)
    assert not any("-m solved" in line or '-m "slow' in line for line in fast)
    everything = pytest_lines("test-all", tmp_path)  # CI: the browser and solved views of the light notebooks only
    fast_without_browser = [line for line in fast if "browser" not in line]
    assert set(fast_without_browser) < set(everything)
    assert any('-m "(browser or solved) and not slow and not heavy"' in line for line in everything)
    assert any('-m "slow and not solved"' in line for line in everything)
    assert any("-m solved" in line for line in pytest_lines("solved", tmp_path))
    assert "jupyter-book build" in make("-n", "test-all", f"VENV={tmp_path / 'venv'}").stdout
    assert re.search(r"^make test-all$", (ROOT / ".ci" / "run").read_text(), re.M)


def test_a_skipped_tier_is_named_in_the_summary(tmp_path):
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (tmp_path / "test_tiers.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.browser\ndef test_in_a_browser():\n    pytest.skip('chromium is not installed')\n\n"
        "@pytest.mark.browser\ndef test_in_another_browser():\n    pytest.skip('chromium is not installed')\n\n"
        "@pytest.mark.network\ndef test_online():\n    pytest.skip('no network')\n\n"
        "def test_plain():\n    pytest.skip('needs two CPUs')\n\n"
        "@pytest.mark.slow\ndef test_slow_that_ran():\n    pass\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "SKIPPED TIER: browser (chromium is not installed: 2 tests)" in result.stdout, result.stdout[-2000:]
    assert "SKIPPED TIER: network (no network: 1 test)" in result.stdout
    assert "SKIPPED TIER: slow" not in result.stdout and "two CPUs)" not in result.stdout  # only tiers, only skips
