"""The same trial client against the bare echo endpoint (``loadtests.echo_app``).

.venv/bin/uvicorn loadtests.echo_app:app --port 8001 &
.venv/bin/locust -f loadtests/echo_locustfile.py -H http://127.0.0.1:8001 UnpacedEchoUser
"""

from __future__ import annotations

from loadtests.trial_user import PacedEchoUser, UnpacedEchoUser

__all__ = ["PacedEchoUser", "UnpacedEchoUser"]
