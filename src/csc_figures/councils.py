"""Council names as people type them: one resolver for the CLI, the notebooks and the profiles.

Every name comes from the processed tables (`la_names`: each publisher's spelling with its DfE code;
`la_geography`: codes, current names, ONS codes). No council is listed here by hand; the rules below
say how a typed name meets those spellings, tried in this order (the first that answers wins):

1. Codes: a DfE three-digit code ("801") or any ONS code a publisher used ("E06000023").
2. Exact name: any publisher's spelling, in any case, with "St"/"St."/"Saint", "&"/"and", hyphens,
   punctuation and extra spaces treated alike, and the wrappers people add removed: "City of X",
   "X, City of", "County of X", "London Borough of X", "Royal Borough of X", "Metropolitan Borough of X",
   "X City Council", "X County Council", "X Borough Council", "X Council", "The X". An exact name always
   wins: "Bournemouth" is the council abolished in 2019, not Bournemouth, Christchurch and Poole. A
   spelling an abolished council shares with its successor (Dorset) means the council that exists.
3. Short form: the words typed appear, whole and in order, in exactly one council's name ("Hull",
   "Southend", "Richmond", "Brighton"). Words that place rather than name a council (north, east,
   upon, city, ...) are not a short form on their own.
4. Initials: "BCP", "BANES" (the initials of a name's words, with or without "and"/"of"/"upon").

A short form or initials that fit several councils ("Kingston") are refused, listing every candidate with
its codes; an unknown name is refused with the closest spellings (rapidfuzz, token and substring aware).
A council whose workforce figures the DfE publishes as a joint return with another council (Kingston upon
Thames with Richmond upon Thames) resolves to itself; `Council.joint_returns` says whose return it is.
"""

from __future__ import annotations

import datetime as dt

import re
from dataclasses import dataclass, field

import polars as pl

from . import tables
from .dates import day_words
from .errors import DataError, UserError

# Wrappers around a council's name, removed from a typed name (and from the spellings) before matching.
_PREFIXES = ("the", "london borough of", "royal borough of", "metropolitan borough of", "borough of",
             "city and county of", "city of", "county of", "council of")
_SUFFIXES = ("metropolitan borough council", "metropolitan district council", "city council", "county council",
             "borough council", "district council", "unitary authority", "council", "city", "county", "borough")
# Words that say where or what a council is, not which: never a short form on their own.
_NOT_DISTINCTIVE = frozenset({"the", "of", "and", "upon", "on", "in", "le", "sea", "city", "county", "borough",
                              "north", "south", "east", "west", "riding", "royal", "london", "st", "council",
                              "pre", "lg"})
# Left out when taking a name's initials ("Bath and North East Somerset" -> BNES as well as BANES).
_JOINING_WORDS = frozenset({"and", "of", "upon", "on", "the"})


@dataclass(frozen=True)
class JointReturn:
    """A workforce return the DfE publishes for two councils together."""
    code: str                 # as published: "314 / 318"
    members: tuple[str, ...]  # DfE codes
    member_names: tuple[str, ...]
    years: tuple[int, ...]    # reporting years the joint return covers (any release)


