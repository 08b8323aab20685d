"""Rendering pages: one Jinja2 environment (autoescaped) over src/csc_figures/templates, atomic writes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from .. import atomic

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SITE_NAME = "Children's services in England: the desk's charts and figures"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


@cache
def static(name: str) -> str:
    """A static file of the site's (stylesheet, script) as text."""
    return (TEMPLATES / "site" / name).read_text(encoding="utf-8")


def render(template: str, **context) -> str:
    """A page from templates/site/<template>, on the base layout (the stylesheet inlined)."""
    context.setdefault("site_name", SITE_NAME)
    context.setdefault("css", static("site.css"))
    context.setdefault("font_folder", None)
    return environment().get_template(f"site/{template}.j2").render(**context)


def write(path: Path, text: str) -> Path:
    """Write a page atomically; an unchanged page keeps its bytes and its time."""
    atomic.write_bytes(path, text.encode("utf-8"))
    return path
