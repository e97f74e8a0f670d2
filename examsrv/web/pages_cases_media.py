"""Serving stored call recordings to authors, with HTTP range requests so that an
``<audio>`` element can seek.

``media_response`` answers one byte range (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``)
with 206 Partial Content; a request for several ranges gets the whole file (200), which
RFC 9110 allows; an unsatisfiable range gets 416.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from examsrv.i18n import gettext as _
from examsrv.persistence.case_bank import media_by_name
from examsrv.persistence.case_tables import MediaFile
from examsrv.persistence.engine import session_scope
from examsrv.web.cases_common import AUTHORS
from examsrv.web.context import ctx
from examsrv.web.security import require

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The inclusive (first, last) byte of a single-range request; None for the whole
    file (no header, several ranges, another unit); ``"unsatisfiable"`` when no byte of
    the file is asked for."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # the last n bytes
        n = int(last_text)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        return "unsatisfiable"
    return first, min(last, size - 1)


def media_response(request: Request, media: MediaFile, *, cache: str = "private") -> Response:
    """The recording, whole or the requested range, with its type and length."""
    size = len(media.data)
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": cache,
        "ETag": f'"{media.sha256}"',
    }
    wanted = byte_range(request.headers.get("range"), size)
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range != headers["ETag"]:
        wanted = None  # the client's copy is another file: send the whole new one
    if wanted == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{size}"
        return Response(b"", status_code=416, headers=headers)
    if isinstance(wanted, tuple):
        first, last = wanted
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        body = media.data[first : last + 1]
        return Response(body, status_code=206, media_type=media.content_type, headers=headers)
    return Response(media.data, media_type=media.content_type, headers=headers)


@require(*AUTHORS)
async def media(request: Request) -> Response:
    c = ctx(request)
    name = request.path_params["name"]

    def load() -> MediaFile | None:
        with session_scope(c.engine) as s:
            return media_by_name(s, name)

    found = await run_in_threadpool(load)
    if found is None:
        return PlainTextResponse(_("No such recording."), 404)
    return media_response(request, found)
