"""The check phase (`make check-data`): every raw file is read by its reader and passes every check before
any cleaning step writes a table.

Without it each cleaning step checked only its own files, so with `make -j2` the workforce table could be
rewritten from a new release while the geography step was refusing that same release (two councils' codes
swapped, say). Make runs this phase first: a refusal stops the build before any processed table or output
changes, naming the file, the row, the column and the council. It writes nothing but its stamp
(build/data-checked: each raw file checked and its sha256), so Make knows the files it holds have passed.

    python -m csc_figures.check_data             # check, say what passed, write the stamp
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from . import children, geography, hexmap, inspections, paths, sources, tables, workforce
from .errors import DataError

STAMP = Path("build") / "data-checked"


def check_all() -> dict[str, dict[str, pl.DataFrame]]:
    """Every cleaning step's tables, built in memory from the raw files with all their checks, and each
    processed table's contract (the checks `tables.write` makes); none written.
    Raises DataError (SourceError for a missing or changed file) at the first refusal."""
    built = build_all()
    for step_tables in built.values():
        for name, df in step_tables.items():
            if name in tables.REGISTRY:
                tables.check_table(df, tables.REGISTRY[name])
    return built


def build_all() -> dict[str, dict[str, pl.DataFrame]]:
    geo = geography.build_all()
    return {
        "01_geography": geo,
        "02_inspections": inspections.build(geo["la_geography"], geo["la_names"]),
        "03_workforce": {"workforce": workforce.build()},
        "04_children": children.build(),
        # the one raw file a story reads itself: the map's hex layout, with every council placed on it
        "16_maps": {"hex_layout": hexmap.place(geo["la_geography"], hexmap.layout())},
    }


def summary_lines(built: dict[str, dict[str, pl.DataFrame]]) -> list[str]:
    manifest = sources.load_manifest()
    lines = [f"Every check passed on the {len(manifest)} raw files in {paths.SOURCES_TOML.name}; "
             "the tables they give (not yet written):"]
    for step, step_tables in built.items():
        shown = ", ".join(f"{name} {df.height:,} rows" for name, df in step_tables.items())
        lines.append(f"  {step}: {shown}")
    return lines


def stamp_text() -> str:
    """What the stamp records: each raw file the checks read, with the sha256 the manifest pins."""
    return "".join(f"{name} {source.sha256}\n" for name, source in sorted(sources.load_manifest().items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.check_data", description=__doc__)
    parser.add_argument("stamp", nargs="?", type=Path, default=None, help=f"the stamp to write (default {STAMP})")
    args = parser.parse_args(argv)
    stamp = args.stamp or paths.ROOT / STAMP
    stamp.unlink(missing_ok=True)  # a refused file leaves no stamp behind: the next build checks again
    try:
        built = check_all()
    except DataError as refused:  # SourceError (a missing or changed file) is one too
        print(f"check-data: refused, no table or output written:\n{refused}", file=sys.stderr)
        return 1
    for line in summary_lines(built):
        print(line)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(stamp_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