@dataclass(frozen=True)
class Council:
    """A resolved council: its codes and current name, how the typed text matched, any joint return."""
    la_code: str
    ons_code: str
    name: str
    typed: str
    matched_by: str  # "DfE code", "ONS code", "name", "short form", "initials"
    ended: str | None = None  # ISO date the council was abolished, if it was
    joint_returns: tuple[JointReturn, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """'Kingston upon Thames (DfE 314, ONS E09000021)'."""
        return f"{self.name} (DfE {self.la_code}, ONS {self.ons_code})"

    def notes(self) -> list[str]:
        """Sentences a reader needs beside any answer about this council: what matched, abolition, joint returns."""
        lines = []
        if self.matched_by not in ("DfE code", "ONS code", "name") or _key(self.typed) != _key(self.name):
            lines.append(f"{self.typed!r} is {self.describe()}.")
        if self.ended:
            lines.append(f"{self.name} was abolished; it existed until {day_words(dt.date.fromisoformat(self.ended))}.")
        for joint in self.joint_returns:
            partners = [n for c, n in zip(joint.members, joint.member_names, strict=True) if c != self.la_code]
            years = _year_span(joint.years)
            lines.append(f"The DfE publishes {self.name}'s workforce figures for {years} as one joint return "
                         f"with {' and '.join(partners)} (DfE {joint.code}): figures for both councils together.")
        return lines


def _year_span(years: tuple[int, ...]) -> str:
    if not years:
        return "no year"
    return str(years[0]) if len(years) == 1 else f"{years[0]} to {years[-1]}"


# ---- keys ----------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    """Lower-case words: '&' is 'and', 'Saint'/'St.' are 'st', hyphens and punctuation separate words."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    text = re.sub(r"\(pre lg\)", " pre lg ", text)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return ["st" if w == "saint" else w for w in words]


def _key(text: str) -> str:
    """The matching form of a name: its words without the wrappers people put round a council's name.

    ', City of' and ', County of' (DfE's order) are wrappers too: 'Bristol, City of' -> 'bristol'.
    A wrapper is kept when removing it would leave nothing ('City of London' keeps 'city of').
    """
    text = re.sub(r",\s*(city|county) of\s*$", "", (text or "").strip(), flags=re.IGNORECASE)
    words = _words(text)
    changed = True
    while changed:
        changed = False
        joined = " ".join(words)
        for prefix in _PREFIXES:
            if joined.startswith(prefix + " ") and joined != prefix and not _keeps_prefix(words, prefix):
                words = words[len(prefix.split()):]
                changed = True
                break
        joined = " ".join(words)
        for suffix in _SUFFIXES:
            if joined.endswith(" " + suffix):
                words = words[: -len(suffix.split())]
                changed = True
                break
    return " ".join(words)


def _keeps_prefix(words: list[str], prefix: str) -> bool:
    # 'City of London' is a council's whole name: without 'city of' it would read as the region.
    rest = words[len(prefix.split()):]
    return prefix == "city of" and rest == ["london"]


# ---- the lookup, built from the processed tables --------------------------------------------

@dataclass
class _Lookup:
    geography: pl.DataFrame
    by_key: dict[str, set[str]]        # name key -> DfE codes
    spellings: dict[str, str]          # name key -> a spelling to show
    ons: dict[str, str]                # ONS code -> DfE code
    stamp: tuple


_CACHE: dict[str, _Lookup] = {}


def _lookup() -> _Lookup:
    geo, names = tables.read("la_geography"), tables.read("la_names")  # cached by file time
    stamp = (id(geo), id(names))
    cached = _CACHE.get("lookup")
    if cached is not None and cached.stamp == stamp:
        return cached
    by_key: dict[str, set[str]] = {}
    spellings: dict[str, str] = {}
    pairs = list(zip(names["name_variant"], names["la_code"], strict=True))
    pairs += list(zip(geo["la_name"], geo["la_code"], strict=True))
    for variant, code in pairs:
        key = _key(variant)
        by_key.setdefault(key, set()).add(code)
        spellings.setdefault(key, variant)
    ons = {o: code for code, codes in zip(geo["la_code"], geo["ons_codes"].to_list(), strict=True) for o in codes}
    ons.update(dict(zip(geo["ons_code"], geo["la_code"], strict=True)))
    built = _Lookup(geo, by_key, spellings, ons, stamp)
    _CACHE["lookup"] = built
    return built


def _row(lookup: _Lookup, code: str) -> dict:
    return lookup.geography.filter(pl.col("la_code") == code).row(0, named=True)


def _current(lookup: _Lookup, codes: set[str]) -> list[str]:
    rows = lookup.geography.filter(pl.col("la_code").is_in(sorted(codes)) & pl.col("end_date").is_null())
    return rows["la_code"].to_list()


def _listing(lookup: _Lookup, codes) -> str:
    rows = lookup.geography.filter(pl.col("la_code").is_in(sorted(codes))).sort("la_name")
    return "; ".join(f"{r['la_name']} (DfE {r['la_code']}, ONS {r['ons_code']}"
                     + (f", abolished {r['end_date'].isoformat()}" if r["end_date"] else "") + ")"
                     for r in rows.iter_rows(named=True))


# ---- resolving -----------------------------------------------------------------------------

def resolve(text: str) -> Council:
    """The council a typed name, DfE code or ONS code means; UserError if unknown or ambiguous."""
    typed = (text if isinstance(text, str) else str(text if text is not None else "")).strip()
    if not typed:
        raise UserError("no council given: type a name (e.g. 'Hull'), a DfE code ('810') or an ONS code")
    lookup = _lookup()
    code, how = _match(lookup, typed)
    return _council(lookup, code, typed, how)


def resolve_code(text: str) -> str:
    """The DfE code of the council a typed name, DfE code or ONS code means."""
    return resolve(text).la_code


def _match(lookup: _Lookup, typed: str) -> tuple[str, str]:
    if re.fullmatch(r"\d{3}", typed):
        if typed in set(lookup.geography["la_code"]):
            return typed, "DfE code"
        raise UserError(f"{typed!r} is not a DfE LA code we know (codes run 201 to 943)")
    if re.fullmatch(r"\d{3}(\s*/\s*\d{3})+", typed):
        members = [c.strip() for c in typed.split("/")]
        raise UserError(f"{typed!r} is a joint workforce return, not one council; name one of "
                        f"{_listing(lookup, members)}")
    if re.fullmatch(r"[EeWw]\d{8}", typed):
        code = lookup.ons.get(typed.upper())
        if code:
            return code, "ONS code"
        raise UserError(f"{typed!r} is not an ONS code any council in our files uses")

    key = _key(typed)
    for attempt in (key, " ".join(_words(typed))):
        codes = lookup.by_key.get(attempt)
        if codes:
            return _one(lookup, codes, typed, "name", prefer_current=True), "name"

    words = key.split()
    if words and any(w not in _NOT_DISTINCTIVE for w in words):
        codes = {code for k, cs in lookup.by_key.items() if _contains_run(k.split(), words) for code in cs}
        if codes:
            return _one(lookup, codes, typed, "short form", prefer_current=_same_lineage(lookup, codes)), "short form"

    squeezed = re.sub(r"[^a-z]", "", typed.lower())
    if 2 <= len(squeezed) <= 6 and " " not in typed.strip():
        codes = {code for k, cs in lookup.by_key.items() if squeezed in _initials(k) for code in cs}
        if codes:
            return _one(lookup, codes, typed, "initials", prefer_current=_same_lineage(lookup, codes)), "initials"

    close = closest(typed)
    raise UserError(f"no council matches {typed!r}" + (f"; closest: {'; '.join(close)}" if close else
                                                        "; give a name as a publisher spells it, or a DfE or ONS code"))


def _contains_run(words: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(words[i:i + n] == run for i in range(len(words) - n + 1))


def _initials(key: str) -> set[str]:
    words = key.split()
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in _JOINING_WORDS)}


