"""The item-bank author's pages: browse, search and edit the knowledge base and the
lookup tasks; import them from Excel or JSON; export them back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from examsrv.i18n import gettext as _
from examsrv.itembank.bank_json import read_bank_json, write_bank_json
from examsrv.itembank.bank_validation import BankImport, RowError
from examsrv.itembank.specs import AnswerKind
from examsrv.itembank.spreadsheet import read_bank_xlsx, write_bank_xlsx
from examsrv.persistence.engine import session_scope
from examsrv.persistence.knowledge import (
    apply_bank,
    article_keys,
    article_spec,
    categories,
    export_bank,
    list_articles,
    list_tasks,
    task_spec,
)
from examsrv.persistence.models import Article, Role, Task
from examsrv.persistence.trials import record_event
from examsrv.web.context import ctx
from examsrv.web.paging import Page
from examsrv.web.security import current_user, require

AUTHORS = (Role.AUTHOR, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: Request) -> str:
    user = current_user(request)
    return user.username if user else ""


@require(*AUTHORS)
async def articles(request: Request) -> Response:
    c = ctx(request)
    page = Page.from_request(request)
    category = request.query_params.get("category") or None

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows, total = list_articles(s, category=category, offset=page.offset, limit=page.size)
            return {
                "articles": rows,
                "page": page.with_total(total),
                "categories": categories(s),
                "category": category or "",
            }

    return c.render(request, "author_articles.html", await run_in_threadpool(load))


@require(*AUTHORS)
async def article_edit(request: Request) -> Response:
    c = ctx(request)
    article_id = int(request.path_params["article_id"])
    error = None
    if request.method == "POST":
        form = await request.form()
        title = str(form.get("title", "")).strip()
        category = str(form.get("category", "")).strip()
        body = str(form.get("body", "")).strip()
        facts = tuple(f.strip() for f in str(form.get("key_facts", "")).splitlines() if f.strip())
        if not title or not category or not body or len(title) > 200:
            error = _("Title, category and body are required; a title has at most 200 characters.")
        else:

            def save() -> bool:
                with session_scope(c.engine) as s:
                    row = s.get(Article, article_id)
                    if row is None:
                        return False
                    spec = replace(
                        article_spec(row),
                        title=title,
                        category=category,
                        body=body,
                        key_facts=facts,
                    )
                    apply_bank(s, [spec], [], actor=_actor(request), now=c.clock.now())
                    record_event(
                        s,
                        kind="article_edited",
                        now=c.clock.now(),
                        attempt_id=None,
                        actor=_actor(request),
                        detail={"key": row.key},
                    )
                    return True

            if not await run_in_threadpool(save):
                return PlainTextResponse(_("No such article."), 404)
            return RedirectResponse(f"/author/articles/{article_id}?saved=1", status_code=303)

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            row = s.get(Article, article_id)
            if row is None:
                return None
            tasks, _total = list_tasks(s, offset=0, limit=100, article_id=article_id)
            return {"article": row, "tasks": [t for t, _a in tasks]}

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such article."), 404)
    data["error"] = error
    data["saved"] = request.query_params.get("saved") == "1"
    return c.render(request, "author_article.html", data, status_code=400 if error else 200)


@require(*AUTHORS)
async def tasks(request: Request) -> Response:
    c = ctx(request)
    page = Page.from_request(request)

    def load() -> dict[str, Any]:
        with session_scope(c.engine) as s:
            rows, total = list_tasks(s, offset=page.offset, limit=page.size)
            return {"rows": rows, "page": page.with_total(total)}

    return c.render(request, "author_tasks.html", await run_in_threadpool(load))


def _lines(value: object) -> tuple[str, ...]:
    return tuple(v.strip() for v in str(value or "").splitlines() if v.strip())


@require(*AUTHORS)
async def task_edit(request: Request) -> Response:
    c = ctx(request)
    task_id = int(request.path_params["task_id"])
    errors: list[RowError] = []
    if request.method == "POST":
        form = await request.form()

        def save() -> list[RowError] | None:
            with session_scope(c.engine) as s:
                row = s.get(Task, task_id)
                if row is None:
                    return None
                article = s.get(Article, row.article_id)
                assert article is not None
                spec = replace(
                    task_spec(row, article.key),
                    question=str(form.get("question", "")).strip(),
                    kind=AnswerKind(str(form.get("kind", "text")))
                    if str(form.get("kind", "text")) in ("text", "choice")
                    else AnswerKind.TEXT,
                    answers=_lines(form.get("answers")),
                    synonyms=_lines(form.get("synonyms")),
                    options=_lines(form.get("options")),
                    article_key=str(form.get("article_key", article.key)).strip(),
                )
                # One validator for every way a task enters the bank: the JSON reader's.
                check = read_bank_json(write_bank_json([], [spec]), article_keys(s))
                if not check.ok:
                    return check.errors
                apply_bank(s, [], check.tasks, actor=_actor(request), now=c.clock.now())
                record_event(
                    s,
                    kind="task_edited",
                    now=c.clock.now(),
                    attempt_id=None,
                    actor=_actor(request),
                    detail={"key": row.key},
                )
                return []

        result = await run_in_threadpool(save)
        if result is None:
            return PlainTextResponse(_("No such task."), 404)
        if not result:
            return RedirectResponse(f"/author/tasks/{task_id}?saved=1", status_code=303)
        errors = result

    def load() -> dict[str, Any] | None:
        with session_scope(c.engine) as s:
            row = s.get(Task, task_id)
            if row is None:
                return None
            return {"task": row, "article": s.get(Article, row.article_id)}

    data = await run_in_threadpool(load)
    if data is None:
        return PlainTextResponse(_("No such task."), 404)
    data["errors"] = errors
    data["saved"] = request.query_params.get("saved") == "1"
    return c.render(request, "author_task.html", data, status_code=400 if errors else 200)


@require(*AUTHORS)
async def import_page(request: Request) -> Response:
    return ctx(request).render(
        request, "author_import.html", {"result": None, "errors": [], "summary": None}
    )


@require(*AUTHORS)
async def import_submit(request: Request) -> Response:
    c = ctx(request)
    async with request.form(max_part_size=c.settings.upload_max_bytes) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors = [RowError("", 0, None, _("Choose a file to import."))]
            return c.render(
                request, "author_import.html", {"errors": errors, "summary": None}, status_code=400
            )
        filename = upload.filename
        data = await upload.read(c.settings.upload_max_bytes + 1)
    if len(data) > c.settings.upload_max_bytes:
        errors = [RowError("", 0, None, _("The file is too large."))]
        return c.render(
            request, "author_import.html", {"errors": errors, "summary": None}, status_code=413
        )
    is_json = filename.lower().endswith(".json")

    def run() -> tuple[BankImport, Any]:
        with session_scope(c.engine) as s:
            known = article_keys(s)
            parsed = read_bank_json(data, known) if is_json else read_bank_xlsx(data, known)
            if not parsed.ok:
                return parsed, None  # all or nothing: a bad row imports nothing
            change = apply_bank(
                s, parsed.articles, parsed.tasks, actor=_actor(request), now=c.clock.now()
            )
            record_event(
                s,
                kind="bank_imported",
                now=c.clock.now(),
                attempt_id=None,
                actor=_actor(request),
                detail={"file": filename, **change.__dict__},
            )
            return parsed, change

    parsed, change = await run_in_threadpool(run)
    return c.render(
        request,
        "author_import.html",
        {"errors": parsed.errors, "summary": change, "filename": filename},
        status_code=200 if parsed.ok else 400,
    )


@require(*AUTHORS)
async def export(request: Request) -> Response:
    c = ctx(request)
    fmt = request.path_params["fmt"]

    def load() -> bytes:
        with session_scope(c.engine) as s:
            arts, tks = export_bank(s)
        return write_bank_json(arts, tks) if fmt == "json" else write_bank_xlsx(arts, tks)

    body = await run_in_threadpool(load)
    stamp = c.clock.now().strftime("%Y%m%d")
    media = "application/json" if fmt == "json" else XLSX
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="examsrv-bank-{stamp}.{fmt}"'},
    )
