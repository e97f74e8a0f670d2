"""What the case-bank author pages share: who may use them, who is acting, and the
translated names of the bank's coded values (statuses, pools, kinds…)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from starlette.requests import Request

from examsrv.i18n import gettext as _
from examsrv.persistence.case_catalog import CaseRow
from examsrv.persistence.models import Role
from examsrv.web.security import current_user

AUTHORS = (Role.AUTHOR, Role.ADMIN)  # reviewers too, for now: never of their own versions
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_STATUSES = ("live", "in_review", "draft", "rejected", "retired")


def actor(request: Request) -> str:
    user = current_user(request)
    return user.username if user else ""


def labels() -> dict[str, str]:
    """Coded value -> its name in the current language, for templates (``L[value]``)."""
    return {
        # version statuses, and the list filter "retired"
        "draft": _("Draft"),
        "in_review": _("In review"),
        "live": _("Live"),
        "rejected": _("Rejected"),
        "superseded": _("Superseded"),
        "retired": _("Retired"),
        # pools and kinds of case
        "training": _("Training"),
        "test": _("Test"),
        "text": _("Text case"),
        "voice": _("Voice case"),
        # speakers
        "customer": _("Customer"),
        "csr": _("CSR"),
        # question kinds
        "single": _("Single choice"),
        "multiple": _("Multiple choice"),
        "true_false": _("True or false"),
        "ordering": _("Ordering"),
        "free_text": _("Free text"),
        # ratings
        "excellent": _("Excellent"),
        "average": _("Average"),
        "poor": _("Poor"),
        # item statistics
        "ok": _("OK"),
        "flagged": _("Flagged"),
        "not_enough_data": _("Not enough data"),
        "too_easy": _("Too easy"),
        "too_hard": _("Too hard"),
        "no_variance": _("Everyone scored the same"),
        "negative_discrimination": _("Negative discrimination (check the answer key)"),
        "low_discrimination": _("Low discrimination"),
    }


def safe_next(value: object, default: str) -> str:
    """A redirect target from a form: only a path of the authors' pages."""
    text = str(value or "")
    if text.startswith("/author/") and "//" not in text and "\\" not in text:
        return text
    return default


@dataclass(frozen=True)
class Capacity:
    """Live cases of one level and category against the configured limit."""

    level: int
    category: str
    live: int
    limit: int

    @property
    def over(self) -> bool:
        return self.live > self.limit


def capacity_of(rows: list[CaseRow], limit: int) -> list[Capacity]:
    counts = Counter((r.item.level, r.item.category) for r in rows if r.live and not r.item.retired)
    return [Capacity(level, cat, n, limit) for (level, cat), n in sorted(counts.items())]
