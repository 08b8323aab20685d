"""Every council's profile as an offline HTML page: hand-drawn SVG, the page, the index and the batch writer."""

from __future__ import annotations

import datetime as dt
import html
import time
from pathlib import Path

import polars as pl

from ... import formatting, judgements, measures, style
from .assemble import council_profile
from .chart import _series_styles, indicator_chart, judgement_chart
from .compute import ProfileData, SOURCE_OFSTED, SOURCE_WORKFORCE, _vintage, chart_rows, indicator_table, judgement_table, load_data, slug
from .words import _area_label, _flag_words, _long_date, _value, fmt, indicator_words, judgement_words, revision_text

# ---- light SVG for the batch pages ------------------------------------------------------------
# vl-convert takes 0.2-0.5 s per chart on this machine, too slow for ~160 pages in a minute, so the
# batch pages draw the same tables (indicator_table, judgement_table) as plain SVG.

def _nice_max(top: float) -> tuple[float, float]:
    """An axis top at or above `top` and a step giving 3-6 ticks."""
    if top <= 0:
        return 1.0, 0.5
    magnitude = 10 ** int(f"{top:e}".split("e")[1])
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10):
        s = step * magnitude
        if top / s <= 5:
            return s * -(-top // s), s
    return top, top


def _svg_text(x, y, text, size=12, anchor="start", weight="normal", fill=style.INK):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{_e(text)}</text>')


def svg_indicators(profile: dict, table: pl.DataFrame | None = None) -> str:
    """Six small multiples as plain SVG: each indicator by year for every series in indicator_table."""
    table = chart_rows(table if table is not None else indicator_table(profile))
    styles = _series_styles(table)
    years = sorted(table["year"].unique().to_list())
    pw, ph, left, gap_x, top_pad, gap_y = 330, 120, 46, 40, 34, 58
    width = 2 * (left + pw) + gap_x
    # legend entries flow left to right, wrapping at the chart's width (about 6.5 px a character)
    placed, x, y = [], 0, 16
    for series in styles:
        w_entry = 34 + 6.5 * len(series) + 24
        if x and x + w_entry > width:
            x, y = 0, y + 22
        placed.append((x, y))
        x += w_entry
    legend_h = y + 14
    height = legend_h + 3 * (ph + gap_y) + 10
    out = []
    for (x, y), (series, (colour, dash, w)) in zip(placed, styles.items(), strict=True):
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 28}" y2="{y - 4}" stroke="{colour}" stroke-width="{w}" '
                   f'stroke-dasharray="{dash}"/>' + _svg_text(x + 34, y, series))
    for k, m in enumerate(measures.PROFILED):
        ox = (k % 2) * (left + pw + gap_x) + left
        oy = legend_h + (k // 2) * (ph + gap_y) + top_pad
        panel = table.filter(pl.col("measure") == m)
        values = [v for v in panel["value"].to_list() if v is not None]
        top, step = _nice_max(max(values) if values else 1.0)
        out.append(_svg_text(ox - left + 2, oy - 14, measures.label(m), 13, weight="bold"))
        tick = 0.0
        while tick <= top + 1e-9:
            ty = oy + ph - ph * tick / top
            out.append(f'<line x1="{ox}" y1="{ty:.1f}" x2="{ox + pw}" y2="{ty:.1f}" stroke="{style.GRID}"/>'
                       + _svg_text(ox - 6, ty + 4, formatting.number(tick, 0 if step >= 1 else 1), 11, "end", fill=style.MUTED))
            tick += step
        xs = {y: ox + (pw * (i + 0.5) / len(years)) for i, y in enumerate(years)}
        for y, x in xs.items():
            out.append(_svg_text(x, oy + ph + 15, str(y), 11, "middle", fill=style.MUTED))
        for series, (colour, dash, w) in styles.items():
            points = dict(panel.filter(pl.col("series") == series).select("year", "value").iter_rows())
            run: list[str] = []
            for y in years + [None]:  # a null (or a missing year) breaks the line
                v = points.get(y) if y is not None else None
                if v is not None:
                    run.append(f"{xs[y]:.1f},{oy + ph - ph * v / top:.1f}")
                    continue
                if len(run) > 1:
                    out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                               f'stroke-width="{w}" stroke-dasharray="{dash}"/>')
                if run and styles[series][1] == "":
                    out += [f'<circle cx="{pt.split(",")[0]}" cy="{pt.split(",")[1]}" r="2.8" fill="{colour}"/>'
                            for pt in run]
                run = []
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{html.escape(style.FONT_STACK)}" '
            f'aria-hidden="true">' + "".join(out) + "</svg>")


