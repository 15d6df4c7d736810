"""Real Chromium through Playwright. Missing browser: skipped with a reason on a
developer's machine, a failure in CI."""
from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("SENTEM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install Debian's chromium")
        pytest.skip(f"browser journeys need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def a11y_context(browser, live_server):
    """A browser context where axe-core may be injected (CSP bypass, tests only)."""
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", bypass_csp=True)
    context.set_default_timeout(15000)
    yield context
    context.close()
