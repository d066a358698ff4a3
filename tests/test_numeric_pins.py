"""The Makefile's ISA_PINS make every numeric library run its AVX2 code, so stored outputs reproduce across x86-64 CPUs.

Each library reads its variable when it loads, so every check runs a fresh Python with the pins (from the Makefile,
the one place they are written) and asks the library what it chose. Where this machine would choose the pinned code
anyway, a control run with another value shows that the library reads the variable here at all.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import bench  # noqa: E402

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64" or "avx2" not in bench.cpu_info()[1],
                                reason="the pins apply to x86-64 CPUs with AVX2 only (the Makefile sets none elsewhere)")


def makefile_pins() -> dict[str, str]:
    """ISA_PINS as written in the Makefile (continuation lines joined, quotes removed)."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = re.search(r"^ISA_PINS\s*:=(.*)$", text, re.M)
    assert line, "the Makefile defines no ISA_PINS"
    return dict(item.split("=", 1) for item in shlex.split(line.group(1)))


def run_with(env: dict[str, str], code: str) -> object:
    """What `code` prints as JSON on its last line, run in a fresh Python with `env` added to this environment."""
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


PINS = makefile_pins()


def test_every_library_that_picks_code_by_cpu_is_pinned() -> None:
    assert set(PINS) == {"OPENBLAS_CORETYPE", "MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA",
                         "FAISS_SIMD_LEVEL", "NPY_DISABLE_CPU_FEATURES"}


def test_tests_and_execute_use_the_pins_but_bench_measures_what_learners_get() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^TEST_ENV := \$\(OFFLINE_ENV\) \$\(ISA_ENV\)$", makefile, re.M)
    assert re.search(r"^ISA_ENV := .*avx2 /proc/cpuinfo.*\$\(ISA_PINS\)", makefile, re.M)
    recipes = dict(re.findall(r"^([a-z-]+):.*\n\t(.*)$", makefile, re.M))
    for target in ("nbval", "nbval-one", "execute", "solved", "unit", "slow"):
        assert recipes[target].startswith("$(TEST_ENV) "), target
    assert recipes["bench"].startswith("$(OFFLINE_ENV) ")


OPENBLAS = ("import json, numpy, scipy.linalg, faiss, gensim.models.word2vec, threadpoolctl; "
            "print(json.dumps(sorted({d['architecture'] for d in threadpoolctl.threadpool_info() "
            "if d['internal_api'] == 'openblas'})))")


def test_openblas_runs_its_haswell_kernels_in_numpy_scipy_gensim_and_faiss() -> None:
    assert run_with(PINS, OPENBLAS) == ["Haswell"]
    assert run_with({**PINS, "OPENBLAS_CORETYPE": "Sandybridge"}, OPENBLAS) == ["Sandybridge"]  # the variable is read


def test_torch_runs_its_avx2_kernels() -> None:
    code = "import json, torch; print(json.dumps(torch.backends.cpu.get_cpu_capability()))"
    assert run_with(PINS, code) == "AVX2"
    assert run_with({**PINS, "ATEN_CPU_CAPABILITY": "default"}, code) == "DEFAULT"


def test_faiss_runs_its_avx2_kernels() -> None:
    code = "import json, faiss; print(json.dumps(faiss.to_string(faiss.SIMDConfig.get_level())))"
    assert run_with(PINS, code) == "AVX2"
    assert run_with({**PINS, "FAISS_SIMD_LEVEL": "NONE"}, code) == "NONE"


def test_numpy_leaves_out_its_avx512_loops() -> None:
    code = ("import json; from numpy._core._multiarray_umath import __cpu_features__ as f; "
            "print(json.dumps([k for k in ('X86_V3', 'X86_V4', 'AVX512_ICL', 'AVX512_SPR') if f.get(k)]))")
    assert run_with(PINS, code) == ["X86_V3"]
    assert run_with({"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR X86_V3"}, code) == []


# MKL and oneDNN cannot be asked which code they run; a short LSTM training whose result changes when either variable
# names older code shows that torch's copies of them read the variables here.
LSTM = """
import hashlib, json, torch
torch.manual_seed(0); torch.set_num_threads(1)
lstm, head = torch.nn.LSTM(32, 64, batch_first=True), torch.nn.Linear(64, 500)
params = list(lstm.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, lr=1e-3)
x, y = torch.randn(8, 12, 32), torch.randint(0, 500, (8 * 12,))
for _ in range(5):
    loss = torch.nn.functional.cross_entropy(head(lstm(x)[0]).reshape(-1, 500), y)
    opt.zero_grad(); loss.backward(); opt.step()
print(json.dumps(hashlib.sha1(b"".join(p.detach().numpy().tobytes() for p in params)).hexdigest()))
"""


@pytest.mark.slow
def test_mkl_and_onednn_read_their_variables() -> None:
    pinned = run_with(PINS, LSTM)
    assert run_with({**PINS, "MKL_CBWR": "COMPATIBLE"}, LSTM) != pinned
    assert run_with({**PINS, "ONEDNN_MAX_CPU_ISA": "SSE41"}, LSTM) != pinned
