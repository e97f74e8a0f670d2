"""The body, headers and signature of an HR webhook, and the receiver's check."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from examsrv.hr_push import signing

SECRET = "shared-secret"
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_the_body_is_canonical_json_of_the_envelope() -> None:
    body = signing.body(
        event_id="e1",
        kind="trial.finished",
        subject="10001",
        occurred_at=AT,
        data={"b": 1, "a": "张三"},
    )
    assert (
        body
        == (
            '{"data":{"a":"张三","b":1},"id":"e1","kind":"trial.finished",'
            '"occurred_at":"2026-01-05T09:00:00.000000Z","subject":"10001"}'
        ).encode()
    )


def test_the_same_event_gives_the_same_bytes_whatever_the_zone_it_was_read_in() -> None:
    beijing = AT.astimezone(timezone(timedelta(hours=8)))
    naive = AT.replace(tzinfo=None)  # SQLite hands UTC back without its zone
    bodies = {
        signing.body(event_id="e", kind="k", subject="s", occurred_at=moment, data={"x": [1, 2]})
        for moment in (AT, beijing, naive)
    }
    assert len(bodies) == 1


def test_a_payload_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError):
        signing.canonical_json({"x": math.nan})
    with pytest.raises(TypeError):
        signing.canonical_json({"x": object()})


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    # The expected value was computed independently:
    # printf '%s' '1767603600.{"data":{"n":1},"id":"e1"}' | openssl dgst -sha256 -hmac shared-secret
    assert signing.signature(SECRET, "1767603600", b'{"data":{"n":1},"id":"e1"}') == (
        "sha256=075b5db8ee339df7e59d841cd909ca2041a02fc58c2c67de7d001cb3c937441c"
    )


def test_headers_name_the_event_and_carry_the_signature() -> None:
    body = b'{"id":"e1"}'
    headers = signing.headers(
        event_id="e1", kind="level.changed", timestamp=1767603600, payload=body, secret=SECRET
    )
    assert headers[signing.EVENT_ID_HEADER] == "e1"
    assert headers[signing.EVENT_HEADER] == "level.changed"
    assert headers[signing.TIMESTAMP_HEADER] == "1767603600"
    assert headers[signing.SIGNATURE_HEADER] == signing.signature(SECRET, "1767603600", body)
    assert headers["Content-Type"].startswith("application/json")


def test_without_a_secret_no_signature_header_is_sent() -> None:
    headers = signing.headers(event_id="e", kind="k", timestamp=1, payload=b"{}", secret="")
    assert signing.SIGNATURE_HEADER not in headers


def _signed(body: bytes, stamp: int = 1767603600) -> tuple[str, str]:
    return str(stamp), signing.signature(SECRET, str(stamp), body)


def test_verify_accepts_a_genuine_fresh_request() -> None:
    body = b'{"id":"e1","kind":"trial.finished"}'
    stamp, sig = _signed(body)
    assert signing.verify(SECRET, body, stamp, sig, now_s=1767603600 + 299)
    assert signing.verify(SECRET, body, stamp, sig + " ", now_s=1767603600)  # header whitespace


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"body": b'{"id":"e1","kind":"trial.finished "}'}, "body changed in transit"),
        ({"secret": "another-secret"}, "signed with another key"),
        ({"now_s": 1767603600 + 301}, "too old: a captured request replayed later"),
        ({"now_s": 1767603600 - 301}, "from too far in the future"),
        ({"timestamp": "1767603601"}, "timestamp changed"),
        ({"timestamp": "soon"}, "timestamp not a number"),
        ({"signature": "075b5db8ee339df7e59d841cd909ca2041a02fc5"}, "no sha256= prefix"),
    ],
)
def test_verify_refuses(change: dict[str, object], why: str) -> None:
    body = b'{"id":"e1","kind":"trial.finished"}'
    stamp, sig = _signed(body)
    args: dict[str, object] = {
        "secret": SECRET,
        "payload": body,
        "timestamp": stamp,
        "signature_header": sig,
        "now_s": 1767603600,
    }
    if "body" in change:
        args["payload"] = change["body"]
    if "signature" in change:
        args["signature_header"] = change["signature"]
    args |= {k: v for k, v in change.items() if k in ("secret", "now_s", "timestamp")}
    assert not signing.verify(**args), why  # type: ignore[arg-type]
