"""The articles: the stories each file in ../shared/articles holds, and the story each claim quotes.

data/articles.csv (written by hand from the texts) has one row per story: the file, a slug, the
headline, publisher, author, date and URL where the text gives them, and how the date was
established. A file can hold several stories (a feed, a compilation); its rows are in the order
the stories appear, and each story's text runs from its headline to the next story's headline.

data/claim_stories.csv maps every claim in data/claims.csv to its story. It is generated from the
article texts by `python -m csc_figures.articles` (they are not committed); the build and the
loaders read only the two committed CSVs.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from functools import cache
from pathlib import Path

import polars as pl

from . import paths
from .dates import day_words
from .claims import _write_atomic, load_claims
from .errors import DataError, UserError

ARTICLES_CSV = paths.DATA / "articles.csv"
CLAIM_STORIES_CSV = paths.DATA / "claim_stories.csv"
ARTICLE_COLUMNS = ["article", "story", "headline", "publisher", "author", "published", "date_source",
                   "url", "note"]
CLAIM_STORY_COLUMNS = ["claim_id", "article", "story"]
NOT_IN_TEXT = "not in text"  # date_source of a story whose date we could not establish
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _read(path: Path, columns: list[str]) -> pl.DataFrame:
    table = pl.read_csv(path, infer_schema=False)
    if table.columns != columns:
        raise DataError(f"{path.name}: columns {table.columns} differ from {columns}")
    return table.with_columns(pl.col(c).fill_null("") for c in columns)


def _check_story(row: dict, where: str) -> None:
    for column in ("article", "story", "headline", "date_source"):
        if not row[column]:
            raise DataError(f"{where}: {column} is empty")
    if not _SLUG.fullmatch(row["story"]):
        raise DataError(f"{where}: story {row['story']!r} is not a slug (lower case words joined by -)")
    if row["url"] and not row["url"].startswith(("https://", "http://")):
        raise DataError(f"{where}: url {row['url']!r} is not a web address")
    if not row["published"]:
        if row["date_source"] != NOT_IN_TEXT:
            raise DataError(f"{where}: no published date but date_source is {row['date_source']!r}, "
                            f"not {NOT_IN_TEXT!r}")
        return
    if row["date_source"] == NOT_IN_TEXT:
        raise DataError(f"{where}: published {row['published']} but date_source says {NOT_IN_TEXT!r}")
    try:  # fromisoformat alone would take 20220505
        date = dt.date.fromisoformat(re.fullmatch(r"\d{4}-\d\d-\d\d", row["published"])[0])
    except (TypeError, ValueError):
        raise DataError(f"{where}: published {row['published']!r} is not an ISO date (YYYY-MM-DD)") from None
    if "URL path" in row["date_source"] and f"/{date:%Y/%m/%d}/" not in row["url"]:
        raise DataError(f"{where}: date_source is the URL path but the url {row['url']!r} "
                        f"does not hold /{date:%Y/%m/%d}/")


def articles(path: Path = ARTICLES_CSV) -> pl.DataFrame:
    """data/articles.csv, one row per story, checked; `published` is a date (null when unknown)."""
    table = _read(path, ARTICLE_COLUMNS)
    for line, row in enumerate(table.iter_rows(named=True), start=2):
        _check_story(row, f"{path.name} line {line} ({row['article']}, {row['story']})")
    dupes = table.filter(pl.struct("article", "story").is_duplicated())
    if dupes.height:
        keys = sorted(set(zip(dupes["article"], dupes["story"], strict=True)))
        raise DataError(f"{path.name}: story named twice in one article: {keys}")
    published = pl.when(pl.col("published") != "").then(pl.col("published"))
    return table.with_columns(published.str.to_date("%Y-%m-%d").alias("published"))


@cache
def claim_dates() -> dict[str, dt.date]:
    """Each claim's story's publication date (claims in a story with no date are left out)."""
    mapping = claim_stories()
    dated = articles().select("article", "story", "published").drop_nulls("published")
    joined = mapping.join(dated, on=["article", "story"], how="inner")
    return dict(zip(joined["claim_id"], joined["published"], strict=True))


@cache
def stories_by_claim() -> dict[str, dict]:
    """Each claim's own story (its claims_with_stories row), read once per process as claim_dates is: the claims
    report asks it for every cited statement."""
    return {r["claim_id"]: r for r in claims_with_stories().iter_rows(named=True)}


def claim_articles(claims: pl.DataFrame) -> pl.DataFrame:
    """claim_id, article, repeat: each claim's own article (repeat False), then each article in its
    `also_in` that repeats the sentence (repeat True)."""
    numbered = claims.with_row_index("order")
    also = (numbered.select("order", "claim_id", pl.col("also_in").str.split(";").alias("article"))
            .explode("article").filter(pl.col("article").str.strip_chars() != "")
            .with_columns(pl.col("article").str.strip_chars(), pl.lit(True).alias("repeat")))
    own = numbered.select("order", "claim_id", "article", pl.lit(False).alias("repeat"))
    return pl.concat([own, also]).sort("order", "repeat", maintain_order=True).drop("order")


def claim_stories(path: Path = CLAIM_STORIES_CSV, *, table: pl.DataFrame | None = None,
                  claims: pl.DataFrame | None = None, repeats: bool = False) -> pl.DataFrame:
    """data/claim_stories.csv, checked: every claim mapped once to a story in its own article, and once in
    each article that repeats it (`also_in`). Returns the claims' own stories; repeats=True returns the
    stories of the articles that repeat them."""
    mapping = _read(path, CLAIM_STORY_COLUMNS)
    table = articles() if table is None else table
    claims = load_claims() if claims is None else claims
    dupes = mapping.filter(pl.struct("claim_id", "article").is_duplicated())["claim_id"].unique().sort().to_list()
    if dupes:
        raise DataError(f"{path.name}: claim mapped twice in one article: {dupes}")
    numbered = mapping.with_row_index("line", offset=2)
    unknown = numbered.join(table, on=["article", "story"], how="anti")
    if unknown.height:
        rows = [f"line {r['line']} ({r['claim_id']}: {r['article']}, {r['story']})"
                for r in unknown.iter_rows(named=True)]
        raise DataError(f"{path.name}: story not in {ARTICLES_CSV.name}: " + "; ".join(rows))
    regenerate = "; regenerate it with `python -m csc_figures.articles`"
    expected = claim_articles(claims)
    gone = mapping.join(claims, on="claim_id", how="anti")["claim_id"].to_list()
    if gone:
        raise DataError(f"{path.name}: claims no longer in claims.csv: {gone}{regenerate}")
    moved = mapping.join(expected, on=["claim_id", "article"], how="anti")["claim_id"].to_list()
    if moved:
        raise DataError(f"{path.name}: article differs from claims.csv (article or also_in) for {moved}"
                        f"{regenerate}")
    unmapped = expected.join(mapping, on=["claim_id", "article"], how="anti")
    if unmapped.height:
        missing = [f"{r['claim_id']} in {r['article']}" for r in unmapped.iter_rows(named=True)]
        raise DataError(f"{path.name}: claims with no story: {missing}{regenerate}")
    placed = mapping.join(expected, on=["claim_id", "article"])
    return placed.filter(pl.col("repeat") == repeats).select(CLAIM_STORY_COLUMNS)


def claims_with_stories(claims: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each claim with its story: story, headline, publisher, author, story_date, url.

    The story's date is `story_date`: a claim's own `published` is the figure as printed.
    """
    claims = load_claims() if claims is None else claims
    table = articles()
    mapping = claim_stories(table=table, claims=claims)
    story = table.select("article", "story", "headline", "publisher", "author",
                         pl.col("published").alias("story_date"), "url")
    return claims.join(mapping, on=["claim_id", "article"], how="left", maintain_order="left") \
        .join(story, on=["article", "story"], how="left", maintain_order="left")


