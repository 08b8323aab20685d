"""The claims ledger: every figure quoted in the articles, recomputed and checked.

data/claims.csv holds one row per figure: the quote, the value as printed, its
precision and the key of the computation that recomputes it, with its args
(`k=v;k=v`). Story modules register those computations with `register`; this
module loads the ledger, calls them and compares at the article's rounding.

Keys used in data/claims.csv (args arrive as strings; register in a csc_figures.stories module):
  ratings.group_mean     rating, measure, year, as_of, vintage -> mean of councils' rates by judgement in force
  ratings.group_change   rating, measure, year, base_year, as_of, vintage -> change in that mean, points
  ratings.ordered        measure, year, as_of, vintage -> 1 if the means fall at each step up the ratings, else 0
  profile.value          council (name, or England / a region), measure, year, vintage -> the published figure
  profile.change         council, measure, year, base_year, vintage -> points
  profile.ratio          council, measure, year, vintage, and base_year= or compare_to=England -> ratio
  profile.highest_in_years  council, measure, year, vintage -> years (incl. this one) it is the highest over
  profile.trend          council, measure, from_year, to_year, vintage -> "rising every year" or not
  inspections.history    council, before (date), field (overall, year, years_since + as_of, or a
                         sub-judgement), optional framework -> the latest inspection published before the date
  inspections.count_published  framework, window or published_from/published_to, optional overall (comma list)
  inspections.share_published  the same -> percent of those inspections with overall in the list
  inspections.count_in_force   judgement (or any), as_of, optional published_after -> councils
  inspections.previously_good_now_below  framework, published_to, previous_framework, previous_field
                         -> percent of councils previously good judged RI or inadequate
  national.value / national.change_pct (base_year) / national.record / national.lowest_in_years /
  national.lower_than_previous / national.direction (base_year)   measure (children_looked_after,
                         children_starting_care, children_ceasing_care, section_47_enquiries), year
  national.first_published  measure, year, optional release -> the figure as DfE's release first published it
                         (read from DfE's page, data/reported), noting what the release we hold gives now
  reported.value, reported.completion_rate, reported.direction, reported.highest, reported.lowest_completion,
  reported.lower_completion_than (csc_figures.stories.reported); arithmetic.* (here).
Judgements come back as requires_improvement etc; texts are compared after normalise_text.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import pkgutil
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import atomic, paths
from .errors import DataError, NotHeld
from .printed import COMPARES, agrees, format_computed, normalise_text, rounding_tolerance, within  # noqa: F401

CLAIMS_CSV = paths.DATA / "claims.csv"
REPORT_CSV = paths.OUTPUTS / "claims_report.csv"
# every claim computed from a workforce release, recomputed under each release we hold
VINTAGES_CSV = paths.OUTPUTS / "claims_by_vintage.csv"

# `also_in`: the other article files that repeat the same sentence (';'-separated); one row per statement
CLAIM_COLUMNS = ["claim_id", "article", "quote", "published", "value", "unit", "precision", "kind",
                 "computation", "args", "compare", "tolerance", "note", "also_in"]
# `reason`: why a claim differs (a DIFFERENCE_REASONS key), worked out by check_claim; empty otherwise
REPORT_COLUMNS = ["claim_id", "article", "quote", "published", "computed", "status", "reason", "source_kind",
                  "note"]
KINDS = {"data", "reported", "arithmetic", "statement"}
# `consistent`: a statement whose only evidence is figures read from the same article; it agrees with its
# own citation, which is not verification, so it is counted apart from `reported` (another document's figures).
STATUSES = ["match", "differs", "reported", "consistent", "not_implemented"]
# each status as a sentence says it: 'printed 80,850, recomputed 80,780 (differs)'
STATUS_WORDS = {"match": "matches", "differs": "differs", "reported": "as cited",
                "consistent": "consistent with its own citation", "not_implemented": "not yet recomputed"}
VINTAGE_COLUMNS = ["claim_id", "published", "vintage", "computed", "status", "note"]
# A claim that differs must say why: its note starts with one of these prefixes.
DIFFERENCE_REASONS = {
    "Revised": "a later revision of the data",
    "Method": "a different method",
    "Article error": "an error in the article",
    "Not held": "a release or year we do not hold",
    "Speaker": "a speaker's round figure, quoted as said",
    "Untraced": "a difference we cannot trace to a source",
}
NOT_HELD = "Not held"

@dataclass(frozen=True)
class Noted:
    """A computed value with a sentence the computation worked out about it (a later revision, say); the report
    adds the sentence to the claim's note, so a figure in it comes from the data, not from typing."""
    value: float | int | str | None
    note: str


