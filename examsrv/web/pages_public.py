"""Pages anyone reaches: the home redirect, login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from examsrv.i18n import LOCALES
from examsrv.i18n import gettext as _
from examsrv.persistence.accounts import LoginResult, authenticate
from examsrv.persistence.engine import session_scope
from examsrv.persistence.models import Role
from examsrv.web.context import ctx
from examsrv.web.security import SessionUser, current_user

HOME_BY_ROLE = {
    Role.CANDIDATE: "/trial",
    Role.AUTHOR: "/author/articles",
    Role.ADMIN: "/admin/attempts",
    Role.PROCTOR: "/proctor/sittings",
    Role.HR: "/hr/employees",
    Role.APPROVER: "/approvals",
}


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


async def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_BY_ROLE[user.role], status_code=303)


async def login_page(request: Request) -> Response:
    c = ctx(request)
    return c.render(
        request, "login.html", {"error": None, "next": request.query_params.get("next", "")}
    )


async def login_submit(request: Request) -> Response:
    c = ctx(request)
    form = await request.form()
    username = str(form.get("username", ""))[:60]
    password = str(form.get("password", ""))[:200]
    next_url = _safe_next(str(form.get("next", "")))

    def check() -> tuple[LoginResult, SessionUser | None]:
        with session_scope(c.engine) as s:
            result = authenticate(
                s,
                username,
                password,
                now=c.clock.now(),
                max_failures=c.settings.login_max_failures,
                lockout_s=c.settings.login_lockout_seconds,
            )
            u = result.user
            if u is None or u.id is None:
                return result, None
            return result, SessionUser(
                u.id, u.username, Role(u.role), u.display_name, u.employee_id
            )

    result, user = await run_in_threadpool(check)
    if user is None:
        if result.retry_after_s:
            error = _("Too many failed logins. Try again in {seconds} seconds.").format(
                seconds=result.retry_after_s
            )
            return c.render(
                request,
                "login.html",
                {"error": error, "next": next_url or ""},
                status_code=429,
                headers={"Retry-After": str(result.retry_after_s)},
            )
        return c.render(
            request,
            "login.html",
            {"error": _("Wrong employee id / username or password."), "next": next_url or ""},
            status_code=401,
        )
    locale = request.session.get("locale")
    request.session.clear()  # a fresh session on login (no session fixation)
    if locale:
        request.session["locale"] = locale
    request.session["user"] = user.to_session()
    import secrets

    request.session["csrf"] = secrets.token_urlsafe(24)
    return RedirectResponse(next_url or HOME_BY_ROLE[user.role], status_code=303)


async def logout(request: Request) -> Response:
    locale = request.session.get("locale")
    request.session.clear()
    if locale:
        request.session["locale"] = locale
    return RedirectResponse("/login", status_code=303)


async def set_language(request: Request) -> Response:
    code = request.path_params["code"]
    if code in LOCALES:
        request.session["locale"] = code
    back = _safe_next(request.headers.get("referer", "").split(request.url.netloc, 1)[-1])
    return RedirectResponse(back or "/", status_code=303)
