"""The rendered course site: built offline with Jupyter Book from the stored outputs, opened in a real browser."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    return [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]


def test_toc_lists_every_notebook_in_course_order():
    assert toc_files() == [f"notebooks/{nb.stem}" for nb in NOTEBOOKS]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--config", str(ROOT / "book" / "_config.yml"),
           "--toc", str(ROOT / "book" / "_toc.yml"), "--path-output", str(out), "--warningiserror"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "_build" / "html"


@pytest.mark.slow  # builds the whole site with Jupyter Book (make test-all)
def test_site_has_a_page_per_notebook(site):
    for nb in NOTEBOOKS:
        page = site / "notebooks" / f"{nb.stem}.html"
        assert page.exists(), f"no page for {nb.name}"


@pytest.mark.slow
@pytest.mark.browser
def test_site_pages_show_navigation_and_figures_in_a_browser(site):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    from browser_lab import CHROMIUM, CHROMIUM_ARGS

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(f"{base}/index.html")
            page.wait_for_url("**/book/intro.html")  # the site's index redirects to the course's front page
            links = page.locator("nav.bd-links a.reference.internal")
            links.first.wait_for()
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            chapters = [h.split("/")[-1].removesuffix(".html") for h in hrefs if "notebooks/" in h]
            assert chapters == [nb.stem for nb in NOTEBOOKS], f"navigation: {hrefs}"
            page.screenshot(path=str(ROOT / "results" / "site-index.png"))
            for nb in NOTEBOOKS:
                figures = sum("image/png" in out.get("data", {}) for cell in json.loads(nb.read_text())["cells"]
                              for out in cell.get("outputs", []))
                page.goto(f"{base}/notebooks/{nb.stem}.html")
                assert page.locator("h1").first.inner_text().startswith(nb.stem[:2])
                loaded = "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length"
                shown = page.locator("article img").evaluate_all(loaded)
                assert shown >= figures, f"{nb.name}: {shown} figures shown, {figures} stored"
            browser.close()
    finally:
        server.shutdown()
