"""The articles table, the claim -> story map, and the generator that places each quote in its story."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csc_figures import articles, claims, paths
from csc_figures.errors import DataError, UserError

YORK = "004_fcb975c7a7d837f6.txt"
GUARDIAN = "003_a96f6ca7e5781663.txt"
HEADER = ",".join(articles.ARTICLE_COLUMNS)
# Tests against the texts fail, never skip, when the texts are missing (conftest's article_texts).
needs_texts = pytest.mark.usefixtures("article_texts")


# ---- small fixtures: a feed of two stories and a single story ---------------------------------------

FEED = ("Channel title http://example.org/author/ Mon, 06 Jun 2022\n"
        "ITEM ‘First’ story headline https://example.org/2022/06/06/first/\n"
        "The council’s  caseloads\u00a0fell to 21 in June.\n"
        "ITEM Second story headline https://example.org/2022/05/20/second/\n"
        "Vacancies rose to 19%. The council’s caseloads fell to 21.\n")
SINGLE = "One headline\n\nInspectors said turnover was\n“high”.\n"
TABLE = f"""{HEADER}
feed.txt,first,‘First’ story headline,Community Care,Rob Preston,2022-06-06,URL path,https://example.org/2022/06/06/first/,
feed.txt,second,Second story headline,Community Care,,2022-05-20,URL path; feed pubDate,https://example.org/2022/05/20/second/,
single.txt,one,One headline,The Guardian,Ruth Hardy,,not in text,,
"""


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "feed.txt").write_text(FEED, encoding="utf-8")
    (tmp_path / "single.txt").write_text(SINGLE, encoding="utf-8")
    (tmp_path / "articles.csv").write_text(TABLE, encoding="utf-8")
    return tmp_path


def ledger(*rows: tuple[str, ...]) -> pl.DataFrame:
    """Claims as (claim_id, article, quote) or (claim_id, article, quote, also_in)."""
    rows = [(*r, "") if len(r) == 3 else r for r in rows]
    return pl.DataFrame(rows, schema=["claim_id", "article", "quote", "also_in"], orient="row")


# ---- the committed tables ---------------------------------------------------------------------------

def test_committed_articles_table_loads_and_covers_every_claimed_article():
    table = articles.articles()
    assert table.schema["published"] == pl.Date
    assert set(claims.load_claims()["article"]) <= set(table["article"])
    assert table.filter(pl.col("article") == YORK)["url"].to_list() == [
        "https://www.communitycare.co.uk/2022/05/05/inspectors-downgrade-council-after-finding-significant-"
        "variation-in-quality-of-social-work/"]


def test_committed_claim_stories_maps_every_claim():
    mapping = articles.claim_stories()
    assert mapping["claim_id"].to_list() == claims.load_claims()["claim_id"].to_list()


def test_claims_with_stories_and_story_for_claim():
    joined = articles.claims_with_stories()
    assert joined.height == claims.load_claims().height
    assert joined["headline"].null_count() == 0
    # the York story is in the feed (002) and repeated on its own (004): one row, 004 listed in also_in
    claim_id = joined.filter(pl.col("also_in") == YORK)["claim_id"][0]
    story = articles.story_for_claim(claim_id)
    assert (story["story"], story["publisher"], story["story_date"]) == ("york-downgraded", "Community Care",
                                                                         dt.date(2022, 5, 5))
    repeats = articles.claim_stories(repeats=True)
    assert repeats.filter(pl.col("claim_id") == claim_id).rows() == [(claim_id, YORK, "york-downgraded")]
    with pytest.raises(UserError, match="no claim 'zz-999'"):
        articles.story_for_claim("zz-999")


def test_describe():
    assert articles.describe(YORK, "york-downgraded") == (
        "Inspectors downgrade council after finding ‘significant variation’ in quality of social work "
        "(Community Care, 5 May 2022)")
    assert articles.describe(GUARDIAN, "ofsted-annual-report-response") == (
        "Ofsted children's services report – the sector's response (The Guardian)")
    with pytest.raises(UserError, match="no story 'nope'"):
        articles.describe(YORK, "nope")


def test_describe_leaves_out_what_is_unknown(folder):
    table = articles.articles(folder / "articles.csv").with_columns(publisher=pl.lit(""))
    assert articles.describe("single.txt", "one", table) == "One headline"
    assert articles.describe("feed.txt", "second", table) == "Second story headline (20 May 2022)"


# ---- validation at the door -------------------------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    ("feed.txt,first,Dup,Community Care,,,not in text,,", r"story named twice in one article: \[\('feed.txt', 'first'\)\]"),
    ("x.txt,Bad Slug,H,,,,not in text,,", r"line 5 \(x.txt, Bad Slug\): story 'Bad Slug' is not a slug"),
    ("x.txt,a,,,,,not in text,,", r"line 5 \(x.txt, a\): headline is empty"),
    ("x.txt,a,H,,,2022-05-05,not in text,,", r"line 5 .*published 2022-05-05 but date_source says 'not in text'"),
    ("x.txt,a,H,,,,URL path,,", r"line 5 .*no published date but date_source is 'URL path'"),
    ("x.txt,a,H,,,5 May 2022,text,,", r"line 5 .*published '5 May 2022' is not an ISO date"),
    ("x.txt,a,H,,,2022-02-30,text,,", r"line 5 .*published '2022-02-30' is not an ISO date"),
    ("x.txt,a,H,,,20220505,text,,", r"line 5 .*published '20220505' is not an ISO date"),
    ("x.txt,a,H,,,2022-05-06,URL path,https://e.org/2022/05/05/a/", r"line 5 .*does not hold /2022/05/06/"),
    ("x.txt,a,H,,,,not in text,www.e.org,", r"line 5 .*url 'www.e.org' is not a web address"),
])
def test_articles_refuses_a_bad_row_naming_it(folder, line, message):
    path = folder / "articles.csv"
    path.write_text(TABLE + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message):
        articles.articles(path)


def test_articles_refuses_wrong_columns(folder):
    path = folder / "articles.csv"
    path.write_text(TABLE.replace("date_source", "how"), encoding="utf-8")
    with pytest.raises(DataError, match="articles.csv: columns"):
        articles.articles(path)


MAPPING = "claim_id,article,story\nc1,feed.txt,first\nc2,feed.txt,second\nc3,single.txt,one\n"
CLAIMS = ledger(("c1", "feed.txt", "q"), ("c2", "feed.txt", "q"), ("c3", "single.txt", "q"))


@pytest.mark.parametrize("mapping, claims_frame, message", [
    (MAPPING, CLAIMS, None),
    (MAPPING + "c1,feed.txt,first\n", CLAIMS, r"claim mapped twice in one article: \['c1'\]"),
    (MAPPING.replace("c2,feed.txt,second", "c2,feed.txt,third"), CLAIMS,
     r"story not in articles.csv: line 3 \(c2: feed.txt, third\)"),
    (MAPPING, pl.concat([CLAIMS, ledger(("c4", "feed.txt", "q"), ("c5", "single.txt", "q"))]),
     r"claims with no story: \['c4 in feed.txt', 'c5 in single.txt'\]; regenerate it with "
     r"`python -m csc_figures.articles`"),
    (MAPPING, CLAIMS.with_columns(also_in=pl.when(pl.col("claim_id") == "c3").then(pl.lit("feed.txt"))
                                  .otherwise(pl.lit(""))),
     r"claims with no story: \['c3 in feed.txt'\]"),
    (MAPPING, CLAIMS.head(2), r"claims no longer in claims.csv: \['c3'\]"),
    (MAPPING, CLAIMS.with_columns(article=pl.lit("feed.txt")), r"article differs from claims.csv \(article or "
     r"also_in\) for \['c3'\]"),
])
def test_claim_stories_checks_against_articles_and_claims(folder, mapping, claims_frame, message):
    path = folder / "claim_stories.csv"
    path.write_text(mapping)
    table = articles.articles(folder / "articles.csv")
    if message is None:
        assert articles.claim_stories(path, table=table, claims=claims_frame).height == 3
        return
    with pytest.raises(DataError, match=message):
        articles.claim_stories(path, table=table, claims=claims_frame)


# ---- placing quotes in stories ----------------------------------------------------------------------

def test_locate_places_each_quote_in_the_story_that_holds_it(folder):
    table = articles.articles(folder / "articles.csv")
    found = articles.locate(ledger(
        ("c1", "feed.txt", "The council's caseloads fell to 21 in June"),   # straight quote, single spaces
        ("c2", "feed.txt", "Vacancies rose to 19%"),
        ("c3", "single.txt", "turnover was “high”"),                  # across a line break
    ), table, folder)
    assert found.rows() == [("c1", "feed.txt", "first"), ("c2", "feed.txt", "second"),
                            ("c3", "single.txt", "one")]


def test_a_repeated_sentence_is_placed_in_every_article_that_repeats_it(folder):
    (folder / "repost.txt").write_text("Repost headline\n\nVacancies rose to 19%.\n", encoding="utf-8")
    (folder / "articles.csv").write_text(TABLE + "repost.txt,repost,Repost headline,Community Care,,,not in text,,\n",
                                         encoding="utf-8")
    table = articles.articles(folder / "articles.csv")
    found = articles.locate(ledger(("c1", "feed.txt", "Vacancies rose to 19%", "repost.txt")), table, folder)
    assert found.rows() == [("c1", "feed.txt", "second"), ("c1", "repost.txt", "repost")]
    with pytest.raises(DataError, match="c1: quote not found in single.txt"):
        articles.locate(ledger(("c1", "feed.txt", "Vacancies rose to 19%", "single.txt")), table, folder)


def test_locate_names_every_claim_it_cannot_place(folder):
    table = articles.articles(folder / "articles.csv")
    with pytest.raises(DataError) as err:
        articles.locate(ledger(
            ("c1", "feed.txt", "caseloads fell to 21"),            # in both stories
            ("c2", "feed.txt", "Channel title"),                   # before the first headline
            ("c3", "single.txt", "turnover was low"),
            ("c4", "missing.txt", "anything"),
            ("c5", "single.txt", "Inspectors said"),               # fine: not reported
        ), table, folder)
    text = str(err.value)
    assert text.startswith("4 claim(s) could not be placed in a story")
    assert "c1: quote is in more than one story of feed.txt: ['first', 'second']" in text
    assert "c2: quote comes before the first story's headline in feed.txt" in text
    assert "c3: quote not found in single.txt: 'turnover was low'" in text
    assert "c4: article file missing.txt is not in" in text
    assert "c5" not in text


def test_locate_refuses_a_headline_missing_from_the_text(folder):
    table = articles.articles(folder / "articles.csv").with_columns(
        headline=pl.when(pl.col("story") == "second").then(pl.lit("Not there")).otherwise("headline"))
    with pytest.raises(DataError, match="headline of feed.txt story 'second' not found"):
        articles.locate(ledger(("c1", "feed.txt", "Vacancies")), table, folder)


def test_main_without_the_texts_leaves_the_committed_file(monkeypatch, capsys):
    before = articles.CLAIM_STORIES_CSV.read_bytes()
    monkeypatch.setattr(paths, "ARTICLES", paths.ROOT / "no-such-folder")
    assert articles.main([]) == 1
    assert "are not at" in capsys.readouterr().err
    assert articles.CLAIM_STORIES_CSV.read_bytes() == before


# ---- against the article texts, where they are beside the checkout ----------------------------------

@needs_texts
def test_regenerating_claim_stories_reproduces_the_committed_file(tmp_path):
    out = tmp_path / "claim_stories.csv"
    articles.write_claim_stories(out)
    assert out.read_bytes() == articles.CLAIM_STORIES_CSV.read_bytes(), \
        "data/claim_stories.csv is stale: run `python -m csc_figures.articles` and commit it"


@needs_texts
def test_every_article_file_has_stories_and_every_headline_and_url_is_in_the_texts(article_texts):
    table = articles.articles()
    texts = {name: articles.normalise(text) for name, text in article_texts.items()}
    assert set(table["article"]) == set(texts)
    for row in table.iter_rows(named=True):
        assert articles.normalise(row["headline"]) in texts[row["article"]], row["story"]
        if row["url"]:  # a URL may come from another file holding the same story (004 from the 002 feed)
            assert any(row["url"] in text for text in texts.values()), row["url"]
