"""Run a notebook headlessly with papermill and write a clean, deterministic copy.

    python -m csc_figures.run 10_ratings_vs_workforce             # the published run -> outputs/notebooks/
    python -m csc_figures.run 11_council_profile -p council=Derby  # -> outputs/runs/11_council_profile/council-Derby/

A run with the declared defaults (csc_figures.params) is the published run: its executed copy goes to
outputs/notebooks/ and its charts and tables to outputs/figures|tables/. Any other run goes, notebook,
charts and tables, to outputs/runs/<notebook>/<readable parameters>/. Values are checked against the
declarations before anything is written (an unknown name or a bad value exits with status 2). Whatever a
saved source says (outputs, execution counts, edited parameter values from JupyterLab), the runner
starts from a clean copy whose parameters cell is the declared one.

The executed copy is written to a temporary file and moved into place only when
the run succeeds, so Make never trusts a half-written notebook. Timings and
papermill timestamps are stripped so the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill as pm
from traitlets.config import Config

from . import atomic, params as declared, paths, undo, written
from .errors import UserError
from .steps import STEP_VARIABLE

KERNEL = "csc-figures"
DEFAULT_OUT = paths.OUTPUTS / "notebooks"


# Same bytes on any desk: the kernels (and so every chart and date) run in UTC with a fixed
# locale, whatever the machine's. Make exports the same values; this covers a direct run.
PINNED_ENV = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
SOCKET_PREFIX = "csc-figures-kernel-"


def pin_environment() -> None:
    """Set the pinned time zone and locale in this process, which every kernel it starts inherits."""
    os.environ.update(PINNED_ENV)


def _socket_prefix(pid: int) -> Path:
    return Path(tempfile.gettempdir()) / f"{SOCKET_PREFIX}{pid}"


def _local_kernel() -> Config:
    """Kernels talk over socket files, not TCP: nothing listens on the network. Each run gets its own
    socket prefix, because parallel runs (make -j) would otherwise race for the same file names."""
    return Config({"KernelManager": {"transport": "ipc", "ip": str(_socket_prefix(os.getpid()))}})


def remove_orphan_sockets() -> list[Path]:
    """Delete kernel socket files left by runs that were killed (their process is gone)."""
    removed = []
    for sock in Path(tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}*"):
        pid_text = sock.name[len(SOCKET_PREFIX):].split("-")[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not undo.pid_alive(int(pid_text)):
            sock.unlink(missing_ok=True)
            removed.append(sock)
    return removed


def _remove_own_sockets() -> None:
    for sock in Path(tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}{os.getpid()}-*"):
        sock.unlink(missing_ok=True)


RUNS_OUT = paths.OUTPUTS / "runs"


def parse_params(pairs: list[str]) -> dict:
    """key=value pairs; values read as JSON when they parse (2022, true), else as text ("007", "York")."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"error: parameter {pair!r} is not key=value")
        try:
            parsed = json.loads(value)
            # keep codes such as 007 or 314 as text where the notebook expects text
            params[key] = parsed if not (isinstance(parsed, (int, float)) and value.startswith("0")) else value
        except json.JSONDecodeError:
            params[key] = value
    return params


def run_name(params: dict) -> str:
    """A run's folder name from its parameters: 'council-Derby_year-2025' ('defaults' for none)."""
    return declared.run_name(params)


VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed")


def clean_source(source: Path, name: str) -> nbformat.NotebookNode:
    """The source notebook as the build runs it: no outputs or execution counts, no cell a previous run
    injected, and the declared parameters cell in place of whatever a saved copy holds."""
    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    nb.metadata.pop("language_info", None)  # the kernel writes its own at every run
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:  # a run's timings, which the executed copy never keeps either
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    if name in declared.NOTEBOOKS:
        declared.parameters_cell(nb, source).source = declared.render_cell(name)
    return nb


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop timings and papermill timestamps; keep tags and outputs."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            # Number from 1 as a fresh kernel would; a shared kernel keeps counting across runs.
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output["execution_count"] = count
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id on every run
        if cell.cell_type == "code":
            cell.outputs = _merge_streams(cell.outputs)
    return nb


def _merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks: the kernel splits prints differently from run to run."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] = "".join([previous["text"], output["text"]])
        else:
            if output.get("output_type") == "stream":
                output["text"] = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
            merged.append(output)
    return merged


