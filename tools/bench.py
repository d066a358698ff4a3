"""Measure every notebook's wall time and peak memory in three conditions and write the table into README.md.

    make bench                                  # every notebook, every condition (45 to 100 minutes on 2 cores)
    make bench CONDITIONS=binder NB="notebooks/06_elmo_gpt_albert.ipynb"

Conditions, each a learner's first run (an empty course cache, as on a fresh Binder):
- quiet:  nothing else runs;
- busy:   beside one single-threaded process that keeps a core busy (a laptop with a video call open);
- binder: inside a cgroup with Binder's limits, one CPU's worth of time (every core still visible) and 2 GB of
          memory. It needs root and cgroup v1 or v2; where the machine does not allow it the column says so.

Each notebook is executed into a temporary copy (GNU `time -v`: wall clock, peak resident memory of the largest
process), so stored outputs are untouched. Results accumulate in results/bench/<condition>.json, which the
repository keeps, so a run of one notebook leaves the others' figures in place; the README table is rebuilt from
them after every run, with "not measured" where a cell has no figure yet.

Machines differ: the same notebooks took 1.7-2.7x as long on one 2-core build machine as on another. So every result
records the machine it came from (CPU model, cores, vector instructions, and two short speed probes: a one-thread
float32 matrix product and a pure-Python loop), the table names the machines, and the busy/quiet ratio is only
computed from two runs made in the same boot of the same machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from course_utils.environment import NEED_MEMORY_GB as MEMORY_BUDGET_GB  # noqa: E402 (one source of truth)

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {"09": 300}  # seconds (09 fine-tuning trains three models); every other notebook has 120 s
DEFAULT_BUDGET = 120
BUSY_SLOWDOWN = 1.5  # beside a busy process, no notebook may take more than 1.5x its quiet time
BINDER_MEMORY = 2 * 1024**3
CONDITIONS = ("quiet", "busy", "binder")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
CGROUP = "course_bench"
RESULTS = ROOT / "results" / "bench"


def cpu_info() -> tuple[str, set[str]]:
    """This CPU's model name and instruction-set flags from /proc/cpuinfo ("unknown CPU" and none elsewhere)."""
    info = ""
    with contextlib.suppress(OSError):
        info = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    flags = re.search(r"^flags\s*:\s*(.+)$", info, re.MULTILINE)
    return (model[1].strip() if model else "unknown CPU"), set(flags[1].split() if flags else ())


def machine() -> dict[str, object]:
    """The machine a result comes from: CPU model, cores, AVX-512 or not, speed probes, and this boot's id."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    model, flags = cpu_info()
    boot = ""
    with contextlib.suppress(OSError):
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    a = np.random.default_rng(0).random((1000, 1000), dtype=np.float32)
    with threadpool_limits(limits=1):
        a @ a
        start = time.perf_counter()
        for _ in range(10):
            a @ a
        gflops = 10 * 2 * 1000**3 / (time.perf_counter() - start) / 1e9
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    loop = time.perf_counter() - start
    return {"cpu": model, "cores": os.cpu_count(), "avx512": "avx512f" in flags, "gflops_1_thread": round(gflops, 1),
            "python_loop_s": round(loop, 2), "boot": boot}


def describe(m: dict[str, object]) -> str:
    """One line naming a machine, for the table's notes."""
    return (f"{m['cpu']}, {m['cores']} cores, {'AVX-512' if m['avx512'] else 'no AVX-512'}, "
            f"{m['gflops_1_thread']} GFLOP/s one-thread float32 matmul, 3M-step Python loop {m['python_loop_s']} s")


def same_machine(a: dict, b: dict) -> bool:
    """Whether two results come from the same boot of the same machine (so their times can be compared)."""
    ma, mb = a.get("machine"), b.get("machine")
    return bool(ma and mb and ma.get("boot") and ma.get("boot") == mb.get("boot"))


def _spin() -> None:
    while True:
        pass


@dataclass
class Cgroup:
    """A cgroup with Binder's limits (v1 or v2): the command prefix that enters it and its memory-limit counter."""

    prefix: list[str]
    version: int
    memory_folder: Path

    def reset(self) -> None:
        """Zero the counters that say whether memory reached the limit (v1; v2 counters only grow)."""
        if self.version == 1:
            for name in ("memory.failcnt", "memory.max_usage_in_bytes"):
                with contextlib.suppress(OSError):
                    (self.memory_folder / name).write_text("0")

    def limit_events(self) -> tuple[int, int]:
        """(times memory reached the limit, processes killed for memory) so far."""
        if self.version == 1:
            hits = int((self.memory_folder / "memory.failcnt").read_text())
            control = (self.memory_folder / "memory.oom_control").read_text()
            kills = re.search(r"oom_kill (\d+)", control)
            return hits, int(kills[1]) if kills else 0
        events = dict(line.split() for line in (self.memory_folder / "memory.events").read_text().splitlines())
        return int(events.get("max", 0)), int(events.get("oom_kill", 0))


