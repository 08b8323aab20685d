"""`make bench`: how fast the rebuild is, each figure against a baseline measured in the same run.

Every measurement is the median of several runs (with min and max) and the peak memory of the
command's whole process tree. Ratios, not absolute times, are what carry from one machine to
another; each row says whether it meets its target. Results print as a table and go to
outputs/bench/; a full run (no --only) also writes docs/benchmark.md, committed, which the README's
benchmark section is generated from (with where notebook 10's and the cleaning's time goes and the slowest
tests), so no timing in the docs is typed by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import polars as pl
import psutil

from . import paths, sources

PY = sys.executable
BENCH_MD = paths.ROOT / "docs" / "benchmark.md"
# issue 29's targets: a ratio to the row's baseline ("x") or a median in seconds ("s")
TARGETS = {"rebuild": "<= 1.5x", "cleaning": "<= 0.067x (15x faster)", "noop": "< 0.1 s", "notebook_10": "<= 4 s",
           "test": "<= 180 s", "profiles": "< 60 s", "site": "<= 15 s", "cli_help": "<= 5x", "cli_answer": "< 1 s"}
MAKE = ["make", "--no-print-directory"]
# What a journalist would otherwise write: pandas, the odf engine for ODS, read_csv for CSV.
BASELINE_NOTE = "pandas read_excel(engine='odf', sheet_name=None) and read_csv"


def run_tracked(cmd: list[str], env: dict | None = None, check: bool = True,
                lines: list[tuple[float, str]] | None = None) -> tuple[float, int, str]:
    """Run a command; return seconds, peak resident memory of its whole process tree, and its output.

    `lines`, if given, receives each output line with the seconds since the start at which it arrived.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=paths.ROOT, env=env or os.environ.copy(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak = 0
    parent = psutil.Process(proc.pid)
    arrived = [] if lines is None else lines
    done = threading.Event()

    def read() -> None:
        for line in proc.stdout:  # line by line, as Make prints each command before it starts it
            arrived.append((time.perf_counter() - start, line))

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            done.wait(0.05)

    with ThreadPoolExecutor(2) as pool:
        reader, sampler = pool.submit(read), pool.submit(sample)
        proc.wait()
        # the time is taken as the process ends, not at the memory sampler's next 50 ms tick (which added up to
        # 50 ms to every row: 'python -c pass' read 0.05 s)
        seconds = time.perf_counter() - start
        done.set()
        reader.result()
        sampler.result()
    # a line the reader thread got to after the process ended was written before: it arrived by the end
    arrived[:] = [(min(t, seconds), line) for t, line in arrived]
    output = "".join(line for _, line in arrived)
    if proc.returncode and check:
        raise SystemExit(f"error: {' '.join(cmd)} failed:\n{output[-3000:]}")
    return seconds, peak, output


def summarise(label: str, times: list[float], peaks: list[int] | None = None, **extra) -> dict:
    row = {"measure": label, "runs": len(times), "median_s": statistics.median(times), "min_s": min(times),
           "max_s": max(times), **extra}
    if peaks:
        row["peak_memory_mb"] = max(peaks) / 2**20
    return row


def meets(row: dict) -> str:
    """'yes' or 'no' against the row's target ('<= 1.5x' on its ratio, '< 0.1 s' on its median); '' if none."""
    target = (row.get("target") or "").split(" (")[0]
    match = re.fullmatch(r"(<=|<) ([\d.]+) ?(x|s)", target)
    if not match:
        return ""
    value = row.get("ratio") if match[3] == "x" else row["median_s"]
    if value is None:
        return ""
    limit = float(match[2])
    return "yes" if (value <= limit if match[1] == "<=" else value < limit) else "no"


def tracked(cmd: list[str], runs: int, **kwargs) -> tuple[list[float], list[int]]:
    """`runs` runs of a command: their seconds and peak memories."""
    times, peaks = [], []
    for _ in range(runs):
        seconds, peak, _ = run_tracked(cmd, **kwargs)
        times.append(seconds)
        peaks.append(peak)
    return times, peaks


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


# Make prints each recipe's command as it starts it; these start a step (the rest is the steps' own output).
STEP_COMMAND = re.compile(r"^(?:\.venv/bin/python |PYTHONPATH=\S+ python3 )(?:-m )?(\S+)(.*)$")


def step_times(lines: list[tuple[float, str]], total: float) -> list[dict]:
    """Each step of a `make -j1` run with its seconds, slowest first, from the times Make printed each command:
    one at a time, a step lasts until the next command starts (the last until the run ends). The time before
    the first command is Make reading its rules and the hand-edit check (`csc_figures.written`)."""
    starts = []
    for at, line in lines:
        command = STEP_COMMAND.match(line.rstrip("\n"))
        if command:
            module, rest = command.group(1).removeprefix("csc_figures."), " ".join(command.group(2).split())
            name = rest.split()[0] if module == "run" and rest else module
            if module == "run" and "--each" in rest:
                name += f" ({len(rest.split()) - 2} councils, one kernel)"
            starts.append((at, name))
    timed = [{"step": "before the first step (Make reads its rules; csc_figures.written)",
              "seconds": starts[0][0] if starts else total}]
    for (at, name), (end, _) in zip(starts, [*starts[1:], (total, "")], strict=True):
        timed.append({"step": name, "seconds": end - at})
    return sorted(timed, key=lambda s: -s["seconds"])


def step_rows(lines: list[tuple[float, str]], total: float) -> list[dict]:
    """One bench row per step of a full `make -j1 all` from raw: where the rebuild's time goes."""
    return [summarise(f"step of make -j1 all from raw: {s['step']}", [s["seconds"]]) for s in step_times(lines, total)]


def bench_steps(runs: int, rows: list[dict]) -> None:
    """One `make -j1 all` from raw, timed step by step (the rebuild's rows time whole runs; this says where)."""
    run_tracked(MAKE + ["all"])
    start_from_raw()
    lines: list[tuple[float, str]] = []
    seconds, _, _ = run_tracked(MAKE + ["-j1", "all"], lines=lines)
    rows += step_rows(lines, seconds)


def bench_rebuild(runs: int, rows: list[dict]) -> None:
    run_tracked(MAKE + ["all"])  # start from a built tree
    by_step: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in (1, 2):
            times, floors, peaks, count = [], [], [], 0
            for _ in range(runs):
                start_from_raw()
                lines: list[tuple[float, str]] = []
                seconds, peak, out = run_tracked(MAKE + [f"-j{jobs}", "all"], lines=lines)
                if jobs == 1 and not by_step:  # one at a time, each command's start ends the step before
                    by_step = step_rows(lines, seconds)
                count = len(notebooks_run(out))
                times.append(seconds)
                peaks.append(peak)
                floors.append(floor_runs(count, jobs, Path(tmp)))
            floor = summarise(f"floor: {count} empty papermill runs, {jobs} at a time", floors)
            full = summarise(f"full rebuild from raw, make -j{jobs} all ({count} notebooks)", times, peaks,
                             baseline=floor["measure"], ratio=statistics.median(times) / floor["median_s"],
                             target=TARGETS["rebuild"])
            rows += [floor, full]
    rows += by_step


def bench_incremental(runs: int, rows: list[dict]) -> None:
    run_tracked(MAKE + ["all"])
    noop, peaks = tracked(MAKE + ["all"], max(runs, 3))
    rows.append(summarise("no-op make all (nothing changed)", noop, peaks, target=TARGETS["noop"]))
    raw, saved = paths.RAW / "csww_indicators_2017_to_2025.csv", paths.NOTEBOOKS / "11_council_profile.ipynb"
    for path, what in [(raw, f"touching {raw.name}"),
                       (saved, f"saving {saved.name} with no code changed (its time moves, as a JupyterLab save's)")]:
        times, peaks, ran = [], [], []
        for _ in range(runs):
            os.utime(path)
            seconds, peak, out = run_tracked(MAKE + ["all"])
            times.append(seconds)
            peaks.append(peak)
            ran = notebooks_run(out)
        rows.append(summarise(f"rebuild after {what}", times, peaks, reran=" ".join(ran) or "nothing"))


def _clean_everything() -> None:
    """The check phase (`make check-data`): every raw file read once and cleaned into its tidy tables with every
    check and contract, in memory (nothing written): what the cleaning notebooks then write."""
    from . import check_data

    check_data.check_all()


def _profile_cleaning() -> None:
    """Where the cleaning's time goes: the check phase on one thread under cProfile (which sees one thread and
    slows the Python side), the package's functions by their whole time, the rest by their own; as JSON."""
    import cProfile
    import pstats

    from . import check_data

    profiler = cProfile.Profile()
    profiler.runcall(check_data.check_all, second_thread=False)
    stats = pstats.Stats(profiler).stats  # (file, line, name): (calls, primitive calls, own s, whole s, callers)
    ours = [(f"{Path(f).stem}.{n}", v[1], v[3]) for (f, _, n), v in stats.items() if "/csc_figures/" in f
            and not n.startswith(("<", "check_all", "build_all", "_at_once"))]
    theirs = [(f"{Path(f).parent.name}/{Path(f).stem}.{n}" if "/" in f else n, v[1], v[2])
              for (f, _, n), v in stats.items() if "/csc_figures/" not in f]
    top = {"ours": sorted(ours, key=lambda r: -r[2])[:12], "theirs": sorted(theirs, key=lambda r: -r[2])[:4]}
    print(json.dumps(top))


def _pandas_baseline() -> None:
    import pandas as pd

    for name in sources.load_manifest():
        path = paths.RAW / name
        if name.endswith(".ods"):
            pd.read_excel(path, engine="odf", sheet_name=None, header=None)
        elif name.endswith(".csv"):  # the tables our cleaning reads (the hexmap's JSON is not one)
            pd.read_csv(path, encoding="utf-8-sig", low_memory=False)


def bench_cleaning(runs: int, rows: list[dict], profile: dict) -> None:
    code = ("import time, sys; from csc_figures import bench; t=time.perf_counter(); "
            "getattr(bench, sys.argv[1])(); print(time.perf_counter()-t)")

    def timed(function: str) -> tuple[list[float], list[int]]:
        """The work's own seconds (printed by the process, so start-up is left out) and its peak memory."""
        times, peaks = [], []
        for _ in range(runs):
            _, peak, out = run_tracked([PY, "-c", code, function])
            times.append(float(out.strip().splitlines()[-1]))
            peaks.append(peak)
        return times, peaks

    ours, our_peaks = timed("_clean_everything")
    base, base_peaks = timed("_pandas_baseline")
    b = summarise(f"baseline: {BASELINE_NOTE}, every raw file", base, base_peaks)
    o = summarise("load and clean every source in one process, two threads (csc_figures)", ours, our_peaks,
                  baseline=b["measure"], ratio=statistics.median(ours) / b["median_s"], target=TARGETS["cleaning"])
    rows += [b, o]
    profiled = run_tracked([PY, "-c", "from csc_figures import bench; bench._profile_cleaning()"])[2]
    profile["cleaning"] = json.loads(profiled.strip().splitlines()[-1])


def bench_profiles(runs: int, rows: list[dict]) -> None:
    times, peaks = tracked(MAKE + ["profiles"], runs)
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
    rows += [b, summarise(f"make profiles ({councils} councils, one process)", times, peaks, baseline=b["measure"],
                          ratio=statistics.median(times) / extrapolated, target=TARGETS["profiles"])]


def bench_site(runs: int, rows: list[dict]) -> None:
    """`make site` (every page, every council's profile) against `make profiles` (the profiles only), in turn
    in one run; the site's target is removed first so that Make rebuilds the site and nothing else."""
    site, profiles, peaks = [], [], []
    for _ in range(runs):
        profiles.append(run_tracked(MAKE + ["profiles"])[0])
        (paths.OUTPUTS / "site" / "index.html").unlink(missing_ok=True)
        seconds, peak, _ = run_tracked(MAKE + ["site"])
        site.append(seconds)
        peaks.append(peak)
    councils = len(list((paths.OUTPUTS / "site" / "councils").glob("*.html"))) - 1  # less the index
    b = summarise(f"baseline: make profiles ({councils} council profiles only)", profiles)
    rows += [b, summarise(f"make site (every page, {councils} council profiles)", site, peaks, baseline=b["measure"],
                          ratio=statistics.median(site) / b["median_s"], target=TARGETS["site"])]


def bench_cli(runs: int, rows: list[dict]) -> None:
    """`csc-figures` start-up and quick answers against the interpreter's own start-up (`python -c pass`)."""
    cli = str(Path(PY).with_name("csc-figures"))
    runs = max(runs, 5)  # each run is short: more of them steady the median
    base, base_peaks = tracked([PY, "-c", "pass"], runs)
    b = summarise("baseline: python -c pass (the interpreter's start-up)", base, base_peaks)
    rows.append(b)
    for argv, target in ((["--help"], TARGETS["cli_help"]), (["council", "York"], TARGETS["cli_answer"]),
                         (["rating-at", "2023-09-01", "--judgement", "inadequate"], TARGETS["cli_answer"])):
        times, peaks = tracked([cli, *argv], runs)
        rows.append(summarise(f"csc-figures {' '.join(argv)}", times, peaks, baseline=b["measure"],
                              ratio=statistics.median(times) / b["median_s"], target=target))


RATINGS = "10_ratings_vs_workforce"


def bench_notebook(runs: int, rows: list[dict], profile: dict) -> None:
    """Notebook 10 on its own (the runner, as Make starts it) against one run of an empty notebook, and where
    its time goes: each cell's seconds from papermill's own timings (the runner strips them from its output)."""
    with tempfile.TemporaryDirectory() as tmp:
        floor = [floor_runs(1, 1, Path(tmp)) for _ in range(runs)]
        times, peaks = tracked([PY, "-m", "csc_figures.run", RATINGS, "-o", str(Path(tmp) / "run.ipynb")], runs)
        profile["cells"] = cell_times(Path(tmp))
    b = summarise("baseline: one empty papermill run", floor)
    rows += [b, summarise(f"notebook {RATINGS} alone (the runner)", times, peaks, baseline=b["measure"],
                          ratio=statistics.median(times) / b["median_s"], target=TARGETS["notebook_10"])]


def cell_times(folder: Path) -> list[dict]:
    """Each code cell of notebook 10 with its seconds, slowest first, from a papermill run in a scratch folder."""
    out = folder / "timed.ipynb"
    env = {**os.environ, "CSC_FIGURES_RUN_OUTPUTS": str(folder / "outputs")}
    # the chart pages' shared script, as the build keeps it beside the figures: without it the chart cell
    # would spend ~2 s bundling it, which the published run timed above never does
    from .chart_pages import VEGA_SCRIPT

    built = paths.OUTPUTS / "figures" / VEGA_SCRIPT
    if built.exists():
        (folder / "outputs" / "figures").mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, folder / "outputs" / "figures" / VEGA_SCRIPT)
    code = ("import sys, papermill as pm; pm.execute_notebook(sys.argv[1], sys.argv[2], kernel_name='csc-figures', "
            "progress_bar=False, cwd=sys.argv[3])")
    subprocess.run([PY, "-c", code, str(paths.NOTEBOOKS / f"{RATINGS}.ipynb"), str(out), str(paths.NOTEBOOKS)],
                   check=True, capture_output=True, cwd=paths.ROOT, env=env)
    cells = nbformat.read(out, as_version=4).cells
    timed = [{"cell": i, "first_line": next((line for line in c.source.splitlines()
                                              if line.strip() and not line.startswith("#")), ""),
              "seconds": c.metadata.get("papermill", {}).get("duration") or 0.0}
             for i, c in enumerate(cells, start=1) if c.cell_type == "code"]
    return sorted(timed, key=lambda c: -c["seconds"])


