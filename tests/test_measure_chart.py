"""One chart per measure for any council: a council against England, its region and its neighbours."""

from __future__ import annotations

import json

import polars as pl
import pytest

from csc_figures import measures, paths
from csc_figures.errors import UserError
from csc_figures.stories import profile as pr


@pytest.fixture(scope="module")
def data():
    return pr.load_data()


def test_derby_agency_rate_for_the_website(data):
    chart, table = pr.measure_chart("Derby", "agency_rate", data=data)
    spec = chart.to_dict()
    latest = int(data.workforce["vintage"].max())
    assert spec["title"]["text"][0].startswith("Derby’s agency worker rate (FTE)")
    assert f"in {latest}" in " ".join(spec["title"]["text"])
    assert any(f"DfE {latest} release" in line for line in spec["title"]["subtitle"])
    assert set(table["role"]) == {"council", "england", "region", "neighbours"}
    assert set(table["measure"]) == {"agency_rate"}
    assert f"DfE {latest} release" in spec["description"] and "Derby: 2017 17.6%" in spec["description"]


def test_staff_in_post_has_no_england_or_region_total(data):
    _, table = pr.measure_chart("York", "fte", data=data)
    assert set(table["role"]) == {"council", "neighbours"}


def test_an_older_release_and_the_narrow_layout(data):
    chart, _ = pr.measure_chart("York", "turnover_rate", vintage=2022, data=data)
    assert "in 2022" in " ".join(chart.to_dict()["title"]["text"])
    small, _ = pr.measure_chart("York", "turnover_rate", vintage=2022, narrow=True, data=data)
    assert isinstance(small, dict) and small["description"] == chart.to_dict()["description"]


def test_unknown_measure_or_council_fails_clearly(data):
    with pytest.raises(UserError, match="choose one of turnover_rate"):
        pr.measure_chart("Derby", "happiness", data=data)
    with pytest.raises(UserError):
        pr.measure_chart("Nowhere-on-Sea", "turnover_rate", data=data)


def test_writer_leaves_every_format_alt_text_and_csv(data, tmp_path):
    written = pr.write_measure_chart("Derby", "turnover_rate", out_dir=tmp_path, data=data)
    names = sorted(p.name for p in written.values())
    assert names == sorted([*(f"turnover_rate.{ext}" for ext in ("csv", "html", "png", "svg", "txt", "vl.json")),
                            *(f"turnover_rate_narrow.{ext}" for ext in ("png", "svg", "vl.json"))])
    assert written["txt"].read_text().startswith("Line chart of Derby’s turnover rate (FTE)")
    csv = pl.read_csv(written["csv"])
    assert {"series", "year", "value", "note"} <= set(csv.columns)
    assert "0.0% FTE turnover" in " ".join(csv["note"].drop_nulls())


def test_make_all_wrote_them_for_the_councils_the_articles_name_from_the_latest_release(data):
    folders = sorted(paths.FIGURES.glob("council_profile/*/measures"))
    assert len(folders) >= 12, folders
    latest = int(data.workforce["vintage"].max())
    for folder in folders:
        for m in measures.PROFILED:
            spec = json.loads((folder / f"{m}.vl.json").read_text())
            assert any(f"DfE {latest} release" in line for line in spec["title"]["subtitle"]), (folder, m)
            assert (folder / f"{m}.png").exists() and (folder / f"{m}_narrow.svg").exists()
            assert (paths.TABLES / folder.relative_to(paths.FIGURES) / f"{m}.csv").exists()


def test_csc_figures_chart_council_writes_the_web_formats(tmp_path, capsys):
    """The desk's question: one chart of Derby's agency worker rate for the website."""
    from csc_figures import cli

    assert cli.main(["chart", "council", "Derby", "--measure", "agency_rate", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Agency worker rate (%), Derby: written to")
    names = {p.name for p in tmp_path.iterdir()}
    assert {"agency_rate.png", "agency_rate.svg", "agency_rate.html", "agency_rate.vl.json", "agency_rate.csv",
            "agency_rate.txt", "agency_rate_narrow.png"} <= names


def test_csc_figures_chart_council_refuses_a_measure_or_council_it_does_not_know(tmp_path, capsys):
    from csc_figures import cli

    assert cli.main(["chart", "council", "Derby", "--measure", "agency", "--out", str(tmp_path)]) == 2
    assert "is not one of turnover_rate" in capsys.readouterr().err
    assert cli.main(["chart", "council", "Derbyy", "--measure", "agency_rate", "--out", str(tmp_path)]) == 2
    assert "Derby" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