def _binder_cgroup() -> Cgroup | str:
    """A cgroup with one CPU's worth of time and 2 GB, or the reason none can be made here."""
    enter = 'for p in $CG_PROCS; do echo $$ > "$p" || exit 1; done; exec "$@"'
    v1_cpu, v1_mem = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup/memory")
    try:
        if v1_cpu.is_dir() and v1_mem.is_dir():
            cpu, mem = v1_cpu / CGROUP, v1_mem / CGROUP
            cpu.mkdir(exist_ok=True)
            mem.mkdir(exist_ok=True)
            (cpu / "cpu.cfs_period_us").write_text("100000")
            (cpu / "cpu.cfs_quota_us").write_text("100000")
            (mem / "memory.limit_in_bytes").write_text(str(BINDER_MEMORY))
            procs = f"{cpu}/cgroup.procs {mem}/cgroup.procs"
            return Cgroup(["env", f"CG_PROCS={procs}", "sh", "-c", enter, "sh"], 1, mem)
        unified = Path("/sys/fs/cgroup")
        if (unified / "cgroup.controllers").is_file():
            group = unified / CGROUP
            group.mkdir(exist_ok=True)
            (group / "cpu.max").write_text("100000 100000")
            (group / "memory.max").write_text(str(BINDER_MEMORY))
            return Cgroup(["env", f"CG_PROCS={group}/cgroup.procs", "sh", "-c", enter, "sh"], 2, group)
    except OSError as err:
        return f"not measured: making a cgroup needs root ({err.strerror})"
    return "not measured: no cgroup v1 or v2 CPU and memory controllers here"


@contextlib.contextmanager
def condition(name: str) -> Iterator[Cgroup | list[str] | str]:
    """Set up a condition; yields a command prefix, a Cgroup, or the reason the condition cannot run here."""
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
        yield _binder_cgroup()
    else:
        raise SystemExit(f"Unknown condition {name!r}: use {', '.join(CONDITIONS)}.")


