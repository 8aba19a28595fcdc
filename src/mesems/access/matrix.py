"""The authorisation matrix: for every action and every role, allow, deny or own site only.

This is the one table that says who may do what. The web shell enforces it on every API
operation and every page (`mesems.web.access`), and `tests/web/test_access.py` walks the
whole API and every URL as each role and checks each answer against it; an operation or a
page without a row fails that test with its name.

Actions are named by where they are reached:

    api:<operationId>      an operation of the JSON API, as named in /api/openapi.json
    page:<url name>        a page, by its Django URL name (with its namespace, `app:name`)
    export:<name>          an action that is not a route of its own (checked with `authorise`)

Cells:

    A  allow
    S  own site only: allowed, but a user bound to a site sees and changes only that site's
       records (another site's are "not found", exactly like records that do not exist);
       a user bound to no site sees every site
    -  deny (403)
    P  public: anyone, signed in or not (the whole row is P)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from mesems.access.roles import Role


class Access(StrEnum):
    ALLOW = "allow"
    OWN_SITE = "own_site"
    DENY = "deny"
    PUBLIC = "public"

    @property
    def permits(self) -> bool:
        return self is not Access.DENY


CELLS: Mapping[str, Access] = MappingProxyType({"A": Access.ALLOW, "S": Access.OWN_SITE, "-": Access.DENY, "P": Access.PUBLIC})

COLUMNS: Mapping[str, Role] = MappingProxyType({
    "adm": Role.SPONSOR_ADMIN,
    "inv": Role.INVESTIGATOR,
    "nur": Role.NURSE,
    "oa": Role.OUTCOME_ASSESSOR,
    "lab": Role.CELL_LAB,
    "dm": Role.DATA_MANAGER,
    "mon": Role.MONITOR,
    "bst": Role.BLINDED_STATISTICIAN,
    "ust": Role.UNBLINDED_STATISTICIAN,
    "dsmb": Role.DSMB,
})
"""Column headings of the table, in order, and the role each stands for."""

KINDS = ("api", "page", "export")

TABLE = """
action                                  adm inv nur oa  lab dm  mon bst ust dsmb
# signing in and out, the language switch, the API's own description
page:login                              P   P   P   P   P   P   P   P   P   P
page:logout                             P   P   P   P   P   P   P   P   P   P
page:set_language                       P   P   P   P   P   P   P   P   P   P
page:api:api-root                       P   P   P   P   P   P   P   P   P   P
page:api:openapi-json                   P   P   P   P   P   P   P   P   P   P
page:api:openapi-view                   P   P   P   P   P   P   P   P   P   P
api:accounts_create_token               P   P   P   P   P   P   P   P   P   P
# one's own account
api:accounts_me                         A   A   A   A   A   A   A   A   A   A
page:accounts:second_factor             A   A   A   A   A   A   A   A   A   A
# the trial's sites and participants
page:home                               A   S   S   S   A   A   S   A   A   A
page:participant                        A   S   S   S   A   A   S   A   A   A
api:trials_list_sites                   A   S   S   S   A   A   S   A   A   A
api:trials_list_participants            A   S   S   S   A   A   S   A   A   A
api:trials_get_participant              A   S   S   S   A   A   S   A   A   A
# correcting a participant's record, with a reason (audited)
api:trials_update_participant           -   S   -   -   -   A   -   -   -   -
page:participant_edit                   -   S   -   -   -   A   -   -   -   -
# visits: schedules, visit reports, signatures (investigator), consent versions (sponsor)
api:visits_get_schedule                 A   S   S   S   A   A   S   A   A   A
api:visits_post_schedule                A   S   S   -   -   A   -   -   -   -
api:visits_put_visit                    -   S   S   -   -   -   -   -   -   -
api:visits_post_unscheduled             -   S   S   -   -   -   -   -   -   -
api:visits_post_sign                    -   S   -   -   -   -   -   -   -   -
api:visits_get_visit_audit              A   S   S   S   A   A   S   A   A   A
api:visits_list_consent_versions        A   S   S   S   A   A   S   A   A   A
api:visits_post_consent_version         A   -   -   -   -   -   -   -   -   -
api:visits_get_reconsent                A   S   S   S   A   A   S   A   A   A
api:visits_meddra_terms                 A   S   S   S   A   A   S   A   A   A
page:visits:dashboard                   A   S   S   S   A   A   S   A   A   A
page:visits:participant                 A   S   S   S   A   A   S   A   A   A
page:visits:visit                       A   S   S   S   A   A   S   A   A   A
page:visits:sign                        -   S   -   -   -   -   -   -   -   -
page:visits:visit_audit                 A   S   S   S   A   A   S   A   A   A
page:visits:meddra                      A   S   S   S   A   A   S   A   A   A
# data queries: raised by data managers and monitors, answered by the site; not the blinded rater's
api:visits_list_queries                 A   S   S   -   -   A   S   -   -   -
api:visits_query_counts                 A   S   S   -   -   A   S   -   -   -
api:visits_post_query                   -   -   -   -   -   A   S   -   -   -
api:visits_move                         -   S   S   -   -   A   S   -   -   -
page:visits:queries                     A   S   S   -   -   A   S   -   -   -
page:visits:move_query                  -   S   S   -   -   A   S   -   -   -
page:visits:raise_query                 -   -   -   -   -   A   S   -   -   -
# SAE reporting clocks (not the blinded rater: adverse events could unblind)
api:visits_sae_clock_list               A   S   S   -   A   A   S   A   A   A
# case report forms: site staff enter, the blinded rater only the examination (EDSS, relapse), monitors verify
# (the form pages take the form as a parameter; the rater is refused other forms by mesems.access.crf)
page:visits:record_new                  -   S   S   S   -   -   -   -   -   -
page:visits:record                      A   S   S   S   A   A   S   A   A   A
page:visits:record_audit                A   S   S   S   A   A   S   A   A   A
page:visits:verify                      -   -   -   -   -   -   S   -   -   -
api:list_demographics                   A   S   S   -   A   A   S   A   A   A
api:read_demographics                   A   S   S   -   A   A   S   A   A   A
api:audit_demographics                  A   S   S   -   A   A   S   A   A   A
api:create_demographics                 -   S   S   -   -   -   -   -   -   -
api:update_demographics                 -   S   S   -   -   -   -   -   -   -
api:verify_demographics                 -   -   -   -   -   -   S   -   -   -
api:list_ms_history                     A   S   S   -   A   A   S   A   A   A
api:read_ms_history                     A   S   S   -   A   A   S   A   A   A
api:audit_ms_history                    A   S   S   -   A   A   S   A   A   A
api:create_ms_history                   -   S   S   -   -   -   -   -   -   -
api:update_ms_history                   -   S   S   -   -   -   -   -   -   -
api:verify_ms_history                   -   -   -   -   -   -   S   -   -   -
api:list_consent                        A   S   S   -   A   A   S   A   A   A
api:read_consent                        A   S   S   -   A   A   S   A   A   A
api:audit_consent                       A   S   S   -   A   A   S   A   A   A
api:create_consent                      -   S   S   -   -   -   -   -   -   -
api:update_consent                      -   S   S   -   -   -   -   -   -   -
api:verify_consent                      -   -   -   -   -   -   S   -   -   -
api:list_vital_signs                    A   S   S   -   A   A   S   A   A   A
api:read_vital_signs                    A   S   S   -   A   A   S   A   A   A
api:audit_vital_signs                   A   S   S   -   A   A   S   A   A   A
api:create_vital_signs                  -   S   S   -   -   -   -   -   -   -
api:update_vital_signs                  -   S   S   -   -   -   -   -   -   -
api:verify_vital_signs                  -   -   -   -   -   -   S   -   -   -
api:list_weight                         A   S   S   -   A   A   S   A   A   A
api:read_weight                         A   S   S   -   A   A   S   A   A   A
api:audit_weight                        A   S   S   -   A   A   S   A   A   A
api:create_weight                       -   S   S   -   -   -   -   -   -   -
api:update_weight                       -   S   S   -   -   -   -   -   -   -
api:verify_weight                       -   -   -   -   -   -   S   -   -   -
api:list_labs                           A   S   S   -   A   A   S   A   A   A
api:read_labs                           A   S   S   -   A   A   S   A   A   A
api:audit_labs                          A   S   S   -   A   A   S   A   A   A
api:create_labs                         -   S   S   -   -   -   -   -   -   -
api:update_labs                         -   S   S   -   -   -   -   -   -   -
api:verify_labs                         -   -   -   -   -   -   S   -   -   -
api:list_edss                           A   S   S   S   A   A   S   A   A   A
api:read_edss                           A   S   S   S   A   A   S   A   A   A
api:audit_edss                          A   S   S   S   A   A   S   A   A   A
api:create_edss                         -   S   S   S   -   -   -   -   -   -
api:update_edss                         -   S   S   S   -   -   -   -   -   -
api:verify_edss                         -   -   -   -   -   -   S   -   -   -
api:list_mri                            A   S   S   -   A   A   S   A   A   A
api:read_mri                            A   S   S   -   A   A   S   A   A   A
api:audit_mri                           A   S   S   -   A   A   S   A   A   A
api:create_mri                          -   S   S   -   -   -   -   -   -   -
api:update_mri                          -   S   S   -   -   -   -   -   -   -
api:verify_mri                          -   -   -   -   -   -   S   -   -   -
api:list_infusion                       A   S   S   -   A   A   S   A   A   A
api:read_infusion                       A   S   S   -   A   A   S   A   A   A
api:audit_infusion                      A   S   S   -   A   A   S   A   A   A
api:create_infusion                     -   S   S   -   -   -   -   -   -   -
api:update_infusion                     -   S   S   -   -   -   -   -   -   -
api:verify_infusion                     -   -   -   -   -   -   S   -   -   -
api:list_relapse                        A   S   S   S   A   A   S   A   A   A
api:read_relapse                        A   S   S   S   A   A   S   A   A   A
api:audit_relapse                       A   S   S   S   A   A   S   A   A   A
api:create_relapse                      -   S   S   S   -   -   -   -   -   -
api:update_relapse                      -   S   S   S   -   -   -   -   -   -
api:verify_relapse                      -   -   -   -   -   -   S   -   -   -
api:list_conmed                         A   S   S   -   A   A   S   A   A   A
api:read_conmed                         A   S   S   -   A   A   S   A   A   A
api:audit_conmed                        A   S   S   -   A   A   S   A   A   A
api:create_conmed                       -   S   S   -   -   -   -   -   -   -
api:update_conmed                       -   S   S   -   -   -   -   -   -   -
api:verify_conmed                       -   -   -   -   -   -   S   -   -   -
api:list_deviation                      A   S   S   -   A   A   S   A   A   A
api:read_deviation                      A   S   S   -   A   A   S   A   A   A
api:audit_deviation                     A   S   S   -   A   A   S   A   A   A
api:create_deviation                    -   S   S   -   -   -   -   -   -   -
api:update_deviation                    -   S   S   -   -   -   -   -   -   -
api:verify_deviation                    -   -   -   -   -   -   S   -   -   -
api:list_end_of_study                   A   S   S   -   A   A   S   A   A   A
api:read_end_of_study                   A   S   S   -   A   A   S   A   A   A
api:audit_end_of_study                  A   S   S   -   A   A   S   A   A   A
api:create_end_of_study                 -   S   S   -   -   -   -   -   -   -
api:update_end_of_study                 -   S   S   -   -   -   -   -   -   -
api:verify_end_of_study                 -   -   -   -   -   -   S   -   -   -
api:list_adverse_event                  A   S   S   -   A   A   S   A   A   A
api:read_adverse_event                  A   S   S   -   A   A   S   A   A   A
api:audit_adverse_event                 A   S   S   -   A   A   S   A   A   A
api:create_adverse_event                -   S   S   -   -   -   -   -   -   -
api:update_adverse_event                -   S   S   -   -   -   -   -   -   -
api:verify_adverse_event                -   -   -   -   -   -   S   -   -   -
api:list_sae                            A   S   S   -   A   A   S   A   A   A
api:read_sae                            A   S   S   -   A   A   S   A   A   A
api:audit_sae                           A   S   S   -   A   A   S   A   A   A
api:create_sae                          -   S   S   -   -   -   -   -   -   -
api:update_sae                          -   S   S   -   -   -   -   -   -   -
api:verify_sae                          -   -   -   -   -   -   S   -   -   -
# randomisation (site staff), the blinded view of allocations, emergency unblinding (investigator, second factor)
api:allocation_allocate                 -   S   S   -   -   -   -   -   -   -
api:allocation_list_allocations         A   S   S   S   A   A   S   A   A   A
api:allocation_get_allocation           A   S   S   S   A   A   S   A   A   A
api:allocation_unblind                  -   S   -   -   -   -   -   -   -   -
api:allocation_list_unblindings         A   S   -   -   A   A   S   A   A   A
api:allocation_verification             A   -   -   -   -   A   S   -   A   A
api:allocation_balance                  -   -   -   -   A   -   -   -   A   A
page:allocation:index                   A   S   S   S   A   A   S   A   A   A
page:allocation:detail                  A   S   S   S   A   A   S   A   A   A
page:allocation:randomise               -   S   S   -   -   -   -   -   -   -
page:allocation:unblind                 -   S   -   -   -   -   -   -   -   -
page:allocation:unblindings             A   S   -   -   A   A   S   A   A   A
page:allocation:list                    A   -   -   -   -   A   S   -   A   A
page:allocation:balance                 -   -   -   -   A   -   -   -   A   A
page:allocation:second-factor           A   A   A   A   A   A   A   A   A   A
# cell product: the lab (unblinded) records and releases; the clinic weighs and infuses; unblinded roles see custody
api:cellproduct_dashboard               -   -   -   -   A   -   -   -   A   A
api:cellproduct_custody                 -   -   -   -   A   -   -   -   A   A
api:cellproduct_bags                    A   S   S   -   A   A   S   A   A   A
api:cellproduct_weight                  -   S   S   -   A   -   -   -   -   -
api:cellproduct_release                 -   -   -   -   A   -   -   -   -   -
api:cellproduct_infusion                -   S   S   -   -   -   -   -   -   -
page:cellproduct:dashboard              -   -   -   -   A   -   -   -   A   A
page:cellproduct:product                -   -   -   -   A   -   -   -   A   A
page:cellproduct:custody                -   -   -   -   A   -   -   -   A   A
page:cellproduct:step                   -   -   -   -   A   -   -   -   -   -
page:cellproduct:weight                 A   S   S   -   A   A   S   -   -   -
page:cellproduct:bedside                A   S   S   -   A   A   S   -   A   A
# screening: site staff screen, consent and withdraw; the log for the sponsor, data managers and monitors
api:screening_preview                   -   S   S   -   -   -   -   -   -   -
api:screening_create                    -   S   S   -   -   -   -   -   -   -
api:screening_update                    -   S   S   -   -   -   -   -   -   -
api:screening_consent                   -   S   S   -   -   -   -   -   -   -
api:screening_withdraw                  -   S   S   -   -   -   -   -   -   -
api:screening_list_screenings           A   S   S   -   -   A   S   -   -   -
api:screening_screening_log             A   S   S   -   -   A   S   -   -   -
api:screening_get_screening             A   S   S   -   -   A   S   -   -   -
page:screening:log                      A   S   S   -   -   A   S   -   -   -
page:screening:detail                   A   S   S   -   -   A   S   -   -   -
page:screening:new                      -   S   S   -   -   -   -   -   -   -
page:screening:preview                  -   S   S   -   -   -   -   -   -   -
page:screening:edit                     -   S   S   -   -   -   -   -   -   -
page:screening:consent                  -   S   S   -   -   -   -   -   -   -
page:screening:withdraw                 -   S   S   -   -   -   -   -   -   -
# reports and exports of the whole trial: the page, its two actions, the API (mesems.access.datasets)
page:datasets:index                     A   -   -   -   -   A   -   A   A   A
page:datasets:report                    A   -   -   -   -   A   -   A   A   A
page:datasets:export                    A   -   -   -   -   A   -   A   A   A
api:datasets_reports                    A   -   -   -   -   A   -   A   A   A
api:datasets_take_report                A   -   -   -   -   A   -   A   A   A
api:datasets_exports                    A   -   -   -   -   A   -   A   A   A
api:datasets_take_export                A   -   -   -   -   A   -   A   A   A
# ... and which variant: the unblinded ones only for the unblinded statistician and the DSMB's closed session
export:blinded_report                   A   -   -   -   -   A   -   A   A   A
export:unblinded_report                 -   -   -   -   -   -   -   -   A   A
export:blinded_data                     A   -   -   -   -   A   -   A   A   A
export:unblinded_data                   -   -   -   -   -   -   -   -   A   A
"""


@dataclass(frozen=True)
class Row:
    action: str
    cells: Mapping[Role, Access]

    @property
    def public(self) -> bool:
        return all(a is Access.PUBLIC for a in self.cells.values())


def parse_table(text: str) -> dict[str, Row]:
    """Reads the text table; a malformed table is a programming error and stops the import."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    header, *body = lines
    if header != ["action", *COLUMNS]:
        raise ValueError(f"matrix header must be 'action {' '.join(COLUMNS)}', got {' '.join(header)!r}")
    rows: dict[str, Row] = {}
    for parts in body:
        action, cells = parts[0], parts[1:]
        if action.split(":", 1)[0] not in KINDS or ":" not in action:
            raise ValueError(f"matrix action {action!r} must start with one of {', '.join(k + ':' for k in KINDS)}")
        if len(cells) != len(COLUMNS) or any(c not in CELLS for c in cells):
            raise ValueError(f"matrix row {action!r} needs {len(COLUMNS)} cells, each one of {' '.join(CELLS)}; got {' '.join(cells)!r}")
        if "P" in cells and set(cells) != {"P"}:
            raise ValueError(f"matrix row {action!r}: a public row is P in every column")
        if action in rows:
            raise ValueError(f"matrix row {action!r} appears twice")
        rows[action] = Row(action, MappingProxyType({role: CELLS[c] for role, c in zip(COLUMNS.values(), cells)}))
    return rows


MATRIX: Mapping[str, Row] = MappingProxyType(parse_table(TABLE))


def access(role: Role | None, action: str) -> Access:
    """What `role` (None: not signed in) may do with `action`; an action without a row is denied."""
    row = MATRIX.get(action)
    if row is None:
        return Access.DENY
    if row.public:
        return Access.PUBLIC
    return Access.DENY if role is None else row.cells[role]


def missing_rows(actions: Iterable[str]) -> list[str]:
    """The actions that have no row, in the order given."""
    return [a for a in actions if a not in MATRIX]
