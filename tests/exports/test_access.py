from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.access import UNBLINDED_ROLES, Role
from mesems.errors import AccessDenied
from mesems.exports.access import require_export_access, role_named


@given(role=st.sampled_from(list(Role)))
def test_unblinded_export_only_for_unblinded_roles(role: Role) -> None:
    if role in UNBLINDED_ROLES:
        assert require_export_access(role.value, unblinded=True) is role
    else:
        with pytest.raises(AccessDenied, match="is blinded and may not take an unblinded export"):
            require_export_access(role, unblinded=True)


@given(role=st.sampled_from(list(Role)))
def test_blinded_export_for_every_role(role: Role) -> None:
    assert require_export_access(role.value, unblinded=False) is role


def test_unblinded_export_needs_a_role_and_unknown_roles_are_listed() -> None:
    with pytest.raises(AccessDenied, match="needs the role"):
        require_export_access(None, unblinded=True)
    with pytest.raises(AccessDenied, match="unknown role 'statistician'; expected one of") as caught:
        role_named("statistician")
    assert caught.value.http_status == 403 and caught.value.field == "role"
