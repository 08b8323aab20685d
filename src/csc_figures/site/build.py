"""The offline site under outputs/site/: a home page by story, a page per chart, and the claims.

    python -m csc_figures.site            # make site

Every page comes from templates/site/ on one base layout; every chart is drawn in the browser from its own
committed Vega-Lite spec (outputs/figures/**/<name>.vl.json, and <name>_narrow.vl.json below 600 px where
one exists), with one shared copy of the Vega script and the fonts. Nothing is fetched from the network:
the site opens from file://.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .. import atomic, charts, paths
from ..dates import day_words
from . import claims_page, profiles
from .render import SITE_NAME, render, static, write

SITE = paths.OUTPUTS / "site"
NARROW = "_narrow"
_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?%?$")


@dataclass(frozen=True)
class Chart:
    folder: str  # under outputs/figures/, e.g. 'ratings_vs_workforce' or 'council_profile/york'
    name: str

    @property
    def spec_path(self) -> Path:
        return paths.OUTPUTS / "figures" / self.folder / f"{self.name}.vl.json"

    @property
    def narrow_path(self) -> Path:
        return paths.OUTPUTS / "figures" / self.folder / f"{self.name}{NARROW}.vl.json"

    @property
    def table_path(self) -> Path:
        return paths.OUTPUTS / "tables" / self.folder / f"{self.name}.csv"

    @property
    def page(self) -> str:
        """The chart's page, relative to the site's root."""
        return f"charts/{self.folder}/{self.name}.html"


def committed_charts(figures: Path | None = None) -> list[Chart]:
    """Every chart with a spec under outputs/figures/ (a narrow variant belongs to its full-width chart)."""
    figures = figures or paths.OUTPUTS / "figures"
    found = []
    for spec in sorted(figures.rglob("*.vl.json")):
        name = spec.name.removesuffix(".vl.json")
        folder = spec.parent.relative_to(figures).as_posix()
        if name.endswith(NARROW) and (spec.parent / f"{name.removesuffix(NARROW)}.vl.json").exists():
            continue
        found.append(Chart(folder, name))
    return found


def title_of(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def page_spec(spec: dict) -> str:
    """The spec as the page embeds it: one image to assistive technology (Vega's per-mark ARIA off)."""
    spec = {**spec, "config": {**spec.get("config", {}), "aria": False}}
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def table_view(csv: Path) -> dict:
    """A CSV as the page's table: headers, rows as text, and which columns hold numbers."""
    df = pl.read_csv(csv, infer_schema=False)
    rows = [["" if v is None else v for v in row] for row in df.iter_rows()]
    numeric = [bool(rows) and all(_NUMBER.match(r[i]) or r[i] == "" for r in rows) and any(r[i] for r in rows)
               for i in range(len(df.columns))]
    return {"headers": [c.replace("_", " ") for c in df.columns], "rows": rows, "numeric": numeric}


def _story_notebooks() -> dict[str, str]:
    """Output folder -> the notebook that writes it (the notebook importing the story package)."""
    from ..readme import _notebook_of

    found = {}
    for package in sorted(p.name for p in (Path(__file__).resolve().parents[1] / "stories").iterdir()
                          if (p / "__init__.py").exists()):
        folder = importlib.import_module(f"csc_figures.stories.{package}").STORY
        notebook = _notebook_of(package)
        if notebook:
            found[folder] = notebook.stem
    return found


def write_assets(site: Path) -> Path:
    """The shared script and fonts (once for every page), and the chart script."""
    assets = site / "assets"
    bundled = paths.FIGURES / charts.VEGA_SCRIPT  # the copy the charts' own pages share: bundling takes ~2 s
    if bundled.exists():
        _copy(bundled, assets / charts.VEGA_SCRIPT)
    charts.write_page_assets(assets)  # the fonts; the script only when that copy is not this version's
    write(assets / "chart.js", static("chart.js"))
    return assets


def _copy(source: Path, target: Path) -> None:
    if source.exists():
        atomic.write_bytes(target, source.read_bytes())


def latest_judgement_map(found: list[Chart]) -> Chart | None:
    """The map of the judgements in force on the latest date drawn (outputs/figures/maps/judgements_<date>)."""
    dated = [c for c in found if c.folder == "maps" and re.fullmatch(r"judgements_\d{4}-\d{2}-\d{2}", c.name)]
    return max(dated, key=lambda c: c.name) if dated else None


def chart_view(chart: Chart, prefix: str, chart_id: str = "chart") -> dict:
    """What the chart macro needs: the specs as the page embeds them, the description, the fallback image."""
    spec = json.loads(chart.spec_path.read_text(encoding="utf-8"))
    narrow = json.loads(chart.narrow_path.read_text(encoding="utf-8")) if chart.narrow_path.exists() else None
    return {"id": chart_id, "title": title_of(spec), "description": spec.get("description", ""),
            "spec_json": page_spec(spec), "narrow_json": page_spec(narrow) if narrow else None,
            "svg": f"{prefix}/charts/{chart.folder}/{chart.name}.svg"}


def write_chart_page(chart: Chart, site: Path, notebooks: dict[str, str], story_titles: dict[str, str]) -> Path:
    out = site / chart.page
    folder = out.parent
    for suffix in (".png", ".svg", ".vl.json"):
        _copy(chart.spec_path.with_name(chart.name + suffix), folder / f"{chart.name}{suffix}")
    has_table = chart.table_path.exists()
    if has_table:
        _copy(chart.table_path, folder / f"{chart.name}.csv")
    top = chart.folder.split("/")[0]
    c = {**chart_view(chart, "."), "svg": f"{chart.name}.svg", "png": f"{chart.name}.png",
         "spec": f"{chart.name}.vl.json", "csv": f"{chart.name}.csv" if has_table else None,
         "notebook": notebooks.get(top), "story_title": story_titles.get(top, "A chart")}
    up = os.path.relpath(site, folder)
    page = render("chart.html", title=c["title"], c=c, table=table_view(chart.table_path) if has_table else None,
                  nav=_nav(up), home=f"{up}/index.html", assets=f"{up}/assets", font_folder=f"{up}/assets/fonts")
    return write(out, page)


def _nav(up: str) -> list[tuple[str, str]]:
    return [("All stories and charts", f"{up}/index.html"), ("Council profiles", f"{up}/councils/index.html"),
            ("Every figure, checked", f"{up}/claims.html")]


STORY_TITLES = {
    "ratings_vs_workforce": "Ofsted ratings and the social work workforce",
    "inspection_judgements": "Ofsted's judgements of councils",
    "national_trends": "Children in care and child protection enquiries in England",
    "reported": "Figures from documents that publish no table",
    "council_profile": "A council's profile",
    "maps": "Maps of England's councils",
    "revisions": "What each workforce release revised",
}


def home_stories(index: list[dict], pages: dict[Path, Chart]) -> tuple[list[dict], set[Chart]]:
    """The home page's stories: each with the charts its parts name (by their PNG), and which charts they use."""
    used: set[Chart] = set()
    stories = []
    for s in index:
        listed = []
        for part in s["parts"]:
            for png in part["charts"]:
                chart = pages.get(png.with_suffix("").with_suffix(".vl.json"))
                if chart and chart not in listed:
                    listed.append(chart)
        used |= set(listed)
        stories.append({"headline": s["headline"], "publisher": s["publisher"],
                        "date_words": day_words(s["published"], missing="date not given in the text"), "claims": len(s["claims"]),
                        "claims_anchor": claims_page.anchor(s["story"]), "charts": listed,
                        "no_chart": "its figures are read from documents" if s["parts"] else
                        "the story quotes no figure the data can rebuild"})
    return stories, used


def write_profiles(site: Path = SITE, councils: list[str] | None = None, vintage: int | None = None,
                   found: list[Chart] | None = None) -> dict:
    """Every council's profile (or those given) into site/councils/, with the small map of the latest
    judgements and the shared scripts (`make profiles`; `build` calls it for the whole site)."""
    if found is None:
        write_assets(site)
        found = committed_charts()
    latest = latest_judgement_map(found)
    day = dt.date.fromisoformat(latest.name.removeprefix("judgements_")) if latest else None
    return profiles.write_all(site, day, latest.page if latest else None, councils=councils, vintage=vintage)


def build(site: Path = SITE, councils: list[str] | None = None) -> dict[str, int]:
    """Write the whole site (every council's profile, or those given); returns how many pages of each kind."""
    from ..readme import story_index

    start = time.perf_counter()
    write_assets(site)
    found = committed_charts()
    notebooks = _story_notebooks()
    titles = {}
    for chart in found:
        spec = json.loads(chart.spec_path.read_text(encoding="utf-8"))
        titles[chart] = title_of(spec)
        write_chart_page(chart, site, notebooks, STORY_TITLES)
    by_spec = {c.spec_path.with_name(c.name + ".vl.json"): c for c in found}
    index = story_index()
    stories, used = home_stories(index, by_spec)
    for s in stories:
        s["charts"] = [{"href": c.page, "title": titles[c]} for c in s["charts"]]
    others = [{"href": c.page, "title": titles[c]} for c in found if c not in used]
    latest = latest_judgement_map(found)
    write(site / "index.html", render("home.html", title=SITE_NAME, stories=stories, others=others,
                                      map=chart_view(latest, ".", "home-map") if latest else None,
                                      map_page=latest.page if latest else None, assets="assets",
                                      nav=_nav("."), font_folder="assets/fonts"))
    claims_page.write(site / "claims.html", index, {c: c.page for c in found}, nav=_nav("."),
                      font_folder="assets/fonts")
    councils = write_profiles(site, councils, found=found)
    return {"chart pages": len(found), "stories": len(stories), "profiles": councils["councils"],
            "seconds": round(time.perf_counter() - start, 1)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    site = Path(argv[0]) if argv else SITE
    if site.exists() and site == SITE:
        shutil.rmtree(site)  # pages from an earlier naming must not linger
    built = build(site)
    print(f"site: {built['chart pages']} chart pages, {built['stories']} stories, {built['profiles']} council "
          f"profiles, the claims page in {built['seconds']} s; "
          f"{site.relative_to(paths.ROOT) if site.is_relative_to(paths.ROOT) else site}/index.html")
    return 0
