"""Measuring answers: one record per answered question, citation checks, calibration, style, format, tables."""
