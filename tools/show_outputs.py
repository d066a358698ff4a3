"""Print a notebook's code cells and their text outputs, to read what a run measured.

Usage: python tools/show_outputs.py notebooks/NN_name.ipynb [...]
"""

from __future__ import annotations

import sys


def show(path: str) -> None:
    """Print each code cell's first line and its outputs (figures as one line)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        print(f"--- [{i}] {cell.source.splitlines()[0] if cell.source else ''}")
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                print(f"({out.name}) {out.text.rstrip()[:1500]}")
            elif "data" in out:
                text = out.data.get("text/plain", "")
                print(text[:1500] if "image/png" not in out.data else "[figure] " + text[:80])
            elif out.output_type == "error":
                print("ERROR", out.ename, out.evalue)


def main(paths: list[str]) -> int:
    """Show every notebook named on the command line."""
    for path in paths:
        show(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
