"""Appeals (申诉): the steps of an appeal against a result (000 §6.2.8).

A CSR appeals a result with a reason; HR investigates, then upholds or rejects
the appeal. An upheld appeal may order a remedy: the result is regraded, or the
CSR gets a new attempt. Every step is recorded by the caller; the rules here say
which steps are allowed::

    submitted --investigate--> investigating --uphold--> upheld
                                             --reject--> rejected

``upheld`` and ``rejected`` are final: a decision is not changed in place; a
new appeal may be made against the new result of a regrade or new attempt.
"""

from __future__ import annotations

from enum import StrEnum

from examsrv.i18n import gettext as _

REASON_MAX_LENGTH = 2000


class AppealStatus(StrEnum):
    """Where an appeal stands."""

    SUBMITTED = "submitted"
    INVESTIGATING = "investigating"
    UPHELD = "upheld"
    REJECTED = "rejected"


class Remedy(StrEnum):
    """What an upheld appeal orders."""

    NONE = "none"
    REGRADE = "regrade"
    NEW_ATTEMPT = "new_attempt"


class AppealError(ValueError):
    """A step the rules do not allow; the message is for people."""


ACTIONS = ("investigate", "uphold", "reject")

_STEPS: dict[tuple[AppealStatus, str], AppealStatus] = {
    (AppealStatus.SUBMITTED, "investigate"): AppealStatus.INVESTIGATING,
    (AppealStatus.INVESTIGATING, "uphold"): AppealStatus.UPHELD,
    (AppealStatus.INVESTIGATING, "reject"): AppealStatus.REJECTED,
}

FINAL = frozenset({AppealStatus.UPHELD, AppealStatus.REJECTED})


def next_status(status: AppealStatus | str, action: str) -> AppealStatus:
    """The status after ``action``; :class:`AppealError` if the step is not allowed."""
    try:
        current = AppealStatus(status)
    except ValueError:
        raise AppealError(_("Unknown appeal status %(status)s.") % {"status": status}) from None
    if action not in ACTIONS:
        raise AppealError(_("Unknown appeal action %(action)s.") % {"action": action})
    step = _STEPS.get((current, action))
    if step is not None:
        return step
    if current in FINAL:
        raise AppealError(_("The appeal has already been decided; a decision cannot change."))
    if current is AppealStatus.INVESTIGATING:
        raise AppealError(_("The appeal is already being investigated."))
    raise AppealError(_("An appeal must be investigated before it is decided."))


def allowed_actions(status: AppealStatus | str) -> tuple[str, ...]:
    """The actions allowed from ``status``, in the order of :data:`ACTIONS`."""
    current = AppealStatus(status)
    return tuple(a for a in ACTIONS if (current, a) in _STEPS)


def remedy_error(status: AppealStatus | str, remedy: Remedy | str) -> str | None:
    """Why ``remedy`` cannot go with a decision of ``status``, or ``None``.

    Only an upheld appeal orders a remedy (it may also order none, when the
    answer itself is the remedy); a rejected appeal orders none.
    """
    try:
        chosen = Remedy(remedy)
    except ValueError:
        return _("Unknown remedy %(remedy)s.") % {"remedy": remedy}
    decided = AppealStatus(status)
    if decided not in FINAL:
        return _("A remedy is chosen only with the decision.")
    if decided is AppealStatus.REJECTED and chosen is not Remedy.NONE:
        return _("A rejected appeal orders no remedy.")
    return None


def reason_error(reason: str) -> str | None:
    """Why an appeal's reason is not acceptable (blank or too long), or ``None``."""
    text = reason.strip()
    if not text:
        return _("Give the reason for the appeal.")
    if len(text) > REASON_MAX_LENGTH:
        return _("The reason is too long: at most %(n)s characters.") % {"n": REASON_MAX_LENGTH}
    return None
