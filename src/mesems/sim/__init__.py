"""The in-silico MESEMS trial."""
