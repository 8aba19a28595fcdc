"""Allocation lists, sealing and the live allocation of the next participant."""