def _same_lineage(lookup: _Lookup, codes: set[str]) -> bool:
    """Codes that are one council before and after a reorganisation (Dorset 835 and 838)."""
    if len(codes) < 2:
        return True
    rows = lookup.geography.filter(pl.col("la_code").is_in(sorted(codes)))
    linked = {c for succ in rows["successor_codes"].to_list() for c in succ} | {
        c for pred in rows["predecessor_codes"].to_list() for c in pred}
    return len(codes) == 2 and codes <= linked


def _one(lookup: _Lookup, codes: set[str], typed: str, how: str, prefer_current: bool) -> str:
    if len(codes) == 1:
        return next(iter(codes))
    if prefer_current:
        current = _current(lookup, codes)
        if len(current) == 1:
            return current[0]
    raise UserError(f"{typed!r} could be {len(codes)} councils: {_listing(lookup, codes)}. "
                    "Give the full name or a code")


def _council(lookup: _Lookup, code: str, typed: str, how: str) -> Council:
    row = _row(lookup, code)
    return Council(la_code=code, ons_code=row["ons_code"], name=row["la_name"], typed=typed, matched_by=how,
                   ended=row["end_date"].isoformat() if row["end_date"] else None,
                   joint_returns=joint_returns(code))


def joint_returns(code: str) -> tuple[JointReturn, ...]:
    """The joint workforce returns that cover a council, from the workforce panel (empty if none)."""
    from .steps import UndeclaredRead

    try:
        panel = tables.read("workforce")
    except (UndeclaredRead, DataError):  # a step that does not read workforce, or before it is built
        return ()
    joint = panel.filter(pl.col("is_joint") & pl.col("joint_codes").list.contains(code)
                         & (pl.col("la_code").str.contains("/")))
    if joint.is_empty():
        return ()
    geo = _lookup().geography
    names = dict(zip(geo["la_code"], geo["la_name"], strict=True))
    found = []
    for published, rows in joint.group_by("la_code", maintain_order=True):
        members = tuple(rows["joint_codes"][0])
        found.append(JointReturn(code=published[0], members=members,
                                 member_names=tuple(names.get(m, m) for m in members),
                                 years=tuple(sorted(set(rows["year"].to_list())))))
    return tuple(sorted(found, key=lambda j: j.code))


def closest(typed: str, n: int = 5) -> list[str]:
    """Up to n councils whose spellings come closest to `typed`, each with its codes (rapidfuzz WRatio)."""
    from rapidfuzz import fuzz, process, utils

    lookup = _lookup()
    keys = list(lookup.by_key)
    scored = process.extract(_key(typed) or typed, keys, scorer=fuzz.WRatio, processor=utils.default_process,
                             limit=40, score_cutoff=60)
    seen: list[str] = []
    for key, _score, _ in scored:
        for code in sorted(lookup.by_key[key]):
            if code not in seen:
                seen.append(code)
    rows = {r["la_code"]: r for r in lookup.geography.iter_rows(named=True)}
    return [f"{rows[c]['la_name']} (DfE {c}, ONS {rows[c]['ons_code']})" for c in seen[:n]]


def everyday_forms(code: str) -> list[str]:
    """The spellings the resolver knows for a council (for a finder's search list)."""
    lookup = _lookup()
    return sorted({lookup.spellings[k] for k, codes in lookup.by_key.items() if code in codes})
