"""The case report form's infusion record takes only the bag that passed the bedside check for its
participant and period, over the API and on the page, so the gate cannot be bypassed on paper;
without a cell product in the protocol the code stays free text."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.access import Role
from tests.web.allocation.conftest import consented  # noqa: F401 (fixture)
from tests.web.cellproduct.conftest import LAB_PASSWORD, gated_list, lab  # noqa: F401 (fixtures)
from tests.web.visits.conftest import install_without_cell_product, report, site_today, week0

pytestmark = pytest.mark.django_db
CODE = "SE-KAR-0001"


class Ward:
    """The nurse (over the API and as a user of the services), the lab and the participant's bags by
    period, after randomisation with a released product and week 0 reported with a weight."""

    def __init__(self, api: Any, nurse: Any, lab_user: Any, bags: dict[int, str], day: str) -> None:
        self.api, self.nurse, self.lab, self.bags, self.day = api, nurse, lab_user, bags, day

    def check_at_bedside(self, period: int) -> None:
        from mesems.web.apps.cellproduct.bedside import bedside_infusion
        from mesems.web.apps.cellproduct.services import thaw_bag

        thaw_bag(self.lab, self.bags[period], "infusion room")
        bedside_infusion(self.nurse, CODE, True, self.bags[period])

    def infusion(self, visit: str, product_code: str) -> dict[str, Any]:
        return {
            "visit": visit,
            "infused_on": self.day,
            "product_code": product_code,
            "dose_per_kg": 1.5e6,
            "volume_ml": 100,
        }

    def post(self, visit: str, product_code: str) -> Any:
        return self.api.post(f"/participants/{CODE}/crf/infusion", self.infusion(visit, product_code))


@pytest.fixture
def ward(gated_list: Any, lab: Any, consented: Any, api: Any) -> Ward:  # noqa: F811 (the imported fixtures)
    from mesems.web.apps.accounts.models import User
    from mesems.web.apps.allocation.services import allocate_next
    from mesems.web.apps.cellproduct.models import Bag
    from mesems.web.apps.cellproduct.seeding import prepare_released_product

    client = api(Role.NURSE)
    nurse = User.objects.get(username="nurse-se-kar")
    participant = consented(CODE)
    prepare_released_product(CODE, lab, LAB_PASSWORD)
    allocate_next(CODE, nurse, "req-infusion-0001")
    day = week0(participant).isoformat()
    assert report(client, CODE, "W00", week0(participant)).status_code == 200
    weight = client.post(
        f"/participants/{CODE}/crf/weight", {"visit": "W00", "measured_on": day, "weight_kg": 70}
    )
    assert weight.status_code == 201, weight.json()
    bags = {b.period: b.code for b in Bag.objects.filter(product__participant=participant)}
    return Ward(client, nurse, lab, bags, day)


def _counts() -> tuple[int, int]:
    from mesems.web.apps.audit.models import AuditEvent
    from mesems.web.apps.visits.models import Infusion

    return Infusion.objects.count(), AuditEvent.objects.count()


def _refused(answer: Any, rule: str) -> str:
    assert answer.status_code == 422, answer.json()
    body = answer.json()
    assert body["field"] == "product_code"
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("product_code", rule)]
    message = body["errors"][0]["message"]
    assert "msc" not in message.lower() and "placebo" not in message.lower()
    return message


def test_a_code_typed_before_the_bedside_check_is_refused_and_nothing_is_saved(ward: Ward) -> None:
    before = _counts()
    message = _refused(ward.post("W00", ward.bags[1]), "no_bedside_check")
    assert (
        "no bag has passed the bedside check for period 1 yet" in message
        and "scan the bag at the bedside first" in message
    )
    assert _counts() == before


def test_another_code_is_refused_naming_both_codes_and_nothing_is_saved(ward: Ward) -> None:
    ward.check_at_bedside(1)
    before = _counts()
    message = _refused(ward.post("W00", ward.bags[2]), "not_the_checked_bag")
    assert (
        f"{ward.bags[2]} is not the bag that passed the bedside check for period 1 ({ward.bags[1]})"
        in message
    )
    _refused(ward.post("W00", "P-XXXX"), "not_the_checked_bag")
    assert _counts() == before


def test_the_checked_bag_is_accepted_as_a_nurse_types_it(ward: Ward) -> None:
    ward.check_at_bedside(1)
    typed = ward.bags[1].removeprefix("P-").lower()
    saved = ward.post("W00", typed)
    assert saved.status_code == 201, saved.json()
    assert saved.json()["product_code"] == typed


def test_week_24_doses_period_2_and_takes_only_its_bag(ward: Ward) -> None:
    """The week-24 visit belongs to period 1 in the schedule, but its infusion is period 2's."""
    ward.check_at_bedside(1)
    assert ward.post("W00", ward.bags[1]).status_code == 201
    assert report(ward.api, CODE, "W24", site_today()).status_code == 200
    message = _refused(ward.post("W24", ward.bags[1]), "no_bedside_check")
    assert "for period 2" in message
    ward.check_at_bedside(2)
    _refused(ward.post("W24", ward.bags[1]), "not_the_checked_bag")
    saved = ward.post("W24", ward.bags[2])
    assert saved.status_code == 201, saved.json()


def _product_code_field(answer: Any) -> str:
    return answer.content.decode().split('id="field-product_code"')[1].split('id="field-dose_per_kg"')[0]


def test_the_page_shows_the_refusal_at_the_field_and_offers_the_checked_bag(ward: Ward) -> None:
    client = Client()
    client.force_login(ward.nurse)
    url = f"/site/p/{CODE}/new/infusion/?visit=W00"

    def posted(product_code: str) -> Any:
        return client.post(url, {k: str(v) for k, v in ward.infusion("W00", product_code).items()})

    before = _counts()
    field = _product_code_field(posted(ward.bags[1]))
    assert "no bag has passed the bedside check for period 1 yet" in field and "autofocus" in field
    assert _counts() == before
    assert f'value="{ward.bags[1]}"' not in _product_code_field(client.get(url))
    ward.check_at_bedside(1)
    assert f'value="{ward.bags[1]}"' in _product_code_field(client.get(url))
    wrong = f"{ward.bags[2]} is not the bag that passed the bedside check for period 1 ({ward.bags[1]})"
    assert wrong in _product_code_field(posted(ward.bags[2]))
    saved = posted(ward.bags[1])
    assert saved.status_code == 302 and _counts()[0] == before[0] + 1


def test_without_a_cell_product_the_code_is_free_text(ward: Ward) -> None:
    install_without_cell_product()
    saved = ward.post("W00", "LOT-2024-117")
    assert saved.status_code == 201, saved.json()