def measure(notebook: Path, out_dir: Path, setting: Cgroup | list[str], here: dict[str, object]) -> dict[str, object]:
    """Wall seconds, peak RSS in GB (and, in a cgroup, memory-limit events) of executing one notebook."""
    prefix = setting.prefix if isinstance(setting, Cgroup) else setting
    if isinstance(setting, Cgroup):
        setting.reset()
        hits0, kills0 = setting.limit_events()
    env = os.environ.copy()
    env["COURSE_CACHE"] = str(out_dir / f"cache-{notebook.stem}")  # a first run: empty cache
    cmd = [*prefix, "/usr/bin/time", "-v", sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
           "--execute", "--ExecutePreprocessor.timeout=900", f"--output-dir={out_dir}", str(notebook)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    result: dict[str, object] = {"date": datetime.date.today().isoformat(), "ok": proc.returncode == 0, "machine": here}
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if wall is None or rss is None:
        raise SystemExit(f"{notebook.name}: GNU time printed no figures:\n{proc.stderr[-3000:]}")
    result["seconds"] = round(sum(float(p) * 60**i for i, p in enumerate(reversed(wall[1].split(":")))), 1)
    result["peak_gb"] = round(int(rss[1]) / 1e6, 3)
    if isinstance(setting, Cgroup):
        hits, kills = setting.limit_events()
        result["memory_limit_hits"], result["oom_kills"] = hits - hits0, kills - kills0
    if proc.returncode != 0:
        result["error"] = proc.stderr[-2000:]
    return result


def budget(stem: str) -> int:
    """The wall-time budget of a notebook in seconds."""
    return BUDGETS.get(stem[:2], DEFAULT_BUDGET)


def load(name: str) -> dict[str, dict]:
    """Stored results of one condition, by notebook stem."""
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def verdicts(stem: str, results: dict[str, dict[str, dict]]) -> list[str]:
    """What is over budget for one notebook across the conditions measured."""
    problems = []
    for name in CONDITIONS:
        r = results[name].get(stem)
        if not r or "seconds" not in r:
            continue
        if not r["ok"]:
            problems.append(f"{name}: failed")
        if r["seconds"] > budget(stem):
            problems.append(f"{name}: time")
        if r["peak_gb"] > MEMORY_BUDGET_GB:
            problems.append(f"{name}: memory")
        if r.get("oom_kills"):
            problems.append(f"{name}: killed for memory")
    quiet, busy = results["quiet"].get(stem), results["busy"].get(stem)
    if quiet and busy and same_machine(quiet, busy) and busy["seconds"] > BUSY_SLOWDOWN * max(quiet["seconds"], 10):
        problems.append(f"busy: {busy['seconds'] / quiet['seconds']:.1f}x quiet")
    return problems


def table(notebooks: list[str], results: dict[str, dict[str, dict]], binder_note: str | None) -> str:
    """The README table: every notebook, every condition."""
    def cell(name: str, stem: str) -> str:
        r = results[name].get(stem)
        if name == "binder" and binder_note and not r:
            return binder_note
        if not r:
            return "not measured"
        text = f"{r['seconds']:.0f} s, {r['peak_gb']:.2f} GB"
        if name == "binder":
            text += ", reached 2 GB" if r.get("memory_limit_hits") else ", below 2 GB"
        return text + ("" if r["ok"] else ", FAILED")

    rows = ["| notebook | budget | quiet | busy neighbour | Binder cgroup (1 CPU, 2 GB) | busy / quiet | within |",
            "|---|---|---|---|---|---|---|"]
    for stem in notebooks:
        quiet, busy = results["quiet"].get(stem), results["busy"].get(stem)
        ratio = "–"
        if quiet and busy:
            ratio = (f"{busy['seconds'] / quiet['seconds']:.2f}x" if same_machine(quiet, busy)
                     else "– (two machines)")
        measured = all(results[n].get(stem) for n in CONDITIONS)
        problems = verdicts(stem, results)
        within = ("NO (" + "; ".join(problems) + ")") if problems else ("yes" if measured else "so far")
        rows.append(f"| {stem} | {budget(stem)} s, {MEMORY_BUDGET_GB} GB | {cell('quiet', stem)} | "
                    f"{cell('busy', stem)} | {cell('binder', stem)} | {ratio} | {within} |")
    shown = [results[n][stem] for n in CONDITIONS for stem in notebooks if results[n].get(stem)]
    machines: dict[str, tuple[str, set[str]]] = {}  # one entry per boot (the speed probes vary run to run)
    for r in shown:
        m = r.get("machine")
        key = (m.get("boot") or describe(m)) if m else "unrecorded"
        machines.setdefault(key, (describe(m) if m else "machine not recorded", set()))[1].add(r["date"])
    rows.append("")
    rows.append("Measured with `make bench`. Each run is a learner's first (empty course cache); peak memory is the "
                "largest process's resident set (GNU `time -v`). Machines: "
                + ("; ".join(f"{', '.join(sorted(dates))}: {name}" for name, dates in sorted(machines.values()))
                   or "none yet") + ".")
    if len(machines) > 1:
        rows.append("")
        rows.append("The figures come from more than one machine: compare times within a machine, not across.")
    return "\n".join(rows)


def write_readme(text: str) -> bool:
    """Put the table between the bench markers of README.md."""
    readme = ROOT / "README.md"
    content = readme.read_text()
    if START not in content or END not in content:
        return False
    head, rest = content.split(START, 1)
    readme.write_text(f"{head}{START}\n{text}\n{END}{rest.split(END, 1)[1]}")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conditions", default=" ".join(CONDITIONS),
                        help="space-separated, from: quiet busy binder (default: all three)")
    parser.add_argument("--condition", dest="conditions", help="one condition (same as --conditions NAME)")
    parser.add_argument("--no-readme", action="store_true", help="print the table, do not write README.md")
    parser.add_argument("notebooks", nargs="*", help="only these (default: every notebook)")
    args = parser.parse_args()
    chosen = args.conditions.split()
    if unknown := [c for c in chosen if c not in CONDITIONS]:
        raise SystemExit(f"Unknown condition(s) {unknown}: use {', '.join(CONDITIONS)}.")
    every = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    notebooks = [Path(n).resolve() for n in args.notebooks] or every
    RESULTS.mkdir(parents=True, exist_ok=True)
    binder_note = None
    here = machine()
    print(f"machine: {describe(here)}", flush=True)
    for name in chosen:
        stored = load(name)
        with tempfile.TemporaryDirectory() as tmp, condition(name) as setting:
            if isinstance(setting, str):
                binder_note = setting
                print(f"{name}: {setting}; skipped", flush=True)
                continue
            for nb in notebooks:
                stored[nb.stem] = measure(nb, Path(tmp), setting, here)
                r = stored[nb.stem]
                extra = f", memory limit reached {r['memory_limit_hits']}x" if "memory_limit_hits" in r else ""
                print(f"{name:6} {nb.stem}: {r['seconds']:.0f} s, {r['peak_gb']:.2f} GB{extra}"
                      f"{'' if r['ok'] else ' FAILED'}", flush=True)
                (RESULTS / f"{name}.json").write_text(json.dumps(stored, indent=1, sort_keys=True))
    results = {name: load(name) for name in CONDITIONS}
    text = table([nb.stem for nb in every], results, binder_note)
    print(text)
    if not args.no_readme and write_readme(text):
        print("README.md updated")
    failing = [nb.stem for nb in notebooks if verdicts(nb.stem, results)]
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
