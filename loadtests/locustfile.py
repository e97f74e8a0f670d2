"""Lookup-trial load against examsrv: pick ``PacedTrialUser`` or ``UnpacedTrialUser``.

    .venv/bin/locust -f loadtests/locustfile.py -H http://127.0.0.1:8000 UnpacedTrialUser

``loadtests.run`` starts a fresh server, creates the accounts and runs this file
headless; see docs/performance.md.
"""

from __future__ import annotations

from loadtests.trial_user import PacedTrialUser, UnpacedTrialUser

__all__ = ["PacedTrialUser", "UnpacedTrialUser"]
