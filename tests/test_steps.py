"""The declared step graph (csc_figures.steps) against the Makefile and against what steps read."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from csc_figures import paths, steps, tables
from csc_figures.steps import STEPS

ROOT = paths.ROOT
NB = "outputs/notebooks"
PROFILE_RUN = re.compile(r"outputs/runs/11_council_profile/council-\d+/11_council_profile\.ipynb")


def _declared_tables() -> set[str]:
    import csc_figures.children  # noqa: F401 - each cleaning module declares its tables
    import csc_figures.geography  # noqa: F401
    import csc_figures.inspections  # noqa: F401
    import csc_figures.workforce  # noqa: F401

    return set(tables.REGISTRY)


def _raw_names() -> list[str]:
    text = (ROOT / "data/sources.toml").read_text(encoding="utf-8")
    return re.findall(r'^\[files\."(.*)"\]$', text, flags=re.M)


def _inputs(step: steps.Step) -> set[str]:
    """Every file a step's Make rule must list, relative to the root."""
    found = {f"data/raw/{name}" for name in step.raw} | {f"data/processed/{t}.parquet" for t in step.reads}
    for pattern in step.inputs:
        found |= {str(Path(p).relative_to(ROOT)) for p in glob.glob(str(ROOT / pattern))}
    return found


def test_declarations_are_complete_and_consistent():
    declared = _declared_tables()
    raw = set(_raw_names())
    for step in STEPS.values():
        assert set(step.raw) <= raw, f"{step.name} declares raw files not in sources.toml: {set(step.raw) - raw}"
        for table in (*step.reads, *step.writes):
            assert table in declared, f"{step.name}: {table} is not a declared processed table"
    # every declared table has exactly one writer, and every read has a writer
    for table in declared:
        steps.writer(table)
    assert all(steps.writer(t) for s in STEPS.values() for t in s.reads)


def test_a_cleaning_step_reads_exactly_the_raw_files_its_tables_are_built_from():
    """steps.py (what Make re-runs) and each table's contract (what the stale check compares) agree."""
    for step in STEPS.values():
        if step.writes:
            built_from = set().union(*(tables._declaration(t).inputs for t in step.writes))
            assert set(step.raw) == built_from, f"{step.name}: steps.py {sorted(step.raw)} vs tables {sorted(built_from)}"


# ---- the Makefile lists the same inputs ---------------------------------------------------------------

