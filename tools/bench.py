"""Measure every notebook's wall time and peak memory (GNU time -v) and write the table into README.md.

Run with `make bench`. Each notebook is executed into a temporary copy, so stored outputs are untouched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {"07": 300}  # seconds; every other notebook has 120 s
MEMORY_BUDGET_GB = 1.5
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def measure(notebook: Path, out_dir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in GB of executing one notebook."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
           "--ExecutePreprocessor.timeout=600", f"--output-dir={out_dir}", str(notebook)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=os.environ.copy())
    if proc.returncode != 0:
        raise SystemExit(f"{notebook.name} failed:\n{proc.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)[1]
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall.split(":"))))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)[1])
    return seconds, rss_kb / 1e6


def main() -> int:
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for nb in notebooks:
            seconds, gb = measure(nb, Path(tmp))
            budget = BUDGETS.get(nb.name[:2], 120)
            ok = seconds <= budget and gb <= MEMORY_BUDGET_GB
            if not ok:
                failures.append(nb.name)
            rows.append(f"| {nb.stem} | {seconds:.0f} s | {gb:.2f} GB | {budget} s, {MEMORY_BUDGET_GB} GB | {'yes' if ok else 'NO'} |")
            print(rows[-1], flush=True)
    table = "\n".join(["| notebook | wall time | peak memory | budget | within |", "|---|---|---|---|---|", *rows])
    readme = ROOT / "README.md"
    text = readme.read_text()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        readme.write_text(f"{head}{START}\n{table}\n{END}{rest.split(END, 1)[1]}")
        print("README.md updated")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
