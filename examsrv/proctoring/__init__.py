"""Proctoring rules: sittings, check-in codes, pauses and integrity signals, as pure functions."""
