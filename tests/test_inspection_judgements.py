"""Inspection judgements: in force at a date, published in a period, and changes between inspections."""

import datetime as dt

import polars as pl
import pytest

from csc_figures.dates import as_date
from csc_figures.errors import DataError, UserError
from csc_figures.stories import inspection_judgements as ij

D = dt.date


def in_force_frame(rows):
    return pl.DataFrame(rows, schema=["la_code", "la_name", "judgement", "framework", "published", "inherited_from"],
                        orient="row")


def inspections_frame(rows):
    """Rows of (la_code, framework, inspection_type, published, overall)."""
    df = pl.DataFrame(rows, schema={"la_code": pl.String, "framework": pl.String, "inspection_type": pl.String,
                                    "published": pl.Date, "overall": pl.String}, orient="row")
    return df.with_columns(
        pl.concat_str(pl.lit("Council "), pl.col("la_code")).alias("la_name"),
        pl.lit(None, pl.Date).alias("inspection_start"), pl.lit(None, pl.Date).alias("inspection_end"),
    )


IN_FORCE = in_force_frame([
    ("201", "A", "good", "SIF", D(2015, 1, 1), None),
    ("202", "B", "inadequate", "SIF", D(2015, 1, 1), None),
    ("203", "C", "requires_improvement", "ILACS", D(2019, 1, 1), None),
    ("204", "D", "requires_improvement", "SIF", D(2016, 1, 1), None),
    ("205", "E", "outstanding", "SLAC", D(2012, 1, 1), None),  # older framework: not counted as judged
    ("206", "F", None, None, None, None),
])


def test_distribution_counts_every_council_and_shares_of_judged():
    dist = ij.distribution(IN_FORCE)
    assert dist["judgement"].to_list() == [*ij.JUDGEMENTS, ij.NOT_YET]
    assert dist["councils"].to_list() == [0, 1, 2, 1, 2]
    assert dist["councils"].sum() == IN_FORCE.height  # nobody dropped
    assert dist.filter(pl.col("judgement") == "requires_improvement")["share_of_judged"][0] == pytest.approx(50.0)
    assert dist.filter(pl.col("judgement") == ij.NOT_YET)["share_of_judged"][0] is None
    assert ij.share_not_good(dist) == pytest.approx(75.0)
    assert ij.count_of(dist, ij.NOT_YET) == 2


def test_distribution_can_count_older_frameworks():
    dist = ij.distribution(IN_FORCE, frameworks=("SIF", "ILACS", "SLAC"))
    assert ij.count_of(dist, "outstanding") == 1
    assert ij.share_not_good(dist) == pytest.approx(60.0)


def test_unknown_judgement_names_the_council():
    bad = in_force_frame([("209", "Z", "adequate", "SIF", D(2015, 1, 1), None)])
    with pytest.raises(DataError, match="209"):
        ij.distribution(bad)


def test_share_not_good_is_none_when_nobody_judged():
    dist = ij.distribution(in_force_frame([("206", "F", None, None, None, None)]))
    assert ij.share_not_good(dist) is None


def test_march_dates_stop_at_the_last_31_march_held():
    assert ij.march_dates(2014, D(2016, 3, 30)) == [D(2014, 3, 31), D(2015, 3, 31)]
    assert ij.march_dates(2014, D(2016, 3, 31))[-1] == D(2016, 3, 31)
    with pytest.raises(UserError):
        ij.march_dates(2020, D(2019, 5, 1))


def test_first_march_after():
    assert ij.first_march_after(D(2014, 2, 11)) == D(2014, 3, 31)
    assert ij.first_march_after(D(2014, 3, 31)) == D(2014, 3, 31)
    assert ij.first_march_after(D(2014, 4, 1)) == D(2015, 3, 31)


def test_the_story_parses_dates_with_the_one_strict_parser():
    assert ij.compute.as_date is as_date  # its rules are tested in test_registries
    with pytest.raises(UserError, match="as_of"):
        ij.in_force("October 2015")


def test_councils_with_and_first_published():
    assert ij.councils_with(IN_FORCE, "outstanding")["la_code"].to_list() == ["205"]
    assert ij.councils_with(IN_FORCE, "outstanding", frameworks=ij.GRADED_FRAMEWORKS).height == 0
    insp = inspections_frame([
        ("301", "SLAC", "first", D(2012, 1, 1), "outstanding"),
        ("302", "SIF", "first", D(2016, 3, 29), "outstanding"),
        ("303", "SIF", "first", D(2016, 3, 29), "outstanding"),
        ("304", "ILACS", "standard", D(2018, 8, 6), "outstanding"),
    ])
    first = ij.first_published(insp, "outstanding")
    assert first["la_code"].to_list() == ["302", "303"]
    assert ij.first_published(insp, "inadequate").height == 0


