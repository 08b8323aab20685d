"""What the README and docs/ state as fact is checked against the code: every Make target they name
exists, every path they name is there, every module they run and every CLI command they type exists.
(The parameter table and the article index are generated: tests/test_readme.py.)"""

from __future__ import annotations

import re

from csc_figures import cli, paths
from csc_figures import run as runner

DOCS = [paths.ROOT / "README.md", *sorted((paths.ROOT / "docs").glob("*.md"))]
# Paths the docs name that a build does not leave behind, each with why (checked below where it can be).
NOT_BUILT = {
    "outputs/regress/index.html": "written by `make regress` only when a committed output changed",
    "data/csww_indicators_2017_to_2026.csv": "a future release's file inside DfE's ZIP (docs/UPDATING.md)",
}
RUN_FOLDER = re.compile(r"outputs/runs/(\d\d_\w+)/([^/]+)/")


def _commands(path) -> list[str]:
    """The commands a document shows: each `inline code` span and each line of a fenced block."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.S)
    outside = re.sub(r"```[^\n]*\n.*?```", "", text, flags=re.S)
    return [s.strip() for s in re.findall(r"`([^`\n]+)`", outside)] + [
        line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def _all_commands() -> list[tuple[str, str]]:
    return [(path.name, command) for path in DOCS for command in _commands(path)]


def _make_targets() -> set[str]:
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-zA-Z][\w-]*)\s*:(?!=)", makefile, re.M))


def test_every_make_target_named_exists():
    targets = _make_targets()
    named = {(doc, m[1]) for doc, c in _all_commands() for m in [re.match(r"make(?: -\S+| [A-Z_]+=\S+)* ([a-z][\w-]*)", c)]
             if m}
    assert len(named) > 10
    missing = sorted((doc, t) for doc, t in named if t not in targets)
    assert not missing, f"docs name Make targets the Makefile lacks: {missing}"


def test_every_path_named_exists():
    named = {(doc, c) for doc, c in _all_commands()
             if re.fullmatch(r"(src|data|docs|outputs|notebooks|tests|lab|templates)/[\w./-]*", c) and "NN_" not in c}
    assert len(named) > 20
    missing = []
    for doc, path in sorted(named):
        run = RUN_FOLDER.fullmatch(path)
        if run:  # an example run's folder: its notebook exists and the runner names it so
            pairs = run[2].split("_")
            values = runner.parse_params([p.replace("-", "=", 1) for p in pairs])
            if not (paths.NOTEBOOKS / f"{run[1]}.ipynb").exists() or runner.run_name(values) != run[2]:
                missing.append((doc, path))
        elif path not in NOT_BUILT and not (paths.ROOT / path).exists():
            missing.append((doc, path))
    assert not missing, f"docs name paths that are not there (or add them to NOT_BUILT with why): {missing}"


def test_every_module_run_and_cli_command_exists():
    import importlib.util

    commands = [c for _, c in _all_commands()]
    modules = {m for c in commands for m in re.findall(r"python -m (csc_figures[\w.]*)", c)}
    assert modules
    assert not [m for m in sorted(modules) if importlib.util.find_spec(m) is None]
    typed = {m[1] for c in commands for m in [re.match(r"(?:\.venv/bin/)?csc-figures ([a-z][\w-]*)", c)] if m}
    known = set(cli.build_parser()._subparsers._group_actions[0].choices)
    assert typed and not sorted(typed - known), f"docs type csc-figures commands that do not exist: {typed - known}"


def test_no_timing_is_typed_outside_the_benchmark_section():
    """Seconds and ratios against a baseline come from `make bench` (docs/benchmark.md, generated into the
    README), so no doc can go on saying what a run on another day measured."""
    typed = []
    for doc in DOCS:
        if doc.name == "benchmark.md":
            continue
        text = re.sub(r"<!-- generated: (\S+) -->.*?<!-- end generated: \1 -->", "", doc.read_text(encoding="utf-8"),
                      flags=re.S)
        typed += [(doc.name, t) for t in re.findall(r"~?\b\d+(?:\.\d+)? ?(?:s|seconds|x|min|minutes)\b", text)]
    assert not typed, f"timings typed in the docs; take them from `make bench` (docs/benchmark.md): {typed}"
