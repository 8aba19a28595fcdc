"""Services of the visits app: what pages, the API, the allocation app and the demo call.

- `start_schedule(participant, randomisation_date)`: the allocation app calls it on randomisation.
- `save_record(user, kind, participant_code, data, record_id=..., visit_code=...)`: save a form as a user.
- `report_visit(user, participant_code, visit_code, data)`: the date of a visit, or not done.
- `sign_visit(user, participant_code, visit_code, password)`: the investigator's e-signature.
- `raise_query(user, kind, record_id, field, text)` and `move_query(user, query_id, action, text)`.
- `verify_record(user, kind, record_id)`: source-data verification by a monitor.
- `add_consent_version(user, version, effective_from, requires_reconsent)`: an amendment's consent form.
"""

from mesems.web.apps.visits.services.consent import add_consent_version, reconsent_due
from mesems.web.apps.visits.services.dashboard import site_dashboard
from mesems.web.apps.visits.services.editing import StaleEdit, site_today
from mesems.web.apps.visits.services.queries import move_query, open_query_counts, raise_query
from mesems.web.apps.visits.services.records import FormRefused, save_record, verify_record
from mesems.web.apps.visits.services.schedule import (
    add_unscheduled_visit,
    report_visit,
    start_schedule,
    start_schedule_as,
    visit_views,
)
from mesems.web.apps.visits.services.signing import sign_visit

__all__ = [
    "add_consent_version",
    "reconsent_due",
    "FormRefused",
    "StaleEdit",
    "add_unscheduled_visit",
    "move_query",
    "open_query_counts",
    "raise_query",
    "report_visit",
    "save_record",
    "sign_visit",
    "site_dashboard",
    "site_today",
    "start_schedule",
    "start_schedule_as",
    "verify_record",
    "visit_views",
]
