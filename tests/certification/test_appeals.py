from __future__ import annotations

import pytest

from examsrv.certification.appeals import (
    ACTIONS,
    AppealError,
    AppealStatus,
    Remedy,
    allowed_actions,
    next_status,
    reason_error,
    remedy_error,
)

A = AppealStatus


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        (A.SUBMITTED, "investigate", A.INVESTIGATING),
        (A.INVESTIGATING, "uphold", A.UPHELD),
        (A.INVESTIGATING, "reject", A.REJECTED),
        ("submitted", "investigate", A.INVESTIGATING),
    ],
)
def test_legal_steps(status: AppealStatus | str, action: str, after: AppealStatus) -> None:
    assert next_status(status, action) is after


ILLEGAL = [
    (A.SUBMITTED, "uphold", "An appeal must be investigated before it is decided."),
    (A.SUBMITTED, "reject", "An appeal must be investigated before it is decided."),
    (A.INVESTIGATING, "investigate", "The appeal is already being investigated."),
    *(
        (final, action, "The appeal has already been decided; a decision cannot change.")
        for final in (A.UPHELD, A.REJECTED)
        for action in ACTIONS
    ),
    (A.SUBMITTED, "withdraw", "Unknown appeal action withdraw."),
    ("lost", "investigate", "Unknown appeal status lost."),
]


@pytest.mark.parametrize(("status", "action", "message"), ILLEGAL)
def test_illegal_steps_are_refused(status: AppealStatus | str, action: str, message: str) -> None:
    with pytest.raises(AppealError) as caught:
        next_status(status, action)
    assert str(caught.value) == message


def test_every_pair_is_either_legal_or_refused() -> None:
    legal = {(s, a) for s in AppealStatus for a in allowed_actions(s)}
    assert legal == {
        (A.SUBMITTED, "investigate"),
        (A.INVESTIGATING, "uphold"),
        (A.INVESTIGATING, "reject"),
    }
    for s in AppealStatus:
        for a in ACTIONS:
            if (s, a) not in legal:
                with pytest.raises(AppealError):
                    next_status(s, a)


@pytest.mark.parametrize(
    ("status", "remedy", "message"),
    [
        (A.UPHELD, Remedy.REGRADE, None),
        (A.UPHELD, Remedy.NEW_ATTEMPT, None),
        (A.UPHELD, Remedy.NONE, None),
        (A.REJECTED, Remedy.NONE, None),
        (A.REJECTED, Remedy.REGRADE, "A rejected appeal orders no remedy."),
        (A.REJECTED, "new_attempt", "A rejected appeal orders no remedy."),
        (A.INVESTIGATING, Remedy.REGRADE, "A remedy is chosen only with the decision."),
        (A.SUBMITTED, Remedy.NONE, "A remedy is chosen only with the decision."),
        (A.UPHELD, "refund", "Unknown remedy refund."),
    ],
)
def test_remedies(status: AppealStatus, remedy: Remedy | str, message: str | None) -> None:
    assert remedy_error(status, remedy) == message


def test_reason_is_required_and_bounded() -> None:
    assert reason_error("The timer froze at task 40.") is None
    assert reason_error("   ") == "Give the reason for the appeal."
    assert reason_error("x" * 2000) is None
    assert reason_error("x" * 2001) == "The reason is too long: at most 2000 characters."