# ---- period counts: the Guardian's 43 / 26 / 7 / 10 ------------------------------------------

def guardian_like():
    """A SIF roll-out where only 'first SIF published up to a cut-off' gives 4 / 2 RI / 1 inadequate / 1 good."""
    return inspections_frame([
        ("401", "SIF", "first", D(2014, 2, 11), "good"),
        ("402", "SIF", "first", D(2014, 3, 21), "inadequate"),
        ("403", "SIF", "first", D(2014, 7, 7), "requires_improvement"),
        ("404", "SIF", "first", D(2015, 2, 3), "requires_improvement"),
        ("402", "SIF", "reinspection", D(2015, 2, 3), "requires_improvement"),
        ("405", "SIF", "first", D(2015, 3, 10), "good"),
        ("406", "ILACS", "standard", D(2014, 5, 1), "good"),
    ])


TARGET = {"inspections": 4, "requires_improvement": 2, "inadequate": 1, "good": 1}


def test_window_counts_and_which_reproduce():
    data = guardian_like()
    start = ij.framework_start(data)
    assert start == D(2014, 2, 11)
    windows = ij.windows_for_year(2013, start)
    table = ij.mark_reproduces(ij.window_counts(data, windows), TARGET)
    by_name = {r["window"]: r for r in table.iter_rows(named=True)}
    fy = by_name["financial year 2013-14, by publication, first SIF"]
    assert (fy["inspections"], fy["good"], fy["inadequate"], fy["reproduces"]) == (2, 1, 1, False)
    # no inspection dates held: the window says so instead of reporting a silent zero
    by_end = by_name["financial year 2013-14, by inspection end, first SIF"]
    assert (by_end["inspections"], by_end["undated"]) == (0, 5)
    assert table.filter(pl.col("reproduces")).height == 0
    found = ij.window_counts(data, [ij.cutoff_window(start, D(2015, 3, 2)),
                                    ij.cutoff_window(start, D(2015, 3, 2), None)])
    found = ij.mark_reproduces(found, TARGET)
    assert found["reproduces"].to_list() == [True, False]  # the re-inspection makes five
    assert found["inspections"].to_list() == [4, 5]


def test_running_counts_find_the_cutoff_range():
    running = ij.running_counts(guardian_like())
    assert running["inspections"].to_list() == [1, 2, 3, 4, 5]
    match = ij.cutoffs_matching(running, TARGET)
    assert match.height == 1
    assert match.row(0, named=True)["published"] == D(2015, 2, 3)
    assert match.row(0, named=True)["last_cutoff"] == D(2015, 3, 9)
    assert running.filter(pl.col("published") == D(2015, 2, 3))["share_not_good"][0] == pytest.approx(75.0)


def test_target_must_name_real_columns():
    with pytest.raises(UserError):
        ij.mark_reproduces(ij.running_counts(guardian_like()), {"adequate": 3})


def test_window_on_a_missing_column_is_a_user_error():
    with pytest.raises(UserError, match="inspection_date"):
        ij.published_in(guardian_like(), ij.Window("x", D(2013, 1, 1), D(2014, 1, 1), on="inspection_date"))


# ---- upgrades and downgrades ------------------------------------------------------------------

HISTORY = inspections_frame([
    ("816", "SLAC", "first", D(2012, 5, 14), "good"),  # older framework: ignored by default
    ("816", "SIF", "first", D(2017, 2, 7), "good"),
    ("816", "ILACS", "standard", D(2022, 5, 4), "requires_improvement"),
    ("831", "SIF", "first", D(2017, 1, 1), "good"),
    ("831", "ILACS", "standard", D(2022, 5, 11), "outstanding"),
    ("900", "SIF", "first", D(2015, 1, 1), "inadequate"),
    ("900", "SIF", "reinspection", D(2017, 1, 1), "requires_improvement"),
    ("900", "ILACS", "focused", D(2018, 1, 1), None),  # ungraded visit: not a step
    ("900", "ILACS", "standard", D(2019, 1, 1), "good"),
    ("901", "SIF", "first", D(2015, 1, 1), "good"),
    ("901", "ILACS", "short", D(2019, 1, 1), "good"),
])


