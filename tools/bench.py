"""Measure every notebook's wall time and peak memory (GNU time -v) and write the table into README.md.

Run with `make bench` (quiet machine), `make bench CONDITION=busy` (beside one process that keeps a core busy,
as on a laptop) or `make bench CONDITION=binder` (inside a 1-CPU / 2-GB cgroup, as on Binder; needs root and
cgroup v1). Each notebook is executed into a temporary copy, so stored outputs are untouched. Only the quiet
run writes README.md; the others print their table.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {"09": 300}  # seconds (09 fine-tuning trains three models); every other notebook has 120 s
MEMORY_BUDGET_GB = 1.5
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
CGROUP = "course_bench"


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def condition(name: str) -> Iterator[list[str]]:
    """Set up a condition; yields the command prefix that runs a program inside it."""
    if name == "quiet":
        yield []
    elif name == "busy":
        spinner = multiprocessing.Process(target=_spin, daemon=True)
        spinner.start()
        try:
            yield []
        finally:
            spinner.terminate()
    elif name == "binder":
        cpu, mem = Path("/sys/fs/cgroup/cpu") / CGROUP, Path("/sys/fs/cgroup/memory") / CGROUP
        try:
            cpu.mkdir(exist_ok=True)
            mem.mkdir(exist_ok=True)
            (cpu / "cpu.cfs_period_us").write_text("100000")
            (cpu / "cpu.cfs_quota_us").write_text("100000")  # one CPU's worth of time, every core visible
            (mem / "memory.limit_in_bytes").write_text(str(2 * 1024**3))
        except OSError as err:
            raise SystemExit(f"CONDITION=binder needs root and cgroup v1 under /sys/fs/cgroup ({err}).") from None
        enter = f"echo $$ > {cpu}/cgroup.procs && echo $$ > {mem}/cgroup.procs && exec \"$@\""
        yield ["sh", "-c", enter, "sh"]
    else:
        raise SystemExit(f"Unknown condition {name!r}: use quiet, busy or binder.")


def measure(notebook: Path, out_dir: Path, prefix: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in GB of executing one notebook."""
    cmd = [*prefix, "/usr/bin/time", "-v", sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
           "--execute", "--ExecutePreprocessor.timeout=900", f"--output-dir={out_dir}", str(notebook)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=os.environ.copy())
    if proc.returncode != 0:
        raise SystemExit(f"{notebook.name} failed:\n{proc.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)[1]
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall.split(":"))))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
    return seconds, rss_kb / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--condition", default="quiet", choices=["quiet", "busy", "binder"])
    parser.add_argument("notebooks", nargs="*", help="only these (default: every notebook)")
    args = parser.parse_args()
    notebooks = [Path(n) for n in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp, condition(args.condition) as prefix:
        for nb in notebooks:
            seconds, gb = measure(nb.resolve(), Path(tmp), prefix)
            budget = BUDGETS.get(nb.name[:2], 120)
            ok = seconds <= budget and gb <= MEMORY_BUDGET_GB
            if not ok:
                failures.append(nb.name)
            rows.append(f"| {nb.stem} | {seconds:.0f} s | {gb:.2f} GB | {budget} s, {MEMORY_BUDGET_GB} GB | "
                        f"{'yes' if ok else 'NO'} |")
            print(rows[-1], flush=True)
    table = "\n".join(["| notebook | wall time | peak memory | budget | within |", "|---|---|---|---|---|", *rows])
    print(f"condition: {args.condition}")
    readme = ROOT / "README.md"
    text = readme.read_text()
    if args.condition == "quiet" and not args.notebooks and START in text and END in text:
        head, rest = text.split(START, 1)
        readme.write_text(f"{head}{START}\n{table}\n{END}{rest.split(END, 1)[1]}")
        print("README.md updated")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
