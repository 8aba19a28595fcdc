"""The site's day in Debian's chromium: a nurse enters week-4 data and an adverse event, sees a bad
value refused at its field and fixes it; the investigator signs the visit; a monitor raises a
query and the nurse answers it. A screenshot of each main page goes to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mesems.access import Role
from tests.conftest import REPO
from tests.web.conftest import PASSWORD
from tests.web.visits.conftest import site_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = "SE-KAR-0001"
SHOTS = REPO / "test-artifacts" / "crf"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv(
        "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
    )  # Playwright's loop runs in the test thread; the server has its own
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield browser
        browser.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(browser: Any, url: str, username: str) -> Any:
    page = browser.new_page(
        viewport={"width": 1366, "height": 800}, locale="en-GB", timezone_id="Europe/Stockholm"
    )
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the keyboard alone signs in
    page.wait_for_url(f"{url}/")
    return page


def test_a_day_at_the_site(browser: Any, live_server: Any, randomised: Any, make_user: Any) -> None:
    randomised(CODE, weeks_ago=5)
    nurse_user, investigator_user, monitor_user = (
        make_user(Role.NURSE, "SE-KAR"),
        make_user(Role.INVESTIGATOR, "SE-KAR"),
        make_user(Role.MONITOR),
    )
    url, visit_day = live_server.url, (site_today() - dt.timedelta(days=7)).isoformat()

    nurse = sign_in(browser, url, nurse_user.username)
    shot(nurse, "01-home")
    nurse.click("text=Site work")
    nurse.wait_for_selector("text=Participants and their next visit")
    shot(nurse, "02-site-dashboard")
    nurse.click(f"a:text('{CODE}')")
    nurse.wait_for_selector("h1:has-text('Participant')")
    shot(nurse, "03-participant")
    nurse.click("a:text-is('W04')")
    nurse.fill("#id_visit_date", visit_day)
    nurse.select_option("#id_ae_review", "yes")
    nurse.select_option("#id_conmed_review", "no")
    nurse.select_option("#id_relapse_review", "no")
    nurse.click("text=Save visit report")
    nurse.wait_for_selector("text=Visit W04 saved.")

    nurse.click("text=Enter Vital signs")
    nurse.fill("#id_measured_on", visit_day)
    for field, value in (("systolic_bp", "1200"), ("diastolic_bp", "80"), ("heart_rate", "68")):
        nurse.fill(f"#id_{field}", value)
    nurse.click("button:text-is('Save')")
    error = nurse.locator("#field-systolic_bp .errorlist")
    assert "outside 60-250 mmHg" in error.inner_text()
    assert nurse.evaluate("document.activeElement.id") == "id_systolic_bp", (
        "the first bad field has the focus"
    )
    shot(nurse, "04-form-error-at-field")
    nurse.fill("#id_systolic_bp", "120")
    nurse.click("button:text-is('Save')")
    nurse.wait_for_selector("text=Vital signs saved.")
    shot(nurse, "05-form-saved")

    nurse.goto(f"{url}/site/p/{CODE}/visits/W04/")
    nurse.click("text=Enter MRI read")
    nurse.fill("#id_scan_date", visit_day)
    nurse.fill("#id_gel", "1")
    nurse.click("button:text-is('Save')")
    nurse.wait_for_selector("text=MRI read saved.")
    nurse.goto(f"{url}/site/p/{CODE}/visits/W04/")
    nurse.click("a.button:text-is('Adverse event')")
    nurse.fill("#id_term", "headache the day after the visit")
    nurse.select_option("#id_soc", "Nervous system disorders")
    nurse.fill("#id_pt", "Headache")
    nurse.fill("#id_grade", "6")
    nurse.select_option("#id_causality", "possible")
    nurse.select_option("#id_outcome", "recovering")
    nurse.fill("#id_start_date", visit_day)
    nurse.click("button:text-is('Save')")
    assert "CTCAE grade 6 is not valid" in nurse.locator("#field-grade .errorlist").inner_text()
    nurse.fill("#id_grade", "1")
    nurse.click("button:text-is('Save')")
    nurse.wait_for_selector("text=Adverse event saved.")
    nurse.click("text=Sign out")

    investigator = sign_in(browser, url, investigator_user.username)
    investigator.goto(f"{url}/site/p/{CODE}/visits/W04/")
    shot(investigator, "06-visit")
    investigator.click("text=Sign this visit")
    assert "legally binding" in investigator.locator("#meaning").inner_text()
    investigator.fill("#id_password", PASSWORD)
    shot(investigator, "07-sign")
    investigator.press("#id_password", "Enter")
    investigator.wait_for_selector(f"text=Signed by {investigator_user.username}")

    monitor = sign_in(browser, url, monitor_user.username)
    monitor.goto(f"{url}/site/p/{CODE}/visits/W04/")
    monitor.click("a:text-is('Vital signs')")
    monitor.select_option("#query-field", "heart_rate")
    monitor.fill("#query-text", "The ECG strip says 64 bpm: please check.")
    monitor.click("button:text-is('Raise query')")
    monitor.wait_for_selector("text=The ECG strip says 64 bpm")
    shot(monitor, "08-query-raised")

    nurse = sign_in(browser, url, nurse_user.username)
    nurse.click("nav >> text=Queries")
    shot(nurse, "09-queries")
    nurse.click("text=vital-signs #")
    nurse.fill("textarea[name=text]", "Checked against the ECG: 64 is right; corrected.")
    nurse.click("text=Send answer")
    nurse.wait_for_selector("article.query:has-text('answered')")
    nurse.click("text=Audit trail")
    nurse.wait_for_selector("text=systolic_bp")
    shot(nurse, "10-audit")

    from mesems.web.apps.visits.models import Query

    assert Query.objects.get().status == "answered"
    assert len(list(Path(SHOTS).glob("*.png"))) >= 10
