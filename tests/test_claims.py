"""The claims ledger: the ledger itself, the tolerance rule, and the CI guard on published figures."""

from __future__ import annotations

import re

import polars as pl
import pytest

from csc_figures import claims, cli, paths


@pytest.fixture(scope="module")
def ledger() -> pl.DataFrame:
    return claims.load_claims()


@pytest.fixture(scope="module")
def report() -> pl.DataFrame:
    return claims.claims_report()


# ---- the ledger ---------------------------------------------------------------------------------

def test_ledger_covers_the_five_articles(ledger, article_texts):
    assert ledger["claim_id"].is_unique().all()
    # every article is checked, in its own rows or as the repeat of another's (004 is the York story of 002)
    covered = set(ledger["article"]) | {a for also in ledger["also_in"] for a in also.split(";") if a}
    assert sorted(covered) == sorted(article_texts)
    assert ledger.height >= 250


def test_every_quote_is_verbatim_and_holds_its_figure(ledger, article_texts):
    texts = {name: text.replace("\u00a0", " ") for name, text in article_texts.items()}
    bad = [r["claim_id"] for r in ledger.iter_rows(named=True)
           for article in [r["article"], *filter(None, r["also_in"].split(";"))]
           if r["quote"] not in texts[article] or r["published"] not in r["quote"]]
    assert not bad, f"quotes not found verbatim in their article, or not holding the printed figure: {bad}"


def test_numeric_values_agree_with_what_was_printed(ledger):
    # Where the printed figure is digits, value and precision must be read from it (falls may carry a sign).
    bad = []
    for r in ledger.filter(pl.col("unit") != "text").iter_rows(named=True):
        digits = re.fullmatch(r"£?([\d,]+(?:\.\d+)?)(%|m|bn|kg)?", r["published"])
        if not digits:
            continue
        number = digits.group(1).replace(",", "")
        places = len(number.split(".")[1]) if "." in number else 0
        if abs(float(r["value"])) != float(number) or int(r["precision"]) != places:
            bad.append((r["claim_id"], r["published"], r["value"], r["precision"]))
    assert not bad, f"value or precision does not match the printed figure: {bad}"


def test_keys_follow_the_naming_scheme(ledger):
    prefixes = {k.split(".")[0] for k in ledger["computation"]}
    assert prefixes <= {"ratings", "profile", "inspections", "national", "reported", "arithmetic"}
    assert set(ledger.filter(pl.col("kind") == "reported")["computation"]) == {"reported.value"}


def test_load_claims_names_the_bad_row(tmp_path, ledger):
    broken = ledger.with_columns(pl.when(pl.col("claim_id") == "a002-010").then(pl.lit("guess"))
                                 .otherwise(pl.col("kind")).alias("kind"))
    path = tmp_path / "claims.csv"
    broken.write_csv(path)
    with pytest.raises(claims.DataError, match=r"a002-010.*kind 'guess'"):
        claims.load_claims(path)


def test_one_row_per_sentence_with_its_repeats_listed(tmp_path, ledger):
    """A sentence a second article repeats is one row, the other article in also_in: counted once."""
    york = ledger.filter(pl.col("also_in") != "")
    assert york.height >= 20 and (york["also_in"] != york["article"]).all()
    repeat = york.head(1).with_columns(claim_id=pl.lit("a004-999"), article=pl.col("also_in"), also_in=pl.lit(""))
    path = tmp_path / "claims.csv"
    pl.concat([ledger, repeat]).write_csv(path)
    with pytest.raises(claims.DataError, match=r"the same sentence checked twice: \[\['a002-\d+', 'a004-999'\]\]"):
        claims.load_claims(path)
    own = york.head(1).with_columns(also_in=pl.col("article"))
    pl.concat([ledger.filter(pl.col("claim_id") != own["claim_id"][0]), own]).write_csv(path)
    with pytest.raises(claims.DataError, match="names its own article"):
        claims.load_claims(path)


# ---- the tolerance rule -------------------------------------------------------------------------

def _row(value, precision, compare="round", tolerance="", unit="percent"):
    return {"value": str(value), "precision": str(precision), "compare": compare, "tolerance": tolerance, "unit": unit}


@pytest.mark.parametrize("computed, ok", [
    (16.06, True), (16.1, True), (16.05, True), (16.15, True),  # half a unit either side is inside
    (16.0499, False), (16.1501, False), (16.2, False), (16.0, False),
])
def test_rounding_tolerance_at_one_place(computed, ok):
    assert claims.agrees(_row(16.1, 1), computed) is ok


