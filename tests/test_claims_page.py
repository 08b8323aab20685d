"""The claims page as a reporter's page (issue 23 item 5): articles by headline with a contents list, a table
per article with caption and scoped headers, values as the article prints them, full quotes, the reason for
each difference, links to what computes each claim, one section per status without JavaScript, and one set of
counts on the page, in the CLI, in outputs/claims_report.csv and in the README."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import polars as pl
import pytest

from csc_figures import claims, cli, paths
from csc_figures.readme import story_index
from csc_figures.site import claims_page


@pytest.fixture(scope="module")
def index() -> list[dict]:
    return story_index()


@pytest.fixture(scope="module")
def view(index) -> dict:
    return claims_page.view(index, {})


@pytest.fixture(scope="module")
def page(index, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("claims") / "claims.html"
    return claims_page.write(out, index, {}, nav=[], font_folder=None).read_text(encoding="utf-8")


def _rows(view: dict) -> list[dict]:
    return [r for sec in view["sections"] for g in sec["groups"] for r in g["rows"]]


class _Structure(HTMLParser):
    """Tables (caption, headers and their scope), ids, in-page links and scripts of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self.ids, self.anchors, self.scripts = [], set(), [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "table":
            self.tables.append({"caption": False, "th": 0, "scoped": 0})
        elif tag == "caption":
            self.tables[-1]["caption"] = True
        elif tag == "th":
            self.tables[-1]["th"] += 1
            self.tables[-1]["scoped"] += a.get("scope") in ("col", "row")
        elif tag == "a" and (a.get("href") or "").startswith("#"):
            self.anchors.append(a["href"][1:])
        elif tag == "script":
            self.scripts += 1


@pytest.mark.parametrize(("computed", "unit", "precision", "printed"), [
    ("13.647", "percent", "1", "13.6%"), ("requires_improvement", "text", "", "requires improvement"),
    ("133000", "pounds", "0", "£133,000"), ("11.49", "pounds_m", "1", "£11.5m"), ("4.83", "years", "0", "5 years"),
    ("1", "years", "0", "1 year"), ("2015", "year", "0", "2015"), ("-1.5", "points", "1", "-1.5 points"),
    ("2.36", "ratio", "0", "2.36 times"), ("1", "flag", "0", "holds"), ("", "count", "0", ""),
])
def test_a_recomputed_value_prints_as_the_article_would(computed, unit, precision, printed):
    assert claims_page.as_printed(computed, unit, precision) == printed


def test_an_unknown_unit_is_an_error_naming_it():
    with pytest.raises(ValueError, match="furlongs"):
        claims_page.as_printed("3.5", "furlongs", "1")


def test_no_raw_value_on_the_page(view):
    """No code ('requires_improvement') and no more places than the article printed ('16.493')."""
    ledger = {r["claim_id"]: r for r in claims.load_claims().iter_rows(named=True)}
    for r in _rows(view):
        assert "_" not in r["computed"], (r["id"], r["computed"])
        row = ledger[r["id"]]
        number = re.search(r"-?[\d,]*\.(\d+)", r["computed"])
        if number and row["unit"] not in ("ratio", "text"):
            assert len(number.group(1)) <= int(row["precision"] or 0), (r["id"], r["computed"])


def test_every_claim_has_its_full_quote_and_each_difference_its_reason(view, page):
    ledger = claims.load_claims()
    text = html.unescape(page)
    for quote in ledger["quote"].to_list():
        assert quote in text, f"quote cut or missing: {quote[:60]}"
    differs = next(sec for sec in view["sections"] if sec["status"] == "differs")
    assert all(r["note"].strip() for g in differs["groups"] for r in g["rows"])


def test_every_claim_links_to_what_computes_it_and_in_page_links_resolve(view, page):
    unlinked = [r["id"] for r in _rows(view)
                if not (r["notebook"] or r["chart"] or r["table"] or r["reported"] or r["from_claims"])]
    assert not unlinked, f"claims with no link to what computes them: {unlinked}"
    arithmetic = [r for r in _rows(view) if r["from_claims"]]
    assert arithmetic, "the arithmetic claims link to the printed figures they are computed from"
    parsed = _Structure()
    parsed.feed(page)
    missing = [a for a in parsed.anchors if a not in parsed.ids]
    assert not missing, f"in-page links to nothing: {missing[:5]}"
    assert all(f"claim-{c}" in parsed.ids for r in arithmetic for c in r["from_claims"])


def test_one_table_per_article_and_status_with_caption_and_scoped_headers_and_no_script(view, page, index):
    parsed = _Structure()
    parsed.feed(page)
    groups = sum(len(sec["groups"]) for sec in view["sections"])
    assert len(parsed.tables) == groups + 1  # and the table of counts
    assert all(t["caption"] and t["th"] == t["scoped"] for t in parsed.tables)
    assert parsed.scripts == 0, "the page works without JavaScript"
    assert {sec["status"] for sec in view["sections"]} <= parsed.ids
    headlines = {s["headline"] for s in index if s["claims"]}
    assert {g["headline"] for sec in view["sections"] for g in sec["groups"]} == headlines


def test_one_set_of_counts_on_the_page_in_the_cli_the_report_and_the_readme(view, page, capsys):
    report = claims.committed_report()
    line = claims.summary_line(report)
    assert line in (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert line in html.unescape(page)
    assert cli.main(["claims"]) == 0
    assert line in " ".join(capsys.readouterr().out.split())  # the CLI wraps its words
    csv = pl.read_csv(paths.OUTPUTS / "claims_report.csv", infer_schema=False)
    counts = claims.status_counts(csv)
    assert {s: view["counts"]["all"][s] for s in claims.STATUSES} == counts
    assert view["counts"]["all"]["all"] == csv.height
    for sec in view["sections"]:
        assert f'id="{sec["status"]}">' in page and f"({counts[sec['status']]})" in page


def test_a_repeated_sentence_names_where_else_it_is_printed():
    from csc_figures.site.claims_page import repeated_in

    repeats = repeated_in()
    # the York story is printed in the feed (002) and on its own (004): the same story, another copy
    assert repeats["a002-209"] == ["another copy of this story (004_fcb975c7a7d837f6.txt)"]
    assert "a002-210" in repeats and "a002-101" not in repeats
