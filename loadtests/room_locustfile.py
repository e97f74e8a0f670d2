"""A proctored room: candidates taking a sitting's test while proctors watch the console.

Candidates (pick one class): ``RoomPacedTrialUser`` / ``RoomUnpacedTrialUser`` for a
lookup sitting (``loadtests.trial_user``'s users, taking the attempt their account names
and telling ``loadtests.room_ledger`` of every acknowledged answer), or ``CaseTestUser`` /
``UnpacedCaseTestUser`` for a case-test sitting. Proctors: ``ProctorUser`` (spawned first;
``fixed_count`` of them). ``loadtests.room`` prepares the sitting, writes the accounts and
runs this file headless; by hand, against a server whose sitting is already started:

    .venv/bin/locust -f loadtests/room_locustfile.py -H http://127.0.0.1:8000 \
        --accounts-file accounts.jsonl --proctors-file proctors.jsonl \
        -u 51 -r 10 CaseTestUser ProctorUser
"""

from __future__ import annotations

from loadtests.case_user import CaseTestUser, UnpacedCaseTestUser
from loadtests.proctor_user import ProctorUser
from loadtests.room_ledger import LEDGER
from loadtests.trial_client import Observer
from loadtests.trial_user import PacedTrialUser, UnpacedTrialUser

__all__ = [
    "CaseTestUser",
    "ProctorUser",
    "RoomPacedTrialUser",
    "RoomUnpacedTrialUser",
    "UnpacedCaseTestUser",
]


def _own_answer(user: PacedTrialUser | UnpacedTrialUser) -> str:
    """A wrong answer of this candidate's own: a room where everyone gives the same wrong
    answers is a room of copied answers, and each finish would flag every earlier one."""
    assert user.http is not None
    return f"不清楚（{user.http.account.username}）"


class RoomPacedTrialUser(PacedTrialUser):
    """A paced lookup candidate of the room: its seat's attempt, reported to the ledger."""

    def answer_text(self) -> str:
        return _own_answer(self)

    def observer(self) -> Observer | None:
        return LEDGER

    def assigned_finished(self, attempt_id: int) -> None:
        LEDGER.candidate_done(self.environment, "lookup", attempt_id)


class RoomUnpacedTrialUser(UnpacedTrialUser):
    """An unpaced lookup candidate of the room."""

    def answer_text(self) -> str:
        return _own_answer(self)

    def observer(self) -> Observer | None:
        return LEDGER

    def assigned_finished(self, attempt_id: int) -> None:
        LEDGER.candidate_done(self.environment, "lookup", attempt_id)
