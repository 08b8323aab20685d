"""Every edition of the ratings table, not only the article's, out of the same rules.

For each edition (the judgements in force on a date, a workforce year against the year before,
a DfE release) the test checks that every council in existence is accounted for exactly once per
workforce return, and recomputes the group averages independently: straight from the raw DfE CSV
(read here with the csv module, not through the processed workforce table), with each workforce
return counted once in every average, whichever councils inherit it, as joint returns are.
"""

from __future__ import annotations

import csv
import datetime as dt
from statistics import mean

import pytest

from csc_figures import paths, tables
from csc_figures.in_force import judgements_in_force
from csc_figures.stories import ratings

# The raw files' own column names for the five measures (the 2022 release named them differently).
RAW_FILES = {
    2022: ("csww_headline_measures_2017_to_2022.csv",
           {"turnover_rate": "turnover_rate_fte_%", "vacancy_rate": "vacancy_rate_fte_%",
            "agency_rate": "agency_worker_rate_fte_%", "absence_rate": "absence_rate_fte_%",
            "caseload": "caseload_fte"}),
    **{v: (f"csww_indicators_2017_to_{v}.csv",
           {"turnover_rate": "turnover_rate_fte", "vacancy_rate": "vacancy_rate_fte",
            "agency_rate": "agency_rate_fte", "absence_rate": "absence_rate_fte", "caseload": "caseload_fte"})
       for v in (2023, 2024, 2025)},
}
LATEST = max(RAW_FILES)
# Before 2023 DfE published the two joint returns under the lead council's code alone, the partner's
# row being `z` or absent (README, "Joint workforce returns").
JOINT_UNDER_LEAD = {"314": ["314", "318"], "940": ["940", "941"]}

# (judgements in force on, workforce year, release): the three editions the issue names, the
# article's, and the default edition of every year the latest release holds from 2018.
EDITIONS = [(dt.date(2021, 5, 1), 2020, 2022), (dt.date(2024, 3, 31), 2023, 2024),
            (dt.date(2025, 3, 31), 2024, 2025), (dt.date(2022, 5, 6), 2021, 2022)]
EDITIONS += [("default", year, None) for year in range(2018, LATEST + 1)]


def number(cell: str) -> float | None:
    """A published cell as a number; suppression and missing codes (x, c, z, u, low, ..) as None."""
    try:
        return float(cell)
    except ValueError:
        return None


def raw_returns(vintage: int, year: int) -> dict[str, dict]:
    """The release's council returns for a year, keyed by DfE code(s) as printed ('314 / 318')."""
    name, columns = RAW_FILES[vintage]
    with (paths.RAW / name).open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if r["geographic_level"] == "Local authority" and int(r["time_period"]) == year]
    out = {}
    for r in rows:
        figures = {m: number(r[c]) for m, c in columns.items()}
        if any(v is not None for v in figures.values()):  # an all-suppressed row is not a return
            codes = [c.strip() for c in r["old_la_code"].split("/")]
            out[r["old_la_code"]] = {"codes": JOINT_UNDER_LEAD.get(codes[0], codes), **figures}
    return out


def independent_groups(as_of: dt.date, year: int, vintage: int):
    """Group averages from the raw CSV: the lead council's judgement, a return counted once per group."""
    judgement = {r["la_code"]: r["judgement"] for r in judgements_in_force(as_of).iter_rows(named=True)}
    geography = tables.read("la_geography")
    successors = dict(zip(geography["la_code"], geography["successor_codes"].to_list(), strict=True))
    predecessors = dict(zip(geography["la_code"], geography["predecessor_codes"].to_list(), strict=True))
    now, then = raw_returns(vintage, year), raw_returns(vintage, year - 1)
    then_by_code = {code: key for key, r in then.items() for code in r["codes"]}
    groups: dict[str, list[str]] = {}
    base_groups: dict[str, set[str]] = {}
    for key, r in now.items():
        lead = r["codes"][0]
        held = judgement.get(lead)
        if held is None and lead not in judgement:  # abolished by as_of: its successors' common judgement
            heirs = {judgement.get(s) for s in successors.get(lead) or []}
            held = heirs.pop() if len(heirs) == 1 else None
        if held is None:
            continue
        groups.setdefault(held, []).append(key)
        base = {then_by_code[c] for c in r["codes"] if c in then_by_code}
        if not base:
            base = {then_by_code[p] for c in r["codes"] for p in predecessors.get(c) or [] if p in then_by_code}
        base_groups.setdefault(held, set()).update(base)

    def averages(keys, table):
        return {m: mean(v) if (v := [table[k][m] for k in keys if table[k][m] is not None]) else None
                for m in ratings.MEASURES}

    return ({g: (len(keys), averages(keys, now)) for g, keys in groups.items()},
            {g: (len(keys), averages(sorted(keys), then)) for g, keys in base_groups.items()})


