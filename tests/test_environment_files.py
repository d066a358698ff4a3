"""requirements.txt, environment.yml and binder/ must install the same pinned set."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)$")


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            match = PIN.match(line)
            assert match, f"requirements.txt line is not pinned with ==: {line!r}"
            pins[match[1].lower()] = match[2]
    return pins


def conda_pins(path: Path) -> dict[str, str]:
    spec = yaml.safe_load(path.read_text())
    pip_section = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    pins = {}
    for entry in pip_section:
        if entry.startswith("-"):
            continue
        match = PIN.match(entry.strip())
        assert match, f"{path.name} pip entry is not pinned with ==: {entry!r}"
        pins[match[1].lower()] = match[2]
    return pins


def test_requirements_pin_torch_to_the_cpu_build_on_disk():
    assert requirement_pins()["torch"] == "2.13.0"


def test_environment_yml_pins_exactly_the_requirements():
    assert conda_pins(ROOT / "environment.yml") == requirement_pins()


def test_binder_builds_the_same_environment():
    binder_env = ROOT / "binder" / "environment.yml"
    assert binder_env.resolve() == (ROOT / "environment.yml").resolve(), "binder/environment.yml must link to the root file"
    assert conda_pins(binder_env) == requirement_pins()
    assert "python=3.11" in binder_env.read_text()
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and "set -e" in post_build and "pip install --no-deps -e ." in post_build


def test_environment_yml_uses_the_cpu_wheel_index_for_torch():
    text = (ROOT / "environment.yml").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text


def test_pyproject_reads_its_dependencies_from_requirements():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "dependencies" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["dependencies"]["file"] == ["requirements.txt"]
