"""Visits, windows, crossover periods, what is due when."""
