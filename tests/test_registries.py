"""The one rounding rule, the one date parser and the registries of measures and judgements."""

import datetime as dt
import math

import polars as pl
import pytest

from csc_figures import dates, formatting, judgements, measures, paths, rounding
from csc_figures.errors import DataError, UserError


# ---- rounding: half up on the printed decimal ------------------------------------------------------

@pytest.mark.parametrize("value, places, expected", [
    (0.35, 1, 0.4),  # binary 0.34999...; Python's round() gives 0.3
    (0.25, 1, 0.3),  # exact half in binary too; banker's rounding would give 0.2
    (16.05, 1, 16.1),
    (16.15, 1, 16.2),
    (2.675, 2, 2.68),  # binary 2.67499...; round() gives 2.67
    (1.005, 2, 1.01),
    (-0.35, 1, -0.4),  # halves go away from zero
    (-2.5, 0, -3.0),
    (2.5, 0, 3.0),
    (0.04999999999999999, 1, 0.0),  # below the half, however close
    (0.1 + 0.2, 1, 0.3),
    (16.06, 1, 16.1),
    (7, 1, 7.0),
])
def test_round_half_up_on_the_printed_decimal(value, places, expected):
    assert rounding.round_half_up(value, places) == expected


def test_round_keeps_missing_and_refuses_infinity():
    assert rounding.round_half_up(None) is None
    assert rounding.round_half_up(math.nan) is None
    with pytest.raises(ValueError):
        rounding.round_half_up(math.inf)


def test_printed_text_and_units_agree_with_the_rule():
    assert rounding.fixed(0.35, 1) == "0.4"
    assert rounding.fixed(1234.55, 1) == "1,234.6"
    assert rounding.fixed(-0.04, 1) == "0.0"
    assert rounding.units(0.35, 1) == 4 and rounding.units(2.675, 2) == 268 and rounding.units(-0.35, 1) == -4


def test_sentences_tables_and_labels_print_the_same_digits():
    values = [0.35, 0.25, 2.675, 16.05, 16.15, 1.45, 10.45]
    table = rounding.round_frame(pl.DataFrame({"x": values}), 2)
    column = pl.DataFrame({"x": values}).select(rounding.round_column("x", 2))["x"].to_list()
    for v, t, c in zip(values, table["x"], column, strict=True):
        assert formatting.pct(v, 2) == f"{t:.2f}%" == f"{c:.2f}%"
    assert formatting.pct(0.35) == "0.4%"  # the example: it printed 0.3%
    assert formatting.number(2.675, 2) == "2.68"
    assert formatting.points(-0.35) == "0.4 percentage points"
    assert formatting.rate_word(0.35, 0.4) == "was unchanged"  # both print as 0.4


# ---- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2022-5-6", "06/05/2022", "20220506", "yesterday", "", None, "2022-05-06T00:00"])
def test_date_parser_is_strict_and_names_the_parameter(text):
    with pytest.raises(UserError, match=r"as_at: .* YYYY-MM-DD"):
        dates.as_date(text, "as_at")


def test_date_parser_refuses_impossible_dates_and_takes_dates():
    with pytest.raises(UserError, match="not a real date"):
        dates.as_date("2022-02-30")
    assert dates.as_date(" 2022-05-06 ") == dates.as_date(dt.datetime(2022, 5, 6, 13)) == dt.date(2022, 5, 6)


def test_dates_in_words_are_the_desks_style_whatever_the_locale():
    assert dates.day_words(dt.date(2022, 5, 6)) == dates.day_words("2022-05-06") == "6 May 2022"
    assert dates.day_words("2021-03-31T00:00:00") == "31 March 2021"
    assert dates.month_words("2023-09-01") == dates.month_words("2023-09") == "September 2023"
    assert dates.day_words(None, missing="an unknown date") == "an unknown date"
    with pytest.raises(UserError, match="not a date"):
        dates.day_words("31/03/2021")
    assert [dates.year_span(y) for y in (2000, 2021)] == ["1999-00", "2020-21"]


def test_dates_are_put_in_words_in_one_module():
    """Month names and strftime's %B (which follows the desk's locale) appear only in csc_figures.dates."""
    found = []
    for path in sorted((paths.ROOT / "src" / "csc_figures").rglob("*.py")):
        if path.name == "dates.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "%B" in line and "strptime" not in line or '"September"' in line or '"January"' in line:
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


# ---- registries -----------------------------------------------------------------------------------