Computation = Callable[..., float | int | str | Noted | None]
REGISTRY: dict[str, Computation] = {}
# computation key prefix -> the cited rows a claim's figures come from, given its args (columns source_kind:
# primary document / secondary report, read_from, read_from_url); registered by the story holding them
EVIDENCE: dict[str, Callable[[str, dict[str, str]], pl.DataFrame]] = {}
IMPORT_ERRORS: dict[str, str] = {}  # story module -> why it could not be imported


def register(name: str) -> Callable[[Computation], Computation]:
    """Register a function as the computation for a claims key (args arrive as keyword strings)."""
    def decorator(func: Computation) -> Computation:
        if name in REGISTRY and REGISTRY[name] is not func:
            raise ValueError(f"claims key {name!r} is already registered by {REGISTRY[name].__module__}")
        REGISTRY[name] = func
        return func
    return decorator


def register_evidence(prefix: str) -> Callable:
    """Register how to find the cited rows used by the claims whose computation key starts with prefix."""
    def decorator(func):
        EVIDENCE[prefix] = func
        return func
    return decorator


def evidence(row: dict) -> pl.DataFrame:
    """The cited rows (data/reported) a claim's computation reads: source_kind, read_from, read_from_url."""
    for prefix, func in EVIDENCE.items():
        if row["computation"].startswith(prefix):
            return func(row["computation"], parse_args(row["args"], row["claim_id"]))
    return pl.DataFrame(schema={c: pl.String for c in ("source_kind", "read_from", "read_from_url")})


def source_kind(row: dict) -> str:
    """'primary document' or 'secondary report' for a claim resting on cited figures; '' for publishers' tables."""
    return "; ".join(sorted(set(evidence(row)["source_kind"].drop_nulls())))


def _plain(text: str) -> str:
    """Lower case, no quotation marks, single spaces: how a headline is looked for in a citation (which
    may place a headline's quotation marks differently)."""
    return " ".join(re.sub("['‘’\"“”]", "", text.lower()).split())


def self_cited(row: dict) -> bool:
    """Were all the cited figures a claim uses read from the story that makes the claim? Then agreeing with
    them shows the article is consistent with itself, not that a document confirms it. The story is
    matched by its address, or by its headline where the article file gives no address."""
    from .articles import stories_by_claim, story_for_claim

    used = evidence(row)
    if not used.height:
        return False
    story = stories_by_claim().get(row["claim_id"]) or story_for_claim(row["claim_id"])  # the latter names a stray id
    for r in used.iter_rows(named=True):
        same_url = bool(story["url"]) and r.get("read_from_url") == story["url"]
        same_headline = _plain(story["headline"]) in _plain(r.get("read_from") or "")
        if not (same_url or same_headline):
            return False
    return True


def load_story_modules() -> dict[str, str]:
    """Import every csc_figures.stories module so its computations register; return import failures."""
    from . import stories

    for module in sorted(m.name for m in pkgutil.iter_modules(stories.__path__)):
        name = f"{stories.__name__}.{module}"
        if name in sys.modules or name in IMPORT_ERRORS:
            continue
        try:
            importlib.import_module(name)
        except Exception as err:  # a half-built story must not break the report; its keys show as not_implemented
            IMPORT_ERRORS[name] = f"{type(err).__name__}: {err}"
    return dict(IMPORT_ERRORS)