def svg_judgements(profile: dict, table: pl.DataFrame | None = None) -> str:
    """The judgement timeline as plain SVG: a row per council and judgement area, a dot per judgement."""

    table = (table if table is not None else judgement_table(profile)).drop_nulls("rating")
    colours = {code: judgements.JUDGEMENTS[code].colour for code in judgements.ORDER}
    pairs = table.select("council", "area").unique(maintain_order=True).rows()
    councils = list(dict.fromkeys(c for c, _ in pairs))
    rows = sorted(pairs, key=lambda ca: (councils.index(ca[0]), ca[1] != "overall"))
    left, plot_w, top = 300, 620, 44
    heights = [32 if area == "overall" else 20 for _, area in rows] or [20]
    width, height = left + plot_w + 20, top + sum(heights) + 34
    first = dt.date(2009, 1, 1)
    last = dt.date(max([d.year for d in table["published"].to_list()] + [2025]) + 1, 1, 1) if table.height else \
        dt.date(2026, 1, 1)
    span = (last - first).days

    def x_of(d: dt.date) -> float:
        return left + plot_w * (d - first).days / span

    out = []
    for i, key in enumerate(judgements.ORDER):
        out.append(f'<circle cx="{i * 170 + 6}" cy="12" r="6" fill="{colours[key]}"/>'
                   + _svg_text(i * 170 + 16, 16, judgements.LABELS[key]))
    for year in range(first.year, last.year + 1, 2):
        x = x_of(dt.date(year, 1, 1))
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 30}" stroke="{style.GRID}"/>'
                   + _svg_text(x, height - 16, str(year), 11, "middle", fill=style.MUTED))
    if not rows:
        out.append(_svg_text(left, top + 14, "No Ofsted judgements in the data we hold"))
    for r, (council, area) in enumerate(rows):
        y = top + sum(heights[:r]) + heights[r] - 10
        label = f"{council} · {_area_label(area)}" if area == "overall" else _area_label(area)
        out.append(_svg_text(left - 8, y + 4, label, 11, "end", "bold" if area == "overall" else "normal"))
        hits = table.filter((pl.col("council") == council) & (pl.col("area") == area))
        for h in hits.iter_rows(named=True):
            colour = colours.get(h["rating"], style.NO_JUDGEMENT)
            out.append(f'<circle cx="{x_of(h["published"]):.1f}" cy="{y:.1f}" r="6" fill="{colour}">'
                       f'<title>{_e(h["framework"])} {h["published"]}: {_e(judgements.words_in(h["rating"], h["framework"], h["rating"]))}'
                       f'</title></circle>')
            if area == "overall":
                out.append(_svg_text(x_of(h["published"]), y - 8, h["framework"] or "", 10, "middle", fill=style.MUTED))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{html.escape(style.FONT_STACK)}" '
            f'aria-hidden="true">' + "".join(out) + "</svg>")


# ---- every council at once: offline HTML pages -----------------------------------------------