def test_judgements_are_declared_once_best_first():
    assert judgements.ORDER == ("outstanding", "good", "requires_improvement", "inadequate")
    assert [judgements.GRADE[c] for c in judgements.ORDER] == [1, 2, 3, 4]
    assert len(set(judgements.COLOURS)) == 4
    assert judgements.steps_up("requires_improvement", "good") == 1
    assert judgements.steps_up("good", "inadequate") == -2
    assert judgements.words("requires_improvement") == "requires improvement"
    assert judgements.words("adequate") == "adequate"  # the old framework's word kept as written
    assert all(set(j.ofsted) == {"SIF", "ILACS", "SLAC", "CPI", "TLAC"} for j in judgements.JUDGEMENTS.values())


def test_ofsteds_words_are_read_by_the_one_declaration():
    # the Ofsted files' cells and a reporter's typed judgement go through judgements.from_words
    from csc_figures import in_force, ofsted_rows

    for text in ("Requires improvement to be good", "requires  improvement", "RI", "Requires improvement"):
        assert ofsted_rows.normalise_judgement(text, "f") == in_force.parse_judgement(text) == "requires_improvement"
    assert judgements.from_words("Adequate") == "requires_improvement"  # SLAC's grade 3, when any framework is meant
    assert judgements.from_words("Adequate", judgements.IN_FORCE_FRAMEWORKS) is None  # not a SIF or ILACS word
    assert judgements.from_words("excellent") is None


def test_the_stories_take_their_words_from_the_registries():
    from csc_figures import charts, inspections
    from csc_figures.stories import inspection_judgements, profile, ratings

    assert inspections.JUDGEMENTS == judgements.ORDER
    assert ratings.RATINGS == inspection_judgements.JUDGEMENTS == list(judgements.ORDER)
    assert ratings.MEASURES == list(measures.COMPARED)
    assert profile.fmt("turnover_rate", 0.35) == "0.4%"
    scale = charts.judgement_scale()["scale"]
    assert list(scale.range) == list(judgements.COLOURS) and list(scale.domain) == list(judgements.ORDER)


def test_measures_format_and_round_by_the_rule():
    assert measures.fmt("turnover_rate", 16.05) == "16.1%"
    assert measures.fmt("caseload", 18.25) == "18.3"
    assert measures.measure("vacancy_rate").round(0.35) == 0.4
    assert measures.RATES == ("turnover_rate", "vacancy_rate", "agency_rate", "absence_rate")
    assert all(m.basis in ("fte", "headcount") for m in measures.MEASURES.values())
    with pytest.raises(KeyError, match="not a declared measure"):
        measures.measure("morale")


def test_every_childrens_figure_is_a_declared_measure():
    """The children in need census's and the looked-after tables' figures take their words, unit and printed
    places from the registry, as the workforce's do: each column a measure of that table, described there."""
    from csc_figures import children, lab
    from csc_figures.stories import national_trends

    for name, spec in children.SPECS.items():
        figures = [c for c in spec.columns if f"{c}_flag" in spec.columns]
        assert figures == measures.of_table(name), name
        for key in figures:
            m = measures.measure(key)
            assert spec.columns[key] == m.describes and m.precision == 0 and m.basis == ""
            assert lab.column_words(key) == m.short_label
    assert set(measures.CHILDREN).isdisjoint(measures.MEASURES)  # the CLI's map takes workforce measures only
    for key, (table, column, words) in national_trends.MEASURES.items():
        assert (table, column, words) == (measures.measure(key).table, key, measures.words(key))
    # counts add up to England; rates and days do not
    assert measures.measure("icpcs").is_count and not measures.measure("icpc_days_median").is_count
    assert not measures.measure("looked_after_rate").is_count


def test_every_workforce_figure_is_a_declared_measure():
    """The workforce table's columns, their contract words, ranges, printed places and which add up, from the
    registry; the stories' measures are some of them."""
    from csc_figures import workforce

    spec = workforce.WORKFORCE
    figures = [c for c in spec.columns if f"{c}_flag" in spec.columns]
    assert figures == measures.of_table("workforce") == list(measures.WORKFORCE)
    assert all(spec.columns[k] == measures.measure(k).describes for k in figures)
    assert set(measures.MEASURES) <= set(measures.WORKFORCE)
    assert workforce.COUNT_MEASURES == tuple(k for k in figures if measures.measure(k).is_count)
    assert {spec.ranges[k] for k in workforce.PERCENT_MEASURES} == {(0, 100)}
    # heads and cases are whole numbers, every other figure one decimal place, as DfE prints them
    assert {k for k in figures if measures.measure(k).precision == 0} == \
        {"headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"}


def test_a_table_prints_each_figure_to_its_measures_places():
    from csc_figures import lab

    shown = lab.copy_table(pl.DataFrame({"looked_after": [80780.0], "looked_after_rate": [69.0],
                                       "turnover_rate": [16.0], "share": [0.5]}))
    assert shown.row(0) == ("80,780", "69", "16.0", "0.5")


