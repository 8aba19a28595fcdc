"""The content security policy in a real browser: every page, the API's documentation included,
loads with no script, style or image refused and no script error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mesems.access import Role
from tests.conftest import REPO
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = ["/", "/participants/SE-KAR-0001/", "/participants/SE-KAR-0001/edit/", "/account/second-factor/", "/api/docs"]


@pytest.fixture
def investigator(make_user: Any, make_participant: Any) -> Any:
    """Made before the browser starts: Playwright's event loop forbids database calls in this thread."""
    make_participant("SE-KAR-0001", "SE-KAR")
    return make_user(Role.INVESTIGATOR, "SE-KAR")


@pytest.fixture
def browser(investigator: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_pages_break_no_rule_of_the_content_security_policy(live_server: Any, investigator: Any, browser: Any) -> None:
    page = browser.new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(f"{page.url}: {message.text}") if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: complaints.append(f"{page.url}: {error}"))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", investigator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if path == "/api/docs":
            page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "test-artifacts" / "csp-api-docs.png"))
    assert complaints == []