def test_consecutive_inspections_pair_each_graded_inspection_with_the_previous():
    t = ij.consecutive_inspections(HISTORY)
    assert t.height == 5
    york = ij.transition_in(t, "816", 2022)
    assert (york["previous_judgement"], york["judgement"], york["change"], york["steps"]) == (
        "good", "requires_improvement", "downgrade", -1)
    assert york["previous_published"] == D(2017, 2, 7)
    assert ij.transition_in(t, "831", 2022)["change"] == "upgrade"
    assert ij.transition_in(t, "901", 2019)["change"] == "unchanged"
    assert ij.transition_in(t, "816", 2017) is None  # the SLAC judgement is not a SIF/ILACS step
    assert t.filter(pl.col("la_code") == "900")["previous_judgement"].to_list() == ["inadequate",
                                                                                     "requires_improvement"]


def test_transition_matrix_and_change_counts():
    t = ij.consecutive_inspections(HISTORY)
    m = ij.transition_matrix(t)
    assert m.height == 16 and m["inspections"].sum() == t.height
    assert m.filter((pl.col("previous_judgement") == "good") & (pl.col("judgement") == "outstanding"))[
        "inspections"][0] == 1
    c = ij.change_counts(t).row(0, named=True)
    assert (c["reinspections"], c["upgrades"], c["downgrades"], c["unchanged"]) == (5, 3, 1, 1)
    by = ij.change_counts(t, by="framework")
    assert by["framework"].to_list() == ["ILACS", "SIF"]


def test_two_graded_inspections_on_one_day_is_a_data_error():
    twice = inspections_frame([("816", "SIF", "first", D(2017, 2, 7), "good"),
                               ("816", "SIF", "reinspection", D(2017, 2, 7), "good")])
    with pytest.raises(DataError, match="816"):
        ij.consecutive_inspections(twice)


def test_council_history_is_oldest_first_and_unknown_council_is_an_error():
    assert ij.council_history(HISTORY, "816")["framework"].to_list() == ["SLAC", "SIF", "ILACS"]
    with pytest.raises(UserError):
        ij.council_history(HISTORY, "999")


def test_charts_carry_title_alt_text_and_source():
    t = ij.consecutive_inspections(HISTORY)
    chart = ij.transitions_chart(ij.transition_matrix(t), t).to_dict()
    assert " ".join(chart["title"]["text"]) == "3 of 5 re-inspections moved a council up a grade, 1 down"
    assert "1 downgrades" in chart["description"]
    over = pl.concat([ij.distribution(IN_FORCE).select(pl.lit(D(2015, 3, 31)).alias("as_of"), pl.all()),
                      ij.distribution(IN_FORCE.with_columns(pl.lit("good").alias("judgement")))
                      .select(pl.lit(D(2016, 3, 31)).alias("as_of"), pl.all())])
    spec = ij.distribution_chart(over).to_dict()
    assert " ".join(spec["title"]["text"]) == "Councils judged less than good fell from 75.0% in 2015 to 0.0% in 2016"
    assert "2015 to 2016" in spec["description"]
    # once every council is judged, the comparison starts there, not at the thin early years
    everyone = IN_FORCE.with_columns(pl.lit("SIF").alias("framework"), pl.lit("inadequate").alias("judgement"))
    three = pl.concat([over.filter(pl.col("as_of") == D(2015, 3, 31)),
                       ij.distribution(everyone).select(pl.lit(D(2016, 3, 31)).alias("as_of"), pl.all()),
                       ij.distribution(IN_FORCE.with_columns(pl.lit("SIF").alias("framework")))
                       .select(pl.lit(D(2017, 3, 31)).alias("as_of"), pl.all())])
    spec = ij.distribution_chart(three).to_dict()
    assert " ".join(spec["title"]["text"]) == "Councils judged less than good fell from 100.0% in 2016 to 60.0% in 2017"


def test_change_sentence_names_both_inspections_and_sub_judgements():
    insp = HISTORY.with_columns(
        pl.when(pl.col("published") == D(2017, 1, 1)).then(pl.lit("requires_improvement"))
        .when(pl.col("published") == D(2022, 5, 11)).then(pl.lit("outstanding")).otherwise(None)
        .alias("help_and_protection"))
    text = ij.change_sentence(insp, "831", D(2022, 5, 11))
    assert text == ("Council 831: outstanding (ILACS standard, published 11 May 2022), up from good "
                    "(SIF first, published 1 January 2017); help and protection requires improvement -> "
                    "outstanding.")
    assert "down from good" in ij.change_sentence(HISTORY, "816", D(2022, 5, 4))
    with pytest.raises(UserError):
        ij.change_sentence(HISTORY, "816", D(2017, 2, 7))  # the SLAC judgement is not a comparison


