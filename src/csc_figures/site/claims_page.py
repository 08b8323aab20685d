"""The claims page, for reporters: every figure and statement in the articles, by story, one section per status.

Counts come from one place (`counts`, over the committed claims report), so the page, the README's
sentence and `csc-figures claims` cannot disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from .. import claims, rounding
from ..dates import day_words
from .render import render, write as write_page

STATUS_HEADINGS = {
    "differs": "Figures and statements the data do not reproduce, and why",
    "match": "Figures and statements the publishers' files reproduce",
    "reported": "Figures cited from documents that publish no table",
    "consistent": "Statements that agree with figures read from the same article (not verified)",
    "not_implemented": "Not yet recomputed",
}
# How the page prints a recomputed value in the article's own terms (its precision and unit); the full
# precision stays in outputs/claims_report.csv. unit -> (prefix, suffix, suffix for exactly one)
UNIT_WORDS = {
    "percent": ("", "%", "%"), "points": ("", " points", " point"), "ratio": ("", " times", " times"),
    "pounds": ("£", "", ""), "pounds_m": ("£", "m", "m"), "pounds_bn": ("£", "bn", "bn"), "kg": ("", "kg", "kg"),
    "years": ("", " years", " year"), "months": ("", " months", " month"), "days": ("", " days", " day"),
    "hours": ("", " hours", " hour"), "cases": ("", " cases", " case"), "words": ("", " words", " word"),
    "fte": ("", " FTE", " FTE"), "count": ("", "", ""), "score": ("", "", ""), "year": ("", "", ""),
}
FLAG_WORDS = {"1": "holds", "0": "does not hold"}
KIND_WORDS = {"data": "from the data", "arithmetic": "from other printed figures", "reported": "cited from a document",
              "statement": "a statement"}


def as_printed(computed: str | None, unit: str, precision: str) -> str:
    """A recomputed value as the article would print it: at its precision, with its unit, judgements in words
    ('13.647', percent, 1 -> '13.6%'; 'requires_improvement' -> 'requires improvement')."""
    computed = (computed or "").strip()
    if not computed:
        return ""
    if unit == "flag" and computed in FLAG_WORDS:
        return FLAG_WORDS[computed]
    try:
        value = float(computed)
    except ValueError:
        value = None
    if unit == "text" or value is None:
        return computed.replace("_", " ")  # a judgement or area code in words
    if unit not in UNIT_WORDS:
        raise ValueError(f"data/claims.csv: unit {unit!r} has no printed form (claims_page.UNIT_WORDS)")
    places = int(precision) if precision not in (None, "") else 0
    if unit == "ratio":
        places = max(places, 2)  # 'more than doubled' is checked against the ratio itself
    prefix, suffix, one = UNIT_WORDS[unit]
    text = rounding.fixed(value, places, thousands=unit != "year")
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    return f"{sign}{prefix}{digits}{one if digits == '1' else suffix}"


def anchor(story: str) -> str:
    return "story-" + re.sub(r"[^a-z0-9-]+", "-", story.lower()).strip("-")


def report_with_ledger(report: pl.DataFrame | None = None) -> pl.DataFrame:
    """The committed report joined to each claim's kind, precision and computation, and its story."""
    report = claims.committed_report() if report is None else report
    ledger = claims.load_claims().select("claim_id", "kind", "precision", "unit", "computation", "args")
    from ..articles import CLAIM_STORIES_CSV

    # the story each claim is in within its own article (claim_stories.csv also maps its repeats)
    stories = pl.read_csv(CLAIM_STORIES_CSV, infer_schema=False).join(
        report.select("claim_id", "article"), on=["claim_id", "article"]).select("claim_id", "story")
    return report.join(ledger, on="claim_id", how="left").join(stories, on="claim_id", how="left")


