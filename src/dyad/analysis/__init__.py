"""Analyses over indicator series: event studies and synchronisation of political cycles."""
