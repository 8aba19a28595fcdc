"""One error root with a family per area; each boundary (form, API, CLI) translates these.

A message says what happened, what was given and what was expected. `field` names the
input that was wrong where there is one, so a form can put the message at the field and
the API can name it in its 422 answer.
"""

from __future__ import annotations


class MesemsError(Exception):
    """Root of every error that mesems expects and explains to its user."""

    code: str = "mesems_error"
    http_status: int = 422

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ProtocolError(MesemsError):
    """The protocol file is missing, unreadable or breaks a rule of the protocol model."""

    code = "protocol_error"


class EligibilityError(MesemsError):
    """A candidate record cannot be screened as given."""

    code = "eligibility_error"


class RandomisationError(MesemsError):
    """An allocation cannot be made, verified or shown."""

    code = "randomisation_error"


class ScheduleError(MesemsError):
    """A visit or window cannot be worked out from what was given."""

    code = "schedule_error"


class ClinicalError(MesemsError):
    """A clinical value (EDSS, dates, grades) breaks its rule."""

    code = "clinical_error"


class SafetyError(MesemsError):
    """An adverse-event or SAE record breaks a safety rule."""

    code = "safety_error"


class CellProductError(MesemsError):
    """A step in the cell product's chain of identity or custody is refused."""

    code = "cell_product_error"


class AnalysisError(MesemsError):
    """Data cannot be analysed as asked, or a model did not converge."""

    code = "analysis_error"


class SimulationError(MesemsError):
    """A simulation scenario or power design is not valid."""

    code = "simulation_error"


class ExportError(MesemsError):
    """An export cannot be made or an import does not meet its standard."""

    code = "export_error"


class BackupError(MesemsError):
    """A backup cannot be written, or a file cannot be restored (not a backup, damaged, or made for another schema)."""

    code = "backup_error"


class AccessDenied(MesemsError):
    """The user's role or site may not see or do this."""

    code = "access_denied"
    http_status = 403


class NotFound(MesemsError):
    """The thing asked for does not exist, or is not visible to this user (the same answer for both)."""

    code = "not_found"
    http_status = 404