def _make(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # The lock wrapper re-invokes Make without -o/-W (Make never passes them down); these tests read the
    # step graph, not the lock (tests/test_concurrency.py tests that), so they go straight to the rules.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "MFLAGS"}
    env["CSC_FIGURES_LOCKED"] = "1"
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def make_database() -> dict[str, set[str]]:
    """target -> prerequisites, as Make itself expands the rules (make -p, nothing run)."""
    out = _make(["-pq", "-f", "Makefile", "help"], ROOT).stdout
    rules: dict[str, set[str]] = {}
    for line in out.split("\n# Files", 1)[1].splitlines():
        if line.startswith(("#", "\t", " ")) or ":" not in line or line.startswith(".") or "=" in line.split(":")[0]:
            continue
        target, _, prereqs = line.partition(":")
        prereqs = prereqs.lstrip(":").split("|")[0]  # drop order-only prerequisites
        rules.setdefault(target.strip(), set()).update(prereqs.split())
    return rules


def _data_inputs(prereqs: set[str]) -> set[str]:
    return {p for p in prereqs if p.startswith(("data/raw/", "data/processed/", "data/reported/", "data/claims.csv",
                                            "data/reviewed_exceptions.csv", "data/sources.toml",
                                            "outputs/tables/"))}  # a module step's tables, read by a notebook


def _stamp(step: steps.Step) -> str:
    """The target of a module step's rule (its tables keep their mtime when unchanged)."""
    return f"outputs/runs/steps/{step.name}.done"


@pytest.mark.parametrize("name", sorted(STEPS))
def test_makefile_rule_lists_what_the_step_declares(name, make_database):
    step = STEPS[name]
    targets = (["outputs/claims_report.csv"] if name == "claims" else [_stamp(step)] if step.module
               else [f"{NB}/{name}.ipynb"] + ([t for t in make_database if PROFILE_RUN.fullmatch(t)]
                                              if name == "11_council_profile" else []))
    for target in targets:
        assert target in make_database, f"no Make rule for {target}"
        assert _data_inputs(make_database[target]) == _inputs(step), target
    for table in step.writes:
        assert make_database.get(f"data/processed/{table}.parquet") == {f"{NB}/{name}.ipynb"}, table
    for output in step.outputs:
        assert output in make_database, f"{name}: no Make target for {output}"
        if step.module:  # its tables follow its stamp, as a cleaning notebook's tables follow the notebook
            assert make_database[output] == {_stamp(step)}, output


# ---- touching a table re-runs exactly the steps that read it ------------------------------------------

def _downstream(table: str) -> set[str]:
    """The steps that read the table, and (as Make cannot know a rewrite left bytes unchanged) theirs."""
    found, tables_to_visit = set(), [table]
    while tables_to_visit:
        for reader in steps.readers(tables_to_visit.pop()):
            if reader not in found:
                found.add(reader)
                tables_to_visit.extend(STEPS[reader].writes)
    return found


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A copy of the project's build files with every target up to date (empty files, ordered mtimes)."""
    root = tmp_path_factory.mktemp("build")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    sources = [rel for rel in tracked
               if rel.startswith(("Makefile", "pyproject.toml", "requirements.lock", "data/", "notebooks/", "src/"))]
    for rel in sources:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, root / rel)
    built = [".venv/.installed", *(f"data/raw/{n}" for n in _raw_names())]
    # the notebooks as the build runs them (csc_figures.as_built), compared after the sources, then the check
    # phase's stamp (make check-data)
    as_built = [f"build/notebooks/{Path(rel).name}" for rel in sources if re.fullmatch(r"notebooks/[^/]+\.ipynb", rel)]
    layers = [built, ["build/notebooks/.checked"], as_built, ["build/data-checked"]]
    for kind in ("0", "module", "1"):  # cleaning, then the tables stories read, then stories
        layer = []
        for step in STEPS.values():
            if step.module and kind == "module":
                layer += [_stamp(step), *step.outputs]
            elif step.name.startswith(kind) and not step.module:
                layer += [f"{NB}/{step.name}.ipynb", *(f"data/processed/{t}.parquet" for t in step.writes),
                          *step.outputs]
        layers.append(layer)
    runs = _make(["-pq", "help"], root).stdout
    layers[-1] += sorted(set(PROFILE_RUN.findall(runs)))
    layers.append([*STEPS["claims"].outputs, "docs/tables.md"])
    for i, layer in enumerate(layers, start=1):
        for rel in layer:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).touch()
            os.utime(root / rel, ns=(0, (1_000_000 + i) * 10**9 * 1000))
    for rel in sources:  # sources oldest of all
        os.utime(root / rel, ns=(0, 1_000_000 * 10**9 * 1000))
    return root


def _would_run(root: Path, touched: str | None = None) -> set[str]:
    args = ["-n", "processed", "stories", "claims"] + (["-W", touched] if touched else [])
    out = _make(args, root)
    assert out.returncode == 0, out.stderr
    ran = set(re.findall(r"-m csc_figures\.run (\S+)", out.stdout))
    if "-m csc_figures.claims" in out.stdout:
        ran.add("claims")
    ran |= {step.name for step in STEPS.values() if step.module and f"-m {step.module} " in out.stdout}
    return ran


def test_scratch_build_is_up_to_date(scratch):
    assert _would_run(scratch) == set()


@pytest.mark.parametrize("table", sorted({t for s in STEPS.values() for t in s.writes}))
def test_touching_a_table_reruns_exactly_its_readers(scratch, table):
    assert _would_run(scratch, f"data/processed/{table}.parquet") == _downstream(table)


def test_a_changed_raw_file_is_checked_with_every_other_before_any_step_runs(scratch):
    raw = "uk-upper-tier-local-authorities.hexjson"  # read by the map story alone
    out = _make(["-n", "processed", "stories", "-W", f"data/raw/{raw}"], scratch).stdout
    lines = out.splitlines()
    check = [i for i, line in enumerate(lines) if "-m csc_figures.check_data" in line]
    ran = [i for i, line in enumerate(lines) if "-m csc_figures.run" in line]
    assert check and ran and check[0] < min(ran), out
    # ... and re-runs only the steps that read it and theirs (the stamp is order-only: it re-runs nothing)
    readers = {s.name for s in STEPS.values() if raw in s.raw}
    expected = readers.union(*(_downstream(t) for r in readers for t in STEPS[r].writes))
    assert set(re.findall(r"-m csc_figures\.run (\S+)", out)) == expected - {"claims"}
    assert not {s for s in expected if s.startswith("0")}  # no cleaning step: a new stamp re-ran none


