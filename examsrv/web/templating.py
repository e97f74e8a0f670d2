"""Jinja2 templates: one environment, translated through ``examsrv.i18n``.

htmx and its websocket extension are installed from the npm registry by
``scripts/install`` into ``static/vendor`` with their version in the file name;
``asset_names`` finds them so templates never hard-code a version.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2_fragments import render_block
from jinja2_fragments.starlette import Jinja2Blocks
from starlette.requests import Request

from examsrv import i18n
from examsrv.itembank.case_tree import depth_first

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parents[2] / "static"


class MissingAssets(RuntimeError):
    """htmx is not in static/vendor: the set-up step has not run."""


@cache
def asset_names(static_dir: Path = STATIC) -> dict[str, str]:
    vendor = static_dir / "vendor"
    found: dict[str, str] = {}
    for key, pattern in (("htmx", "htmx-2.*.min.js"), ("htmx_ws", "htmx-ext-ws-2.*.js")):
        matches = sorted(vendor.glob(pattern))
        if not matches:
            raise MissingAssets(
                f"{vendor}/{pattern} is missing: run scripts/install (it fetches htmx from npm)"
            )
        found[key] = "vendor/" + matches[-1].name
    return found


def _context(request: Request) -> dict[str, Any]:
    session = request.scope.get("session") or {}
    return {
        "locale": i18n.current_locale(),
        "csrf_token": session.get("csrf", ""),
        "me": request.scope.get("user"),
        "assets": asset_names(),
    }


def make_templates() -> Jinja2Blocks:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters["ms_to_s"] = lambda ms: "" if ms is None else f"{float(ms) / 1000:.2f}"
    env.filters["outline"] = depth_first  # a case's turns in display order, with depths
    return Jinja2Blocks(env=env, context_processors=[_context])


def render_fragment(templates: Jinja2Blocks, name: str, block: str, **context: Any) -> str:
    """Render one block of a template to a string (for websocket frames)."""
    return render_block(templates.env, name, block, **context)
