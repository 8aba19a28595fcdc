"""Who may take reports and exports: unblinded content only ever to an unblinded role."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.access import UNBLINDED_ROLES, Role, access, is_blinded
from mesems.access.datasets import (
    EXPORT_ROLES,
    REPORT_ROLES,
    UNBLINDED_EXPORT_ROLES,
    UNBLINDED_REPORT_ROLES,
    may_take_reports,
    require_dataset_access,
    require_report_access,
)
from mesems.errors import AccessDenied

roles = st.sampled_from(list(Role))


def test_unblinded_content_goes_to_unblinded_roles_only() -> None:
    assert UNBLINDED_REPORT_ROLES == UNBLINDED_EXPORT_ROLES == {Role.UNBLINDED_STATISTICIAN, Role.DSMB}
    assert REPORT_ROLES == EXPORT_ROLES == {Role.SPONSOR_ADMIN, Role.DATA_MANAGER, Role.BLINDED_STATISTICIAN, Role.UNBLINDED_STATISTICIAN, Role.DSMB}
    for route in ("page:datasets:index", "page:datasets:report", "page:datasets:export", "api:datasets_reports", "api:datasets_take_export"):
        assert {r for r in Role if access(r, route).permits} == REPORT_ROLES, route
    assert UNBLINDED_EXPORT_ROLES <= UNBLINDED_ROLES and UNBLINDED_REPORT_ROLES <= UNBLINDED_ROLES
    assert not (REPORT_ROLES | EXPORT_ROLES) & {Role.NURSE, Role.INVESTIGATOR, Role.OUTCOME_ASSESSOR}, "site roles see one site only"


@given(roles, st.booleans())
def test_reports_and_exports_follow_the_tables(role: Role, unblinded: bool) -> None:
    for require, allowed in ((require_report_access, UNBLINDED_REPORT_ROLES if unblinded else REPORT_ROLES),
                             (require_dataset_access, UNBLINDED_EXPORT_ROLES if unblinded else EXPORT_ROLES)):
        if role in allowed:
            assert require(role, unblinded=unblinded) is role
            assert not unblinded or not is_blinded(role)
        else:
            with pytest.raises(AccessDenied) as refused:
                require(role, unblinded=unblinded)
            assert refused.value.field == "role" and f"role {role.value!r} may not take" in refused.value.message
    assert may_take_reports(role) is (role in REPORT_ROLES | EXPORT_ROLES)


@pytest.mark.parametrize("unblinded", [False, True])
def test_no_role_is_refused_with_the_allowed_ones_named(unblinded: bool) -> None:
    with pytest.raises(AccessDenied, match=r"needs the role of the person taking it; allowed: \[.*dsmb.*\]"):
        require_dataset_access(None, unblinded=unblinded)
