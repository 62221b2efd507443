"""Analyses over indicator series: event studies and synchronisation of political cycles, the relationship
index and the proposal scorecard of an agenda."""