def test_share_not_good_from_counts():
    counts = ij.judgement_counts(ij.published_in(guardian_like(), ij.cutoff_window(D(2014, 1, 1), D(2015, 3, 2))))
    assert ij.share_not_good_counts(counts) == pytest.approx(75.0)
    assert ij.share_not_good_counts({j: 0 for j in ij.JUDGEMENTS}) is None


def test_older_judgements_held_only_until_the_first_sif_report():
    insp = inspections_frame([
        ("501", "SLAC", "first", D(2012, 1, 25), None),
        ("501", "SIF", "first", D(2016, 6, 1), "good"),
        ("502", "SLAC", "first", D(2010, 6, 21), None),
        ("502", "SIF", "first", D(2015, 1, 6), "good"),
    ]).with_columns(pl.when(pl.col("framework") == "SLAC").then(pl.lit("outstanding")).alias("safeguarding"),
                    pl.lit(None, pl.String).alias("looked_after_children"))
    held = ij.older_judgements_held(insp, D(2015, 12, 31), "outstanding")
    assert held["la_code"].to_list() == ["501"]  # 502 had its SIF report by then
    assert held["judged"].to_list() == ["safeguarding"]
    assert ij.older_judgements_held(insp, D(2016, 7, 1), "outstanding").height == 0


# ---- claims computations ----------------------------------------------------------------------

def test_history_value_takes_the_latest_graded_inspection_before_the_date():
    insp = HISTORY.with_columns(pl.when(pl.col("published") == D(2022, 5, 4)).then(D(2022, 3, 7))
                                .otherwise(None).alias("inspection_start"))
    assert ij.history_value(insp, "816", D(2022, 5, 6), "overall") == "requires_improvement"
    assert ij.history_value(insp, "816", D(2022, 5, 4), "overall") == "good"  # strictly before
    assert ij.history_value(insp, "816", D(2022, 4, 1), "year") == 2017  # SIF: no fieldwork date, publication year
    assert ij.history_value(insp, "816", D(2022, 5, 6), "year") == 2022  # fieldwork date where held
    assert ij.history_value(insp, "816", D(2022, 4, 1), "years_since", as_of=D(2022, 5, 5)) == pytest.approx(
        (D(2022, 5, 5) - D(2017, 2, 7)).days / 365.25)
    assert ij.history_value(insp, "816", D(2015, 1, 1), "overall") is None  # SLAC only: no overall
    assert ij.history_value(insp, "816", D(2022, 5, 6), "overall", framework="SIF") == "good"
    with pytest.raises(UserError):
        ij.history_value(insp, "816", D(2022, 5, 6), "colour")


def test_published_selection_by_statistical_year_and_dates():
    data = guardian_like()
    assert ij.published_selection(data, "SIF", window="2013-14").height == 2
    assert ij.published_selection(data, "SIF", window="2014-15").height == 4
    assert ij.published_selection(data, "SIF", published_to="2015-02-03").height == 5
    assert ij.published_selection(data, "SIF", published_to="2015-02-03", inspection_type="first").height == 4
    with pytest.raises(UserError):
        ij.published_selection(data, "SIF", window="2013-15")
    with pytest.raises(UserError):
        ij.transitions._judgement_list("good,adequate")


def test_claim_functions_on_synthetic_tables(monkeypatch):
    monkeypatch.setattr(ij.ledger, "load_inspections", guardian_like)  # where the claim functions look
    monkeypatch.setattr(ij.ledger, "in_force", lambda as_of: IN_FORCE)
    assert ij.claim_count_published("SIF", window="2013-14") == 2
    assert ij.claim_count_published("SIF", published_to="2015-02-03", overall="requires_improvement") == 3
    assert ij.claim_share_published("SIF", "requires_improvement,inadequate",
                                    published_to="2015-02-03", inspection_type="first") == pytest.approx(75.0)
    assert ij.claim_share_published("SIF", "good", published_to="2013-01-01") is None
    assert ij.claim_count_in_force("any", "2015-06-01") == 6
    assert ij.claim_count_in_force("requires_improvement", "2015-06-01") == 2
    assert ij.claim_count_in_force("requires_improvement", "2015-06-01", published_after="2017-01-01") == 1


def test_inherited_judgements_count_once_per_inspection(monkeypatch):
    split = in_force_frame([
        ("940", "North Northamptonshire", "inadequate", "ILACS", D(2019, 7, 29), "928"),
        ("941", "West Northamptonshire", "inadequate", "ILACS", D(2019, 7, 29), "928"),
        ("351", "Bury", "inadequate", "ILACS", D(2021, 12, 17), None),
    ])
    monkeypatch.setattr(ij.ledger, "in_force", lambda as_of: split)
    assert ij.claim_count_in_force("inadequate", "2022-05-06") == 3
    assert ij.claim_count_in_force("inadequate", "2022-05-06", count="inspections") == 2
    with pytest.raises(UserError):
        ij.claim_count_in_force("inadequate", "2022-05-06", count="trusts")


