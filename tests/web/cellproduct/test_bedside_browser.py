"""The bedside check in a real browser (Debian's chromium through Playwright): a wrong code is
blocked with a clear message, then the right code records the infusion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mesems.access import Role
from tests.conftest import REPO
from tests.web.cellproduct.conftest import two_randomised
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_wrong_code_then_right_code(live_server: Any, gated_list: Any, lab: Any, consented: Any, make_user: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    from mesems.web.apps.cellproduct.models import BedsideIncident, Infusion

    nurse = make_user(Role.NURSE, "SE-KAR")
    right, wrong = two_randomised(lab, nurse, consented)
    shots = REPO / "test-artifacts"
    shots.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", nurse.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/cellproduct/bedside/SE-KAR-0001/")
        expect(page.get_by_text(f"Period 1: {right}")).to_be_visible()

        page.check("input[name=identity_confirmed]")
        page.fill("input[name=product_code]", wrong)
        page.click("text=Check and record infusion")
        result = page.locator("#bedside-result")
        expect(result).to_contain_text("belongs to another participant")
        expect(result).to_contain_text("do not infuse")
        page.screenshot(path=str(Path(shots) / "bedside-wrong-code.png"))

        page.check("input[name=identity_confirmed]")
        page.fill("input[name=product_code]", right.lower())
        page.click("text=Check and record infusion")
        expect(page.locator("#bedside-result")).to_contain_text("Infusion recorded")
        page.screenshot(path=str(Path(shots) / "bedside-right-code.png"))
        browser.close()

    assert Infusion.objects.count() == 1 and BedsideIncident.objects.count() == 1
