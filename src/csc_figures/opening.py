"""Every notebook's opening, generated so it stays true for any parameters: the article(s) it checks (headline,
publisher, date from data/articles.csv), the data it rests on (publisher, publication, release, from
data/sources.toml through the step graph), what a data-building notebook builds and which notebooks need it,
and what this run was asked for, in words.

    from csc_figures.opening import opening
    opening("13_national_trends", globals())   # displays Markdown in a notebook, after the parameters

The question and the method stay in the notebook's first Markdown cell: they do not change with a parameter.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import params as declared
from .dates import day_words, month_words
from . import sources, steps

# The claims each story notebook checks: the claims ledger's computation keys that start with these.
CLAIM_PREFIXES = {
    "10_ratings_vs_workforce": ("ratings.",),
    "11_council_profile": ("profile.",),
    "12_inspection_judgements": ("inspections.",),
    "13_national_trends": ("national.",),
    "14_reported_figures": ("reported.",),
}
# Tables a reader meets in these words (the processed tables' file names are for the code).
TABLE_WORDS = {
    "la_geography": "councils and their codes",
    "la_names": "every spelling of each council's name",
    "statistical_neighbours": "each council's statistical neighbours",
    "inspections": "every Ofsted judgement of each council",
    "ofsted_names": "Ofsted's names for councils",
    "workforce": "the social work workforce, by council, year and release",
    "children_in_need": "children in need",
    "section_47": "section 47 enquiries and child protection conferences",
    "children_looked_after": "children looked after",
}
_MAX_ARTICLES = 6


def _raw_files(name: str) -> list[str]:
    """The raw files a step's figures come from: its own, and those behind each table it reads. The council
    lookups (names, codes, neighbours) are left out: they say which council, not what any figure is."""
    step = steps.STEPS[name]
    found = list(step.raw)
    for table in step.reads:
        if table not in steps.GEOGRAPHY_TABLES:
            found += [f for f in steps.writer(table).raw if f not in found]
    return found


def data_lines(name: str) -> list[str]:
    """'Department for Education, Children's social work workforce: Reporting year 2022 (...); ...', one line
    per publication, releases in the manifest's order."""
    manifest = sources.load_manifest()
    used = set(_raw_files(name))
    by_publication: dict[tuple[str, str], list[str]] = {}
    for source in manifest.values():
        if source.name in used:
            releases = by_publication.setdefault((source.publisher, source.publication), [])
            if source.release not in releases:
                releases.append(source.release)
    lines = [f"{publisher}, *{publication}*: {'; '.join(releases)}"
             for (publisher, publication), releases in by_publication.items()]
    if any(i.startswith("data/reported/") for i in steps.STEPS[name].inputs):
        lines.append("figures as printed in the documents cited row by row in data/reported/")
    return lines


def _document_date(text: str) -> str:
    """A cited document's date as the desk writes it: '2022-05-20' -> '20 May 2022', '2022-05' -> 'May 2022'."""
    text = str(text).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return day_words(text)
    if len(text) == 7 and text[4] == "-" and text[5:].isdigit():
        return month_words(text)
    return text


def reported_lines(name: str, values: dict[str, Any]) -> list[str]:
    """The documents the notebook's charts read from data/reported/, for the parameters given:
    '*Document* (publisher, 20 May 2022)'. Only notebook 14 draws its charts from reported tables."""
    if name != "14_reported_figures":
        return []
    from .stories import reported

    docs = reported.documents(reported.cohort_table(values["cohorts_year"]), reported.study_table(values["study_phase"]),
                              reported.LONGITUDINAL)
    return [f"*{row['document']}* ({row['publisher'].replace('; ', ', ')}, {_document_date(row['date'])})"
            for row in docs.iter_rows(named=True)]


def article_lines(name: str) -> list[str]:
    """The stories whose figures the notebook checks: '“Headline” (Publisher, 6 May 2022)', newest first."""
    prefixes = CLAIM_PREFIXES.get(name)
    if not prefixes:
        return []
    from .articles import articles, claim_stories

    claims = claim_stories().join(_claims().select("claim_id", "computation"), on="claim_id")
    claims = claims.filter(pl.any_horizontal(pl.col("computation").str.starts_with(p) for p in prefixes))
    stories = (articles().join(claims.select("article", "story").unique(), on=["article", "story"])
               .sort("published", "headline", descending=[True, False], nulls_last=True)
               .unique("story", keep="first", maintain_order=True))  # one story kept in two files is one story
    lines = []
    for row in stories.iter_rows(named=True):
        said = [row["publisher"]] if row["publisher"] else []
        if row["published"]:
            said.append(day_words(row["published"]))
        lines.append(f"“{row['headline']}”" + (f" ({', '.join(said)})" if said else ""))
    if len(lines) > _MAX_ARTICLES:
        lines = [*lines[:_MAX_ARTICLES], f"and {len(lines) - _MAX_ARTICLES} more stories (data/articles.csv)"]
    return lines


def _claims() -> pl.DataFrame:
    from .claims import load_claims

    return load_claims()


def builds_lines(name: str) -> list[str]:
    """For a data-building notebook: each table it writes, in words, and the notebooks that need it."""
    lines = []
    for table in steps.STEPS[name].writes:
        # notebooks only: a module step (the ratings method search) feeds a notebook listed already
        needs = [r for r in steps.readers(table) if r != "claims" and not steps.STEPS[r].module]
        needed = ", ".join(needs) if needs else "no notebook directly"
        also = " and the claims report" if "claims" in steps.readers(table) else ""
        lines.append(f"{TABLE_WORDS.get(table, table)} (data/processed/{table}.parquet), needed by {needed}{also}")
    return lines


def run_line(name: str, values: dict[str, Any]) -> str:
    """What this run was asked for, and whether it is the article's run (the declared defaults)."""
    given = declared.given(name, {k: v for k, v in values.items() if k in declared.defaults(name)})
    about = "the article's figures" if name in CLAIM_PREFIXES else "the published run's"
    if not given:
        return f"This run uses the declared defaults: {about}."
    changed = ", ".join(f"`{k} = {v!r}`" for k, v in given.items())  # as typed in the parameters cell, in code
    return f"This run sets {changed} (not the defaults), so its figures can differ from {about}."


def opening_text(name: str, **values: Any) -> str:
    """The opening as Markdown."""
    parts = []
    articles = article_lines(name)
    if articles:
        parts.append("**The article" + ("s" if len(articles) > 1 else "") + "**: " + "; ".join(articles) + ".")
    built = builds_lines(name)
    if built:
        parts.append("**Builds**: " + "; ".join(built) + ".")
    data = data_lines(name)
    documents = reported_lines(name, values)
    if documents:
        data.append(f"the charts are drawn from {'; '.join(documents)}")
    parts.append("**The data**: " + "; ".join(data) + ".")
    parts.append(run_line(name, values))
    return "\n\n".join(parts)


def opening(name: str, namespace: dict[str, Any] | None = None) -> None:
    """Display the opening in a notebook (Markdown); the parameters are read from the notebook's namespace."""
    from IPython.display import Markdown, display

    names = declared.defaults(name)
    values = {k: (namespace or {}).get(k, v) for k, v in names.items()}
    display(Markdown(opening_text(name, **values)))
