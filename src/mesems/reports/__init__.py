"""HTML/PDF reports, the CONSORT diagram and figures."""

from mesems.reports.render import ReportFiles, write_report

__all__ = ["ReportFiles", "write_report"]
