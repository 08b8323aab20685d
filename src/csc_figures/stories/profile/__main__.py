"""`python -m csc_figures.stories.profile`: one council as text, or every council's page on the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


from ... import paths
from ...errors import UserError
from .assemble import council_profile
from .words import profile_as_text

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.stories.profile",
                                     description="Council profiles: one as text, or every council's page and "
                                                 "CSV on the offline site (SITE/councils/).")
    parser.add_argument("council", nargs="?", help="a name, ONS code or DfE code (omit with --all)")
    parser.add_argument("--all", action="store_true", help="write a page and CSV for every council")
    parser.add_argument("--out", type=Path, default=paths.OUTPUTS / "site",
                        help="the site's folder for --all (pages go to OUT/councils/, shared scripts to OUT/assets/)")
    parser.add_argument("--year", type=int)
    parser.add_argument("--vintage", type=int)
    args = parser.parse_args(argv)
    try:
        if args.all:
            from ...site.build import write_profiles

            result = write_profiles(args.out, vintage=args.vintage)
            print(f"wrote {result['councils']} council profiles and index.html to {args.out / 'councils'} "
                  f"in {result['seconds']:.1f} s")
        elif args.council:
            print(profile_as_text(council_profile(args.council, year=args.year, vintage=args.vintage)))
        else:
            parser.error("give a council or --all")
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
