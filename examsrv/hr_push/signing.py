"""The bytes and headers of one HR webhook, and the check a receiver makes.

Pure: no clock, no network. The body is the canonical JSON of the envelope
``{id, kind, subject, occurred_at, data}`` (keys sorted, no spaces, UTF-8), so the
same event always produces the same bytes, on every try and every replay. The
signature is HMAC-SHA256, keyed with the shared secret, over
``"<timestamp>.<body>"``; ``verify`` is written so a receiver can copy it as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

EVENT_ID_HEADER = "X-Examsrv-Event-Id"
EVENT_HEADER = "X-Examsrv-Event"
TIMESTAMP_HEADER = "X-Examsrv-Timestamp"
SIGNATURE_HEADER = "X-Examsrv-Signature"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_S = 300


def iso_utc(moment: datetime) -> str:
    """``2026-01-05T09:00:00.000000Z``; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(
    *, event_id: str, kind: str, subject: str, occurred_at: datetime, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": event_id,
        "kind": kind,
        "subject": subject,
        "occurred_at": iso_utc(occurred_at),
        "data": data,
    }


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 without escapes; NaN and infinities refused."""
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def body(
    *, event_id: str, kind: str, subject: str, occurred_at: datetime, data: dict[str, Any]
) -> bytes:
    """The exact request body of an event."""
    return canonical_json(
        envelope(event_id=event_id, kind=kind, subject=subject, occurred_at=occurred_at, data=data)
    )


def signature(secret: str, timestamp: str, payload: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, timestamp + "." + body)."""
    signed = timestamp.encode("utf-8") + b"." + payload
    mac = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def headers(
    *, event_id: str, kind: str, timestamp: int, payload: bytes, secret: str
) -> dict[str, str]:
    """The request headers of one try; ``timestamp`` is Unix seconds at sending."""
    stamp = str(timestamp)
    result = {
        "Content-Type": "application/json; charset=utf-8",
        EVENT_ID_HEADER: event_id,
        EVENT_HEADER: kind,
        TIMESTAMP_HEADER: stamp,
    }
    if secret:
        result[SIGNATURE_HEADER] = signature(secret, stamp, payload)
    return result


def verify(
    secret: str,
    payload: bytes,
    timestamp: str,
    signature_header: str,
    *,
    now_s: float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """Whether a received webhook is genuine and fresh.

    ``payload`` is the raw request body exactly as received (before any JSON
    parsing), ``timestamp`` and ``signature_header`` the values of
    ``X-Examsrv-Timestamp`` and ``X-Examsrv-Signature``, ``now_s`` the receiver's
    current Unix time. A timestamp further than ``tolerance_s`` from ``now_s``
    is refused, which stops an old captured request from being replayed later.
    """
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now_s - sent_at) > tolerance_s:
        return False
    signed = timestamp.encode("utf-8") + b"." + payload
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature_header.strip())
