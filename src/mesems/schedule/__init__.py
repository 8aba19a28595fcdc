"""Visits, windows, crossover periods, what is due when."""

from mesems.schedule.collect import Collection, Completeness, collection_for, completeness
from mesems.schedule.periods import dosing_dates, dosing_period, period_of_date, period_of_week
from mesems.schedule.plan import PlannedVisit, plan_unscheduled_visit, plan_visits, unscheduled_visit_id
from mesems.schedule.status import VisitStatus, WindowDeviation, next_visit, visit_status, window_deviation
from mesems.schedule.window import Window, study_day, target_date, visit_window

__all__ = [
    "Collection",
    "Completeness",
    "PlannedVisit",
    "VisitStatus",
    "Window",
    "WindowDeviation",
    "collection_for",
    "completeness",
    "dosing_dates",
    "dosing_period",
    "next_visit",
    "period_of_date",
    "period_of_week",
    "plan_unscheduled_visit",
    "plan_visits",
    "study_day",
    "target_date",
    "unscheduled_visit_id",
    "visit_status",
    "visit_window",
    "window_deviation",
]
