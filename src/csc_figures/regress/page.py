"""The report page, rendered from templates/regress.html.j2 (offline: images beside it, CSS inline)."""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Enough rows to see a pattern; the CSV in git holds the rest.
ROW_LIMIT = 40


def render(report, summary_text: str, images: dict[str, dict[str, str]]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("regress.html.j2").render(
        report=report, summary=summary_text, images=images, row_limit=ROW_LIMIT)