@pytest.mark.parametrize("computed, ok", [(90.49676, True), (89.5, True), (90.5, True), (90.51, False),
                                          (89.49, False)])
def test_rounding_tolerance_at_whole_percent(computed, ok):
    assert claims.agrees(_row(90, 0), computed) is ok


def test_float_noise_does_not_break_the_boundary():
    # 0.1 + 0.2 style noise: 16.05 computed by arithmetic is still on the boundary, not outside it.
    assert claims.agrees(_row(16.1, 1), 16.1 - 0.05)
    assert claims.agrees(_row(0.3, 1), 0.1 + 0.2 + 0.05)


def test_about_above_below_and_text():
    assert claims.agrees(_row(75, 0, "about", "2.5"), 76.7)
    assert not claims.agrees(_row(75, 0, "about", "2.5"), 77.6)
    assert claims.agrees(_row(2, 0, "above"), 2.42) and not claims.agrees(_row(2, 0, "above"), 1.9)
    assert claims.agrees(_row(4, 0, "below"), 3.87) and not claims.agrees(_row(4, 0, "below"), 4.2)
    text = _row("requires_improvement", "", unit="text")
    assert claims.agrees(text, "requires improvement") and claims.agrees(text, "Require improvement to be good")
    assert not claims.agrees(text, "inadequate")


# ---- the report and the CI guard ----------------------------------------------------------------

def test_report_columns_and_statuses(report, ledger):
    assert report.columns == claims.REPORT_COLUMNS
    assert report["claim_id"].to_list() == ledger["claim_id"].to_list()
    assert set(report["status"]) <= set(claims.STATUSES)


def test_no_difference_without_a_reason(report):
    bad = claims.unexplained(report)
    assert bad.height == 0, (
        "claims differ with no reason: 'Not held' is decided by the computation (no data, or a release we do not "
        "hold); any other needs a note starting with one of " + ", ".join(claims.DIFFERENCE_REASONS) + ":\n"
        + "\n".join(f"  {r['claim_id']}: printed {r['published']}, computed {r['computed']!r} {r['note']}"
                    for r in bad.iter_rows(named=True)))


def test_no_published_figure_stopped_matching(report):
    gone = claims.regressions(report, claims.committed_report())
    assert gone.height == 0, (
        "figures that matched in the committed outputs/claims_report.csv no longer do:\n"
        + "\n".join(f"  {r['claim_id']}: printed {r['published']}, was {r['was']} ({r['was_computed']}), "
                    f"now {r['status']} ({r['computed']}) {r['note'] or ''}" for r in gone.iter_rows(named=True)))


def test_a_perturbed_value_is_caught(monkeypatch, report):
    """The guard can fail: nudge one recomputed figure and one reported table cell."""
    from csc_figures.stories import reported

    matched = report.filter(pl.col("status") == "match")
    ledger = claims.load_claims().join(matched.select("claim_id"), on="claim_id")
    target = ledger.filter(pl.col("kind") == "data").row(0, named=True) if \
        ledger.filter(pl.col("kind") == "data").height else ledger.row(0, named=True)
    original = claims.REGISTRY[target["computation"]]
    step = 10.0 ** -int(target["precision"] or 0)

    def nudged(**args):
        value = original(**args)
        return value + step if args == claims.parse_args(target["args"]) else value

    monkeypatch.setitem(claims.REGISTRY, target["computation"], nudged)

    real_read = reported.compute.read

    def misread(table):  # one starters figure mistyped: 463 -> 473
        df = real_read(table)
        if table != "fast_track_cohorts_2022":
            return df
        hit = (pl.col("subject") == "frontline") & (pl.col("measure") == "starters") & (pl.col("period") == "2020-21")
        return df.with_columns(pl.when(hit).then(pl.col("value") + 10).otherwise(pl.col("value")).alias("value"))

    monkeypatch.setattr(reported.compute, "read", misread)  # where the claim functions look it up
    perturbed = claims.claims_report()
    caught = claims.regressions(perturbed, report)
    assert target["claim_id"] in caught["claim_id"].to_list()
    # the starters cell itself, and the 2020-21 Frontline completion rate printed twice (90%)
    frontline = claims.load_claims().filter(pl.col("args") == "route=frontline;intake=2020-21")["claim_id"]
    assert set(frontline) <= set(caught["claim_id"])
    assert claims.unexplained(perturbed).height > 0


