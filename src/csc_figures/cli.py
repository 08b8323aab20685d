"""`csc-figures`: quick answers from the same functions the notebooks use.

    csc-figures rating-at 2022-05-06
    csc-figures ratings --as-of 2022-05-06 --year 2021 --base-year 2020
    csc-figures council "York" --format table
    csc-figures claims
"""

from __future__ import annotations

import argparse
import json
import sys

import polars as pl

from .errors import DataError, UserError


def _print_frame(df: pl.DataFrame, fmt: str, table_frame: pl.DataFrame | None = None) -> None:
    if fmt == "csv":
        sys.stdout.write(df.write_csv())
    elif fmt == "json":
        sys.stdout.write(json.dumps(df.to_dicts(), indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        print(plain_table(table_frame if table_frame is not None else df))


def plain_table(df: pl.DataFrame, longest: int = 70) -> str:
    """Columns aligned with spaces, numbers to the right, long text cut at `longest` characters."""
    def cell(value) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= longest else text[: longest - 1] + "…"

    cells = [[cell(v) for v in row] for row in df.iter_rows()]
    numeric = [dtype.is_numeric() for dtype in df.dtypes]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(df.columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    return "\n".join([line(list(df.columns)), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def _rating_at(args) -> None:
    from .inspections import rating_at_table

    _print_frame(rating_at_table(args.date), args.format)


def _ratings(args) -> None:
    from .stories.ratings import ratings_table, ratings_table_rounded

    df = ratings_table(as_of=args.as_of, year=args.year, base_year=args.base_year,
                       vintage=args.vintage, method=args.method)
    _print_frame(df, args.format, ratings_table_rounded(df) if args.format == "table" else None)


def _council(args) -> None:
    from .stories.profile import council_profile, profile_as_text

    profile = council_profile(args.council, year=args.year, vintage=args.vintage)
    if args.format == "json":
        sys.stdout.write(json.dumps(profile, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        print(profile_as_text(profile))


def _claims(args) -> None:
    from .claims import claims_report

    _print_frame(claims_report(), args.format)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csc-figures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("rating-at", help="every council's Ofsted judgement in force on a date")
    p.add_argument("date", help="ISO date, e.g. 2022-05-06")
    p.add_argument("--format", choices=["csv", "json", "table"], default="csv")
    p.set_defaults(func=_rating_at)

    p = commands.add_parser("ratings", help="workforce averages by Ofsted judgement (the Community Care analysis)")
    p.add_argument("--as-of", required=True, help="date of the judgements in force (ISO)")
    p.add_argument("--year", type=int, required=True, help="DfE reporting year (2021 = year to 30 Sept 2021)")
    p.add_argument("--base-year", type=int, help="comparison year")
    p.add_argument("--vintage", type=int, help="DfE release (last reporting year it holds); default: latest")
    p.add_argument("--method", choices=["mean", "pooled"], default="mean")
    p.add_argument("--format", choices=["csv", "json", "table"], default="csv")
    p.set_defaults(func=_ratings)

    p = commands.add_parser("council", help="one council's profile: judgements, workforce, sentences")
    p.add_argument("council", help="a name in any publisher's spelling, an ONS code or a DfE code")
    p.add_argument("--year", type=int, help="workforce year for the sentences (default: latest)")
    p.add_argument("--vintage", type=int, help="DfE release (default: latest)")
    p.add_argument("--format", choices=["json", "table"], default="table")
    p.set_defaults(func=_council)

    p = commands.add_parser("claims", help="every figure in the articles, checked against the data")
    p.add_argument("--format", choices=["csv", "table"], default="table")
    p.set_defaults(func=_claims)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
