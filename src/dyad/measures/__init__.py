"""Measures: short functions that return Ibis expressions (engine-neutral) and the numpy maths on their results."""