def story_for_claim(claim_id: str) -> dict:
    """The story one claim quotes: its claims_with_stories row as a dict."""
    rows = claims_with_stories().filter(pl.col("claim_id") == claim_id)
    if not rows.height:
        raise UserError(f"no claim {claim_id!r} in claims.csv")
    return rows.row(0, named=True)


def describe(article: str, story: str, table: pl.DataFrame | None = None) -> str:
    """'Headline (Publisher, 6 May 2022)'; a publisher or date the text does not give is left out."""
    table = articles() if table is None else table
    rows = table.filter((pl.col("article") == article) & (pl.col("story") == story))
    if not rows.height:
        raise UserError(f"no story {story!r} in article {article!r} ({ARTICLES_CSV.name})")
    row = rows.row(0, named=True)
    said = [row["publisher"]] if row["publisher"] else []
    if row["published"] is not None:
        said.append(day_words(row["published"]))
    return f"{row['headline']} ({', '.join(said)})" if said else row["headline"]


def normalise(text: str) -> str:
    """Curly quotes as straight ones and any run of whitespace as one space, for finding quotes."""
    for curly, straight in (("‘’‛′", "'"), ("“”„″", '"')):
        text = re.sub(f"[{curly}]", straight, text)
    return " ".join(text.split())  # str.split also splits on non-breaking spaces