def test_change_sentence_skips_sub_judgements_only_one_framework_gave():
    insp = HISTORY.with_columns(pl.when(pl.col("framework") == "SIF").then(pl.lit("good")).alias("adoption"))
    assert "adoption" not in ij.change_sentence(insp, "816", D(2022, 5, 4))
    dated = HISTORY.with_columns(pl.when(pl.col("published") == D(2022, 5, 4)).then(D(2022, 3, 7))
                                 .otherwise(None).alias("inspection_start"))
    assert ("(ILACS standard, fieldwork from 7 March 2022, published 4 May 2022), down from good "
            "(SIF first, published 7 February 2017)") in ij.change_sentence(dated, "816", D(2022, 5, 4))


def test_slac_to_first_sif_pairs_the_last_slac_safeguarding_judgement():
    insp = inspections_frame([
        ("601", "SLAC", "first", D(2011, 1, 1), None),
        ("601", "SLAC", "reinspection_safeguarding", D(2012, 1, 1), None),
        ("601", "SIF", "first", D(2015, 1, 1), "inadequate"),
        ("602", "SLAC", "first", D(2011, 1, 1), None),
        ("602", "SIF", "first", D(2016, 1, 1), "good"),
        ("603", "SIF", "first", D(2015, 1, 1), "good"),  # no SLAC row: not paired
    ]).with_columns(pl.when(pl.col("published") == D(2011, 1, 1)).then(pl.lit("good"))
                    .when(pl.col("published") == D(2012, 1, 1)).then(pl.lit("requires_improvement"))
                    .otherwise(None).alias("safeguarding"))
    pairs = ij.slac_to_first_sif(insp)
    assert pairs.select("la_code", "slac_safeguarding", "change").rows() == [
        ("601", "requires_improvement", "downgrade"), ("602", "good", "unchanged")]
    assert ij.slac_to_first_sif(insp, published_to=D(2015, 12, 31))["la_code"].to_list() == ["601"]
    table = ij.judgement_crosstab(pairs, "slac_safeguarding", "sif_overall")
    assert table.columns == ["slac_safeguarding", *ij.JUDGEMENTS]
    assert table["slac_safeguarding"].to_list() == ij.JUDGEMENTS
    assert table.filter(pl.col("slac_safeguarding") == "requires_improvement")["inadequate"][0] == 1
    assert table.select(ij.JUDGEMENTS).sum_horizontal().sum() == 2


# ---- the real tables (built by `make all`) -----------------------------------------------------

@pytest.fixture(scope="module")
def inspections():
    return ij.load_inspections()


GUARDIAN = {"inspections": 43, "good": 10, "requires_improvement": 26, "inadequate": 7}


def test_guardian_counts_need_a_2015_cutoff_not_the_2013_14_year(inspections):
    start = ij.framework_start(inspections)
    windows = ij.mark_reproduces(ij.window_counts(inspections, ij.windows_for_year(2013, start)), GUARDIAN)
    assert not windows["reproduces"].any()
    assert windows.row(0, named=True)["inspections"] == 11  # statistical year 2013-14 by publication
    match = ij.cutoffs_matching(ij.running_counts(inspections), GUARDIAN)
    assert match.select("published", "last_cutoff").rows() == [(D(2015, 2, 3), D(2015, 3, 19))]


def test_no_sif_outstanding_until_2016(inspections):
    first = ij.first_published(inspections, "outstanding")
    assert first["published"].unique().to_list() == [D(2016, 3, 29)]
    assert ij.claim_count_published("SIF", published_to="2015-12-31", overall="outstanding") == 0


def test_named_councils_changes(inspections):
    t = ij.consecutive_inspections(inspections)
    expected = {("York", 2022): ("good", "requires_improvement"), ("Derby", 2022): ("good", "outstanding"),
                ("Merton", 2022): ("good", "outstanding"), ("West Berkshire", 2022): ("good", "good"),
                ("St Helens", 2019): ("requires_improvement", "inadequate")}
    for (council, year), (before, after) in expected.items():
        row = ij.transition_in(t, ij.resolve(council), year)
        assert (row["previous_judgement"], row["judgement"]) == (before, after), council


def test_every_council_in_the_distribution(inspections):
    last = ij.latest_as_of()
    dist = ij.distribution_at(last)
    assert dist["councils"].sum() == ij.in_force(last).height
    with pytest.raises(UserError):
        ij.in_force(last + dt.timedelta(days=1))
