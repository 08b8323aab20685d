"""A new release is an entry in data/sources.toml: the release drill's synthetic files, built in a scratch root.

The drill (`make drill`) takes a whole clone through `make test`; this test takes the same synthetic
workforce release and Ofsted file through the cleaning in a scratch root (CSC_FIGURES_ROOT, in a
subprocess), so it touches nothing in this checkout.
"""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest

from csc_figures import drill, paths, sources

SCRIPT = """
import json
import polars as pl
from csc_figures import geography, inspections, ofsted_sheets, revisions, steps, workforce
geography.write_all(geography.build_all())
built = inspections.build()
inspections.write(built)
workforce.write()
history, ons = built["inspections"], geography.ons_lookup(pl.read_parquet("data/processed/la_geography.parquet"))
code = ons.filter(pl.col("ons_code") == drill.NEW_INSPECTION["ons_code"])["la_code"][0]
latest = history.filter(pl.col("la_code") == code).sort("published").row(-1, named=True)
print(json.dumps({
    "ofsted_files": list(inspections.FILE_PRIORITY),
    "latest_as_at": ofsted_sheets.latest_as_at().isoformat(),
    "steps_ofsted": list(steps.OFSTED), "steps_newest": list(steps.OFSTED_NEWEST),
    "latest": {"published": latest["published"].isoformat(), "overall": latest["overall"],
               "sources": latest["sources"]},
    "disagreement_columns": built["disagreements"].columns,
    "vintages": workforce.vintages(),
    "revision_pairs": revisions.revisions().select("from_release", "to_release").unique().sort("from_release").rows(),
}))
""".replace("from csc_figures import geography", "from csc_figures import drill, geography")


@pytest.fixture(scope="module")
def drilled(tmp_path_factory) -> tuple[dict, list[str]]:
    root = tmp_path_factory.mktemp("drill")
    (root / "data" / "raw").mkdir(parents=True)
    for source in sources.load_manifest().values():
        (root / "data" / "raw" / source.name).symlink_to(paths.RAW / source.name)
    shutil.copy(paths.SOURCES_TOML, root / "data" / "sources.toml")
    shutil.copy(paths.DATA / "reviewed_exceptions.csv", root / "data")
    env = {k: v for k, v in os.environ.items() if k not in ("CSC_FIGURES_STEP",)}
    env.update(CSC_FIGURES_ROOT=str(root), POLARS_MAX_THREADS="1")
    added = subprocess.run([sys.executable, "-c", "import json, pathlib, sys; from csc_figures import drill; "
                            "print(json.dumps(drill.add_releases(pathlib.Path(sys.argv[1]))))", str(root)],
                           env=env, capture_output=True, text=True, timeout=300)
    assert added.returncode == 0, added.stderr[-3000:]
    names = json.loads(added.stdout.strip().splitlines()[-1])
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), names


def test_the_synthetic_ofsted_file_joins_the_others_and_the_newest_wins(drilled):
    found, (_, ofsted) = drilled
    held = [s.name for s in sources.releases(sources.OFSTED_OUTCOMES)]
    assert found["ofsted_files"] == [*held, ofsted]
    assert found["steps_ofsted"] == [*held, ofsted] and found["steps_newest"] == [ofsted]
    newest = sources.releases(sources.OFSTED_OUTCOMES)[-1].as_at
    assert found["latest_as_at"] == newest.replace(year=newest.year + 1).isoformat()
    # the new inspection is in the history, recorded as coming from the new file only
    published = newest + dt.timedelta(days=drill.NEW_INSPECTION["published_days"])
    assert found["latest"] == {"published": published.isoformat(), "overall": "good", "sources": [ofsted]}
    # the disagreements table gains a column for the new file
    assert ofsted in found["disagreement_columns"]


def test_the_synthetic_workforce_release_adds_its_vintage_and_revision_pair(drilled):
    found, (workforce_file, _) = drilled
    held = [s.vintage for s in sources.releases(sources.WORKFORCE)]
    assert found["vintages"] == [*held, held[-1] + 1]
    assert found["revision_pairs"][-1] == [held[-1], held[-1] + 1]
    assert workforce_file.endswith(f"{held[-1] + 1}.csv")
