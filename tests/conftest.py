import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Skips when it is missing, unless CI requires it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("PSOASQUIZ_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and PSOASQUIZ_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright runs its own event loop; Django must not refuse ORM calls made beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# axe-core rules whose failures we treat as blocking: WCAG A and AA, plus best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's script, as shipped inside the axe-playwright-python wheel (from PyPI)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def axe_check(axe_source):
    """Run axe-core on the page; returns the serious and critical violations, readably."""

    def check(page):
        page.evaluate(axe_source)
        result = page.evaluate(
            "opts => axe.run(document, opts)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the guessing limits (quizzes/services/
    login_limits.py) and API throttles count per address, and every test client is 127.0.0.1.
    The same for the question versions a process keeps (SQLite gives rolled-back ids again)."""
    from django.core.cache import cache

    from quizzes.selectors.versions import forget_versions

    cache.clear()
    forget_versions()