# ---- the claims ledger read once --------------------------------------------------------------------

def test_a_bad_ledger_value_names_row_column_and_value(tmp_path):
    from csc_figures import claims
    from csc_figures.stories import ratings

    ledger_rows = pl.read_csv(claims.CLAIMS_CSV, infer_schema=False)
    row = next(i for i, r in enumerate(ledger_rows.iter_rows(named=True))
               if r["article"] == ratings.LEDGER_ARTICLE and r["computation"] == "ratings.group_mean")
    broken = ledger_rows.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit("sixteen")).otherwise(pl.col("value")).alias("value"))
    ledger = tmp_path / "claims.csv"
    broken.write_csv(ledger)
    row += 2  # the header is line 1
    with pytest.raises(DataError, match=rf"claims.csv line {row} .*column 'value' holds 'sixteen'"):
        ratings.published_cells(ledger)


# ---- credit lines ------------------------------------------------------------------------------------

def test_credit_lines_come_from_the_manifest(tmp_path, monkeypatch):
    from csc_figures import credits, sources

    assert credits.credit("workforce") == "DfE, Children's social work workforce"
    assert credits.credit("workforce", "2025 release") == "DfE, Children's social work workforce, 2025 release"
    assert credits.line(credits.credit("section_47", credits.release("section_47"))) == \
        f"Source: DfE, Children in need, {sources.one('section_47').vintage} release"
    # a role with several publications names each, newest first: the stories read Ofsted's files merged
    newest_first = list(dict.fromkeys(s.publication for s in reversed(sources.releases("ofsted_outcomes"))))
    assert credits.credit("ofsted_outcomes") == "Ofsted, " + " and ".join(newest_first)
    assert credits.hex_layout() == f"hex layout by Open Innovations ({sources.one('hex_layout').licence} licence)"
    # a publication renamed in the manifest renames every credit: none is typed in a story
    renamed = paths.SOURCES_TOML.read_text().replace('"Children\'s social work workforce"', '"Social workers"')
    (tmp_path / "sources.toml").write_text(renamed)
    monkeypatch.setattr(paths, "SOURCES_TOML", tmp_path / "sources.toml")
    from csc_figures.stories.ratings.words import source_line

    assert source_line("mean").startswith("Source: DfE, Social workers; Ofsted, ")


def test_no_story_types_its_own_credit_line():
    """A source line ('Source: ...', 'DfE, <publication>', 'Ofsted, <publication>') is written only by
    csc_figures.credits, from the manifest (docstrings aside)."""
    import ast
    import re

    credit = re.compile(r"^Source:|\b(DfE|Ofsted), [A-Z]")
    found = []
    for path in sorted((paths.ROOT / "src" / "csc_figures").rglob("*.py")):
        if path.name == "credits.py":
            continue
        tree = ast.parse(path.read_text())
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and credit.search(node.value):
                found.append(f"{path.relative_to(paths.ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "\n".join(found)


def _source_line(spec) -> str:
    """A chart's source line: the words `charts.titled` keeps, else (a map's own narrow layout) the
    'Source: ...' text it draws, its lines joined."""
    meta = spec.get("usermeta", {}).get("csc_figures", {}) if isinstance(spec, dict) else {}
    if meta.get("source"):
        return meta["source"]
    values = spec.values() if isinstance(spec, dict) else spec if isinstance(spec, list) else []
    if isinstance(spec, str):
        return spec.replace("\n", " ") if spec.startswith("Source: ") else ""
    return next((found for v in values if (found := _source_line(v))), "")


def test_every_committed_chart_credits_a_publisher_the_one_way():
    """The same file is credited in the same words on every chart (the profile once named Ofsted's files
    differently from the maps)."""
    import json

    from csc_figures import credits

    names = {role: credits.credit(role) for role in ("workforce", "ofsted_outcomes")}
    odd = []
    specs = sorted(paths.FIGURES.rglob("*.vl.json"))
    assert specs, f"no committed chart under {paths.FIGURES}"
    for spec in specs:
        source = _source_line(json.loads(spec.read_text()))
        if not source.startswith("Source: "):
            odd.append(f"{spec.relative_to(paths.ROOT)}: no source line")
        for named, credit in (("DfE, Children's social work", names["workforce"]), ("Ofsted, ", names["ofsted_outcomes"])):
            if named in source and "as reported" not in source and credit not in source:
                odd.append(f"{spec.relative_to(paths.ROOT)}: {source!r} does not say {credit!r}")
    assert not odd, "\n".join(odd[:10])
