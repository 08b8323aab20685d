"""Anyone can rebuild it: a clone with nothing beside it, and a release added by one manifest entry.

Both run the project's own code in a subprocess against another root (CSC_FIGURES_ROOT), so they
touch nothing in this checkout.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


from conftest import borrowed_environment
from csc_figures import paths, sources

ENV = {k: v for k, v in os.environ.items()
       if k not in ("CSC_FIGURES_ROOT", "RAW_MIRROR", "CSC_FIGURES_RUN_OUTPUTS", "CSC_FIGURES_LOCKED")
       and not k.startswith("MAKE") and k != "MFLAGS"}


def _committed_head() -> str:
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=paths.ROOT)
    assert head.returncode == 0, f"{paths.ROOT} is not a git checkout: this test clones it"
    return head.stdout.strip()


def test_a_clone_with_nothing_beside_it_verifies_and_cleans_the_data(tmp_path):
    """`git clone` into an empty folder (no ../shared), then `make data processed` there."""
    _committed_head()
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    clone = lonely / "csc-figures"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(paths.ROOT), str(clone)], check=True)
    assert sorted(p.name for p in lonely.iterdir()) == ["csc-figures"], "nothing may sit beside the clone"
    # Building an environment from the lock takes minutes; borrow this checkout's packages instead
    # (read-only), with the clone's own code first on the path. `-o` tells Make the environment is
    # up to date; CSC_FIGURES_LOCKED skips the lock wrapper, which would not pass `-o` on.
    borrowed_environment(clone)
    env = {**ENV, "PYTHONPATH": str(clone / "src"), "CSC_FIGURES_ROOT": str(clone), "CSC_FIGURES_LOCKED": "1"}
    result = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "data", "processed"],
                            cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "shared" not in result.stderr
    for name in ("la_geography", "inspections", "workforce", "children_looked_after"):
        assert (clone / "data" / "processed" / f"{name}.parquet").exists(), name
    # The cleaning notebooks and the tables they publish come out byte-identical to the committed ones.
    changed = subprocess.run(["git", "status", "--porcelain", "--", "outputs", "docs"], cwd=clone,
                             capture_output=True, text=True, check=True).stdout
    assert changed == "", changed


SCRIPT = """
import json
from csc_figures import geography, inspections, revisions, workforce
from csc_figures.stories import ratings
geography.write_all(geography.build_all())
inspections.write(inspections.build())
workforce.write()
panel = workforce.panel()
tables, _ = ratings.editions()
pairs = revisions.revisions().select("from_release", "to_release").unique().sort("from_release").rows()
print(json.dumps({
    "vintages": workforce.vintages(),
    "default_vintage": panel["vintage"].unique().to_list(),
    "latest_year": panel["year"].max(),
    "every_year_years": sorted(tables["year"].unique().to_list()),
    "revision_pairs": pairs,
}))
"""


def _without_entry(manifest_text: str, name: str) -> str:
    blocks = re.split(r'(?m)^(?=\[files\.")', manifest_text)
    kept = [b for b in blocks if not b.startswith(f'[files."{name}"]')]
    assert len(kept) == len(blocks) - 1
    return "".join(kept)


def _rebuild(root: Path) -> dict:
    env = {**ENV, "CSC_FIGURES_ROOT": str(root), "POLARS_MAX_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_removing_the_newest_workforce_release_and_adding_it_back_needs_no_code_change(tmp_path):
    releases = sources.releases(sources.WORKFORCE)
    assert len(releases) >= 3
    newest, previous = releases[-1], releases[-2]
    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    for source in sources.load_manifest().values():
        (root / "data" / "raw" / source.name).symlink_to(paths.RAW / source.name)
    shutil.copytree(paths.REPORTED, root / "data" / "reported")
    shutil.copy(paths.DATA / "reviewed_exceptions.csv", root / "data")  # what the Ofsted checks accept on purpose
    full = paths.SOURCES_TOML.read_text()

    (root / "data" / "sources.toml").write_text(_without_entry(full, newest.name))
    without = _rebuild(root)
    held = [s.vintage for s in releases]
    assert without["vintages"] == held[:-1]
    assert without["default_vintage"] == [previous.vintage]
    assert without["latest_year"] == previous.vintage
    assert max(without["every_year_years"]) == previous.vintage
    assert without["revision_pairs"][-1] == [held[-3], held[-2]]

    (root / "data" / "sources.toml").write_text(full)
    back = _rebuild(root)
    assert back["vintages"] == held
    assert back["default_vintage"] == [newest.vintage]
    assert back["latest_year"] == newest.vintage
    assert max(back["every_year_years"]) == newest.vintage
    assert back["revision_pairs"][-1] == [held[-2], held[-1]]


def test_make_takes_the_workforce_releases_from_the_manifest():
    """The Makefile's inputs for 03_workforce are the manifest's workforce entries, not a list of its own."""
    dump = subprocess.run(["make", "-pn", "--no-print-directory", "help"], cwd=paths.ROOT, capture_output=True,
                          text=True, env=ENV).stdout
    line = next(x for x in dump.splitlines() if x.startswith("STEP_INPUTS_03_workforce :="))
    raw = [p.removeprefix("data/raw/") for p in line.split(":=", 1)[1].split() if p.startswith("data/raw/")]
    assert raw == [s.name for s in sources.releases(sources.WORKFORCE)]
