"""Subscribers: addresses, their themes and cadences in; subscriber rows out.

registry adds, updates and removes readers one at a time; csv_import loads
many at once.  Both use the same address, theme and cadence rules.
"""
