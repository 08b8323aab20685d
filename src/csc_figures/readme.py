"""The README's generated sections: written from the project's own declarations, never by hand.

    python -m csc_figures.readme            # rewrite the sections in README.md (only if their text changed)
    python -m csc_figures.readme --check    # exit 1 naming each section that is out of date

A section sits between `<!-- generated: NAME -->` and `<!-- end generated: NAME -->`. Sections:
- `notebook-parameters`: each notebook's parameters, defaults and what they accept (csc_figures.params);
- `benchmark`: the last full `make bench` run, from docs/benchmark.md (which the bench writes);
- `article-index`: from article to chart, for each story in data/articles.csv: headline, publisher and
  date, the notebook that rebuilds it, its charts and tables, and its claims with their status in the
  claims report. The notebook and the output folder follow from the claims' computations: each is
  registered by a story package (csc_figures.stories.X), whose notebook imports it and whose STORY
  names its folder under outputs/.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from . import paths
from .dates import day_words

README = paths.ROOT / "README.md"
_MARK = "<!-- generated: {name} -->"
_END = "<!-- end generated: {name} -->"


def _rel(path: Path) -> str:
    return path.relative_to(paths.ROOT).as_posix()


def _story_package(computation: str) -> str | None:
    """The story package that registers a claims computation ('ratings'), or None (arithmetic on claims)."""
    from . import claims

    claims.load_story_modules()
    func = claims.REGISTRY.get(computation)
    module = getattr(func, "__module__", "") or ""
    match = re.match(r"csc_figures\.stories\.([a-z_]+)", module)
    return match.group(1) if match else None


def _notebook_of(package: str) -> Path | None:
    """The story package's own notebook: of the notebooks importing it, the one named after it (16_maps for
    maps, though notebooks 10 and 12 draw maps too), else the first."""
    pattern = re.compile(rf"from csc_figures\.stories import {package}\b|csc_figures\.stories\.{package}\b")
    importers = [nb for nb in sorted(paths.NOTEBOOKS.glob("*.ipynb")) if pattern.search(nb.read_text())]
    named = [nb for nb in importers if package in nb.stem.split("_", 1)[-1]]
    return (named or importers or [None])[0]


def _story_folder(package: str) -> str:
    return importlib.import_module(f"csc_figures.stories.{package}").STORY


def _council_folders(package: str, args: list[str]) -> list[str]:
    """Profile claims name a council: its own folder (council_profile/<slug>)."""
    if package != "profile":
        return []
    from .councils import resolve
    from .errors import UserError
    from .stories.profile.compute import display_name, slug

    found = []
    for text in args:
        for part in text.split(";"):
            key, _, value = part.partition("=")
            if key.strip() == "council" and value.strip():
                try:
                    found.append(slug(display_name(resolve(value.strip()).name)))
                except UserError:
                    continue  # 'England': a benchmark, not a council with a folder
    return sorted(set(found))


def _charts(folder: Path) -> list[Path]:
    # a chart's narrow (phone) layout is the same chart: listed once, by its full-width PNG
    return sorted(p for p in folder.glob("*.png")
                  if not (p.stem.endswith("_narrow") and p.with_name(p.stem.removesuffix("_narrow") + ".png").exists())
                  ) if folder.is_dir() else []


def _tables(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def story_index() -> list[dict]:
    """Every story in data/articles.csv (once, by date) with what rebuilds it: the README's index and the site's
    home page are both written from this.

    Each story: headline, publisher, published (ISO or ''), story, claims (their ids and statuses) and parts,
    one per story package its claims use: package, notebook (Path or None), folders (under outputs/figures|
    tables), charts (PNG paths), tables (CSV paths), reported (data/reported table names).
    """
    import polars as pl

    from .articles import ARTICLES_CSV, CLAIM_STORIES_CSV
    from .claims import CLAIMS_CSV

    stories = pl.read_csv(ARTICLES_CSV, infer_schema=False).with_columns(pl.all().fill_null(""))
    # a claim repeated in a second article is listed under each story that makes it, once
    claim_story = pl.read_csv(CLAIM_STORIES_CSV, infer_schema=False).unique(["claim_id", "story"],
                                                                             maintain_order=True)
    ledger = pl.read_csv(CLAIMS_CSV, infer_schema=False).select("claim_id", "computation", "args").with_columns(
        pl.col("args").fill_null(""))
    report_path = paths.OUTPUTS / "claims_report.csv"
    report = (pl.read_csv(report_path, infer_schema=False).select("claim_id", "status")
              if report_path.exists() else pl.DataFrame({"claim_id": [], "status": []}, schema={
                  "claim_id": pl.String, "status": pl.String}))
    claims = claim_story.join(ledger, on="claim_id", how="left").join(report, on="claim_id", how="left")
    # a story the desk ran in two files (a feed and the article) is listed once
    stories = (stories.with_columns(pl.when(pl.col("published") != "").then(pl.col("published")).alias("_date"))
               .sort("_date", "headline", nulls_last=True).unique("story", keep="first", maintain_order=True))
    index = []
    for story in stories.iter_rows(named=True):
        mine = claims.filter(pl.col("story") == story["story"]).sort("claim_id")
        packages: dict[str, list[str]] = {}
        for computation, args in mine.select("computation", "args").rows():
            package = _story_package(computation or "")
            if package:
                packages.setdefault(package, []).append(args)
        parts = []
        for package in sorted(packages):
            councils = _council_folders(package, packages[package])
            if package == "profile" and not councils:
                continue  # figures for England only: no council's folder
            folder = _story_folder(package)
            where = [f"{folder}/{c}" for c in councils] or [folder]
            reported = (sorted({v.strip() for a in packages[package] for k, _, v in
                                (part.partition("=") for part in a.split(";")) if k.strip() == "table"})
                        if package == "reported" else [])
            parts.append({"package": package, "notebook": _notebook_of(package), "folders": where,
                          "charts": [] if reported else [c for w in where for c in _charts(paths.OUTPUTS / "figures" / w)],
                          "tables": [] if reported else [t for w in where for t in _tables(paths.OUTPUTS / "tables" / w)],
                          "reported": reported})
        index.append({"headline": story["headline"], "publisher": story["publisher"],
                      "published": story["published"], "story": story["story"],
                      "claims": list(zip(mine["claim_id"].to_list(), mine["status"].to_list(), strict=True)),
                      "parts": parts})
    return index


def article_index() -> str:
    """Markdown: every story in data/articles.csv with its notebook, charts, tables and claims."""
    lines = [
        "Each story the desk published (from `data/articles.csv`; the texts themselves are not in the "
        "repository), with the notebook that rebuilds it, its charts (PNG; SVG, HTML and Vega-Lite beside "
        "each), the tables behind them and the figures it quotes, each checked in `outputs/claims_report.csv` "
        "(`csc-figures claims`). Generated by `python -m csc_figures.readme` (`make docs`).", ""]
    for story in story_index():
        when = day_words(story["published"], missing="date not given in the text")
        who = ", ".join(x for x in (story["publisher"], when) if x)
        lines.append(f"- **{story['headline']}** ({who}; `{story['story']}`)")
        for part in story["parts"]:
            notebook = part["notebook"]
            nb = f"[`{notebook.stem}`]({_rel(notebook)})" if notebook else "no notebook"
            if part["reported"]:  # figures read from documents: the data/reported tables they come from
                lines.append(f"  - notebook {nb}; figures read from documents: "
                             + ", ".join(f"[`{t}`](data/reported/{t}.csv)" for t in part["reported"]))
                continue
            chart_text = ", ".join(f"[{c.stem}]({_rel(c)})" for c in part["charts"]) or "none"
            table_text = (", ".join(f"[`{w}/`](outputs/tables/{w}/)" for w in part["folders"])
                          + f" ({len(part['tables'])} CSV)")
            lines.append(f"  - notebook {nb}; charts: {chart_text}; tables: {table_text}")
        if story["claims"]:
            status = Counter(s or "not in the report" for _, s in story["claims"])
            counted = ", ".join(f"{n} {s}" for s, n in sorted(status.items()))
            ids = [i for i, _ in story["claims"]]
            span = ids[0] if len(ids) == 1 else f"{ids[0]} to {ids[-1]}"
            lines.append(f"  - claims: {len(ids)} ({counted}), `{span}` in "
                         f"[`claims_report.csv`](outputs/claims_report.csv)")
        else:
            lines.append("  - claims: none (the story quotes no figure the ledger checks)")
    return "\n".join(lines)


def notebook_parameters() -> str:
    from .params import readme_table

    return readme_table()


def benchmark() -> str:
    """The last full `make bench` run, as it wrote docs/benchmark.md (less its title): never typed."""
    path = paths.ROOT / "docs" / "benchmark.md"
    if not path.exists():
        return "Not measured yet on this checkout: run `make bench`, which writes `docs/benchmark.md`."
    text = path.read_text(encoding="utf-8")
    return text.split("\n", 1)[1].strip() if text.startswith("# ") else text.strip()


SECTIONS: dict[str, Callable[[], str]] = {"article-index": article_index, "notebook-parameters": notebook_parameters,
                                          "benchmark": benchmark}


def render(text: str, sections: dict[str, Callable[[], str]] | None = None) -> str:
    """The README text with every generated section rewritten; ValueError if a section's markers are missing."""
    for name, make in (sections or SECTIONS).items():
        start, end = _MARK.format(name=name), _END.format(name=name)
        if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
            raise ValueError(f"README.md: the section {name!r} needs one {start!r} line and one {end!r} line after it")
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{start}\n{make().rstrip()}\n{end}{after}"
    return text


def stale_sections(text: str) -> list[str]:
    return [name for name in SECTIONS if render(text, {name: SECTIONS[name]}) != text]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = README.read_text()
    if "--check" in argv:
        stale = stale_sections(text)
        if stale:
            print(f"README.md: generated section(s) out of date: {', '.join(stale)}; run `make docs`", file=sys.stderr)
            return 1
        return 0
    new = render(text)
    if new != text:
        from . import atomic

        atomic.write_text(README, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
