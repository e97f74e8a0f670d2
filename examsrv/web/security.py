"""Who is asking, and may they: the signed-session user, role checks and CSRF.

The user is kept in Starlette's signed session cookie at login (id, role, names),
so no request needs a database read to know who it comes from. Every POST route
is wrapped by ``csrf_protected`` when the route table is built, so no form can
forget the check.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.datastructures import URL
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from examsrv import i18n
from examsrv.i18n import gettext as _
from examsrv.persistence.models import Role

Endpoint = Callable[[Request], Awaitable[Response]]
STAFF = frozenset({Role.ADMIN, Role.AUTHOR, Role.PROCTOR, Role.HR})


@dataclass(frozen=True)
class SessionUser:
    id: int
    username: str
    role: Role
    display_name: str
    employee_id: int | None

    def has(self, *roles: Role) -> bool:
        # An administrator may do whatever any staff role may do.
        if self.role == Role.ADMIN and not (set(roles) <= {Role.CANDIDATE}):
            return True
        return self.role in roles

    def to_session(self) -> dict[str, object]:
        return {
            "id": self.id,
            "u": self.username,
            "r": self.role.value,
            "n": self.display_name,
            "e": self.employee_id,
        }

    @classmethod
    def from_session(cls, data: object) -> SessionUser | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                id=int(data["id"]),
                username=str(data["u"]),
                role=Role(data["r"]),
                display_name=str(data["n"]),
                employee_id=None if data["e"] is None else int(data["e"]),
            )
        except (KeyError, ValueError, TypeError):
            return None


def current_user(conn: HTTPConnection) -> SessionUser | None:
    user: SessionUser | None = conn.scope.get("user")
    return user


class SessionContextMiddleware:
    """Puts the session user, a CSRF token and the interface language on each request."""

    def __init__(self, app: ASGIApp, default_locale: str) -> None:
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        session = scope.get("session")
        if session is not None and "csrf" not in session and scope["type"] == "http":
            session["csrf"] = secrets.token_urlsafe(24)
        scope["user"] = SessionUser.from_session((session or {}).get("user"))
        locale = i18n.normalise_locale((session or {}).get("locale"), self.default_locale)
        with i18n.use_locale(locale):
            await self.app(scope, receive, send)


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/login?next=" + quote(target, safe="")
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def require(*roles: Role) -> Callable[[Endpoint], Endpoint]:
    """Let the endpoint run only for a logged-in user holding one of ``roles``."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                return login_redirect(request)
            if not user.has(*roles):
                return PlainTextResponse(_("You are not allowed to open this page."), 403)
            return await endpoint(request)

        wrapper.roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate


def csrf_token_ok(request: Request, submitted: str | None) -> bool:
    expected = (request.scope.get("session") or {}).get("csrf")
    return bool(expected and submitted and hmac.compare_digest(str(expected), submitted))


def csrf_protected(endpoint: Endpoint) -> Endpoint:
    """Refuse a state-changing request whose CSRF token is missing or wrong."""

    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            submitted = request.headers.get("x-csrf-token")
            if submitted is None:
                ctype = request.headers.get("content-type", "")
                if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                    form = await request.form()
                    value = form.get("csrf_token")
                    submitted = value if isinstance(value, str) else None
            if not csrf_token_ok(request, submitted):
                return PlainTextResponse(
                    _("The form has expired or did not come from this site. Reload and retry."),
                    403,
                )
        return await endpoint(request)

    return wrapper


def same_origin(conn: HTTPConnection) -> bool:
    """Refuse websockets opened by pages of another site (cross-site websocket hijacking)."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True  # not a browser (load tests, third-party clients authenticate by cookie)
    host = conn.headers.get("host", "")
    return URL(origin).netloc == host
