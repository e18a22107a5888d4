"""GraphiQL in a real headless Chromium: the page loads from this server alone, runs a query,
and shows the answer; the screenshot is checked too."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from orggraph.api import create_app
from orggraph.api.server import running
from orggraph.loader.load import load

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if CHROMIUM is None or sync_playwright is None:
        message = "needs Debian's chromium and the playwright package (scripts/test.sh installs both)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def test_graphiql_loads_and_runs_a_query(browser, tmp_path):
    from orggraph.config import Settings
    from orggraph.engine import open_engine
    from PIL import Image

    engine = open_engine(Settings(engine="embedded", db_path=tmp_path / "g.lbdb"))
    load(engine, [SEEDS])
    requests_outside: list[str] = []
    try:
        with running(create_app(engine)) as base_url:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("request", lambda r: None if r.url.startswith(base_url)
                    else requests_outside.append(r.url))
            page.goto(base_url + "/graphql", wait_until="networkidle")
            page.wait_for_selector(".graphiql-container", timeout=20_000)
            page.click(".graphiql-execute-button")
            result = page.locator(".result-window")
            result.get_by_text("Felles barneverntjeneste").wait_for(timeout=20_000)
            text = result.inner_text()
            shot = tmp_path / "graphiql.png"
            page.screenshot(path=str(shot))
    finally:
        engine.close()
    assert '"agreementsOf"' in text and "Felles barneverntjeneste" in text and "Salangen kommune" in text
    assert requests_outside == [], "GraphiQL must not need the internet"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 800)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50, "the screenshot is blank"
