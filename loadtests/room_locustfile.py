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
from loadtests.trial_user import PacedTrialUser, TrialUser, UnpacedTrialUser

__all__ = [
    "CaseTestUser",
    "ProctorUser",
    "RoomPacedTrialUser",
    "RoomUnpacedTrialUser",
    "UnpacedCaseTestUser",
]


class _RoomCandidate(TrialUser):
    """What a lookup candidate of the room adds to a trial user: its own wrong answer, and
    its acknowledgements and end reported to the ledger the consoles are matched against."""

    abstract = True

    def answer_text(self) -> str:
        # A room where everyone gives the same wrong answers is a room of copied answers,
        # and each finish would flag every earlier one.
        assert self.http is not None
        return f"不清楚（{self.http.account.username}）"

    def observer(self) -> Observer | None:
        return LEDGER

    def assigned_finished(self, attempt_id: int) -> None:
        LEDGER.candidate_done(self.environment, "lookup", attempt_id)


class RoomPacedTrialUser(_RoomCandidate, PacedTrialUser):
    """A paced lookup candidate of the room: its seat's attempt, reported to the ledger."""


class RoomUnpacedTrialUser(_RoomCandidate, UnpacedTrialUser):
    """An unpaced lookup candidate of the room."""
