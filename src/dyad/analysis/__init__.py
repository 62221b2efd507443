"""Analyses over many indicators at once: the relationship index and the proposal scorecard of an agenda."""
