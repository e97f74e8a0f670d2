"""Reading the plain JSON values of a certification policy, collecting every problem.

Each reader returns the value in its Python type, or ``None`` after adding a
message for people to :attr:`FieldReader.problems`, so one pass over a policy
reports every bad field at once. Field names in messages are the JSON keys
(``points_needed.3``), which is what an administrator edits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from examsrv.i18n import gettext as _


class FieldReader:
    """Typed readers that collect problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def mapping(self, value: object, name: str) -> Mapping[str, object] | None:
        """``value`` as a JSON object with text keys."""
        if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
            return value
        if name == "policy":
            self.problems.append(_("The policy must be a JSON object."))
        else:
            self.problems.append(_("%(field)s must be an object.") % {"field": name})
        return None

    def record(self, value: object, name: str, keys: Sequence[str]) -> Mapping[str, object] | None:
        """A JSON object with exactly ``keys``."""
        if not isinstance(value, Mapping) or set(value) != set(keys):
            self.problems.append(
                _("%(field)s must be an object with exactly %(keys)s.")
                % {"field": name, "keys": ", ".join(keys)}
            )
            return None
        return value

    def by_level(self, value: object, name: str, levels: Sequence[int]) -> dict[int, object]:
        """An object keyed by level (``"3"``), each key within ``levels``."""
        found = self.mapping(value, name)
        result: dict[int, object] = {}
        for key, item in (found or {}).items():
            level = int(key) if key.isascii() and key.isdigit() else None
            if level is None or level not in levels:
                self.problems.append(
                    _("%(field)s: %(key)s is not a level from %(low)s to %(high)s.")
                    % {"field": name, "key": key, "low": levels[0], "high": levels[-1]}
                )
                continue
            result[level] = item
        return result

    def whole(self, value: object, name: str, low: int, high: int | None = None) -> int | None:
        """A whole number from ``low`` to ``high`` (no upper limit if ``None``)."""
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= low
            and (high is None or value <= high)
        ):
            return value
        if high is None:
            message = _("%(field)s must be a whole number of %(low)s or more, got %(value)s.")
        else:
            message = _("%(field)s must be a whole number from %(low)s to %(high)s, got %(value)s.")
        self.problems.append(
            message % {"field": name, "low": low, "high": high, "value": _show(value)}
        )
        return None

    def number(self, value: object, name: str, low: float, high: float) -> float | None:
        """A finite number from ``low`` to ``high``."""
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and low <= value <= high
        ):
            return float(value)
        self.problems.append(
            _("%(field)s must be a number from %(low)s to %(high)s, got %(value)s.")
            % {"field": name, "low": _show(low), "high": _show(high), "value": _show(value)}
        )
        return None

    def flag(self, value: object, name: str) -> bool | None:
        """``true`` or ``false``."""
        if isinstance(value, bool):
            return value
        self.problems.append(
            _("%(field)s must be true or false, got %(value)s.")
            % {"field": name, "value": _show(value)}
        )
        return None

    def text(self, value: object, name: str) -> str | None:
        """A text that is not blank, stripped."""
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problems.append(
            _("%(field)s must be a text that is not blank, got %(value)s.")
            % {"field": name, "value": _show(value)}
        )
        return None

    def names(self, value: object, name: str) -> tuple[str, ...]:
        """A list of names (course names), each a text that is not blank."""
        if not isinstance(value, list | tuple):
            self.problems.append(_("%(field)s must be a list of names.") % {"field": name})
            return ()
        texts = (self.text(item, f"{name}[{i}]") for i, item in enumerate(value))
        return tuple(t for t in texts if t is not None)


def _show(value: object) -> str:
    """A value as written in JSON, short: 2, 2.5, "x", true, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"