def edition(as_of, year, vintage):
    as_of = ratings.edition_date(year) if as_of == "default" else as_of
    return as_of, year, vintage or LATEST


@pytest.mark.parametrize("as_of, year, vintage", EDITIONS)
def test_every_council_is_accounted_for_once_per_return(as_of, year, vintage):
    as_of, year, vintage = edition(as_of, year, vintage)
    _, councils = ratings.build(as_of, year, year - 1, vintage)
    listed = councils["joint_codes"].list.len() > 0
    returns = councils.filter(listed & (councils["status"] != "no_figures"))
    codes = returns["joint_codes"].explode().to_list()
    assert len(codes) == len(set(codes)), "a council is in two returns"
    assert returns["la_code"].is_unique().all(), "a return appears twice"
    # a row with none of the five measures (a joint partner's `z` row) is listed, but is not a return
    empty = councils.filter(listed & (councils["status"] == "no_figures"))
    assert empty.select(*ratings.MEASURES).null_count().row(0) == (empty.height,) * len(ratings.MEASURES)
    # every council in existence on as_of: in exactly one return, or listed once with why it has none
    in_existence = set(judgements_in_force(as_of)["la_code"])
    missing = councils.filter(~listed)
    assert missing["la_code"].is_unique().all()
    assert set(missing["la_code"]).isdisjoint(codes)
    assert in_existence <= set(codes) | set(missing["la_code"]) | set(empty["la_code"])
    # the returns are exactly the raw file's rows with figures, each once
    raw = raw_returns(vintage, year)
    assert sorted(tuple(c) for c in returns["joint_codes"].to_list()) == sorted(tuple(r["codes"]) for r in raw.values())


@pytest.mark.parametrize("as_of, year, vintage", EDITIONS)
def test_group_averages_equal_a_recomputation_from_the_raw_file(as_of, year, vintage):
    as_of, year, vintage = edition(as_of, year, vintage)
    table, councils = ratings.build(as_of, year, year - 1, vintage)
    now, base = independent_groups(as_of, year, vintage)
    counts = {r["rating"]: r for r in ratings.counts_table(councils, base=True).iter_rows(named=True)}
    for row in table.filter(table["rating"] != "england").iter_rows(named=True):
        rating = row["rating"]
        n, averages = now.get(rating, (0, {}))
        assert row["councils"] == n, (rating, "returns")
        n_base, base_averages = base.get(rating, (0, {}))
        assert counts[rating]["base_year_returns"] == n_base, (rating, "base-year returns")
        for m in ratings.MEASURES:
            assert row[m] == pytest.approx(averages.get(m), abs=1e-9), (rating, m)
            assert row[f"{m}_base"] == pytest.approx(base_averages.get(m), abs=1e-9), (rating, m, "base")


def test_a_base_year_return_inherited_twice_counts_once():
    """2023-24: Cumberland and Westmorland and Furness both carry Cumbria's 2022 return."""
    table, councils = ratings.build(dt.date(2024, 3, 31), 2023, 2022, 2024)
    ri = councils.filter((councils["status"] == "included") & (councils["judgement"] == "requires_improvement"))
    inheritors = ri.filter(ri["base_code"] == "909")["la_name"].sort().to_list()
    assert inheritors == ["Cumberland", "Westmorland and Furness"]
    counts = {r["rating"]: r for r in ratings.counts_table(councils, base=True).iter_rows(named=True)}
    assert counts["requires_improvement"]["councils"] == 45
    assert counts["requires_improvement"]["base_year_returns"] == 44
    row = table.filter(table["rating"] == "requires_improvement").row(0, named=True)
    assert round(row["turnover_rate_base"], 2) == 20.34  # 20.05 with Cumbria counted twice


def test_a_merged_councils_predecessors_each_count_once():
    """2019-20: Bournemouth, Christchurch and Poole's base year is Bournemouth's and Poole's 2018 returns."""
    _, councils = ratings.build(ratings.edition_date(2019), 2019, 2018)
    bcp = councils.filter(councils["la_code"] == "839").row(0, named=True)
    assert sorted(r["base_code"] for r in bcp["base_returns"]) == ["836", "837"]
    assert bcp["base_code"] is None  # no single base-year figure for the one return
