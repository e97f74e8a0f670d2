"""What the sitting pages show and read: local time, labels, and the new-sitting form.

Times are stored in UTC. Staff type and read them as local wall-clock time of the
centre, China Standard Time (``Asia/Shanghai``, UTC+8 all year): examsrv has no
timezone setting, so the pages of sittings use this one zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.datastructures import FormData

from examsrv.i18n import gettext as _
from examsrv.persistence.case_tests import aware
from examsrv.persistence.sitting_tables import ReleaseRule, SittingStatus, SittingTest
from examsrv.persistence.sittings import NewSitting, sitting_error
from examsrv.proctoring.seat_rules import SeatState


def _local_zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # no tz database on the host: China keeps UTC+8 all year
        return timezone(timedelta(hours=8), "CST")


LOCAL = _local_zone()
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as the centre's local time, for display."""
    if moment is None:
        return ""
    return aware(moment).astimezone(LOCAL).strftime(fmt)


def local_seconds(moment: datetime | None) -> str:
    return local(moment, "%Y-%m-%d %H:%M:%S")


def parse_local(text: str) -> datetime | None:
    """A datetime-local input value (local time) as an aware UTC datetime, or None."""
    text = text.strip()
    for fmt in (INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=LOCAL).astimezone(UTC)
    return None


def window(opens: datetime, closes: datetime) -> str:
    """A time window in local time; the closing date is left out when it is the same day."""
    same_day = local(opens, "%Y-%m-%d") == local(closes, "%Y-%m-%d")
    return f"{local(opens)} – {local(closes, '%H:%M' if same_day else '%Y-%m-%d %H:%M')}"


def kind_label(test: str, level: int | None) -> str:
    if test == SittingTest.CASE:
        return _("Case test, level %(level)s") % {"level": level}
    return _("Lookup trial")


def status_label(status: str) -> str:
    return {
        SittingStatus.SCHEDULED: _("scheduled"),
        SittingStatus.RUNNING: _("running"),
        SittingStatus.CLOSED: _("closed"),
        SittingStatus.CANCELLED: _("cancelled"),
    }.get(SittingStatus(status), status)


def release_label(rule: str) -> str:
    if rule == ReleaseRule.ON_FINISH:
        return _("as soon as each candidate finishes")
    return _("when the proctor releases them")


def state_label(state: SeatState) -> str:
    return {
        SeatState.NOT_ARRIVED: _("not arrived"),
        SeatState.WAITING: _("waiting"),
        SeatState.IN_PROGRESS: _("in progress"),
        SeatState.PAUSED: _("paused"),
        SeatState.FINISHED: _("finished"),
        SeatState.VOIDED: _("voided"),
    }[state]


def event_label(kind: str) -> str:
    """The audit log's event kinds, in words (an unknown kind is shown as it is)."""
    labels = {
        "checked_in": _("checked in"),
        "check_in_refused": _("check-in refused"),
        "started": _("started"),
        "paused": _("paused"),
        "resumed": _("resumed"),
        "extra_time": _("extra time given"),
        "voided": _("voided"),
        "moved": _("moved to another machine"),
        "finished": _("finished"),
        "focus_lost": _("focus lost"),
        "fullscreen_exit": _("left full screen"),
        "paste": _("pasted into an answer"),
        "too_fast": _("answer faster than the human floor"),
        "identical_answers": _("answers identical to another candidate's"),
        "connected": _("connected"),
        "disconnected": _("disconnected"),
        "action_refused": _("proctor action refused"),
        "candidate_sent_proctor_message": _("candidate's page sent a proctor's message"),
    }
    if kind.startswith("signal:"):  # integrity signals, as the sockets log them
        signal = kind.removeprefix("signal:")
        return _("Integrity signal: %(what)s") % {"what": labels.get(signal, signal)}
    return labels.get(kind, kind)


def labels() -> dict[str, Any]:
    """The label functions, for templates."""
    return {
        "local": local,
        "local_seconds": local_seconds,
        "window": window,
        "kind_label": kind_label,
        "status_label": status_label,
        "release_label": release_label,
        "state_label": state_label,
        "event_label": event_label,
    }


@dataclass
class SittingForm:
    """The new-sitting form as typed, so a refused form comes back filled in."""

    name: str = ""
    test: str = SittingTest.LOOKUP.value
    case_level: str = "1"
    room: str = ""
    opens_at: str = ""
    closes_at: str = ""
    release_rule: str = ReleaseRule.BY_PROCTOR.value
    proctors: set[int] = field(default_factory=set)
    employees: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, form: FormData) -> SittingForm:
        def text(name: str, limit: int) -> str:
            return str(form.get(name, "")).strip()[:limit]

        return cls(
            name=text("name", 120),
            test=text("test", 10),
            case_level=text("case_level", 2),
            room=text("room", 80),
            opens_at=text("opens_at", 25),
            closes_at=text("closes_at", 25),
            release_rule=text("release_rule", 12),
            proctors=ids(form.getlist("proctors")),
            employees=ids(form.getlist("employees")),
        )

    def parse(self) -> tuple[NewSitting | None, list[str]]:
        """The sitting to create, or every problem found (messages to show)."""
        errors: list[str] = []
        if self.test not in {t.value for t in SittingTest}:
            errors.append(_("Choose the test: a lookup trial or a case test."))
        if self.release_rule not in {r.value for r in ReleaseRule}:
            errors.append(_("Choose when results are released."))
        level = int(self.case_level) if self.case_level.isdigit() else None
        opens, closes = parse_local(self.opens_at), parse_local(self.closes_at)
        if opens is None:
            errors.append(_("Give the date and time check-in opens."))
        if closes is None:
            errors.append(_("Give the date and time check-in closes."))
        if errors or opens is None or closes is None:
            if not self.name:
                errors.insert(0, _("Give the sitting a name."))
            return None, errors
        new = NewSitting(
            name=self.name,
            test=SittingTest(self.test),
            case_level=level,
            room=self.room,
            opens_at=opens,
            closes_at=closes,
            release_rule=ReleaseRule(self.release_rule),
        )
        error = sitting_error(new)
        return (None, [error]) if error else (new, [])


def ids(values: list[Any]) -> set[int]:
    """The integer ids among submitted values (anything else is ignored)."""
    return {int(v) for v in values if isinstance(v, str) and v.isdigit() and len(v) < 12}
