"""The one translation mechanism: gettext catalogs read from ``examsrv/locale``.

Message ids are English. ``zh_CN`` (the default interface language) has a
catalog; English needs none. The locale of the request or websocket being served
lives in a context variable, so templates, Python code and websocket fragments
all translate through the same ``gettext`` below.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = ("zh_CN", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_current: ContextVar[str] = ContextVar("examsrv_locale", default="zh_CN")


@cache
def catalog(locale: str) -> dict[str, str]:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        po = read_po(fh, locale=locale)
    return {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}


def normalise_locale(value: str | None, default: str = "zh_CN") -> str:
    if not value:
        return default
    value = value.replace("-", "_")
    for loc in LOCALES:
        if value.lower() == loc.lower() or value.lower().startswith(loc.split("_")[0].lower()):
            return loc
    return default


def current_locale() -> str:
    return _current.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def set_locale(locale: str) -> None:
    _current.set(locale)


def gettext(message: str) -> str:
    return catalog(_current.get()).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    # Chinese has one form; English picks by n.
    return gettext(singular if n == 1 else plural)


_ = gettext
