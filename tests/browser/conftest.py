"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

The browser is never downloaded: it is /usr/bin/chromium (scripts/run-tests installs it with apt).
Screenshots land in tests/browser/artifacts/ (ignored by git) for a person to look at.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM calls
# made by the test itself (factories, assertions) as "unsafe from an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from tests.factories import PASSWORD  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/run-tests does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db) -> Page:
    """A fresh browser context per test (no cookies carried over), in Chinese, on a desktop screen."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def log_in(page: Page, live_server):
    """log_in(staff_or_username, password=PASSWORD, screenshot=None): log in through the real login form."""

    def _log_in(who, password: str = PASSWORD, screenshot: str | None = None) -> Page:
        username = who if isinstance(who, str) else who.user.username
        page.goto(live_server.url + "/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        if screenshot:
            save_screenshot(page, screenshot)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/")
        return page

    return _log_in


def save_screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