def execute(name: str, params: dict | None = None, out: Path | None = None, cwd: Path | None = None,
            kernel=None, publish: bool = False) -> Path:
    """Run a notebook. With its declared defaults (or `publish`, the build's runs for other councils) it is
    published; otherwise the executed copy, charts and tables go to outputs/runs/<notebook>/<parameters>/."""
    params = params or {}
    # A name is a notebook in notebooks/; a path to an .ipynb also works (the benchmark's empty notebook).
    source = Path(name) if name.endswith(".ipynb") else paths.NOTEBOOKS / f"{name}.ipynb"
    name = source.stem
    if not source.exists():
        raise SystemExit(f"error: no notebook {source}")
    if name in declared.NOTEBOOKS:
        changed = declared.given(name, params)  # UserError before anything is written
        # only what differs from the declared cell is injected: a published run's notebook shows that cell alone
        params = {k: v for k, v in declared.check(name, params).items() if k in changed}
    else:
        changed = params
    published = publish or not changed
    folder = RUNS_OUT / name / run_name(changed)
    if out is None:
        out = DEFAULT_OUT / f"{name}.ipynb" if published else folder / f"{name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    # gitignored, never beside a committed output: '03_workforce.03_workforce', '11_council_profile.council-Derby'
    failed = RUNS_OUT / "failed" / f"{name}.{out.stem if out.parent == DEFAULT_OUT else out.parent.name}.ipynb"
    failed.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CSC_FIGURES_ROOT", str(paths.ROOT))  # the kernel inherits it
    pin_environment()
    # A shared kernel's runs share the bookkeeping execute_each set up: its record, its journal.
    if kernel is None:
        _route_outputs(name, folder, published)
    bookkeeping = written.published_run(name, recorded=published) if kernel is None \
        else contextlib.nullcontext(lambda target: None)
    # A unique temporary name per run (two builds on one tree must not share one); the executed
    # notebook replaces `out` only when the run succeeds, else the partial run is kept as `failed`.
    # A run that fails puts back every file it replaced.
    try:
        with bookkeeping as keep:
            with atomic.replacing(out, suffix=".tmp.ipynb", keep_failed=failed) as tmp:
                pm.execute_notebook(
                    clean_source(source, name), str(tmp), parameters=params, kernel_name=KERNEL, language="python",
                    progress_bar=False, record_timing=False, cwd=str(cwd or out.parent), log_output=False,
                    config=_local_kernel(), **({"km": kernel} if kernel is not None else {}),
                )
                nb = strip_volatile(nbformat.read(tmp, as_version=4))
                nbformat.write(nb, tmp)
            if out.resolve().is_relative_to(paths.ROOT.resolve()):
                keep(out)
    except pm.PapermillExecutionError as err:
        raise SystemExit(f"error: {name} failed in cell {err.exec_count}: {err.ename}: {err.evalue}\n"
                         f"  (the partial run is in {failed})") from None
    finally:
        if kernel is None:
            _remove_own_sockets()
    return out


def _route_outputs(name: str, folder: Path, published: bool) -> None:
    """Tell the kernel (through its environment) whether this run is published, and where its charts and
    tables go if it is not (the notebook's `params.use` reads both)."""
    if published:
        os.environ[declared.PUBLISH_VARIABLE] = name
        os.environ.pop(declared.RUN_OUTPUTS_VARIABLE, None)
    else:
        os.environ.pop(declared.PUBLISH_VARIABLE, None)
        os.environ[declared.RUN_OUTPUTS_VARIABLE] = str(folder)


def execute_each(name: str, param_sets: list[dict]) -> list[Path]:
    """Run one notebook once per parameter set, all in one kernel.

    Saves a kernel start, the imports and the chart engine's start-up per run. Safe because each
    run executes every cell from the top and the first cells reset all global chart state
    (charts.setup); tables are cached by file and mtime only. Used by Make for the published
    runs (the article councils' profiles), so their charts and tables go to outputs/figures|tables.
    """
    from jupyter_client.manager import KernelManager

    names = [run_name(declared.given(name, p)) for p in param_sets]
    outs = [RUNS_OUT / name / n / f"{name}.ipynb" for n in names]
    for out in outs:
        out.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CSC_FIGURES_ROOT", str(paths.ROOT))
    pin_environment()
    _route_outputs(name, RUNS_OUT / name, published=True)
    # One record and one journal for the group, set before the kernel starts (it inherits them): a failed run
    # puts back every file any run of the group replaced.
    with written.published_run(name) as keep:
        kernel = KernelManager(kernel_name=KERNEL, config=_local_kernel())
        kernel.start_kernel(cwd=str(outs[0].parent))
        try:
            done = [execute(name, params, out, kernel=kernel, publish=True)
                    for params, out in zip(param_sets, outs, strict=True)]
            for out in done:  # Make re-runs the group together, so each run keeps the group's record
                keep(out)
            return done
        finally:
            kernel.shutdown_kernel(now=True)
            _remove_own_sockets()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csc_figures.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", help="notebook name without .ipynb, e.g. 10_ratings_vs_workforce")
    parser.add_argument("-p", "--param", action="append", default=[], help="key=value (repeatable)")
    parser.add_argument("-o", "--output", type=Path, help="where to write the executed notebook")
    parser.add_argument("--each", nargs="+", metavar="K=V[,K=V]",
                        help="one run per item, sharing one kernel (e.g. --each council=315 council=831)")
    args = parser.parse_args(argv)
    os.environ[STEP_VARIABLE] = Path(args.notebook).stem  # the kernel inherits it: tables.read checks reads
    remove_orphan_sockets()
    for path in undo.recover():
        print(f"put back {path} (a killed run had replaced it)", file=sys.stderr)
    try:
        if args.each:
            outs = execute_each(args.notebook, [parse_params(item.split(",")) for item in args.each])
        else:
            outs = [execute(args.notebook, parse_params(args.param), args.output)]
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for out in outs:
        print(f"{args.notebook}: wrote {out.relative_to(paths.ROOT) if out.is_relative_to(paths.ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