def load_claims(path: Path = CLAIMS_CSV) -> pl.DataFrame:
    """data/claims.csv as text columns, checked for the columns, ids, kinds and compare modes."""
    claims = pl.read_csv(path, infer_schema=False)
    if claims.columns != CLAIM_COLUMNS:
        raise DataError(f"{path.name}: columns {claims.columns} differ from {CLAIM_COLUMNS}")
    claims = claims.with_columns(pl.col(c).fill_null("") for c in CLAIM_COLUMNS)
    dupes = claims.filter(pl.col("claim_id").is_duplicated())["claim_id"].unique().sort().to_list()
    if dupes:
        raise DataError(f"{path.name}: duplicate claim_id {dupes}")
    for i, row in enumerate(claims.iter_rows(named=True), start=2):
        where = f"{path.name} line {i} ({row['claim_id']})"
        if row["kind"] not in KINDS:
            raise DataError(f"{where}: kind {row['kind']!r} is not one of {sorted(KINDS)}")
        if row["compare"] not in COMPARES:
            raise DataError(f"{where}: compare {row['compare']!r} is not one of {sorted(COMPARES)}")
        if row["unit"] != "text":
            for column, parse in (("value", float), ("precision", int)):
                try:
                    parse(row[column])
                except ValueError:
                    raise DataError(f"{where}: column {column!r} holds {row[column]!r}, which is not "
                                    f"{'a number' if parse is float else 'a whole number of decimal places'}") from None
        if row["compare"] == "about" and not row["tolerance"]:
            raise DataError(f"{where}: compare 'about' needs a tolerance")
        parse_args(row["args"], where)
        also = [a.strip() for a in row["also_in"].split(";") if a.strip()]
        if row["article"] in also or len(set(also)) < len(also):
            raise DataError(f"{where}: also_in {row['also_in']!r} names its own article or one article twice")
    # one row per statement: the same sentence checked the same way in a second article is a repeat
    repeated = claims.filter(pl.struct("quote", "computation", "args").is_duplicated())
    if repeated.height:
        ids = repeated.group_by("quote", "computation", "args", maintain_order=True).agg("claim_id")["claim_id"]
        raise DataError(f"{path.name}: the same sentence checked twice: {[list(i) for i in ids]}; keep one row "
                        f"and list the other articles in its also_in column")
    return claims


def parse_args(text: str, where: str = "args") -> dict[str, str]:
    """'k=v;k=v' -> {'k': 'v', ...}."""
    args: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise DataError(f"{where}: argument {part!r} is not key=value")
        args[key.strip()] = value.strip()
    return args


def difference_reason(note: str | None) -> str | None:
    """The reason prefix a note starts with (a DIFFERENCE_REASONS key and a colon), or None."""
    for reason in DIFFERENCE_REASONS:
        if (note or "").startswith(f"{reason}:"):
            return reason
    return None


def status_words(status: str, reason: str | None = None) -> str:
    """A status as a sentence says it: 'matches', or 'differs: a later revision of the data' with the reason
    check_claim worked out."""
    return f"{STATUS_WORDS[status]}: {DIFFERENCE_REASONS[reason]}" if reason else STATUS_WORDS[status]


def cited(row: dict) -> bool:
    """A figure or statement whose evidence is a cited document (data/reported), not a publisher's table."""
    return row["kind"] == "reported" or (row["kind"] == "statement" and row["computation"].startswith("reported."))


def _release_not_held(row: dict) -> bool:
    """A claim read from a workforce release (args `vintage=`) in a story published before the end of the
    reporting year of every release we hold: the release the story used is not one we hold."""
    from .articles import claim_dates
    from .sources import WORKFORCE, releases

    if "vintage=" not in row["args"]:
        return False
    published = claim_dates().get(row["claim_id"])
    first = min(source.vintage for source in releases(WORKFORCE))
    return published is not None and published <= dt.date(first, 9, 30)  # a release covers years to 30 Sept


def _reason(row: dict, held: bool) -> str:
    """Why a claim differs. 'Not held' is decided here: the computation found no data (`held` False) or the
    story used a release we do not hold; a note may say so but cannot make it so. Any other reason is the
    note's prefix (a reviewed judgement: a revision, an error in the article, a speaker's round figure)."""
    if not held or _release_not_held(row):
        return NOT_HELD
    typed = difference_reason(row["note"])
    return "" if typed in (None, NOT_HELD) else typed


def check_claim(row: dict) -> dict:
    """Recompute one claim: {'computed', 'status', 'reason', 'note'}."""
    key, note = row["computation"], row["note"]
    func = REGISTRY.get(key)
    if func is None:
        return {"computed": "", "status": "not_implemented", "reason": "",
                "note": f"no computation registered for {key}"}
    try:
        computed = func(**parse_args(row["args"], row["claim_id"]))
    except NotHeld as err:
        return {"computed": "", "status": "differs", "reason": NOT_HELD, "note": note or str(err)}
    except Exception as err:  # shown in the report as a difference; unexplained ones fail the tests
        failed = f"could not compute: {type(err).__name__}: {err}"
        return {"computed": "", "status": "differs", "reason": _reason(row, held=True),
                "note": f"{note} [{failed}]" if note else failed}
    if isinstance(computed, Noted):
        computed, note = computed.value, " ".join(filter(None, (note, computed.note)))
    if computed is None:  # the computation found no value in any file we hold
        return {"computed": "", "status": "differs", "reason": NOT_HELD,
                "note": note or "the data hold no value for this figure"}
    if isinstance(computed, float) and computed != computed:
        return {"computed": "NaN", "status": "differs", "reason": "", "note": note or "computed value is NaN"}
    if agrees(row, computed):
        status = "match"
        if cited(row):
            status = "consistent" if row["kind"] == "statement" and self_cited(row) else "reported"
        return {"computed": format_computed(computed, row), "status": status, "reason": "", "note": note}
    return {"computed": format_computed(computed, row), "status": "differs", "reason": _reason(row, held=True),
            "note": note}


