"""`make bench`: how fast the rebuild is, each figure against a baseline measured in the same run.

Every measurement is the median of several runs (with min and max). Results print
as a table and go to outputs/bench/ (not committed). Ratios, not absolute times,
are what carry from one machine to another.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import polars as pl
import psutil

from . import paths, sources

PY = sys.executable
MAKE = ["make", "--no-print-directory"]
# What a journalist would otherwise write: pandas, the odf engine for ODS, read_csv for CSV.
BASELINE_NOTE = "pandas read_excel(engine='odf', sheet_name=None) and read_csv"


def run_tracked(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run a command; return seconds, peak resident memory of its whole process tree, and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=paths.ROOT, env=env or os.environ.copy(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak = 0
    parent = psutil.Process(proc.pid)
    chunks: list[str] = []
    with ThreadPoolExecutor(1) as pool:
        reader = pool.submit(proc.stdout.read)
        while proc.poll() is None:
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)
        chunks.append(reader.result())
    seconds = time.perf_counter() - start
    output = "".join(chunks)
    if proc.returncode:
        raise SystemExit(f"error: {' '.join(cmd)} failed:\n{output[-3000:]}")
    return seconds, peak, output


def summarise(label: str, times: list[float], **extra) -> dict:
    return {"measure": label, "runs": len(times), "median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), **extra}


def touch_raw(names: list[str] | None = None) -> None:
    now = time.time()
    for name in names or list(sources.load_manifest()):
        os.utime(paths.RAW / name, (now, now))


def start_from_raw() -> None:
    """Forget every processed table and run, so `make all` rebuilds everything from the raw files."""
    for folder in (paths.PROCESSED, paths.OUTPUTS / "runs"):
        shutil.rmtree(folder, ignore_errors=True)
    touch_raw()


def notebooks_run(make_output: str) -> list[str]:
    return re.findall(r"^(\S+): wrote", make_output, flags=re.M)


def empty_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "csc-figures", "language": "python", "display_name": "csc-figures"}
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def floor_runs(count: int, jobs: int, folder: Path) -> float:
    """`count` papermill runs of an empty notebook, `jobs` at a time, as Make would start them."""
    nb = empty_notebook(folder)
    cmds = [[PY, "-m", "csc_figures.run", str(nb), "-o", str(folder / f"out{i}.ipynb")] for i in range(count)]
    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        for result in pool.map(lambda c: subprocess.run(c, capture_output=True, cwd=paths.ROOT), cmds):
            if result.returncode:
                raise SystemExit(result.stderr.decode()[-2000:])
    return time.perf_counter() - start


def bench_rebuild(runs: int, rows: list[dict]) -> None:
    run_tracked(MAKE + ["all"])  # start from a built tree
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in (1, 2):
            times, floors, peaks, count = [], [], [], 0
            for _ in range(runs):
                start_from_raw()
                seconds, peak, out = run_tracked(MAKE + [f"-j{jobs}", "all"])
                count = len(notebooks_run(out))
                times.append(seconds)
                peaks.append(peak)
                floors.append(floor_runs(count, jobs, Path(tmp)))
            floor = summarise(f"floor: {count} empty papermill runs, {jobs} at a time", floors)
            full = summarise(f"full rebuild from raw, make -j{jobs} all ({count} notebooks)", times,
                             baseline=floor["measure"], ratio=statistics.median(times) / floor["median_s"],
                             target="<= 2x", peak_memory_mb=max(peaks) / 2**20)
            rows += [floor, full]


def bench_incremental(runs: int, rows: list[dict]) -> None:
    run_tracked(MAKE + ["all"])
    noop = [run_tracked(MAKE + ["all"])[0] for _ in range(max(runs, 3))]
    rows.append(summarise("no-op make all (nothing changed)", noop, target="< 1 s"))
    name = "csww_indicators_2017_to_2025.csv"
    times, ran = [], []
    for _ in range(runs):
        touch_raw([name])
        seconds, _, out = run_tracked(MAKE + ["all"])
        times.append(seconds)
        ran = notebooks_run(out)
    rows.append(summarise(f"rebuild after touching {name}", times, reran=" ".join(ran)))


def _clean_everything() -> None:
    """Every source read from raw and cleaned into its tidy table, in memory (nothing written)."""
    from . import children, geography, inspections, workforce

    geo = geography.build_all()
    inspections.build(geo["la_geography"], geo["la_names"])
    workforce.build()
    children.read_children_in_need(sources.raw_path(children.CIN_FILE))
    children.read_section_47(sources.raw_path(children.S47_FILE))
    children.read_children_looked_after(sources.raw_path(children.CLA_FILE))


def _pandas_baseline() -> None:
    import pandas as pd

    for name in sources.load_manifest():
        path = paths.RAW / name
        if name.endswith(".ods"):
            pd.read_excel(path, engine="odf", sheet_name=None, header=None)
        else:
            pd.read_csv(path, encoding="utf-8-sig", low_memory=False)


def bench_cleaning(runs: int, rows: list[dict]) -> None:
    code = ("import time, sys; from csc_figures import bench; t=time.perf_counter(); "
            "getattr(bench, sys.argv[1])(); print(time.perf_counter()-t)")
    ours = [float(subprocess.run([PY, "-c", code, "_clean_everything"], capture_output=True, text=True,
                                 check=True, cwd=paths.ROOT).stdout) for _ in range(runs)]
    base = [float(subprocess.run([PY, "-c", code, "_pandas_baseline"], capture_output=True, text=True,
                                 check=True, cwd=paths.ROOT).stdout) for _ in range(runs)]
    b = summarise(f"baseline: {BASELINE_NOTE}, every raw file", base)
    o = summarise("load and clean every source in one process (csc_figures)", ours, baseline=b["measure"],
                  ratio=statistics.median(ours) / b["median_s"], target="<= 0.1x (10x faster)")
    rows += [b, o]


def bench_profiles(runs: int, rows: list[dict]) -> None:
    times = [run_tracked(MAKE + ["profiles"])[0] for _ in range(runs)]
    councils = len(list((paths.OUTPUTS / "site" / "councils").glob("*.csv")))
    sample = ["York", "Merton", "Derby"]
    with tempfile.TemporaryDirectory() as tmp:
        per_run = []
        for council in sample:
            start = time.perf_counter()
            subprocess.run([PY, "-m", "csc_figures.run", "11_council_profile", "-p", f"council={council}", "-o",
                            str(Path(tmp) / f"{council}.ipynb")], check=True, capture_output=True, cwd=paths.ROOT)
            per_run.append(time.perf_counter() - start)
    extrapolated = statistics.median(per_run) * councils
    b = {"measure": f"baseline: one papermill run per council, {councils} councils "
                    f"(extrapolated from {len(sample)} runs)", "runs": len(sample), "median_s": extrapolated,
         "min_s": min(per_run) * councils, "max_s": max(per_run) * councils}
    rows += [b, summarise(f"make profiles ({councils} councils, one process)", times, baseline=b["measure"],
                          ratio=statistics.median(times) / extrapolated, target="< 60 s")]


def bench_site(runs: int, rows: list[dict]) -> None:
    """`make site` (every page, every council's profile) against `make profiles` (the profiles only), in turn
    in one run; the site's target is removed first so that Make rebuilds the site and nothing else."""
    site, profiles = [], []
    for _ in range(runs):
        profiles.append(run_tracked(MAKE + ["profiles"])[0])
        (paths.OUTPUTS / "site" / "index.html").unlink(missing_ok=True)
        site.append(run_tracked(MAKE + ["site"])[0])
    councils = len(list((paths.OUTPUTS / "site" / "councils").glob("*.html"))) - 1  # less the index
    b = summarise(f"baseline: make profiles ({councils} council profiles only)", profiles)
    rows += [b, summarise(f"make site (every page, {councils} council profiles)", site, baseline=b["measure"],
                          ratio=statistics.median(site) / b["median_s"], target="<= 15 s")]


def _seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=paths.ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_cli(runs: int, rows: list[dict]) -> None:
    """`csc-figures` start-up and quick answers against the interpreter's own start-up (`python -c pass`)."""
    cli = str(Path(PY).with_name("csc-figures"))
    runs = max(runs, 5)  # each run is short: more of them steady the median
    base = [_seconds([PY, "-c", "pass"]) for _ in range(runs)]
    b = summarise("baseline: python -c pass (the interpreter's start-up)", base)
    rows.append(b)
    for argv, target in ((["--help"], "<= 5x"), (["council", "York"], "< 1 s"),
                         (["rating-at", "2023-09-01", "--judgement", "inadequate"], "< 1 s")):
        times = [_seconds([cli, *argv]) for _ in range(runs)]
        rows.append(summarise(f"csc-figures {' '.join(argv)}", times, baseline=b["measure"],
                              ratio=statistics.median(times) / b["median_s"], target=target))


def to_markdown(table: pl.DataFrame) -> str:
    """The results as a Markdown table, for the README and the issue notes."""
    def fmt(value, unit: str = "") -> str:
        return "" if value is None else f"{value:.2f}{unit}" if isinstance(value, float) else str(value)

    lines = ["| measure | runs | median s | min s | max s | ratio to baseline | target | peak memory MB |",
             "|---|---|---|---|---|---|---|---|"]
    for row in table.iter_rows(named=True):
        memory = row.get("peak_memory_mb")
        lines.append(" | ".join(["", row["measure"] + (f" (re-ran: {row['reran']})" if row.get("reran") else ""),
                                 str(row["runs"]), fmt(row["median_s"]), fmt(row["min_s"]), fmt(row["max_s"]),
                                 fmt(row.get("ratio"), "x"), row.get("target") or "",
                                 "" if memory is None else f"{memory:.0f}", ""]).strip())
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (default 3)")
    parser.add_argument("--rebuild-runs", type=int, default=2,
                        help="runs of each full rebuild and its floor (default 2, to stay within ten minutes)")
    parser.add_argument("--only", nargs="*", choices=["cli", "rebuild", "incremental", "cleaning", "profiles", "site"])
    args = parser.parse_args(argv)
    rows: list[dict] = []
    steps = {"cli": bench_cli, "cleaning": bench_cleaning, "incremental": bench_incremental, "profiles": bench_profiles,
             "site": bench_site, "rebuild": bench_rebuild}
    started = time.perf_counter()
    for name, step in steps.items():
        if not args.only or name in args.only:
            print(f"benchmark: {name} ...", file=sys.stderr, flush=True)
            step(args.rebuild_runs if name == "rebuild" else args.runs, rows)
    print(f"benchmark took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    table = pl.DataFrame(rows, infer_schema_length=None)
    out = paths.OUTPUTS / "bench"
    out.mkdir(parents=True, exist_ok=True)
    table.write_csv(out / "bench.csv")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=250, fmt_str_lengths=90, float_precision=2,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        text = str(table)
    (out / "bench.txt").write_text(text + "\n")
    (out / "bench.md").write_text(to_markdown(table))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
