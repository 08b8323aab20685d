"""Council profiles: the comparison-word rules at their boundaries, profiles of small synthetic
councils (suppression, reorganisation, joint returns, revisions), and the figures the articles
quote, recomputed from the real processed tables."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from csc_figures import measures, paths, sources
from csc_figures.errors import UserError
from csc_figures.stories import profile as pr

# ---- rules at their boundaries -------------------------------------------------------------


@pytest.mark.parametrize("value,ref,word", [
    (21, 10, "more than double"), (20.9, 10, "double"), (19, 10, "double"), (18.9, 10, "above"),
    (10.6, 10, "above"), (10.5, 10, "in line with"), (9.5, 10, "in line with"), (9.4, 10, "below"),
    (5.6, 10, "below"), (5.5, 10, "half"), (4.5, 10, "half"), (4.4, 10, "less than half"),
    (None, 10, None), (10, None, None),
    # judged on printed values: 10.54 prints as 10.5
    (10.54, 10, "in line with"), (10.55, 10, "above"),
])
def test_comparison_word_boundaries(value, ref, word):
    assert pr.comparison_word(value, ref) == word


@pytest.mark.parametrize("before,after,word", [
    ("good", "requires_improvement", "downgraded"), ("good", "outstanding", "upgraded"),
    ("good", "good", "kept"), (None, "good", "first"), ("inadequate", "requires_improvement", "upgraded"),
    ("good", None, "none"),
])
def test_judgement_change_word(before, after, word):
    assert pr.judgement_change_word(before, after) == word


def test_rise_streak_start():
    s = {"2017": 16.0, "2018": 14.9, "2019": 20.9, "2020": 29.6, "2021": 30.6}
    assert pr.rise_streak_start(s, 2021) == 2018
    assert pr.rise_streak_start({"2020": 5.0, "2021": 5.0}, 2021) is None
    assert pr.rise_streak_start({"2020": None, "2021": 5.0}, 2021) is None


def test_slug():
    assert pr.slug("Bournemouth, Christchurch & Poole") == "bournemouth-christchurch-and-poole"
    assert pr.slug("Herefordshire, County of") == "herefordshire-county-of"


# ---- synthetic councils --------------------------------------------------------------------

MEASURES = ["fte", "turnover_rate", "vacancy_rate", "agency_rate", "absence_rate", "caseload"]


def _wf_row(vintage, year, level, code=None, name=None, region="London", joint=None, **values):
    row = {"vintage": vintage, "year": year, "geographic_level": level, "la_code": code, "ons_code": None,
           "la_name": name, "region_code": None if level == "national" else "E12000007",
           "region_name": None if level == "national" else region,
           "is_joint": joint is not None, "joint_codes": joint or ([code] if code else None)}
    for m in MEASURES:
        v = values.get(m, 10.0)
        row[m] = None if isinstance(v, str) else float(v)
        row[f"{m}_flag"] = v if isinstance(v, str) else None
    return row


def _data() -> pr.ProfileData:
    geo = pl.DataFrame({
        "la_code": ["100", "101", "090", "102", "103", "104"],
        "ons_code": ["E09000100", "E09000101", "E06000090", "E06000102", "E06000103", "E06000104"],
        "la_name": ["Alpha", "Beta", "Oldtown", "Newtown", "Jointa", "Jointb"],
        "region": ["London"] * 6,
        "start_date": [None, None, None, dt.date(2019, 4, 1), None, None],
        "end_date": [None, None, dt.date(2019, 3, 31), None, None, None],
        "predecessor_codes": [[], [], [], ["090"], [], []],
        "successor_codes": [[], [], ["102"], [], [], []],
    }, schema_overrides={"start_date": pl.Date, "end_date": pl.Date})
    neighbours = pl.DataFrame({"la_code": ["100", "100", "103", "103"],
                               "neighbour_code": ["101", "102", "104", "101"],
                               "rank": [1, 2, 1, 2], "closeness": ["Very Close"] * 4})
    inspections = pl.DataFrame({
        "la_code": ["100", "100", "090"], "la_name": ["Alpha", "Alpha", "Oldtown"],
        "framework": ["SIF", "ILACS", "SIF"], "inspection_type": ["first", "standard", "first"],
        "inspection_start": [None, None, None], "inspection_end": [None, None, None],
        "published": [dt.date(2016, 6, 1), dt.date(2022, 5, 5), dt.date(2017, 3, 1)],
        "overall": ["good", "requires_improvement", "inadequate"],
        "help_and_protection": ["good", "requires_improvement", None],
        "sources": [["a.ods"]] * 3,
    }, schema_overrides={"inspection_start": pl.Date, "inspection_end": pl.Date})
    rows = []
    for vintage in (2020, 2021):
        for year in range(2018, vintage + 1):
            rows.append(_wf_row(vintage, year, "national", turnover_rate=15.0, vacancy_rate=16.0, caseload=16.0))
            rows.append(_wf_row(vintage, year, "regional", turnover_rate=14.0, caseload=14.5))
            alpha = {2018: 10.0, 2019: 13.3, 2020: 18.3, 2021: 19.0}[year]
            rows.append(_wf_row(vintage, year, "local_authority", "100", "Alpha", turnover_rate=alpha,
                                vacancy_rate={2018: 9.0, 2019: 11.6, 2020: 16.1, 2021: "c"}[year],
                                # the later release revised Alpha's 2019 agency rate
                                agency_rate=20.0 if (year == 2019 and vintage == 2021) else 21.9))
            rows.append(_wf_row(vintage, year, "local_authority", "101", "Beta", turnover_rate=12.0))
            if year < 2019:
                rows.append(_wf_row(vintage, year, "local_authority", "090", "Oldtown", turnover_rate=30.0))
            else:
                rows.append(_wf_row(vintage, year, "local_authority", "102", "Newtown", turnover_rate=20.0))
            rows.append(_wf_row(vintage, year, "local_authority", "103 / 104", "Jointa / Jointb",
                                joint=["103", "104"], turnover_rate=25.0))
    workforce = pl.DataFrame(rows)
    names = {"alpha": "100", "beta": "101", "oldtown": "090", "newtown": "102", "jointa": "103", "jointb": "104"}

    def resolve(text: str) -> str:
        if text in names.values():
            return text
        if text.lower() in names:
            return names[text.lower()]
        raise UserError(f"no council matches {text!r}; closest: Alpha")

    return pr.ProfileData(geo, neighbours, inspections, workforce, resolve)


@pytest.fixture(scope="module")
def data():
    return _data()


def test_profile_keys_and_shape(data):
    p = pr.council_profile("Alpha", data=data)
    for key in ("la_code", "ons_code", "la_name", "region", "judgements", "indicators", "england",
                "region_indicators", "neighbours", "sentences"):
        assert key in p
    assert p["la_code"] == "100" and p["year"] == 2021 and p["vintage"] == 2021
    assert set(p["indicators"]) == set(measures.PROFILED)
    assert p["indicators"]["turnover_rate"] == {"2018": 10.0, "2019": 13.3, "2020": 18.3, "2021": 19.0}
    assert p["judgements"][-1] == {"published": "2022-05-05", "framework": "ILACS", "inspection_type": "standard",
                                   "overall": "requires_improvement",
                                   "sub_judgements": {"help_and_protection": "requires_improvement"}}
    json.dumps(p)  # JSON-ready


def test_suppressed_cell_is_unavailable_never_zero(data):
    p = pr.council_profile("Alpha", data=data)
    assert p["indicators"]["vacancy_rate"]["2021"] is None
    assert p["unavailable"]["vacancy_rate"]["2021"] == "c"
    text = pr.profile_as_text(p)
    assert "unavailable (c)" in text
    sentence = next(s for s in p["sentences"] if s.startswith("Alpha’s turnover rate (FTE)"))
    assert "vacancy rate is unavailable for 2021 (suppressed by DfE, code c)" in sentence
    table = pr.indicator_table(p).filter((pl.col("series") == "Alpha") & (pl.col("measure") == "vacancy_rate")
                                         & (pl.col("year") == 2021))
    assert table["value"][0] is None and table["flag"][0] == "c"


def test_sentences_in_article_style(data):
    p = pr.council_profile("Alpha", year=2020, vintage=2021, data=data)
    s = p["sentences"]
    assert s[0] == ("Ofsted downgraded Alpha to ‘requires improvement’ in May 2022 (ILACS), "
                    "from the ‘good’ rating it earned in 2016 (SIF).")
    assert s[1] == "Between those inspections, help and protection fell from ‘good’ to ‘requires improvement’."
    assert ("Alpha’s turnover rate (FTE) leapt from 13.3% to 18.3% between 2019 and 2020, "
            "as its vacancy rate also leapt, from 11.6% to 16.1%.") in s
    assert "In 2020 its turnover rate (FTE) of 18.3% was above the national average of 15.0%, the London " \
           "average of 14.0% and its statistical neighbours’ average of 16.0%." in s
    assert "In 2020 its average caseload of 10.0 was below the national average of 16.0, the London " \
           "average of 14.5 and in line with its statistical neighbours’ average of 10.0." in s


def test_neighbour_mean_and_region(data):
    p = pr.council_profile("Alpha", year=2020, data=data)
    # Beta 12.0 and Newtown 20.0 in 2020; only Beta in 2018 (Newtown did not exist yet)
    assert p["neighbours"]["turnover_rate"]["2020"] == 16.0
    assert p["neighbours"]["turnover_rate"]["2018"] == 12.0
    assert p["region_indicators"]["turnover_rate"]["2020"] == 14.0
    assert p["england"]["turnover_rate"]["2020"] == 15.0


def test_revision_shows_both_releases(data):
    p = pr.council_profile("Alpha", year=2020, vintage=2021, data=data)
    assert {"measure": "agency_rate", "year": 2019,
            "releases": [{"vintage": 2020, "value": 21.9}, {"vintage": 2021, "value": 20.0}]} in p["revisions"]
    assert ("DfE’s 2020 release put Alpha’s 2019 agency worker rate at 21.9%; the 2021 release revised it "
            "to 20.0%.") in p["sentences"]


def test_predecessor_history_labelled(data):
    p = pr.council_profile("Newtown", data=data)
    assert p["indicators"]["turnover_rate"] == {"2019": 20.0, "2020": 20.0, "2021": 20.0}
    (pred,) = p["predecessors"]
    assert pred["la_name"] == "Oldtown" and pred["indicators"]["turnover_rate"] == {"2018": 30.0}
    assert pred["judgements"][0]["overall"] == "inadequate"
    assert any("from Oldtown" in s for s in p["sentences"])
    assert any("predecessor Oldtown was last rated ‘inadequate’" in s for s in p["sentences"])
    assert p["judgement_in_force"]["inherited_from"] == "090"
    assert ("At 30 September 2021, the end of that workforce year, its Ofsted judgement in force was ‘inadequate’ "
            "(SIF, published March 2017, inherited from its predecessor Oldtown).") in p["sentences"]
    table = pr.indicator_table(p)
    assert "Oldtown (predecessor)" in table["series"].to_list()
    assert "Oldtown (predecessor)" in pr.judgement_table(p)["council"].to_list()


def test_council_that_no_longer_exists(data):
    p = pr.council_profile("Oldtown", data=data)
    assert p["year"] == 2018
    assert p["indicators"]["turnover_rate"] == {"2018": 30.0}
    assert any("ceased to exist on 31 March 2019, replaced by Newtown" in s for s in p["sentences"])
    with pytest.raises(UserError, match="covers 2018-2018"):
        pr.council_profile("Oldtown", year=2020, data=data)


def test_joint_return(data):
    p = pr.council_profile("Jointa", data=data)
    assert p["indicators"]["turnover_rate"]["2021"] == 25.0
    assert p["joint_returns"][0]["partners"] == ["Jointb"]
    # Jointb shares the return, so only Beta counts as a neighbour
    assert p["neighbours"]["turnover_rate"]["2021"] == 12.0
    assert [n["left_out"] is not None for n in p["neighbour_councils"]] == [True, False]


def test_unknown_council_and_vintage(data):
    with pytest.raises(UserError, match="closest: Alpha"):
        pr.council_profile("Alfa", data=data)
    with pytest.raises(UserError, match="we hold 2020, 2021"):
        pr.council_profile("Alpha", vintage=2019, data=data)


def test_cli_unknown_council_exits_non_zero(data, monkeypatch, capsys):
    from csc_figures import cli

    monkeypatch.setattr(pr.compute, "load_data", lambda: data)  # where council_profile looks it up
    assert cli.main(["council", "Alfa"]) == 2
    assert "closest: Alpha" in capsys.readouterr().err
    assert cli.main(["council", "Alpha", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["la_code"] == "100"


def test_charts_build(data):
    p = pr.council_profile("Newtown", data=data)
    chart, table = pr.indicator_chart(p)
    spec = chart.to_dict()
    assert spec["description"].startswith("Six line charts of Newtown’s")
    chart, table = pr.judgement_chart(p)
    assert "Oldtown" in chart.to_dict()["description"]


# ---- the figures the articles quote, from the real tables ------------------------------------

NEEDED = ["la_geography", "la_names", "statistical_neighbours", "inspections", "workforce"]


@pytest.fixture(scope="module")
def built_tables():
    missing = [t for t in NEEDED if not (paths.PROCESSED / f"{t}.parquet").exists()]
    if missing:
        pytest.fail(f"processed tables not built: {', '.join(missing)} (run `make processed`)", pytrace=False)


real = pytest.mark.usefixtures("built_tables")


@pytest.fixture(scope="module")
def real_data():
    return pr.load_data()


# (council as the article names it, measure, year, value quoted) - the DfE 2022 release, the one
# closest to the spring 2022 articles (they quote the 2021 release, which we do not hold).
ARTICLE_FIGURES = [
    ("York", "vacancy_rate", 2020, 11.6), ("York", "vacancy_rate", 2021, 16.1),
    ("Merton", "vacancy_rate", 2020, 15.7), ("Merton", "vacancy_rate", 2021, 37.0),
    ("Merton", "agency_rate", 2020, 18.2), ("Merton", "agency_rate", 2021, 33.4),
    ("Merton", "turnover_rate", 2021, 30.6), ("Merton", "caseload", 2020, 16.8), ("Merton", "caseload", 2021, 14.4),
    ("Derby", "turnover_rate", 2020, 8.8), ("Derby", "turnover_rate", 2021, 15.2),
    ("Derby", "agency_rate", 2020, 6.5), ("Derby", "agency_rate", 2021, 12.1),
    ("Derby", "caseload", 2020, 17.4), ("Derby", "caseload", 2021, 18.3),
    ("Herefordshire", "vacancy_rate", 2020, 24.8), ("Herefordshire", "vacancy_rate", 2021, 19.0),
    ("Herefordshire", "agency_rate", 2020, 19.2), ("Herefordshire", "agency_rate", 2021, 32.5),
]


@real
@pytest.mark.parametrize("council,measure,year,quoted", ARTICLE_FIGURES)
def test_article_figures(real_data, council, measure, year, quoted):
    p = pr.council_profile(council, year=2021, vintage=2022, data=real_data)
    assert p["indicators"][measure][str(year)] == quoted


@real
def test_york_turnover_is_the_headcount_rate(real_data):
    """The articles' 13.2% and 19.7% are DfE's headcount turnover rates; the FTE rates are 13.3% and 18.3%."""
    p = pr.council_profile("York", year=2021, vintage=2022, data=real_data)
    assert (p["indicators"]["turnover_rate"]["2020"], p["indicators"]["turnover_rate"]["2021"]) == (13.3, 18.3)
    assert [pr.council_figure("York", "turnover_rate_headcount", y, 2022, data=real_data) for y in (2020, 2021)] \
        == [13.2, 19.7]


@real
def test_article_sentences_recomputed(real_data):
    merton = pr.council_profile("Merton", year=2021, vintage=2022, data=real_data)["sentences"]
    assert any("vacancy rate also more than doubled, from 15.7% to 37.0%" in s for s in merton)
    assert any("average caseload of 14.4 was below the national average of 16.3, in line with the London average "
               "of 14.5" in s for s in merton)
    assert any("at 30.6% in 2021 it was double the 2018 rate of 14.9%" in s for s in merton)
    derby = pr.council_profile("Derby", year=2021, vintage=2022, data=real_data)["sentences"]
    # the article's "almost doubled" is x1.73: the house table says leapt (almost doubled is x1.8 or more)
    assert any("turnover rate (FTE) leapt from 8.8% to 15.2% between 2020 and 2021" in s for s in derby)
    assert any("average caseload edged up from 17.4 to 18.3" in s for s in derby)
    assert any("turnover rate (FTE) of 15.2% was in line with the national average of 15.4%" in s for s in derby)
    assert any("agency worker rate (FTE) of 12.1% was below the national average of 15.5%" in s for s in derby)
    hereford = pr.council_profile("Herefordshire", year=2021, vintage=2022, data=real_data)["sentences"]
    assert any("agency worker rate (FTE) of 32.5% was double the national average of 15.5%" in s for s in hereford)
    assert any("vacancy rate of 19.0% was above the national average of 16.7%" in s for s in hereford)
    york = pr.council_profile("York", year=2021, vintage=2022, data=real_data)["sentences"]
    assert any("York’s turnover rate (FTE) leapt from 13.3% to 18.3% between 2020 and 2021, as its vacancy rate also "
               "leapt, from 11.6% to 16.1%." == s for s in york)


@real
@pytest.mark.parametrize("variants,code", [
    (["York", "york", " YORK ", "E06000014", "816"], "816"),
    (["Herefordshire", "Herefordshire, County of", "HEREFORDSHIRE", "E06000019", "884"], "884"),
    (["Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch & Poole", "839"], "839"),
    (["St Helens", "St. Helens"], "342"),
])
def test_name_variants_resolve_to_one_council(real_data, variants, code):
    assert {pr.council_profile(v, data=real_data)["la_code"] for v in variants} == {code}


@real
def test_unknown_council_fails_helpfully(capsys):
    from csc_figures import cli

    assert cli.main(["council", "Yorke"]) == 2
    err = capsys.readouterr().err
    assert "no council matches 'Yorke'" in err and "York" in err


@real
def test_reorganised_councils(real_data):
    bcp = pr.council_profile("Bournemouth, Christchurch and Poole", data=real_data)
    assert {p["la_name"] for p in bcp["predecessors"]} == {"Bournemouth", "Poole"}
    assert min(map(int, bcp["indicators"]["fte"])) == 2019
    assert all(int(y) <= 2018 for p in bcp["predecessors"] for y in p["indicators"]["fte"])
    north = pr.council_profile("North Northamptonshire", data=real_data)
    assert [p["la_code"] for p in north["predecessors"]] == ["928"]
    assert north["joint_returns"] and north["joint_returns"][0]["partners"] == ["West Northamptonshire"]
    # the 2022 release publishes the joint return on the lead council's row (940), not as "940 / 941"
    west_2022 = pr.council_profile("West Northamptonshire", vintage=2022, data=real_data)
    assert west_2022["joint_returns"][0]["partners"] == ["North Northamptonshire"]
    assert west_2022["indicators"]["fte"]["2021"] == north_2022_fte(real_data)
    county = pr.council_profile("Northamptonshire", data=real_data)
    assert county["end_date"] == "2021-03-31" and county["year"] == 2020
    assert max(map(int, county["indicators"]["fte"])) == 2020
    assert {s["la_code"] for s in county["successors"]} == {"940", "941"}


def north_2022_fte(data):
    return pr.council_profile("North Northamptonshire", vintage=2022, data=data)["indicators"]["fte"]["2021"]


@real
def test_revised_figure_shows_both_releases(real_data):
    p = pr.council_profile("Merton", year=2021, vintage=2022, data=real_data)
    (rev,) = [r for r in p["revisions"] if r["measure"] == "turnover_rate" and r["year"] == 2019]
    assert rev["releases"][0] == {"vintage": 2022, "value": 20.9}
    assert rev["releases"][1] == {"vintage": 2023, "value": 21.1}
    newest = sources.releases(sources.WORKFORCE)[-1].vintage
    assert pr.revision_text(rev) == f"20.9% (2022 release); 21.1% (2023-{newest} releases)"


@real
def test_claims_computations(real_data):
    assert pr.claim_ratio("Herefordshire", "agency_rate", "2021", "2022", compare_to="England") == \
        pytest.approx(32.5 / 15.5)
    assert pr.claim_value("London", "caseload", "2021", "2022") == 14.5
    assert pr.claim_highest_in_years("England", "turnover_rate", "2021", "2022") == 5
    assert pr.claim_trend("Merton", "turnover_rate", "2018", "2021", "2022") == "rising every year"
    assert pr.claim_trend("York", "turnover_rate", "2018", "2021", "2022") == "not rising every year"
    assert pr.claim_change("England", "turnover_rate", "2021", "2020", "2022") == pytest.approx(1.9)


@real
def test_real_suppressed_cells_are_unavailable(real_data):
    """Portsmouth's 2021 turnover rate is `x` in DfE's 2025 release: unavailable, never 0."""
    p = pr.council_profile("Portsmouth", year=2021, vintage=2025, data=real_data)
    assert p["indicators"]["turnover_rate"]["2021"] is None
    assert p["unavailable"]["turnover_rate"]["2021"] == "x"
    assert "unavailable (x)" in pr.profile_as_text(p)
    assert any("turnover rate (FTE) is unavailable for 2021 (suppressed by DfE, code x)" in s for s in p["sentences"])
    from csc_figures.site import profiles as site_profiles

    page = site_profiles.profile_page(p, site_profiles.SiteProfiles.load(None), "..", "portsmouth.csv")
    assert "unavailable (suppressed by DfE, code x)" in page
    westminster = pr.council_profile("Westminster", vintage=2025, data=real_data)
    assert westminster["indicators"]["fte"]["2025"] is None
    assert any("2025" in s and "unavailable" in s for s in westminster["sentences"])