def claims_report(claims: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every claim with its recomputed value and status (match, differs, reported, not_implemented)."""
    load_story_modules()
    claims = load_claims() if claims is None else claims
    rows = []
    for row in claims.iter_rows(named=True):
        result = check_claim(row)
        rows.append({c: row[c] for c in ("claim_id", "article", "quote", "published")} | result
                    | {"source_kind": source_kind(row)})
    return pl.DataFrame(rows, schema={c: pl.String for c in REPORT_COLUMNS}).select(REPORT_COLUMNS)


def by_vintage(claims: pl.DataFrame | None = None, vintages: list[int] | None = None) -> pl.DataFrame:
    """Each claim computed from a workforce release (args `vintage=`), recomputed under every release we hold.

    One row per claim and release: the value, and whether it matches the printed figure at the
    article's rounding; `note` says why a release could not answer (e.g. a year it does not hold).
    """
    from .workforce import vintages as held

    load_story_modules()
    claims = load_claims() if claims is None else claims
    rows = []
    for row in claims.iter_rows(named=True):
        args = parse_args(row["args"], row["claim_id"])
        if "vintage" not in args:
            continue
        for vintage in held() if vintages is None else vintages:
            text = ";".join(f"{k}={vintage if k == 'vintage' else v}" for k, v in args.items())
            result = check_claim({**row, "args": text, "note": ""})
            rows.append({"claim_id": row["claim_id"], "published": row["published"], "vintage": str(vintage),
                         "computed": result["computed"], "status": result["status"], "note": result["note"]})
    return pl.DataFrame(rows, schema={c: pl.String for c in VINTAGE_COLUMNS})


def unexplained(report: pl.DataFrame) -> pl.DataFrame:
    """Claims that differ with no reason worked out (see DIFFERENCE_REASONS and check_claim)."""
    return report.filter((pl.col("status") == "differs") & (pl.col("reason") == ""))


def regressions(report: pl.DataFrame, baseline: pl.DataFrame) -> pl.DataFrame:
    """Claims that matched (or were confirmed as reported or consistent) in the baseline report and no longer do."""
    was = baseline.filter(pl.col("status").is_in(["match", "reported", "consistent"])).select("claim_id", was="status",
                                                                                  was_computed="computed")
    return (was.join(report, on="claim_id", how="left")
               .filter(pl.col("status").is_null() | (pl.col("status") != pl.col("was")))
               .select("claim_id", "published", "was", "was_computed", "status", "computed", "note"))


def committed_report(path: Path = REPORT_CSV) -> pl.DataFrame:
    """The report as last committed (git HEAD), so a build that rewrote the file cannot hide a change.

    Outside a git checkout, the file on disk is used.
    """
    relative = path.resolve().relative_to(paths.ROOT.resolve()).as_posix()
    shown = subprocess.run(["git", "-C", str(paths.ROOT), "show", f"HEAD:{relative}"],
                           capture_output=True, text=True)
    if shown.returncode == 0:
        text = shown.stdout
    elif path.exists():
        text = path.read_text()
    else:
        raise DataError(f"{relative} is neither committed nor on disk; run `make claims` and commit it")
    return pl.read_csv(io.StringIO(text), infer_schema=False).with_columns(
        pl.col("note").fill_null(""), pl.col("computed").fill_null(""))


# ---- arithmetic: figures derived from other figures printed in the same article ----------------

def _printed(ids: str) -> float:
    """The sum of the printed values of one or more claims (comma-separated ids)."""
    claims = _claims_by_id()
    total = 0.0
    for claim_id in (i.strip() for i in ids.split(",")):
        if claim_id not in claims:
            raise DataError(f"claims.csv: arithmetic refers to unknown claim {claim_id}")
        total += float(claims[claim_id]["value"])
    return total


_CLAIMS_CACHE: dict[str, dict] = {}


def _claims_by_id() -> dict[str, dict]:
    if not _CLAIMS_CACHE:
        _CLAIMS_CACHE.update({r["claim_id"]: r for r in load_claims().iter_rows(named=True)})
    return _CLAIMS_CACHE


def claim(claim_id: str) -> dict:
    """One row of data/claims.csv by its id: how a story reads an article's figure, never keeping a copy."""
    claims = _claims_by_id()
    if claim_id not in claims:
        raise DataError(f"{CLAIMS_CSV.name}: no claim {claim_id}")
    return claims[claim_id]


@register("arithmetic.ratio")
def ratio(a: str, b: str) -> float:
    """a / b, from the printed figures (e.g. 'more than double')."""
    return _printed(a) / _printed(b)


@register("arithmetic.share")
def share(a: str, b: str) -> float:
    """a as a percentage of b, from the printed figures."""
    return _printed(a) / _printed(b) * 100


@register("arithmetic.sum")
def total(a: str) -> float:
    """The sum of the printed figures."""
    return _printed(a)


# ---- outputs ------------------------------------------------------------------------------------

def status_counts(report: pl.DataFrame) -> dict[str, int]:
    counts = dict(report.group_by("status").len().iter_rows())
    return {s: counts.get(s, 0) for s in STATUSES}


def _difference_words(report: pl.DataFrame) -> str:
    """'(a later revision of the data: 1; ...)' for the claims that differ, by reason."""
    reasons = report.filter(pl.col("status") == "differs")["reason"].to_list()
    why = "; ".join(f"{DIFFERENCE_REASONS[r]}: {reasons.count(r)}" for r in DIFFERENCE_REASONS if reasons.count(r))
    if reasons.count(""):
        why = "; ".join(filter(None, [why, f"no reason given yet: {reasons.count('')}"]))
    return f" ({why})" if why else ""


def summary_line(report: pl.DataFrame | None = None) -> str:
    """One sentence for the README: figures and statements, how many the data reproduce, differ, are cited."""
    report = claims_report() if report is None else report
    kinds = report.join(load_claims().select("claim_id", "kind"), on="claim_id")
    figures = kinds.filter(pl.col("kind") != "statement")
    statements = kinds.filter(pl.col("kind") == "statement")
    n, s = status_counts(figures), status_counts(statements)
    recomputable = figures.filter(pl.col("kind") != "reported").height
    line = (f"The five articles quote {figures.height} figures; {recomputable} can be recomputed "
            f"from the publishers' files or from other printed figures, and {n['match']} of them match "
            f"to the article's rounding; {n['differs']} differ" + _difference_words(figures) + "; "
            f"{n['reported']} are cited figures from documents that publish no table, held in data/reported "
            f"and checked against the article")
    if statements.height:
        line += (f". They also make {statements.height} checkable statements (directions, comparisons, "
                 f"inspection events): {s['match']} hold in the publishers' files, {s['reported']} in the cited "
                 f"figures, {s['consistent']} agree with figures read from the same article (consistent with "
                 f"their citation, not verified), and {s['differs']} cannot be confirmed"
                 + _difference_words(statements))
    not_implemented = n["not_implemented"] + s["not_implemented"]
    if not_implemented:
        line += f"; {not_implemented} are not yet recomputed"
    return line + "."


def _write_atomic(path: Path, text: str) -> None:
    with atomic.replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_report(csv_path: Path = REPORT_CSV, vintages_path: Path = VINTAGES_CSV) -> pl.DataFrame:
    """Write outputs/claims_report.csv and outputs/claims_by_vintage.csv; return the report (the page a
    reporter reads is the site's, csc_figures.site.claims_page)."""
    report = claims_report()
    _write_atomic(csv_path, report.write_csv())
    _write_atomic(vintages_path, by_vintage().write_csv())
    return report


def main(argv: list[str] | None = None) -> int:
    # Run as `python -m csc_figures.claims`, this file is __main__; the stories register with the
    # importable csc_figures.claims, so work through that module.
    from csc_figures import claims as ledger

    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--summary"]:
        print(ledger.summary_line())
        return 0
    report = ledger.write_report()
    print(ledger.summary_line(report))
    for module, err in sorted(ledger.IMPORT_ERRORS.items()):
        print(f"warning: {module} could not be imported ({err}); its claims show as not_implemented", file=sys.stderr)
    return 0


if __name__ == "__main__":
    import os

    from csc_figures.claims import main as _main
    from csc_figures.steps import STEP_VARIABLE

    os.environ[STEP_VARIABLE] = "claims"  # tables.read refuses a table the step does not declare
    sys.exit(_main())
