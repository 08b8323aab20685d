"""The check phase (`make check-data`): every raw file is read by its reader and passes every check before
any cleaning step writes a table.

Without it each cleaning step checked only its own files, so with `make -j2` the workforce table could be
rewritten from a new release while the geography step was refusing that same release (two councils' codes
swapped, say). Make runs this phase first: a refusal stops the build before any processed table or output
changes, naming the file, the row, the column and the council. It writes no processed table: only the
tables it built and checked, for the cleaning steps to take (build/checked/<step>/<table>.arrow, rewritten
only when their bytes change), and its stamp (build/data-checked: each raw file checked and its sha256, and
the package's code), so each raw file is read once per build, by its one reader, here.

    python -m csc_figures.check_data             # check, say what passed, write the stamp
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from . import atomic, children, geography, hexmap, inspections, paths, sources, tables, workforce
from .errors import DataError
from .exceptions import EXCEPTIONS

STAMP = Path("build") / "data-checked"
CHECKED = "checked"  # beside the stamp: each step's checked tables


def check_all(second_thread: bool = True) -> dict[str, dict[str, pl.DataFrame]]:
    """Every cleaning step's tables, built in memory from the raw files with all their checks, and each
    processed table's contract (the checks `tables.write` makes); none written.
    Raises DataError (SourceError for a missing or changed file) at the first refusal."""
    built = build_all(second_thread)
    for step_tables in built.values():
        for name, df in step_tables.items():
            if name in tables.REGISTRY:
                tables.check_table(df, tables.REGISTRY[name])
    return built


def build_all(second_thread: bool = True) -> dict[str, dict[str, pl.DataFrame]]:
    # The workforce and children's tables need nothing of the others: they are built on the second core
    # while this thread builds geography and the inspections. A refusal is raised in the order below
    # whichever thread met it first, so the same bad file gives the same message every time.
    # (second_thread=False builds them here, first: for a profiler, which sees one thread.)
    with ThreadPoolExecutor(max_workers=1) as second_core:
        start = second_core.submit if second_thread else _at_once
        staff = start(workforce.build)
        children_tables = start(children.build)
        geo = geography.build_all()
        return {
            "01_geography": geo,
            "02_inspections": inspections.build(geo["la_geography"], geo["la_names"]),
            "03_workforce": {"workforce": staff.result()},
            "04_children": children_tables.result(),
            # the one raw file a story reads itself: the map's hex layout, with every council placed on it
            "16_maps": {"hex_layout": hexmap.place(geo["la_geography"], hexmap.layout())},
        }


def _at_once(build) -> Future:
    done: Future = Future()
    try:
        done.set_result(build())
    except Exception as err:  # raised where the threaded build would raise it: at result()
        done.set_exception(err)
    return done


def stage(built: dict[str, dict[str, pl.DataFrame]], folder: Path) -> None:
    """Each step's checked tables as Arrow files under folder/<step>/, a file rewritten only when its bytes
    change (so Make, and a reader, see an unchanged table as unchanged); a table no longer built is removed."""
    for step, step_tables in built.items():
        (folder / step).mkdir(parents=True, exist_ok=True)
        for old in (folder / step).glob("*.arrow"):
            if old.stem not in step_tables:
                old.unlink()
        for name, df in step_tables.items():
            buffer = io.BytesIO()
            df.write_ipc(buffer, compression="uncompressed")
            atomic.write_bytes(folder / step / f"{name}.arrow", buffer.getvalue())


def checked(step: str) -> dict[str, pl.DataFrame]:
    """The tables the check phase built and checked for a cleaning step, by name: what its notebook writes.
    When the raw files or the package changed since the last check (a reporter's run outside Make), the
    check runs first, here."""
    stamp, expected = paths.ROOT / STAMP, stamp_text()
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != expected:
        check_and_stage(stamp)  # a refusal raises, naming the file, row, column and council
    folder = stamp.with_name(CHECKED) / step
    key = (str(folder), expected)
    if key not in _CHECKED:  # a story asks for the map's placement once per date: read the tables once
        _CHECKED[key] = {p.stem: pl.read_ipc(p) for p in sorted(folder.glob("*.arrow"))}
    if not _CHECKED[key]:
        raise DataError(f"{folder}: no checked tables for {step} (is it a cleaning step?)")
    return dict(_CHECKED[key])


_CHECKED: dict[tuple[str, str], dict[str, pl.DataFrame]] = {}


def summary_lines(built: dict[str, dict[str, pl.DataFrame]]) -> list[str]:
    manifest = sources.load_manifest()
    lines = [f"Every check passed on the {len(manifest)} raw files in {paths.SOURCES_TOML.name}; "
             "the tables they give (not yet written):"]
    for step, step_tables in built.items():
        shown = ", ".join(f"{name} {df.height:,} rows" for name, df in step_tables.items())
        lines.append(f"  {step}: {shown}")
    return lines


def stamp_text() -> str:
    """What the stamp records: each raw file the checks read, with the sha256 the manifest pins and the file's
    size and modification time here (a file replaced since, the manifest unchanged, is checked again and
    refused, never passed over), the reviewed exceptions, and the package's code (a changed reader or check
    makes the checked tables stale)."""
    code, package = hashlib.sha256(), Path(__file__).resolve().parent  # the code running, wherever it is
    for path in sorted(package.rglob("*.py")):
        code.update(f"{path.relative_to(package)}\0".encode() + path.read_bytes())
    raw = []
    for name, source in sorted(sources.load_manifest().items()):
        st = (paths.RAW / name).stat() if (paths.RAW / name).exists() else None
        raw.append(f"{name} {source.sha256} {st.st_size if st else 'missing'} {st.st_mtime_ns if st else ''}".rstrip())
    return ("".join(f"{line}\n" for line in raw)
            + f"{EXCEPTIONS.parent.name}/{EXCEPTIONS.name} {hashlib.sha256(EXCEPTIONS.read_bytes()).hexdigest()}\n"
            + f"src/csc_figures {code.hexdigest()}\n")


def check_and_stage(stamp: Path) -> dict[str, dict[str, pl.DataFrame]]:
    """check_all(), then the checked tables staged beside the stamp, then the stamp. The old stamp is removed
    first: a refused file leaves none behind, so the next build (or checked()) checks again."""
    stamp.unlink(missing_ok=True)
    built = check_all()
    stage(built, stamp.with_name(CHECKED))
    atomic.write_text(stamp, stamp_text())
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.check_data", description=__doc__)
    parser.add_argument("stamp", nargs="?", type=Path, default=None, help=f"the stamp to write (default {STAMP})")
    args = parser.parse_args(argv)
    try:
        built = check_and_stage(args.stamp or paths.ROOT / STAMP)
    except DataError as refused:  # SourceError (a missing or changed file) is one too
        print(f"check-data: refused, no table or output written:\n{refused}", file=sys.stderr)
        return 1
    for line in summary_lines(built):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