def bench_test(rows: list[dict], profile: dict) -> None:
    """`make test` once (everything built first, so it times the tests), with pytest's slowest 20 tests."""
    run_tracked(MAKE + ["all"])
    seconds, peak, out = run_tracked(MAKE + ["test"], check=False)
    passed = re.findall(r"^=* ?(\d+ (?:passed|failed).*?) in [\d.]+s", out, flags=re.M)  # pytest's, then nbval's
    profile["slowest_tests"] = slowest(out)
    failed = re.search(r"^make(\[\d+\])?: \*\*\* ", out, flags=re.M) is not None
    (paths.OUTPUTS / "bench").mkdir(parents=True, exist_ok=True)
    (paths.OUTPUTS / "bench" / "make_test.log").write_text(out)  # what failed, when it did
    said = "; ".join(passed) or "did not finish"
    rows.append(summarise("make test (ruff, pytest, nbval, check-outputs; after make all)", [seconds], [peak],
                          target=TARGETS["test"], result=f"{said}; make test {'FAILED' if failed else 'passed'}"))


def slowest(pytest_output: str) -> list[str]:
    """pytest's `--durations` lines ('12.34s call tests/test_x.py::test_y'), slowest first."""
    return re.findall(r"^\d+\.\d+s (?:call|setup|teardown) +\S+", pytest_output, flags=re.M)[:20]


