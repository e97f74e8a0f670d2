"""The zh_CN catalog translates every user-facing message id, and holds nothing else.

Message ids come from three places:

- literal ``_()``, ``gettext()`` and ``ngettext()`` calls in ``examsrv/**.py`` and in the
  templates, found with Babel's extractors and the mapping in ``babel.cfg`` (read here,
  so no pybabel command line is needed);
- the values of ``ERROR_MESSAGES`` in ``examsrv/web/trial_frames.py`` (translated at use);
- data values that templates translate as ``_(value)`` (``DATA_VALUES`` below).

``scripts/translations extract`` merges all of them into the catalog (it calls
``add_extra_ids`` below, so the catalog and these tests agree on what is a message id);
``scripts/translations check`` prints what these tests would reject.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from examsrv import i18n
from examsrv.itembank.specs import AnswerKind
from examsrv.persistence.models import AttemptStatus
from examsrv.timing.trial_grading import Reason
from examsrv.web.trial_frames import ERROR_MESSAGES

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "babel.cfg"
CATALOG = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po"
# The same keywords as `pybabel extract --no-default-keywords -k _ -k gettext -k ngettext:1,2`
# in scripts/translations.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "gettext": None, "ngettext": (1, 2)}

# Values that templates pass to _() as data, so no extractor sees them: value -> where.
DATA_VALUES: dict[str, str] = {
    # TrialAttempt.status (AttemptStatus in examsrv/persistence/models.py):
    # _(a.status) in _attempt_list.html and admin_attempts.html, _(attempt.status) in
    # trial_result.html.
    "in_progress": "AttemptStatus, shown as _(a.status)",
    "finished": "AttemptStatus, shown as _(a.status)",
    "expired": "AttemptStatus, shown as _(a.status)",
    "voided": "AttemptStatus, shown as _(a.status); also a seat state",
    # TrialGrade.reason (Reason in examsrv/timing/trial_grading.py): _(result.reason) in
    # trial_result.html.
    "passed": "trial_grading.Reason, shown as _(result.reason)",
    "too_slow": "trial_grading.Reason, shown as _(result.reason)",
    "low_accuracy": "trial_grading.Reason, shown as _(result.reason)",
    "incomplete": "trial_grading.Reason, shown as _(result.reason)",
    # LevelEvidence.kind (written by finish_attempt in examsrv/persistence/trials.py):
    # _(e.kind) in record.html.
    "lookup_trial": "LevelEvidence.kind, shown as _(e.kind)",
    # Task.kind (AnswerKind in examsrv/itembank/specs.py): _(t.kind) in author_tasks.html.
    "text": "AnswerKind, shown as _(t.kind)",
    "choice": "AnswerKind, shown as _(t.kind)",
}

MsgId = str | tuple[str, ...]
PERCENT = re.compile(r"%\(\w+\)[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{\w*(?:[!:][^{}]*)?\}")


@cache
def extracted() -> dict[MsgId, tuple[str, ...]]:
    """Message id -> "file:line" of each literal call, as pybabel with babel.cfg finds them."""
    with MAPPING.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(MAPPING))
    found: dict[MsgId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return {msgid: tuple(places) for msgid, places in found.items()}


def extra_ids() -> dict[str, str]:
    """Message ids no extractor sees -> where they come from."""
    extra = {
        text: f"ERROR_MESSAGES[{code!r}] in examsrv/web/trial_frames.py"
        for code, text in ERROR_MESSAGES.items()
    }
    extra.update(DATA_VALUES)
    return extra


def message_ids() -> set[MsgId]:
    return set(extracted()) | set(extra_ids())


def formatted_by_jinja() -> set[MsgId]:
    """Ids that newstyle gettext %-formats (always, even without keyword arguments)."""
    in_templates = {
        msgid
        for msgid, places in extracted().items()
        if any(place.split(":")[0].endswith(".html") for place in places)
    }
    return in_templates | set(DATA_VALUES)


def add_extra_ids(pot: str | Path) -> int:
    """Add ``extra_ids()`` to a template written by pybabel; return how many ids it holds."""
    path = Path(pot)
    with path.open("rb") as fh:
        template = read_po(fh)
    for msgid, origin in extra_ids().items():
        if msgid in template:
            template[msgid].auto_comments.append(origin)
        else:
            template.add(msgid, auto_comments=[origin])
    with path.open("wb") as fh:
        write_po(fh, template, sort_output=True, width=0)
    return len([m for m in template if m.id])


def load_catalog() -> Catalog:
    with CATALOG.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def _strings(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def placeholders(text: str) -> set[str]:
    return set(PERCENT.findall(text)) | set(BRACES.findall(text))


def missing_translations() -> list[MsgId]:
    """Ids in use without a usable translation (none, empty or fuzzy)."""
    catalog = load_catalog()
    missing = []
    for msgid in message_ids():
        message = catalog.get(msgid)
        strings = _strings(message.string) if message else ()
        if message is None or message.fuzzy or not strings or not all(s.strip() for s in strings):
            missing.append(msgid)
    return sorted(missing, key=str)


def stale_ids() -> list[MsgId]:
    """Catalog ids (obsolete ``#~`` entries included) that nothing uses any more."""
    catalog = load_catalog()
    ids = {m.id for m in catalog if m.id} | set(catalog.obsolete)
    return sorted(ids - message_ids(), key=str)


def where(msgid: MsgId) -> str:
    places = extracted().get(msgid, ())
    extra = extra_ids().get(msgid) if isinstance(msgid, str) else None
    return ", ".join([*places, *([extra] if extra else [])])


def _listing(ids: Iterable[MsgId]) -> str:
    return "\n".join(f"  {msgid!r}  ({where(msgid)})" for msgid in ids)


# (a) every id has a translation ---------------------------------------------------------


def test_extraction_finds_the_templates_and_the_code() -> None:
    files = {place.split(":")[0] for places in extracted().values() for place in places}
    assert any(f.endswith(".html") for f in files), files
    assert any(f.endswith(".py") for f in files), files


def test_data_values_cover_the_enums() -> None:
    enums = {s.value for s in AttemptStatus} | {k.value for k in AnswerKind}
    assert enums | set(typing.get_args(Reason)) <= set(DATA_VALUES)


def test_every_message_id_has_a_zh_cn_translation() -> None:
    missing = missing_translations()
    assert not missing, (
        f"{len(missing)} message id(s) have no zh_CN translation (run scripts/translations "
        f"extract, then translate them in {CATALOG.relative_to(ROOT)}):\n{_listing(missing)}"
    )


def test_catalog_has_no_fuzzy_entries() -> None:
    fuzzy = [m.id for m in load_catalog() if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries are not used at runtime; check and unmark them: {fuzzy}"


# (b) placeholders survive translation ---------------------------------------------------


def test_translations_keep_the_placeholders_of_their_id() -> None:
    wrong = []
    for message in load_catalog():
        if not message.id:
            continue
        expected = set().union(*(placeholders(s) for s in _strings(message.id)))
        for text in _strings(message.string):
            if text and placeholders(text) != expected:
                wrong.append(
                    f"  {message.id!r} has {sorted(expected)}, {text!r} has "
                    f"{sorted(placeholders(text))}"
                )
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def _format_error(text: str) -> str | None:
    kwargs = {name: "x" for name in re.findall(r"%\((\w+)\)", text)}
    try:
        text % kwargs
    except (ValueError, TypeError, KeyError) as exc:
        return str(exc)
    return None


def test_template_messages_survive_newstyle_formatting() -> None:
    """Jinja2's newstyle gettext runs ``text % kwargs`` on every message, even one without
    arguments, so a lone "%" (write "%%") breaks the page in both languages."""
    catalog = load_catalog()
    broken = []
    for msgid in sorted(formatted_by_jinja(), key=str):
        for text in _strings(msgid):
            if error := _format_error(text):
                broken.append(f"  id {text!r}: {error}  ({where(msgid)})")
        message = catalog.get(msgid)
        for translated in _strings(message.string) if message else ():
            if error := _format_error(translated):
                broken.append(f"  translation {translated!r} of {msgid!r}: {error}")
    assert not broken, "not valid %-format strings:\n" + "\n".join(broken)


# (c) the runtime mechanism reads the catalog --------------------------------------------


def test_gettext_translates_under_zh_cn_and_not_under_en() -> None:
    catalog = load_catalog()
    singular = sorted(m for m in message_ids() if isinstance(m, str))
    with i18n.use_locale("zh_CN"):
        assert i18n.gettext("Log out") == "退出登录"
        assert i18n.gettext("in_progress") == "进行中"
        for msgid in singular:
            message = catalog.get(msgid)
            if message and message.string and not message.fuzzy:  # else (a) fails
                assert i18n.gettext(msgid) == message.string, msgid
    with i18n.use_locale("en"):
        assert i18n.gettext("Log out") == "Log out"
        for msgid in singular:
            assert i18n.gettext(msgid) == msgid


# (d) no stale ids -----------------------------------------------------------------------


def test_catalog_has_no_stale_ids() -> None:
    """scripts/translations extract drops ids nothing uses any more, printing each with its
    translation (to reuse when an id was only reworded)."""
    stale = stale_ids()
    assert not stale, (
        f"{len(stale)} catalog id(s) occur nowhere in the code, the templates, ERROR_MESSAGES "
        f"or DATA_VALUES (run scripts/translations extract):\n"
        + "\n".join(f"  {s!r}" for s in stale)
    )