def counts(rows: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Claims by kind (figures, statements) and status: the one count every page and command shows."""
    out = {}
    for label, part in (("figures", rows.filter(pl.col("kind") != "statement")),
                        ("statements", rows.filter(pl.col("kind") == "statement"))):
        out[label] = {**claims.status_counts(part), "all": part.height}
    out["all"] = {s: out["figures"][s] + out["statements"][s] for s in [*claims.STATUSES, "all"]}
    return out


def _links(computation: str, story_parts: dict[str, list[dict]], story: str, chart_pages: dict) -> dict:
    from ..readme import _notebook_of, _story_package

    package = _story_package(computation or "")
    for part in story_parts.get(story, []):
        if part["package"] == package:
            first = next((chart_pages[c] for c in chart_pages if c.folder in part["folders"]), None)
            return {"notebook": part["notebook"].stem if part["notebook"] else None, "chart": first,
                    "table": part["folders"][0] if not part["reported"] else None,
                    "reported": part["reported"]}
    # a figure no chart of this story draws (England's own rate, say): the notebook of the package computing it
    notebook = _notebook_of(package) if package else None
    return {"notebook": notebook.stem if notebook else None, "chart": None, "table": None, "reported": []}


def _from_claims(computation: str, args: str) -> list[str]:
    """The printed figures an arithmetic claim is computed from (their ids, linked on this page)."""
    if not (computation or "").startswith("arithmetic."):
        return []
    return [c for v in claims.parse_args(args or "").values() for c in re.findall(r"\ba\d{3}-\d{3}\b", v)]


def repeated_in() -> dict[str, list[str]]:
    """claim id -> where else its sentence is printed: another story, described ('Headline (Publisher, 5 May
    2022)'), or another copy of the same story (a feed and the article), named by its file."""
    from ..articles import articles, claim_stories, describe

    table = articles()
    own = dict(claim_stories(table=table).select("claim_id", "story").iter_rows())
    out: dict[str, list[str]] = {}
    for r in claim_stories(table=table, repeats=True).iter_rows(named=True):
        same = r["story"] == own.get(r["claim_id"])
        out.setdefault(r["claim_id"], []).append(
            f"another copy of this story ({r['article']})" if same else describe(r["article"], r["story"], table))
    return out


def view(index: list[dict], chart_pages: dict) -> dict:
    """What the template shows: the sentence, the counts, and each status's stories with their rows."""
    rows = report_with_ledger()
    repeats = repeated_in()
    by_story = {s["story"]: s for s in index}
    parts = {s["story"]: s["parts"] for s in index}
    sections = []
    for status in claims.STATUSES:
        mine = rows.filter(pl.col("status") == status)
        if not mine.height:
            continue
        groups = []
        for story in [s["story"] for s in index if s["story"] in set(mine["story"])]:
            part = mine.filter(pl.col("story") == story).sort("claim_id")
            items = []
            for r in part.iter_rows(named=True):
                items.append({"id": r["claim_id"], "quote": r["quote"], "printed": r["published"],
                              "computed": as_printed(r["computed"], r["unit"] or "", r["precision"]),
                              "kind": KIND_WORDS.get(r["kind"] or "", r["kind"] or ""),
                              "note": r["note"] or "", "source_kind": r["source_kind"] or "",
                              "from_claims": _from_claims(r["computation"], r["args"]),
                              "also_in": repeats.get(r["claim_id"], []),
                              **_links(r["computation"], parts, story, chart_pages)})
            s = by_story[story]
            groups.append({"story": story, "headline": s["headline"], "publisher": s["publisher"],
                           "published": day_words(s["published"], missing=""), "rows": items,
                           "anchor": f"{status}-{anchor(story)}"})
        sections.append({"status": status, "heading": STATUS_HEADINGS[status], "n": mine.height, "groups": groups})
    return {"summary": claims.summary_line(rows.select(claims.REPORT_COLUMNS)), "counts": counts(rows),
            "sections": sections,
            "stories": [{"headline": s["headline"], "anchor": anchor(s["story"]), "n": len(s["claims"]),
                         "first": next((f"{sec['status']}-{anchor(s['story'])}" for sec in sections
                                        for g in sec["groups"] if g["story"] == s["story"]), None)}
                        for s in index if s["claims"]]}


def write(path: Path, index: list[dict], chart_pages: dict, **context) -> Path:
    up = "."
    page = render("claims.html", title="Every figure in the articles, checked against the data",
                  v=view(index, chart_pages), statuses=claims.STATUSES, up=up,
                  notebooks=f"{up}/../notebooks", tables=f"{up}/../tables", reported=f"{up}/../../data/reported",
                  **context)
    return write_page(path, page)
