"""`csc-figures`: quick answers from the same functions the notebooks use.

    csc-figures rating-at 2023-09-01 --judgement inadequate        # who held a judgement on a date, and how many
    csc-figures changes --from 2022-04-01 --to 2024-03-31 --direction down
    csc-figures council Kingston upon Thames                       # the answer in words, then the figures
    csc-figures ratings                                            # the ratings analysis for the latest year
    csc-figures ratings --edition article                          # the article's own edition
    csc-figures map --as-of 2025-03-31 --out maps/                 # a hex map of the judgements in force
    csc-figures map --measure turnover_rate --year 2024 --out maps/ # a hex map of a workforce measure
    csc-figures chart council Derby --measure agency_rate --out web/ # one chart for the website
    csc-figures claims

Every command takes --format table (for people: words and a table; the default, except rating-at's,
whose published default is csv), csv or json (full precision, for programs). A council can be typed as people write it ("Hull", "City of York", "St Helens"), or
given by its DfE or ONS code. Bad input exits with status 2 and says what is accepted.
"""

# Start-up matters (`csc-figures --help` should answer at once): only the standard library is
# imported here; each command imports what it needs when it runs.
from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap

from . import undo
from .dates import day_words, year_span
from .errors import DataError, UserError

FORMATS = ("table", "csv", "json")
_NUMBER = re.compile(r"-|-?[\d,]+(\.\d+)?%?")
WIDTH = 88  # sentences wrap here; tables are laid out to fit a terminal of about 100 columns


# ---- output --------------------------------------------------------------------------------