def to_markdown(table: pl.DataFrame) -> str:
    """The results as a Markdown table, for the README and the issue notes."""
    def fmt(value, unit: str = "") -> str:
        return "" if value is None else f"{value:.2f}{unit}" if isinstance(value, float) else str(value)

    lines = ["| measure | runs | median s | min s | max s | ratio to baseline | target | met | peak memory MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in table.iter_rows(named=True):
        memory = row.get("peak_memory_mb")
        said = "; ".join(f"{k}: {row[k]}" for k in ("reran", "result") if row.get(k))
        lines.append(" | ".join(["", row["measure"] + (f" ({said})" if said else ""),
                                 str(row["runs"]), fmt(row["median_s"]), fmt(row["min_s"]), fmt(row["max_s"]),
                                 fmt(row.get("ratio"), "x"), row.get("target") or "", meets(row),
                                 "" if memory is None else f"{memory:.0f}", ""]).strip())
    return "\n".join(lines) + "\n"


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(paths.ROOT), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def report(table: pl.DataFrame, profile: dict, load: tuple[float, float]) -> str:
    """docs/benchmark.md: where and when it was measured, the table, and where the time goes."""
    memory = psutil.virtual_memory().total / 2**30
    lines = ["# Benchmark", "",
             f"Written by `make bench` on {dt.date.today().isoformat()} at commit {_git('rev-parse', '--short', 'HEAD')}"
             f" ({os.cpu_count()} cores, {memory:.0f} GB, Python {platform.python_version()}); load average "
             f"{load[0]:.2f} when it started and {load[1]:.2f} when it ended (an idle machine is near 0). "
             "Medians of several runs; each ratio is against the baseline measured in the same run.", "",
             to_markdown(table).rstrip(), ""]
    if profile.get("cells"):
        lines += [f"Where notebook {RATINGS}'s time goes (papermill's time per cell, slowest first; the kernel's "
                  "start comes before the first cell):", "", "| cell | first line | seconds |", "|---|---|---|"]
        lines += [f"| {c['cell']} | `{c['first_line'][:70].replace('|', '/')}` | {c['seconds']:.2f} |"
                  for c in profile["cells"][:10]]
        lines.append("")
    if profile.get("cleaning"):
        lines += ["Where the cleaning's time goes (the check phase on one thread under cProfile, which slows it): "
                  "the package's functions by their whole time, then the libraries' by their own time:", "",
                  "| function | calls | seconds |", "|---|---|---|"]
        lines += [f"| `{name}` | {calls} | {seconds:.2f} |" for part in ("ours", "theirs")
                  for name, calls, seconds in profile["cleaning"][part]]
        lines.append("")
    if profile.get("slowest_tests"):
        lines += ["The slowest 20 tests in `make test` (pytest `--durations=20`):", ""]
        lines += [f"- `{t}`" for t in profile["slowest_tests"]]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (default 3)")
    parser.add_argument("--rebuild-runs", type=int, default=2,
                        help="runs of each full rebuild and its floor (default 2, to stay within ten minutes)")
    parser.add_argument("--only", nargs="*", choices=["cli", "rebuild", "incremental", "cleaning", "profiles", "site",
                                                      "notebook", "test", "steps"],
                        help="these measures only (steps: one make -j1 all from raw, timed step by step; a full "
                             "run takes those rows from its first -j1 rebuild)")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    profile: dict = {}
    steps = {"cli": bench_cli, "cleaning": lambda runs, rows: bench_cleaning(runs, rows, profile),
             "incremental": bench_incremental, "profiles": bench_profiles, "site": bench_site, "rebuild": bench_rebuild,
             "notebook": lambda runs, rows: bench_notebook(runs, rows, profile),
             "test": lambda runs, rows: bench_test(rows, profile), "steps": bench_steps}
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    for name, step in steps.items():
        if (not args.only and name != "steps") or name in (args.only or ()):
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
    text_md = report(table, profile, (load_before, os.getloadavg()[0]))
    (out / "bench.md").write_text(text_md)
    if not args.only:  # only a full run speaks for the project: the docs and the README take it
        from . import atomic, readme

        atomic.write_text(BENCH_MD, text_md)
        readme.main([])
        print(f"wrote {BENCH_MD.relative_to(paths.ROOT)} and the README's benchmark section", file=sys.stderr)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