PAGE_STYLE = """
body{font-family:"Source Sans Pro","Source Sans 3",Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{margin-bottom:.2em}.meta{color:#555;margin-top:0}figure{margin:1.5em 0}figcaption{color:#444;font-size:.95em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:.25em .6em;
text-align:right}th:first-child,td:first-child{text-align:left}td.na{color:#b2182b}caption{text-align:left;
font-weight:bold;padding:.3em 0}ul.sentences li{margin:.3em 0}.note{color:#555;font-size:.9em}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _svg(chart) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def _figure(svg: str, words: dict) -> str:
    subtitle = words["subtitle"] if isinstance(words["subtitle"], str) else ". ".join(words["subtitle"])
    return (f'<figure><h3>{_e(words["title"])}</h3><p class="note">{_e(subtitle)}</p>'
            f'<div role="img" aria-label="{_e(words["alt_text"])}">{svg}</div>'
            f"<figcaption>{_e(words['alt_text'])}</figcaption></figure>")


def _html_table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td{" class=na" if c.startswith("unavailable") else ""}>{_e(c)}</td>'
                                    for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(measure: str, series: dict, flags: dict, year: str) -> str:
    if year not in series:
        return "–"
    value = series[year]
    if value is None:
        return f"unavailable ({_flag_words(flags.get(year))})"
    return fmt(measure, value)


def profile_page(profile: dict, csv_name: str, renderer: str = "svg") -> str:
    """One council's profile as a self-contained HTML page (inline SVG charts, no network requests).

    renderer "svg" draws the charts as plain SVG (fast, for every council at once); "vega" converts
    the notebook's Vega-Lite charts with vl-convert (the house charts, about 0.5 s per page more).
    """
    name = profile["name"]
    if renderer == "vega":
        jsvg, isvg = _svg(judgement_chart(profile)[0]), _svg(indicator_chart(profile)[0])
    else:
        jsvg, isvg = svg_judgements(profile), svg_indicators(profile)
    parts = [f'<p><a href="index.html">All councils</a></p><h1>{_e(name)}</h1>',
             f'<p class="meta">DfE code {_e(profile["la_code"])} · ONS code {_e(profile["ons_code"])} · '
             f'{_e(profile["region"])} · workforce figures from DfE’s {profile["vintage"]} release'
             + (f" · existed until {_e(_long_date(profile['end_date']))}" if profile["end_date"] else "") + "</p>",
             "<h2>In words</h2><ul class=sentences>" + "".join(f"<li>{_e(s)}</li>" for s in profile["sentences"])
             + "</ul>", "<h2>Ofsted judgements</h2>", _figure(jsvg, judgement_words(profile))]
    rows = []
    units = [(name, profile["judgements"])] + [(f"{p['la_name']} (predecessor)", p["judgements"])
                                                for p in profile["predecessors"]]
    for label, held in units:
        for j in held:
            subs = "; ".join(f"{_area_label(k)}: {judgements.words(v, v)}" for k, v in j["sub_judgements"].items())
            rows.append([label, j["published"] or "", j["framework"] or "", j["inspection_type"] or "",
                         judgements.words(j["overall"], j["overall"] or "–"), subs])
    parts.append(_html_table("Every inspection since 2009 (publication date)",
                             ["Council", "Published", "Framework", "Type", "Overall", "Sub-judgements"], rows)
                 if rows else "<p>No Ofsted inspections in the data we hold.</p>")
    parts += ["<h2>Social work workforce</h2>", _figure(isvg, indicator_words(profile))]
    years = sorted({int(y) for y in profile["england"]["fte"]})
    region = f"{profile['region']} average"
    for m in measures.PROFILED:
        header = ["Year", name] + [f"{p['la_name']} (predecessor)" for p in profile["predecessors"]] + [
            "England", region, "Statistical neighbours (mean)"]
        body = []
        for y in map(str, years):
            body.append([y, _cell(m, profile["indicators"][m], profile["unavailable"].get(m, {}), y)]
                        + [_cell(m, p["indicators"][m], p["flags"].get(m, {}), y) for p in profile["predecessors"]]
                        + [_cell(m, s[m], {}, y) for s in (profile["england"], profile["region_indicators"],
                                                           profile["neighbours"])])
        parts.append(_html_table(measures.label(m), header, body))
    if profile["revisions"]:
        parts.append("<h2>Figures revised between DfE releases</h2>")
        parts.append(_html_table("Each release’s value, oldest release first", ["Year", "Measure", "Values"],
                                 [[str(r["year"]), measures.words(r["measure"]),
                                   revision_text(r)] for r in profile["revisions"]]))
    members = [n for n in profile["neighbour_councils"]]
    if members:
        parts.append('<p class="note">Statistical neighbours (DfE, April 2021 groupings): '
                     + _e(", ".join(f"{n['la_name']}" + (f" (left out: {n['left_out']})" if n["left_out"] else "")
                                    for n in members)) + ".</p>")
    parts.append(f'<p class="note">The figures behind this page: <a href="{_e(csv_name)}">{_e(csv_name)}</a>. '
                 f"Sources: {SOURCE_WORKFORCE}; {SOURCE_OFSTED}; DfE statistical neighbour groupings. "
                 "Unavailable means DfE suppressed the figure or did not publish it; it is never a zero.</p>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(name)}: children’s '
            f'services profile</title><style>{PAGE_STYLE}</style></head><body>{"".join(parts)}</body></html>\n')


def page_name(code: str, name: str) -> str:
    return f"{code}-{slug(name)}"


def write_profiles(out: Path, vintage: int | None = None, councils: list[str] | None = None,
                   renderer: str = "svg") -> dict:
    """Write a profile page and CSV for every council (or those given) and an index page; return timings."""
    from ... import charts

    started = time.perf_counter()
    charts.setup()
    data = load_data()
    out.mkdir(parents=True, exist_ok=True)
    geo = data.geography.sort("la_code")
    codes = councils or geo["la_code"].to_list()
    index_rows = []
    for code in codes:
        profile = council_profile(code, vintage=vintage, data=data)
        base = page_name(profile["la_code"], profile["name"])
        table = indicator_table(profile).with_columns(pl.lit(profile["la_code"]).alias("la_code"))
        _write_text(out / f"{base}.csv", table.select("la_code", *table.columns[:-1]).write_csv())
        _write_text(out / f"{base}.html", profile_page(profile, f"{base}.csv", renderer))
        rated = [j for j in profile["judgements"] if judgements.is_judgement(j["overall"])]
        year = profile["year"]
        index_rows.append({
            "base": base, "name": profile["la_name"], "code": profile["la_code"], "region": profile["region"] or "",
            "status": f"until {profile['end_date']}" if profile["end_date"] else "",
            "judgement": (f"{judgements.words(rated[-1]['overall'])} ({rated[-1]['published'][:4]})" if rated else "–"),
            "turnover": f"{fmt('turnover_rate', _value(profile['indicators']['turnover_rate'], year))} ({year})"
            if year else "–",
        })
    _write_text(out / "index.html", _index_page(index_rows, data, vintage))
    return {"councils": len(codes), "seconds": time.perf_counter() - started}


def _index_page(rows: list[dict], data: ProfileData, vintage: int | None) -> str:
    rows = sorted(rows, key=lambda r: (r["region"], r["name"]))
    body = "".join(f'<tr><td><a href="{_e(r["base"])}.html">{_e(r["name"])}</a></td><td>{_e(r["code"])}</td>'
                   f'<td>{_e(r["region"])}</td><td>{_e(r["status"])}</td><td>{_e(r["judgement"])}</td>'
                   f'<td>{_e(r["turnover"])}</td></tr>' for r in rows)
    release = _vintage(data, vintage)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council profiles: children’s '
            f'services</title><style>{PAGE_STYLE}</style></head><body><h1>Council profiles</h1>'
            f'<p class="meta">{len(rows)} councils with children’s services since 2009 · workforce figures from '
            f'DfE’s {release} release · Ofsted judgements since 2009</p>'
            '<table><thead><tr><th scope="col">Council</th><th scope="col">DfE code</th><th scope="col">Region</th>'
            '<th scope="col">Existed</th><th scope="col">Latest overall judgement</th>'
            f'<th scope="col">Turnover rate (latest year)</th></tr></thead><tbody>{body}</tbody></table>'
            "</body></html>\n")


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