def story_starts(text: str, table: pl.DataFrame, article: str) -> list[tuple[int, str]]:
    """(position, story) where each of the article's stories starts in its normalised text."""
    starts, after = [], 0
    for row in table.filter(pl.col("article") == article).iter_rows(named=True):
        at = text.find(normalise(row["headline"]), after)
        if at < 0:
            raise DataError(f"{ARTICLES_CSV.name}: headline of {article} story {row['story']!r} not found "
                            f"in the text after the previous story's headline")
        starts.append((at, row["story"]))
        after = at + 1
    return starts


def locate(claims: pl.DataFrame, table: pl.DataFrame, folder: Path = paths.ARTICLES) -> pl.DataFrame:
    """claim_id, article, story: the story whose text holds each claim's quote; every miss is named."""
    texts: dict[str, tuple[str, list[tuple[int, str]]]] = {}
    found, problems = [], []
    quotes = dict(zip(claims["claim_id"], claims["quote"], strict=True))
    for claim in claim_articles(claims).iter_rows(named=True):
        claim_id, article = claim["claim_id"], claim["article"]
        if article not in texts:
            if not (folder / article).is_file():
                problems.append(f"{claim_id}: article file {article} is not in {folder}")
                continue
            text = normalise((folder / article).read_text(encoding="utf-8"))
            texts[article] = (text, story_starts(text, table, article))
        text, starts = texts[article]
        quote = normalise(quotes[claim_id])
        hits = [m.start() for m in re.finditer(re.escape(quote), text)] if quote else []
        stories = {next((s for at, s in reversed(starts) if at <= hit), None) for hit in hits}
        if not hits:
            problems.append(f"{claim_id}: quote not found in {article}: {quotes[claim_id]!r}")
        elif None in stories:
            problems.append(f"{claim_id}: quote comes before the first story's headline in {article}")
        elif len(stories) > 1:
            problems.append(f"{claim_id}: quote is in more than one story of {article}: {sorted(stories)}")
        else:
            found.append((claim_id, article, stories.pop()))
    if problems:
        raise DataError(f"{len(problems)} claim(s) could not be placed in a story:\n  " + "\n  ".join(problems))
    return pl.DataFrame(found, schema=CLAIM_STORY_COLUMNS, orient="row")


def write_claim_stories(path: Path = CLAIM_STORIES_CSV, folder: Path = paths.ARTICLES) -> pl.DataFrame:
    """Regenerate data/claim_stories.csv from the article texts; return the mapping."""
    mapping = locate(load_claims(), articles(), folder)
    _write_atomic(path, mapping.write_csv())
    return mapping


def main(argv: list[str] | None = None) -> int:
    if not paths.ARTICLES.is_dir():
        print(f"The article texts are not at {paths.ARTICLES}: {CLAIM_STORIES_CSV.name} is generated from "
              "them, so the committed file is left as it is.", file=sys.stderr)
        return 1
    try:
        mapping = write_claim_stories()
    except DataError as err:
        print(err, file=sys.stderr)
        return 1
    repeats = mapping.filter(pl.col("claim_id").is_duplicated()).select("claim_id").n_unique()
    print(f"Wrote {CLAIM_STORIES_CSV.relative_to(paths.ROOT)}: {mapping['claim_id'].n_unique()} claims in "
          f"{mapping.select('article', 'story').n_unique()} stories ({repeats} repeated in a second article).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