def plain_table(df, longest: int = 40) -> str:
    """Columns aligned with spaces, numbers to the right, long text cut at `longest` characters."""
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= longest else text[: longest - 1] + "…"

    cells = [[cell(v) for v in row] for row in df.iter_rows()]
    # Numbers line up on the right, also when already formatted as text ('12.3%', '1,204', '-').
    numeric = [dtype.is_numeric() or (bool(cells) and all(_NUMBER.fullmatch(row[i]) for row in cells))
               for i, dtype in enumerate(df.dtypes)]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(df.columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line(list(df.columns)), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def _wrap(lines: list[str], indent: str = "") -> str:
    return "\n".join(textwrap.fill(s, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") for s in lines)


def _emit(fmt: str, data, table=None, before: list[str] | None = None, after: list[str] | None = None,
          extra: dict | None = None, json_rows_only: bool = False) -> None:
    """table: words, then the readable table, then words; csv: the full table only (the words go to
    stderr, so a pipe gets clean CSV); json: {"notes", "rows", ...} with the full-precision rows (or the
    rows alone, where that is the command's published contract)."""
    before, after = before or [], after or []
    if fmt == "csv":
        sys.stdout.write(data.write_csv())
        for line in [*before, *after]:
            print(line, file=sys.stderr)
    elif fmt == "json" and json_rows_only:
        sys.stdout.write(json.dumps(data.to_dicts(), indent=2, default=str, ensure_ascii=False) + "\n")
    elif fmt == "json":
        body = {"notes": [*before, *after], **(extra or {}), "rows": data.to_dicts()}
        sys.stdout.write(json.dumps(body, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        parts = [_wrap(before)] if before else []
        parts.append(plain_table(table if table is not None else data))
        if after:
            parts.append(_wrap(after))
        print("\n\n".join(parts))


def _day(value) -> str:
    """2023-09-01 -> '1 September 2023'."""
    return day_words(value)


def _plural(n: int, one: str, many: str | None = None) -> str:
    from .formatting import number

    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def _council(text: str):
    """The resolved council, or UserError; prints what the typed name was taken to mean."""
    from .councils import resolve

    return resolve(text)


# ---- rating-at -----------------------------------------------------------------------------

def _rating_at(args) -> None:
    import polars as pl

    from . import judgements, tables
    from .in_force import parse_judgement, parse_region, rating_at_table

    table = rating_at_table(args.date, judgement=args.judgement, region=args.region, basis=args.basis)
    if args.format != "table":  # the published contract: the rows alone (la_code ... inherited_from)
        _emit(args.format, table, json_rows_only=True)
        return
    geo = tables.read("la_geography")
    code = parse_judgement(args.judgement) if args.judgement is not None else "any"
    where = f" in {parse_region(args.region, geo)}" if args.region else ""
    if code == "any":
        counts = table.group_by("judgement").len()
        n = dict(zip(counts["judgement"], counts["len"], strict=True))
        parts = [f"{n[c]} {judgements.words(c)}" for c in judgements.ORDER if n.get(c)]
        if n.get(None):
            parts.append(f"{n[None]} not yet judged under SIF or ILACS" if args.basis == "in-force"
                         else f"{n[None]} not yet inspected")
        count = f"{_plural(table.height, 'council')}{where} on {_day(args.date)}: {', '.join(parts)}."
    else:
        what = f"rated {judgements.words(code)}" if code else "not yet judged under SIF or ILACS"
        count = f"{_plural(table.height, 'council')}{where} {what} on {_day(args.date)}."
    rule = ("Judgement in force: the overall judgement of the council's latest SIF or ILACS report published "
            "by that date (a new council holds its predecessor's until its own)." if args.basis == "in-force" else
            "Ofsted's basis: the overall judgement of the council's most recent SIF or ILACS inspection carried out "
            "by that date whose report was published within the following quarter (by 30 June for 31 March); a "
            "council with no inspection of its own is not yet inspected. `--basis in-force` gives the judgement "
            "in force.")
    names = dict(zip(geo["la_code"], geo["la_name"], strict=True))
    readable = table.join(geo.select("la_code", "region"), on="la_code", how="left", maintain_order="left").select(
        pl.col("la_code").alias("code"), pl.col("la_name").alias("council"), "region",
        pl.col("judgement").map_elements(lambda c: judgements.words(c, "-"), return_dtype=pl.String),
        "published", "framework",
        pl.col("inherited_from").map_elements(lambda c: f"held from {names.get(c, c)}",
                                              return_dtype=pl.String).fill_null("").alias("note"))
    _emit(args.format, table, readable, before=[count], after=[rule])


# ---- changes -------------------------------------------------------------------------------

def _changes(args) -> None:
    import polars as pl

    from . import judgements, tables
    from .in_force import coverage, parse_as_of
    from .stories.inspection_judgements.transitions import changes_between

    start = parse_as_of(args.date_from) if args.date_from else None
    end = parse_as_of(args.date_to) if args.date_to else None
    council = _council(args.council) if args.council else None
    rows = changes_between(tables.read("inspections"), start, end, council.la_code if council else None,
                           args.direction)
    first, last = coverage()
    window = (f"published {'from ' + _day(start) if start else 'up to'}"
              f"{' to ' if start else ' '}{_day(end or last)}")
    kinds = {"down": "downgrade", "up": "upgrade", "any": "change of judgement", "all": "re-inspection"}[args.direction]
    counted = rows.group_by("change").len()
    by_change = dict(zip(counted["change"], counted["len"], strict=True))
    split = (f" ({by_change.get('downgrade', 0)} down, {by_change.get('upgrade', 0)} up"
             + (f", {by_change.get('unchanged', 0)} unchanged" if args.direction == "all" else "") + ")"
             if args.direction in ("any", "all") else "")
    count = (f"{_plural(rows.height, kinds, kinds.replace('change', 'changes') if kinds.startswith('change') else None)}"
             f"{split} at {_plural(rows['la_code'].n_unique(), 'council')}"
             f"{' (' + council.name + ')' if council else ''}, in reports {window}.")
    rule = ("Each row is a council's graded inspection (SIF or ILACS, overall judgement) beside its previous "
            "graded one; the window is the later report's publication date, both ends included.")
    word = lambda c: pl.col(c).map_elements(lambda v: judgements.words(v, "-"), return_dtype=pl.String)  # noqa: E731
    out = rows.with_columns(pl.col("published", "previous_published").dt.to_string("%Y-%m-%d"))
    readable = out.select(
        "published", pl.col("la_code").alias("code"), pl.col("la_name").alias("council"),
        word("previous_judgement").alias("was"), pl.col("previous_published").alias("(published)"),
        word("judgement").alias("now"),
        (pl.col("previous_framework") + pl.lit(" > ") + pl.col("framework")).alias("frameworks"))
    notes = council.notes() if council else []
    _emit(args.format, out, readable, before=[*notes, count], after=[rule])


# ---- ratings -------------------------------------------------------------------------------

def _ratings(args) -> None:
    import polars as pl

    from .stories.ratings import build, counts_table, key_sentences, ratings_table_rounded
    from .stories.ratings.compute import Choices
    from .stories.ratings.reproduce import edition_for

    ed = edition_for(args.year, args.base_year, args.as_of, args.vintage, args.method, args.edition)
    table, councils = build(ed.as_of, ed.year, ed.base_year, ed.vintage, Choices(method=ed.method))
    counts = counts_table(councils, base=True)
    rounded = ratings_table_rounded(table)
    heading = (f"Ofsted ratings and the social work workforce: {year_span(ed.year)} against "
               f"{year_span(ed.base_year)}, councils grouped by the judgement in force on {_day(ed.as_of)}.")
    short = {"turnover_rate": "turnover %", "vacancy_rate": "vacancy %", "agency_rate": "agency %",
             "absence_rate": "absence %", "caseload": "caseload"}
    from .judgements import words as judgement_words

    def rating(c: str) -> str:
        return "England" if c == "england" else judgement_words(c)

    averages = rounded.select(pl.col("rating").map_elements(rating, return_dtype=pl.String), "councils",
                              *[pl.col(m).alias(short[m]) for m in short])
    changes = rounded.select(pl.col("rating").map_elements(rating, return_dtype=pl.String),
                             *[pl.col(f"{m}_change").alias(short[m].replace(" %", " pts")) for m in short])
    if args.format != "table":
        extra = {"edition": {"as_of": ed.as_of.isoformat(), "year": ed.year, "base_year": ed.base_year,
                             "vintage": ed.vintage, "method": ed.method},
                 "sentences": key_sentences(table, counts, ed.as_of, ed.year, ed.base_year)}
        _emit(args.format, table, before=[heading, *ed.stated], extra=extra)
        return
    print(_wrap([heading]))
    print(_wrap(ed.stated, "  "))
    print()
    print(_wrap(key_sentences(table, counts, ed.as_of, ed.year, ed.base_year)))
    print("\n" + _wrap([f"Averages in {year_span(ed.year)} (councils: workforce returns; rates in %, caseload in "
                        "cases per social worker; one decimal place, as the article):"]))
    print(plain_table(averages))
    print("\n" + _wrap([f"Change from {year_span(ed.base_year)} (percentage points; caseload in cases), between "
                        "the rounded averages:"]))
    print(plain_table(changes))
    print("\nRates are DfE's FTE-basis figures; full precision with --format csv or json.")


# ---- council -------------------------------------------------------------------------------

def _council_answer(args) -> None:
    import polars as pl

    from . import judgements, measures
    from .formatting import number
    from .stories.profile import council_profile

    profile = council_profile(args.council, year=args.year, vintage=args.vintage)
    if args.format == "json":
        sys.stdout.write(json.dumps(profile, indent=2, default=str, ensure_ascii=False) + "\n")
        return
    typed = args.council.strip()
    title = f"{profile['la_name']} (DfE {profile['la_code']}, ONS {profile['ons_code']}), {profile['region']}"
    notes = []
    if typed.lower() not in (profile["la_name"].lower(), profile["la_code"], profile["ons_code"].lower()):
        notes.append(f"{typed!r} is taken to be {title}.")
    if profile["end_date"]:
        notes.append(f"{profile['la_name']} was abolished: it existed until {profile['end_date']}"
                     + (f"; its services passed to {', '.join(s['la_name'] for s in profile['successors'])}."
                        if profile["successors"] else "."))
    year = str(profile["year"])
    years = sorted({int(y) for y in profile["england"]["fte"]})
    rows = []
    for y in years:
        row = {"year": y}
        for m in measures.PROFILED:
            row[m] = profile["indicators"][m].get(str(y))
        rows.append(row)
    series = pl.DataFrame(rows, schema={"year": pl.Int64, **{m: pl.Float64 for m in measures.PROFILED}})
    compare = pl.DataFrame({
        "measure": [measures.short_label(m) for m in measures.PROFILED],
        "council": [profile["indicators"][m].get(year) for m in measures.PROFILED],
        "England": [profile["england"][m].get(year) for m in measures.PROFILED],
        profile["region"]: [profile["region_indicators"][m].get(year) for m in measures.PROFILED],
        "neighbours": [profile["neighbours"][m].get(year) for m in measures.PROFILED],
    }, schema_overrides={"council": pl.Float64, "England": pl.Float64, profile["region"]: pl.Float64,
                         "neighbours": pl.Float64})
    if args.format == "csv":
        sys.stdout.write(compare.write_csv())
        return

    def shown(m: str, v) -> str:
        return "-" if v is None else measures.fmt(m, v) if m != "fte" else number(v, 1)

    compare_text = pl.DataFrame({
        "measure": compare["measure"],
        **{c: [shown(m, v) for m, v in zip(measures.PROFILED, compare[c], strict=True)] for c in compare.columns[1:]},
    })
    series_text = series.select(pl.col("year").cast(pl.String), *[
        pl.col(m).map_elements(lambda v, m=m: shown(m, v), return_dtype=pl.String, skip_nulls=False)
        .alias(measures.MEASURES[m].topic or "FTE") for m in measures.PROFILED])
    held = [j for j in profile["judgements"] if j["overall"]]
    history = pl.DataFrame({
        "published": [j["published"] for j in held], "framework": [j["framework"] for j in held],
        "type": [j["inspection_type"] for j in held],
        "judgement": [judgements.words(j["overall"]) for j in held]}, schema={
        "published": pl.String, "framework": pl.String, "type": pl.String, "judgement": pl.String})
    print(title)
    if notes:
        print(_wrap(notes))
    print()
    print(_wrap(profile["sentences"]))
    print("\n" + _wrap([f"Workforce in the year to 30 September {year} (DfE {profile['vintage']} release); "
                        "neighbours: the mean of DfE's statistical neighbours:"]))
    print(plain_table(compare_text))
    print(f"\n{profile['la_name']} by year (same release; '-' where there is no figure)")
    print(plain_table(series_text))
    if history.height:
        print("\nOfsted overall judgements (SIF and ILACS; every inspection in --format json)")
        print(plain_table(history))


# ---- map -----------------------------------------------------------------------------------

def _map(args) -> None:
    from pathlib import Path

    from . import councils, dates, measures, paths
    from .stories import maps

    if args.measure is None and args.as_of is None:
        raise UserError("map: give --as-of DATE (Ofsted judgements in force) or --measure M --year Y "
                        "(a workforce measure)")
    if args.measure is not None and args.as_of is not None:
        raise UserError("map: --as-of draws judgements, --measure a workforce measure; give one of them")
    highlight = councils.resolve_code(args.highlight) if args.highlight else None
    if args.measure is not None:
        if args.measure not in measures.MEASURES:
            raise UserError(f"map: unknown measure {args.measure!r}; one of {', '.join(measures.MEASURES)}")
        if args.year is None:
            raise UserError("map: --measure needs --year (the workforce year, to 30 September)")
        table = maps.measure_map_table(args.measure, args.year, args.vintage)
        name = f"{args.measure}_{args.year}_release_{table['vintage'][0]}"
        title, description = maps.measure_title(table), maps.measure_description(table, maps.bin_labels(table))
        draw = maps.measure_map
    else:
        day = dates.as_date(args.as_of, "--as-of")
        table = maps.judgement_map_table(day)
        name = f"judgements_{day.isoformat()}"
        title, description = maps.judgement_title(table), maps.judgement_description(table)
        draw = maps.judgement_map
    out = Path(args.out) if args.out else paths.OUTPUTS / "runs" / "maps"
    if highlight:
        name += f"_{highlight}"
    written = maps.save(draw(table, highlight=highlight), name, maps.map_table(table), folder=out)
    narrow = maps.save(draw(table, narrow=True, highlight=highlight), f"{name}_narrow", maps.map_table(table),
                       folder=out)
    if args.format == "table":
        print(_wrap([title, "", description]))
        print("\nWritten:")
        for path in [*written.values(), *(v for k, v in narrow.items() if k != "csv")]:
            print(f"  {path}")
        return
    _emit(args.format, maps.map_table(table), before=[title, description])


# ---- chart ---------------------------------------------------------------------------------

def _chart_council(args) -> None:
    from pathlib import Path

    from . import measures, paths
    from .councils import resolve
    from .stories.profile.chart import write_measure_chart
    from .stories.profile.compute import display_name, slug

    if args.measure not in measures.PROFILED:
        raise UserError(f"chart council: --measure {args.measure!r} is not one of {', '.join(measures.PROFILED)}")
    council = resolve(args.council)
    # a chart asked for at the command line never lands in a committed folder unless --out says so
    out = Path(args.out) if args.out else (paths.OUTPUTS / "runs" / "chart" / "-".join(
        [slug(display_name(council.name)), args.measure, *([str(args.vintage)] if args.vintage else [])]))
    written = write_measure_chart(council.la_code, args.measure, vintage=args.vintage, out_dir=out)
    for note in council.notes():
        print(note)
    print(f"{measures.label(args.measure)}, {council.name}: written to {out}")
    for kind, path in sorted(written.items()):
        print(f"  {kind:8} {path}")


# ---- claims --------------------------------------------------------------------------------

def _claims(args) -> None:
    from .claims import claims_report, summary_line

    report = claims_report()
    # the same counts as the claims page, the README and outputs/claims_report.csv (csv: on stderr)
    _emit(args.format, report, after=[summary_line(report)])


# ---- the parser ----------------------------------------------------------------------------

def _format(p, default: str = "table") -> None:
    p.add_argument("--format", choices=FORMATS, default=default,
                   help=f"table (for people), csv or json (full precision); default {default}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csc-figures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("rating-at", help="every council's Ofsted judgement on a date (in force, or as Ofsted "
                                              "counts), with a count")
    p.add_argument("date", help="a date written YYYY-MM-DD, e.g. 2023-09-01")
    p.add_argument("--judgement", metavar="J",
                   help="only councils holding this judgement: outstanding, good, 'requires improvement' (or RI), "
                        "inadequate, or none")
    p.add_argument("--region", metavar="R", help="only councils in this region, e.g. London, 'North West'")
    p.add_argument("--basis", choices=("in-force", "ofsted"), default="in-force",
                   help="in-force (the default): the latest report published by the date; ofsted: as Ofsted's "
                        "outcome files count, the latest inspection carried out by the date and published "
                        "within the quarter after it")
    _format(p, default="csv")
    p.set_defaults(func=_rating_at)

    p = commands.add_parser("changes", help="councils whose Ofsted judgement went up or down between inspections")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="reports published on or after (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="reports published on or before (YYYY-MM-DD)")
    p.add_argument("--council", metavar="NAME", help="one council, named as you would write it or by code")
    p.add_argument("--direction", choices=["up", "down", "any", "all"], default="any",
                   help="up, down, any change (the default) or all re-inspections")
    _format(p)
    p.set_defaults(func=_changes)

    p = commands.add_parser("ratings", help="workforce averages by Ofsted judgement (the Community Care analysis)")
    p.add_argument("--year", type=int, help="DfE reporting year (2025 = year to 30 Sept 2025); default: the latest")
    p.add_argument("--base-year", type=int, help="the year compared with; default: the year before")
    p.add_argument("--as-of", help="date of the judgements in force (YYYY-MM-DD); default: 6 May after the "
                                   "year, or the latest Ofsted file's date")
    p.add_argument("--vintage", type=int, help="DfE release (the last reporting year it holds); default: latest")
    p.add_argument("--method", choices=["mean", "pooled"], default="mean")
    p.add_argument("--edition", choices=["article", "latest"],
                   help="article: the article's year, date and release (any option given still wins)")
    _format(p)
    p.set_defaults(func=_ratings)

    p = commands.add_parser("council", help="one council: the answer in words, then its figures")
    p.add_argument("council", nargs="+", help="a name as people write it ('Hull', 'City of York'), an ONS or DfE code")
    p.add_argument("--year", type=int, help="workforce year for the sentences (default: latest)")
    p.add_argument("--vintage", type=int, help="DfE release (default: latest)")
    _format(p)
    p.set_defaults(func=_council_answer)

    p = commands.add_parser("map", help="a hex map of every council: judgements on a date, or a workforce measure")
    p.add_argument("--as-of", help="the judgements in force on this date (YYYY-MM-DD)")
    p.add_argument("--measure", metavar="M", help="a workforce measure, e.g. turnover_rate, agency_rate, caseload")
    p.add_argument("--year", type=int, help="with --measure: the workforce year (2024 = year to 30 Sept 2024)")
    p.add_argument("--vintage", type=int, help="with --measure: the DfE release (default: the latest)")
    p.add_argument("--highlight", metavar="NAME", help="outline one council's hexagon (a name or code)")
    p.add_argument("--out", metavar="DIR", help="folder for the PNG, SVG, HTML, spec and CSV (default outputs/runs/maps)")
    _format(p)
    p.set_defaults(func=_map)

    p = commands.add_parser("chart", help="one chart for the web (PNG, SVG, HTML, spec, CSV, alt text)")
    charts_ = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    c = charts_.add_parser("council", help="one measure of a council against England, its region and neighbours")
    c.add_argument("council", nargs="+", help="a name as people write it ('Derby', 'Hull'), an ONS or DfE code")
    c.add_argument("--measure", required=True, metavar="M",
                   help="turnover_rate, vacancy_rate, agency_rate, absence_rate, caseload or fte")
    c.add_argument("--vintage", type=int, help="DfE release (the last reporting year it holds); default: latest")
    c.add_argument("--out", metavar="DIR", help="folder to write to (default outputs/runs/chart/<council>-<measure>)")
    c.set_defaults(func=_chart_council)

    p = commands.add_parser("claims", help="every figure in the articles, checked against the data")
    _format(p)
    p.set_defaults(func=_claims)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if isinstance(getattr(args, "council", None), list):
        args.council = " ".join(args.council)  # `csc-figures council Kingston upon Thames` without quotes
    undo.refuse_unfinished()  # a killed build's half-written tables must not be quoted
    try:
        args.func(args)
    except (UserError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
