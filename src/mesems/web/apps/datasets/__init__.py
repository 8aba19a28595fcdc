"""The database as the trial's flat tables, and the reports and exports made from it (issues 7 and 9)."""
