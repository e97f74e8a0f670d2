"""Certification rules: levels, promotion, retention, points and appeals, as pure functions."""
