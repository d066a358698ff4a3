"""Drive a real JupyterLab in Debian's Chromium with Playwright (used by tests/test_browser.py)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyter_lab(root: Path, env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Start JupyterLab on 127.0.0.1 serving root; yield (base_url, token); stop it afterwards."""
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log = open(root / "jupyter.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"JupyterLab did not start: {(root / 'jupyter.log').read_text()[-2000:]}")
        yield base, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def shutdown_kernels(base: str, token: str) -> None:
    """Stop every kernel the server runs, so each notebook starts alone (Binder-like memory)."""
    import json

    sessions = json.load(urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10))
    for session in sessions:
        req = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(req, timeout=30)


def _dismiss_popups(page) -> None:
    if page.get_by_text("Select Kernel", exact=True).count():
        page.get_by_role("button", name="Select", exact=True).click()
    no_news = page.get_by_role("button", name="No", exact=True)
    if no_news.count():
        no_news.first.click()


# A guard against a hung kernel, not a time budget (budgets are `make bench`'s): 09 alone took 425 s outside the browser
# on a slow 2-core machine, where the old 400 s limit would have failed a notebook that works.
HANG_GUARD_S = 1800


def run_notebook_in_browser(browser, base: str, token: str, relpath: str, screenshot: Path,
                            timeout_s: float = HANG_GUARD_S) -> dict:
    """Open a notebook in a fresh page, run all cells, save, screenshot; return what the page showed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/{relpath}?reset&token={token}")
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        panel.locator(".jp-Cell").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        _dismiss_popups(page)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        start = time.monotonic()
        page.wait_for_timeout(1500)
        while time.monotonic() - start < timeout_s:
            _dismiss_popups(page)
            busy = panel.locator(".jp-InputPrompt", has_text="[*]").count()
            idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count()
            if busy == 0 and idle:
                break
            page.wait_for_timeout(1000)
        else:
            raise TimeoutError(f"{relpath} still running after {timeout_s} s")
        seconds = time.monotonic() - start
        page.wait_for_timeout(1500)  # let widget views render
        page.keyboard.press("Control+s")
        page.wait_for_timeout(1500)
        _dismiss_popups(page)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
        return {
            "seconds": seconds,
            "widgets": panel.locator(".jp-OutputArea-output .jupyter-widgets").count(),
            "widget_errors": panel.get_by_text("Error displaying widget").count(),
            "error_outputs": panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count(),
        }
    finally:
        context.close()
        shutdown_kernels(base, token)
