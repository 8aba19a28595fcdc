"""Release of a product, e-signed by the lab's qualified person: password re-entry and second factor.

The gate (issue 6): every release test has a result within specification, and the dose is
1-2 x 10^6 cells/kg from a recent weight. A refused release is recorded with its reasons and
changes nothing else.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from mesems.cellproduct import ProductState, Step, check_dose, evaluate_release, require_state
from mesems.errors import AccessDenied, CellProductError, MesemsError
from mesems.web.apps.allocation.secondfactor import verify_second_factor
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.cellproduct.models import Product, QualifiedPerson, ReleaseSignature
from mesems.web.apps.cellproduct.services import lab_participant, latest_weight, product_of, record_event
from mesems.web.apps.trials.services import current_protocol

MEANING = "I release this product for infusion: its release tests and dose meet the protocol's specifications"


def _gate(product: Product) -> tuple[dict[str, Any], list[str]]:
    """What is signed (tests, dose, weight) and the reasons the product may not be released."""
    protocol = current_protocol()
    spec = protocol.cell_product
    rule = next((i.dose for i in protocol.interventions if i.dose is not None), None)
    values = {r.test_id: r.value for r in product.test_results.all()}
    verdict = evaluate_release(spec.release_tests if spec else [], values)
    problems = verdict.problems
    weight = latest_weight(product.participant)
    dose_facts: dict[str, Any] = {}
    if rule is not None:
        dose = check_dose(product.cells_in_dose or 0.0, weight, timezone.localdate(), rule)
        dose_facts = {"cells": product.cells_in_dose, "per_kg": dose.per_kg, "weight_kg": weight.kg if weight else None, "weight_on": weight.measured_on.isoformat() if weight else None}
        if not dose.ok:
            problems.append(f"dose: {dose.reason}")
    content = {"participant": product.participant.code, "batch": product.batch_number, "tests": values, "dose": dose_facts}
    return content, problems


def release_product(actor: Any, participant_code: str, password: str, otp_token: str | None) -> ReleaseSignature:
    participant = lab_participant(actor, participant_code)
    try:
        if not QualifiedPerson.objects.filter(user=actor).exists():
            raise AccessDenied("only the lab's qualified person may release a product", code="not_qualified_person")
        if not password or not actor.check_password(password):
            raise AccessDenied("the password is wrong; re-enter your password to sign", field="password", code="signature_password")
        verify_second_factor(actor, otp_token, "sign a release")
        with transaction.atomic():
            product = product_of(participant, lock=True)
            require_state(Step.RELEASE, product.state, participant.code)
            content, problems = _gate(product)
            if problems:
                raise CellProductError("the product cannot be released: " + "; ".join(problems), code="release_refused", http_status=409)
            now = timezone.now()
            digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
            signature = ReleaseSignature.objects.create(product=product, signer=actor, signed_at=now, meaning=MEANING, content_digest=digest)
            product.state, product.released_at = ProductState.RELEASED, now
            product.save(update_fields=["state", "released_at"])
            record_event(actor, participant, Step.RELEASE, product=product, details={"signature": digest, "meaning": MEANING, **content})
            record_change(actor, "update", product, {"state": [ProductState.BAGS_PREPARED.value, product.state]}, reason=f"e-signed release {digest[:12]}", site_code=participant.site.code)
            record_change(actor, "create", signature, {"signer": [None, actor.get_username()], "content_digest": [None, digest]}, reason=MEANING, site_code=participant.site.code)
            return signature
    except MesemsError as refusal:
        with transaction.atomic():
            product_row = Product.objects.filter(participant=participant).first()
            record_event(actor, participant, Step.REFUSED_RELEASE, product=product_row, details={"reason": refusal.message})
            if product_row is not None:
                record_change(actor, "refused_release", product_row, {}, reason=refusal.message, site_code=participant.site.code)
        raise
