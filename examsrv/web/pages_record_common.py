"""What the record pages share: the labels of statuses, kinds and outcomes in the
interface language, and where a piece of evidence can be looked at."""

from __future__ import annotations

from typing import Any

from examsrv.i18n import gettext as _
from examsrv.persistence.record_applications import status_labels


def labels() -> dict[str, dict[str, str]]:
    """Every code word of the record, translated, by group: ``L.status[app.status]``."""
    return {
        "status": {str(k): v for k, v in status_labels().items()},
        "action": {
            "submitted": _("Applied"),
            "qualify": _("Qualified"),
            "refuse": _("Refuse"),
            "advance": _("Move on"),
            "pass": _("Pass"),
            "fail": _("Fail"),
            "withdraw": _("Withdraw"),
        },
        "button": {
            "qualify": _("Qualification passed"),
            "refuse": _("Refuse the application"),
            "advance": _("Move to the next step"),
            "pass": _("Pass the overall review"),
            "fail": _("Fail the overall review"),
            "withdraw": _("Withdraw the application"),
        },
        "kind": {
            "initial": _("Initial level"),
            "promotion": _("Promotion"),
            "demotion": _("Demotion"),
            "correction": _("Correction"),
        },
        "evidence": {
            "lookup_trial": _("Lookup trial"),
            "case_test": _("Case test"),
            "course": _("Course exam"),
            "application": _("Application"),
            "approval": _("Approval"),
            "retention": _("Retention"),
            "points": _("Points earned"),
        },
        "certificate": {
            "valid": _("Valid"),
            "superseded": _("Superseded"),
            "revoked": _("Revoked"),
        },
        "fact": {
            "hire_date": _("Hire date"),
            "track": _("Track"),
            "on_probation": _("On probation"),
            "permanent_since": _("Permanent since"),
        },
        "source": {"form": _("by hand"), "import": _("import")},
    }


def evidence_link(item: dict[str, Any]) -> str:
    """The staff page showing one piece of evidence, or "" when there is none."""
    ref = item.get("id")
    if not isinstance(ref, int):
        return ""
    kind = item.get("kind")
    if kind == "lookup_trial":
        return f"/admin/attempts/{ref}"
    if kind == "application":
        return f"/applications/{ref}"
    return ""