# ---- a step reads only what it declares ------------------------------------------------------------

def test_an_undeclared_read_is_refused(monkeypatch):
    monkeypatch.setenv(steps.STEP_VARIABLE, "13_national_trends")
    with pytest.raises(steps.UndeclaredRead, match="13_national_trends read processed table 'inspections'"):
        tables.read("inspections")
    monkeypatch.delenv(steps.STEP_VARIABLE)
    steps.check_read("inspections")  # outside a step (JupyterLab, tests) nothing is checked


def test_the_council_resolver_reads_la_names_declared_by_12(monkeypatch):
    """The drift this graph fixed: 12_inspection_judgements resolves councils named in words."""
    from csc_figures.stories import inspection_judgements as ij

    assert (paths.PROCESSED / "la_names.parquet").exists(), "needs the processed tables: run `make processed`"
    monkeypatch.setenv(steps.STEP_VARIABLE, "12_inspection_judgements")
    assert ij.resolve("York") == "816"
    monkeypatch.setenv(steps.STEP_VARIABLE, "10_ratings_vs_workforce")  # declares la_geography, not la_names
    with pytest.raises(steps.UndeclaredRead, match="10_ratings_vs_workforce read processed table 'la_names'"):
        ij.resolve("York")


# ---- a new release is one manifest entry ---------------------------------------------------------------

def _steps_mk(root: Path) -> dict[str, list[str]]:
    """build/steps.mk as `python3 -m csc_figures.steps` writes it for a project at `root`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CSC_FIGURES_ROOT": str(root)}
    out = subprocess.run(["python3", "-m", "csc_figures.steps"], env=env, capture_output=True, text=True, check=True)
    return {name.strip(): value.split() for name, _, value in
            (line.partition(":=") for line in out.stdout.splitlines() if ":=" in line)}


def test_a_new_ofsted_file_is_one_manifest_entry(tmp_path):
    """An entry with role ofsted_outcomes joins 02's inputs, and the stories take their as-at date from it."""
    (tmp_path / "data").mkdir()
    manifest = (ROOT / "data/sources.toml").read_text(encoding="utf-8")
    newest = steps.OFSTED[-1]
    entry = manifest.split(f'[files."{newest}"]', 1)[1].split("\n[files.", 1)[0]
    entry = re.sub(r"(?m)^as_at = .*$", "as_at = 2099-03-31", entry)
    entry = re.sub(r"(?m)^layout = .*\n", "", entry)  # no layout: the newest
    (tmp_path / "data/sources.toml").write_text(manifest + f'\n[files."Outcomes_2099.ods"]{entry}', encoding="utf-8")
    found = _steps_mk(tmp_path)
    assert found["STEP_INPUTS_02_inspections"][:len(steps.OFSTED) + 1] == [
        f"data/raw/{n}" for n in (*steps.OFSTED, "Outcomes_2099.ods")]
    for story in ("10_ratings_vs_workforce", "12_inspection_judgements", "16_maps", "01_geography"):
        ofsted = [p for p in found[f"STEP_INPUTS_{story}"] if p.endswith(".ods")]
        assert ofsted == ["data/raw/Outcomes_2099.ods"], story


def test_the_generated_graph_is_what_make_reads():
    assert (ROOT / "build/steps.mk").read_text(encoding="utf-8") == steps.makefile(), \
        "build/steps.mk is stale: Make remakes it from steps.py and the manifest"


def test_make_watches_every_file_of_the_package():
    """Make finds the package's modules and templates by wildcards (no shell at start-up): a module or template in
    a deeper folder would be missed, and an edit to it would rebuild nothing."""
    dump = subprocess.run(["make", "-pn", "--no-print-directory", "help"], cwd=paths.ROOT, capture_output=True,
                          text=True, env={**os.environ, "CSC_FIGURES_LOCKED": "1"}).stdout

    def variable(name: str) -> set[str]:
        line = next(x for x in dump.splitlines() if x.startswith(f"{name} :="))
        return set(line.split(":=", 1)[1].split())

    package = paths.ROOT / "src" / "csc_figures"
    modules = {str(p.relative_to(paths.ROOT)) for p in package.rglob("*.py")}
    templates = {str(p.relative_to(paths.ROOT)) for p in (package / "templates").rglob("*") if p.is_file()}
    assert modules and templates
    assert modules <= variable("SRC"), sorted(modules - variable("SRC"))
    assert templates == variable("SITE_TEMPLATES"), sorted(templates ^ variable("SITE_TEMPLATES"))
