"""Every notebook, as a learner gets it, opened in a real browser (Chromium + Playwright) and run in JupyterLab."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import notebook_tiers
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOTS = ROOT / "results" / "screenshots"

pytestmark = pytest.mark.browser


PROGRESS_BAR = re.compile(r"\d+%\|")  # tqdm bars are widgets too, but they close when done


def widget_outputs(nb: dict) -> int:
    """The ipywidgets controls a notebook displays (progress bars left out)."""
    return sum("application/vnd.jupyter.widget-view+json" in out.get("data", {})
               and not PROGRESS_BAR.search("".join(out["data"].get("text/plain", "")))
               for cell in nb["cells"] if cell["cell_type"] == "code" for out in cell.get("outputs", []))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    from browser_lab import CHROMIUM, CHROMIUM_ARGS, jupyter_lab

    sys.path.insert(0, str(ROOT / "tools"))
    from course_views import write_learner_copies

    root = tmp_path_factory.mktemp("lab")
    write_learner_copies(root)  # learners' copies: no outputs, no solution lines; they must run as they are
    env = {"COURSE_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "COURSE_CACHE": str(root / "cache"), "TOKENIZERS_PARALLELISM": "false"}
    with jupyter_lab(root, env) as (base, token), playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield root, base, token, browser
        browser.close()


@pytest.mark.parametrize("notebook", notebook_tiers.params(NOTEBOOKS))
def test_notebook_runs_in_jupyterlab_without_errors(lab, notebook):
    from browser_lab import run_notebook_in_browser

    root, base, token, browser = lab
    shown = run_notebook_in_browser(browser, base, token, f"notebooks/{notebook.name}", SHOTS / f"{notebook.stem}.png")
    saved = json.loads((root / "notebooks" / notebook.name).read_text())
    errors = [out for cell in saved["cells"] if cell["cell_type"] == "code"
              for out in cell.get("outputs", []) if out["output_type"] == "error"]
    assert not errors, f"{notebook.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert shown["error_outputs"] == 0
    assert shown["widget_errors"] == 0
    expected_widgets = widget_outputs(saved)
    assert shown["widgets"] >= expected_widgets, (
        f"{notebook.name}: {shown['widgets']} widgets rendered, {expected_widgets} expected")
    runnable = [c for c in saved["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
                and not "".join(c["source"]).lstrip().startswith("#")]
    assert runnable and all(c.get("execution_count") for c in runnable), "some cells did not run"