def test_a_failing_computation_is_a_difference_not_a_crash(monkeypatch):
    def broken(**args):
        raise ValueError("table missing")

    monkeypatch.setitem(claims.REGISTRY, "reported.value", broken)
    row = claims.load_claims().filter(pl.col("computation") == "reported.value").row(0, named=True)
    result = claims.check_claim(row)
    assert result["status"] == "differs" and "table missing" in result["note"]


def test_unknown_key_is_not_implemented():
    row = claims.load_claims().row(0, named=True) | {"computation": "nowhere.nothing"}
    assert claims.check_claim(row)["status"] == "not_implemented"


def test_the_claims_page_groups_every_claim_by_story_and_status_with_one_count(tmp_path, report):
    from csc_figures.readme import story_index
    from csc_figures.site import claims_page

    claims.write_report(tmp_path / "r.csv", tmp_path / "v.csv")
    assert pl.read_csv(tmp_path / "r.csv", infer_schema=False).height == report.height
    index = story_index()
    view = claims_page.view(index, {})
    shown = [r["id"] for sec in view["sections"] for g in sec["groups"] for r in g["rows"]]
    assert sorted(shown) == sorted(report["claim_id"].to_list()), "every claim once, none lost"
    counts = view["counts"]
    assert counts["all"]["all"] == report.height == counts["figures"]["all"] + counts["statements"]["all"]
    for sec in view["sections"]:
        assert sec["n"] == counts["all"][sec["status"]] == sum(len(g["rows"]) for g in sec["groups"])
    headlines = {g["headline"] for sec in view["sections"] for g in sec["groups"]}
    assert headlines <= {s["headline"] for s in index} and not any(h.endswith(".txt") for h in headlines)
    page = claims_page.write(tmp_path / "claims.html", index, {}, nav=[], font_folder=None).read_text()
    assert f"{counts['figures']['differs']} differ" in page and "…" not in page


def test_cli_prints_the_report(capsys):
    assert cli.main(["claims", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(claims.REPORT_COLUMNS)


def test_summary_line_counts(report):
    """Every number in the summary, counted here from the report's rows and the ledger's file."""
    import csv

    with open(claims.CLAIMS_CSV, newline="", encoding="utf-8") as f:
        kind = {row["claim_id"]: row["kind"] for row in csv.DictReader(f)}
    rows = list(zip(report["claim_id"].to_list(), report["status"].to_list(), strict=True))
    statuses = [status for claim, status in rows if kind[claim] != "statement"]
    counted = {
        "figures": len(statuses),
        "recomputable": sum(kind[c] not in ("reported", "statement") for c, _ in rows),
        "match": statuses.count("match"),
        "differ": statuses.count("differs"),
        "reported": statuses.count("reported"),
    }
    stated = [status for claim, status in rows if kind[claim] == "statement"]
    counted_statements = {"statements": len(stated), "match": stated.count("match"),
                          "reported": stated.count("reported"), "consistent": stated.count("consistent"),
                          "differ": stated.count("differs")}
    line = claims.summary_line(report)
    said = re.search(r"quote (\d+) figures; (\d+) can be recomputed .*? and (\d+) of them match .*?; (\d+) differ"
                     r".*?; (\d+) are cited figures", line)
    assert said, line
    assert dict(zip(counted, map(int, said.groups()), strict=True)) == counted
    assert counted["match"] + counted["differ"] <= counted["recomputable"] <= counted["figures"]
    said = re.search(r"make (\d+) checkable statements .*?: (\d+) hold in the publishers' files, (\d+) in the cited "
                     r"figures, (\d+) agree with figures read from the same article .*?, and (\d+) cannot be confirmed",
                     line)
    assert said, line
    assert dict(zip(counted_statements, map(int, said.groups()), strict=True)) == counted_statements


def test_readme_carries_the_current_summary_line(report):
    readme = (paths.ROOT / "README.md").read_text()
    assert claims.summary_line(report) in readme, (
        "README's claims-ledger line is stale; paste the output of `python -m csc_figures.claims --summary`")


def test_by_vintage_recomputes_a_claim_under_every_release(report):
    """The side table: the release the ledger names gives the report's value; others may differ."""
    ledger = claims.load_claims().filter(pl.col("claim_id").is_in(["a002-173", "a002-097", "a002-028"]))
    table = claims.by_vintage(ledger, vintages=[2022, 2025])
    assert sorted(set(table["claim_id"])) == ["a002-097", "a002-173"]  # a002-028 names no release
    for row in table.filter(pl.col("vintage") == "2022").iter_rows(named=True):
        assert row["computed"] == report.filter(pl.col("claim_id") == row["claim_id"])["computed"][0]
    assert table.columns == claims.VINTAGE_COLUMNS
