"""A council's profile in words: the comparison rules, the sentences, the alt text and the text view."""

from __future__ import annotations



from ... import formatting, judgements, measures, rounding
from ...dates import day_words, month_words
from .compute import NO_RETURN, rise_streak_start

UNKNOWN_DATE = "an unknown date"  # a judgement or change with no date in the files

# ---- the rules behind the comparison words -------------------------------------------------

def change_verb(old: float | None, new: float | None, places: int = 1, unit: str = "%") -> str:
    """How a figure moved, by the house's one table of thresholds (`formatting.RISES` and `FALLS`).

    Judged on the printed values: 'more than doubled' (x2 or more), 'almost doubled' (x1.8 to x2),
    'leapt', 'rose', 'edged up'; 'edged down', 'fell', 'fell sharply', 'almost halved', 'halved',
    'more than halved'. A rate under 1% (or a count under 10) is too small a base for a ratio:
    it only 'rose' or 'fell', and the sentence gives the change in points.
    """
    return formatting.change_verb(old, new, unit, places)


def comparison_word(value: float | None, reference: float | None, places: int = 1, unit: str = "%") -> str | None:
    """How a figure stands against a benchmark (`formatting.AGAINST`): 'more than double', 'double',
    'above', 'in line with', 'below', 'half', 'less than half'; on a small base only above, in line
    with or below. None when either figure is unavailable.
    """
    return formatting.against_word(value, reference, unit, places)


def measure_unit(measure: str) -> str:
    """How the comparison table reads a measure: '%' for rates, 'count' for heads, else a plain figure."""
    m = measures.measure(measure)
    return "%" if m.is_rate else "count" if m.unit == "FTE" else "figure"


def measure_words(measure: str) -> str:
    """A measure in a sentence, naming its basis where DfE publishes both: 'turnover rate (FTE)'."""
    m = measures.measure(measure)
    if f"{measure}_headcount" in measures.MEASURES:
        return f"{m.words} ({m.basis.upper() if m.basis == 'fte' else m.basis})"
    return m.words


def judgement_change_word(previous: str | None, latest: str | None) -> str:
    """'upgraded', 'downgraded' or 'kept' comparing two overall judgements; 'first' with no earlier one."""
    if not judgements.is_judgement(latest):
        return "none"
    if not judgements.is_judgement(previous):
        return "first"
    diff = judgements.steps_up(previous, latest)
    return "upgraded" if diff > 0 else "downgraded" if diff < 0 else "kept"


# ---- formatting helpers --------------------------------------------------------------------

def fmt(measure: str, value: float | None) -> str:
    """A figure as the sentences print it."""
    return measures.fmt(measure, value)


def rating_text(rating: str | None) -> str:
    return f"‘{judgements.words(rating, rating or 'no judgement')}’"


def possessive(name: str) -> str:
    return f"{name}’" if name.endswith("s") else f"{name}’s"


# ---- sentences -----------------------------------------------------------------------------

def _value(series: dict, year: int | None):
    return None if year is None else series.get(str(year))


def _movement(profile: dict, measure: str, y0: int, y1: int) -> str:
    """'leapt from 13.3% to 18.3%', 'was unchanged at 4.1%' or why the figure is unavailable."""
    s = profile["indicators"][measure]
    old, new = _value(s, y0), _value(s, y1)
    if old is None or new is None:
        missing = [str(y) for y, v in ((y0, old), (y1, new)) if v is None]
        flags = profile["unavailable"].get(measure, {})
        why = "; ".join((f"{y}: " if len(missing) > 1 else "") + _flag_words(flags.get(y)) for y in missing)
        return f"is unavailable for {' and '.join(missing)} ({why})"
    unit = measure_unit(measure)
    if unit == "figure":  # caseloads print as plain figures
        verb = change_verb(old, new, unit=unit)
        if verb == "was unchanged":
            return f"was unchanged at {fmt(measure, new)}"
        return f"{verb} from {fmt(measure, old)} to {fmt(measure, new)}"
    return formatting.change_words(old, new, unit, measures.measure(measure).precision)


def _flag_words(flag: str | None) -> str:
    if flag == NO_RETURN:
        return "no return in this release"
    if flag == "not_published":
        return "not published in this release"
    return f"suppressed by DfE, code {flag}" if flag else "not published"


def _direction(profile: dict, measure: str, y0: int, y1: int) -> int:
    s = profile["indicators"][measure]
    old, new = _value(s, y0), _value(s, y1)
    if old is None or new is None:
        return 0
    return (rounding.units(new, 1) > rounding.units(old, 1)) - (rounding.units(new, 1) < rounding.units(old, 1))


def _benchmarks(profile: dict, measure: str, year: int) -> str | None:
    """'above the national average of 16.7% and in line with the London average of 14.5%'."""
    value = _value(profile["indicators"][measure], year)
    parts = []
    for series, label in ((profile["england"], "the national average"),
                          (profile["region_indicators"], f"the {profile['region']} average"),
                          (profile["neighbours"], "its statistical neighbours’ average")):
        reference = _value(series[measure], year)
        word = comparison_word(value, reference, unit=measure_unit(measure))
        if word:
            # "above the national average of A and the London average of B": say a shared word once
            said = parts and parts[-1][0] == word
            parts.append((word, f"{'' if said else word + ' '}{label} of {fmt(measure, reference)}"))
    parts = [text for _, text in parts]
    if not parts:
        return None
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _judgement_sentence(profile: dict) -> list[str]:
    name = profile["name"]
    rated = [j for j in profile["judgements"] if judgements.is_judgement(j["overall"])]
    out = []
    if not rated:
        inherited = [(p["la_name"], j) for p in profile["predecessors"] for j in p["judgements"]
                     if judgements.is_judgement(j["overall"])]
        if inherited:
            pred, j = max(inherited, key=lambda pj: pj[1]["published"] or "")
            out.append(f"Ofsted has published no overall judgement of {name} itself; its predecessor "
                       f"{pred} was last rated {rating_text(j['overall'])} ({j['framework']}, "
                       f"{month_words(j['published'], missing=UNKNOWN_DATE)}).")
        else:
            out.append(f"Ofsted has published no overall judgement of {name} in the data we hold.")
        return out
    latest = rated[-1]
    previous = rated[-2] if len(rated) > 1 else None
    when = f"in {month_words(latest['published'], missing=UNKNOWN_DATE)} ({latest['framework']})"
    word = judgement_change_word(previous and previous["overall"], latest["overall"])
    if word == "first":
        out.append(f"Ofsted rated {name} {rating_text(latest['overall'])} {when}, its first overall "
                   f"judgement in the data we hold.")
    elif word == "kept":
        out.append(f"Ofsted rated {name} {rating_text(latest['overall'])} {when}, as it did in "
                   f"{previous['published'][:4]} ({previous['framework']}).")
    else:
        out.append(f"Ofsted {word} {name} to {rating_text(latest['overall'])} {when}, from the "
                   f"{rating_text(previous['overall'])} rating it earned in {previous['published'][:4]} "
                   f"({previous['framework']}).")
    if previous:
        moves = []
        for area, now in latest["sub_judgements"].items():
            before = previous["sub_judgements"].get(area)
            change = judgement_change_word(before, now)
            if change in ("upgraded", "downgraded"):
                moves.append(f"{_area_label(area).lower()} {'improved' if change == 'upgraded' else 'fell'} from "
                             f"{rating_text(before)} to {rating_text(now)}")
        if moves:
            out.append(f"Between those inspections, {', '.join(moves[:-1])}{' and ' if len(moves) > 1 else ''}"
                       f"{moves[-1]}.")
    return out


def revision_text(revision: dict) -> str:
    """'25.9% (2022 release); 25.0% (2023-2025 releases)': each value with the releases that give it."""
    runs: list[list] = []
    for rel in revision["releases"]:
        if runs and runs[-1][0] == rel["value"]:
            runs[-1][2] = rel["vintage"]
        else:
            runs.append([rel["value"], rel["vintage"], rel["vintage"]])
    return "; ".join(f"{fmt(revision['measure'], v)} ({a} release)" if a == b
                     else f"{fmt(revision['measure'], v)} ({a}-{b} releases)" for v, a, b in runs)


def _revision_sentences(profile: dict, years: set[int]) -> list[str]:
    out = []
    for r in profile["revisions"]:
        if r["year"] not in years:
            continue
        first, *later = r["releases"]
        changes, last = [], first["value"]
        for rel in later:
            if rel["value"] != last:
                changes.append(f"the {rel['vintage']} release to {fmt(r['measure'], rel['value'])}")
                last = rel["value"]
        text = changes[0].replace(" to ", " revised it to ", 1)
        text = " and ".join([text, *changes[1:]])
        out.append(f"DfE’s {first['vintage']} release put {possessive(profile['name'])} {r['year']} "
                   f"{measures.words(r['measure'])} at {fmt(r['measure'], first['value'])}; {text}.")
    return out


def sentences(profile: dict) -> list[str]:
    """Article-style sentences for the profile's year against the year before."""
    name, y1 = profile["name"], profile["year"]
    out = _judgement_sentence(profile)
    if profile["predecessors"]:
        described = []
        for p in profile["predecessors"]:
            rated = [j for j in p["judgements"] if judgements.is_judgement(j["overall"])]
            described.append(p["la_name"] + (f" (last rated {rating_text(rated[-1]['overall'])} by Ofsted, "
                                              f"{month_words(rated[-1]['published'], missing=UNKNOWN_DATE)})" if rated else ""))
        whose = "predecessors’" if len(described) > 1 else "predecessor’s"
        out.append(f"{name} took over children’s services on {day_words(profile['start_date'], missing=UNKNOWN_DATE)} from "
                   f"{' and '.join(described)}; the {whose} figures are shown separately and labelled as such.")
    if profile["end_date"]:
        succ = " and ".join(s["la_name"] or s["la_code"] for s in profile["successors"]) or "other councils"
        out.append(f"{name} ceased to exist on {day_words(profile['end_date'], missing=UNKNOWN_DATE)}, replaced by {succ}; "
                   f"its figures cover the years it existed.")
    for j in profile["joint_returns"]:
        partners = " and ".join(j["partners"])
        span = f"{min(j['years'])}" + (f"-{max(j['years'])}" if max(j["years"]) > min(j["years"]) else "")
        out.append(f"DfE publishes one workforce return for {name} and {partners} ({span}); "
                   f"those figures cover both councils.")
    if y1 is None:
        out.append(f"The {profile['vintage']} DfE release holds no workforce figures for {name}.")
        return out
    later = [y for y in profile["indicators"]["fte"]
             if int(y) > y1 and all(profile["indicators"][m][y] is None for m in measures.PROFILED)]
    for y in later:  # years the council existed but every figure is unavailable
        flags = sorted({f for m in measures.PROFILED if (f := profile["unavailable"].get(m, {}).get(y))})
        out.append(f"Every {y} workforce figure for {name} is unavailable in this release "
                   f"({'; '.join(_flag_words(f) for f in flags)}); the sentences use {y1}.")
    force = profile.get("judgement_in_force")
    if force:
        source = (f", inherited from its predecessor {force['inherited_from_name']}" if force["inherited_from"]
                  else "")
        out.append(f"At 30 September {y1}, the end of that workforce year, its Ofsted judgement in force was "
                   f"{rating_text(force['judgement'])} ({force['framework']}, published {month_words(force['published'], missing=UNKNOWN_DATE)}"
                   f"{source}).")
    y0 = y1 - 1
    has_previous = str(y0) in profile["indicators"]["turnover_rate"]
    when = f"between {y0} and {y1}"
    if has_previous:
        t, v = _direction(profile, "turnover_rate", y0, y1), _direction(profile, "vacancy_rate", y0, y1)
        joiner = "as its vacancy rate also" if t and t == v else "while its vacancy rate"
        vac = _movement(profile, "vacancy_rate", y0, y1)
        if joiner.endswith("also") and ", from " not in vac:
            vac = vac.replace(" from ", ", from ", 1)
        turnover = _movement(profile, "turnover_rate", y0, y1)
        span = "" if turnover.startswith("is unavailable") else f"{',' if ' by ' in turnover else ''} {when}"
        out.append(f"{possessive(name)} {measure_words('turnover_rate')} {turnover}{span}, {joiner} {vac}.")
        for m in ("agency_rate", "caseload"):
            moved = _movement(profile, m, y0, y1)
            sep = ", " if " by " in moved else " "  # 'fell by 0.4 percentage points, from 0.4% to 0.0%, between'
            out.append(f"Its {measure_words(m)} {moved}{'' if moved.startswith('is unavailable') else sep + when}.")
    for m in ("turnover_rate", "vacancy_rate", "agency_rate", "caseload", "absence_rate"):
        value = _value(profile["indicators"][m], y1)
        if value is None:
            if not has_previous:
                flag = profile["unavailable"].get(m, {}).get(str(y1))
                out.append(f"Its {y1} {measures.words(m)} is unavailable ({_flag_words(flag)}).")
            continue
        bench = _benchmarks(profile, m, y1)
        if bench:
            out.append(f"In {y1} its {measure_words(m)} of {fmt(m, value)} was {bench}.")
    for m in ("turnover_rate", "vacancy_rate", "agency_rate"):
        start = rise_streak_start(profile["indicators"][m], y1)
        if start is not None and y1 - start >= 3:
            then, now = _value(profile["indicators"][m], start), _value(profile["indicators"][m], y1)
            out.append(f"{possessive(name)} {measure_words(m)} has risen year on year since {start}: at {fmt(m, now)} "
                       f"in {y1} it was {comparison_word(now, then)} the {start} rate of {fmt(m, then)}.")
    fte_now, fte_then = _value(profile["indicators"]["fte"], y1), _value(profile["indicators"]["fte"], y0)
    if fte_now is not None:
        text = f"It had {formatting.number(fte_now, 1)} social workers in post (FTE) at 30 September {y1}"
        if fte_then is not None and fte_then != fte_now:
            more = "more" if fte_now > fte_then else "fewer"
            text += f", {formatting.change_pct(fte_then, fte_now).lstrip('-')} {more} than a year earlier"
        out.append(text + ".")
    out += _revision_sentences(profile, {y0, y1})
    out.append(f"Workforce figures are from DfE’s {profile['vintage']} release; years run to 30 September.")
    return out


# ---- what the charts show, in words (their alt text) ----------------------------------------

_AREA_LABELS = {"overall": "Overall", "lscb": "LSCB (safeguarding board)"}


def _area_label(area: str) -> str:
    return _AREA_LABELS.get(area, area.replace("_", " ").capitalize())


def judgement_words(profile: dict) -> dict:
    """Title, subtitle and alt text of the judgement timeline (shared by the notebook chart and the pages)."""
    name = profile["name"]
    rated = [j for j in profile["judgements"] if judgements.is_judgement(j["overall"])]
    if rated:
        latest = rated[-1]
        title = f"{name} was rated {rating_text(latest['overall'])} at its latest inspection ({latest['published'][:4]})"
    else:
        title = f"{name}: no overall Ofsted judgement of its own yet"
    units = [(name, profile["judgements"])] + [(f"{p['la_name']} (predecessor)", p["judgements"])
                                                for p in profile["predecessors"]]
    listed = "; ".join(f"{label}, {j['framework']} published {day_words(j['published'], missing=UNKNOWN_DATE)}: "
                       f"{judgements.words(j['overall'], 'no overall judgement')}"
                       for label, js in units for j in js)
    alt_text = (f"Timeline of Ofsted inspections of {name}"
                + (" and its predecessors" if profile["predecessors"] else "")
                + (f" since 2009. {listed}." if listed else ": none in the data we hold."))
    return {"title": title, "alt_text": alt_text,
            "subtitle": "Overall judgement and sub-judgements by publication date; shape shows the framework"}


def latest_year_drawn(profile: dict) -> int | None:
    """The last year the council's own lines reach in the chart: the year its title is about."""
    years = [int(y) for m in measures.PROFILED for y, v in profile["indicators"][m].items() if v is not None]
    return max(years) if years else None


def indicator_words(profile: dict) -> dict:
    """Title, subtitle and alt text of the indicator chart (shared by the notebook chart and the pages).

    The title is about the last year the chart draws (not the sentences' year), names the basis
    (FTE) and the subtitle the DfE release.
    """
    name, y1 = profile["name"], latest_year_drawn(profile)
    turnover = _value(profile["indicators"]["turnover_rate"], y1)
    word = comparison_word(turnover, _value(profile["england"]["turnover_rate"], y1))
    verb = change_verb(_value(profile["indicators"]["turnover_rate"], y1 - 1 if y1 else None), turnover)
    moved = {"is unavailable": "was", "was unchanged": "stayed at"}.get(verb, f"{verb} to")
    if word:
        title = (f"{possessive(name)} {measure_words('turnover_rate')} {moved} {fmt('turnover_rate', turnover)} "
                 f"in {y1}, {word} the national average")
    else:
        title = f"{possessive(name)} social work workforce against England, its region and its neighbours"
    # one sentence per line: a line is never broken mid-sentence, however narrow the chart re-wraps it
    subtitle = [f"Years to 30 September, DfE {profile['vintage']} release; rates and caseloads counted in "
                f"full-time equivalents (FTE)",
                f"Compared with England, the {profile['region']} average and the mean of its statistical neighbours",
                "Social workers in post: neighbours only, as England’s and the region’s are totals"]
    if any(profile["unavailable"].values()):
        subtitle.append("Gaps are figures DfE suppressed or did not publish")
    if profile["predecessors"]:
        subtitle.append("Predecessor councils’ figures are drawn separately and labelled")
    notes = note_lines(profile, measures.PROFILED)
    subtitle += notes
    alt_text = (f"Six line charts of {possessive(name)} workforce indicators by year against England, "
                f"the {profile['region']} average and its statistical neighbours, DfE {profile['vintage']} release. "
                + (" ".join(f"{measure_words(m)[0].upper()}{measure_words(m)[1:]} in {y1}: "
                            f"{fmt(m, _value(profile['indicators'][m], y1))}."
                            for m in measures.PROFILED) if y1 else f"No workforce figures for {name}.")
                + "".join(f" {line}." for line in notes))
    return {"title": title, "subtitle": subtitle, "alt_text": alt_text, "year": y1}


def single_measure_words(profile: dict, measure: str) -> dict:
    """Title, subtitle and alt text of one measure's chart for one council: about the last year it draws."""
    name, m = profile["name"], measures.measure(measure)
    own = profile["indicators"][measure]
    years = sorted(int(y) for y, v in own.items() if v is not None)
    y1 = years[-1] if years else None
    value = _value(own, y1)
    words = measure_words(measure)
    if y1 is None:
        title = f"DfE’s {profile['vintage']} release holds no {words} for {name}"
    elif measure == "fte":
        before = _value(own, y1 - 1)
        change = ""
        if before is not None and before != value:
            change = (f", {formatting.change_pct(before, value).lstrip('-')} "
                      f"{'more' if value > before else 'fewer'} than a year earlier")
        title = f"{name} had {formatting.number(value, 1)} social workers in post (FTE) in {y1}{change}"
    else:
        verb = change_verb(_value(own, y1 - 1), value, unit=measure_unit(measure))
        moved = {"is unavailable": "was", "was unchanged": "stayed at"}.get(verb, f"{verb} to")
        against = comparison_word(value, _value(profile["england"][measure], y1), unit=measure_unit(measure))
        title = (f"{possessive(name)} {words} {moved} {fmt(measure, value)} in {y1}"
                 + (f", {against} the national average" if against else ""))
    compared = (f"Against the mean of its statistical neighbours (England’s and the {profile['region']} figures "
                f"are totals)" if measure == "fte" else
                f"Against England, the {profile['region']} average and the mean of its statistical neighbours")
    subtitle = [f"{m.short_label}, years to 30 September, DfE {profile['vintage']} release; counted in full-time "
                f"equivalents (FTE). {compared}", *note_lines(profile, [measure])]
    if any(v is None for v in own.values()):
        subtitle.append("Gaps are figures DfE suppressed or did not publish")
    series = [(name, own)] + ([] if measure == "fte" else [("England", profile["england"][measure])])
    listed = " ".join(f"{who}: " + ", ".join(f"{y} {fmt(measure, v) if v is not None else 'unavailable'}"
                                            for y, v in sorted(values.items())) + "."
                      for who, values in series)
    alt_text = (f"Line chart of {possessive(name)} {words} by year against "
                + ("its statistical neighbours’ mean" if measure == "fte" else
                   f"England, the {profile['region']} average and its statistical neighbours’ mean")
                + f", DfE {profile['vintage']} release. {listed}" + "".join(f" {line}." for line in
                                                                              note_lines(profile, [measure])))
    return {"title": title, "subtitle": subtitle, "alt_text": alt_text, "year": y1}


def note_lines(profile: dict, shown: tuple[str, ...] | list[str]) -> list[str]:
    """Lines for a chart's subtitle and alt text: each ringed figure's note, and each joint return."""
    out = []
    notes = sorted((int(y), m, text) for m, held in profile.get("notes", {}).items() if m in shown
                   for y, text in held.items())
    for y, m, text in notes:
        out.append(f"Ringed: {measures.words(m)}, {y}: {text}")
    for j in profile["joint_returns"]:
        span = f"{min(j['years'])}" + (f"-{max(j['years'])}" if max(j["years"]) > min(j["years"]) else "")
        out.append(f"Joint return: {span} figures are one DfE return for {profile['name']} and "
                   f"{' and '.join(j['partners'])}")
    return out


# ---- text output ---------------------------------------------------------------------------

def profile_as_text(profile: dict) -> str:
    """The profile as a readable table for the terminal."""
    lines = [f"{profile['la_name']} (DfE {profile['la_code']}, ONS {profile['ons_code']}), {profile['region']}"]
    if profile["end_date"]:
        lines.append(f"Ceased to exist {profile['end_date']}; successors: "
                     + ", ".join(f"{s['la_name']} ({s['la_code']})" for s in profile["successors"]))
    lines += ["", "Ofsted judgements:"]
    units = [(None, profile["judgements"])] + [(p["la_name"], p["judgements"]) for p in profile["predecessors"]]
    for label, held in units:
        for j in held:
            who = f"  [predecessor: {label}]" if label else ""
            lines.append(f"  {j['published'] or '?':<10}  {j['framework'] or '':<6} {j['inspection_type'] or '':<14} "
                         f"{judgements.words(j['overall'], j['overall'] or '-')}{who}")
        if not judgements and not label:
            lines.append("  none of its own")
    lines += ["", f"Workforce (DfE {profile['vintage']} release; years to 30 September). "
                  f"Columns: council, England, {profile['region']}, statistical neighbours (mean)"]
    years = sorted({int(y) for y in profile["england"]["fte"]})
    for m in measures.PROFILED:
        lines.append(f"  {measures.label(m)}")
        for y in years:
            own = profile["indicators"][m]
            if str(y) in own:
                flag = profile["unavailable"].get(m, {}).get(str(y))
                cell = fmt(m, own[str(y)]) if own[str(y)] is not None else f"unavailable ({flag})"
            else:
                cell = next((f"{fmt(m, p['indicators'][m].get(str(y)))} [{p['la_name']}]"
                             for p in profile["predecessors"] if str(y) in p["indicators"][m]), "-")
            bench = [fmt(m, s[m].get(str(y))) for s in (profile["england"], profile["region_indicators"],
                                                       profile["neighbours"])]
            if not profile["neighbour_councils"]:
                bench[2] = "no group"  # DfE's 2021 groupings give the council no neighbours
            lines.append(f"    {y}  {cell:<28} {bench[0]:>12} {bench[1]:>12} {bench[2]:>12}")
    if profile["revisions"]:
        lines += ["", "Revised between DfE releases:"]
        for r in profile["revisions"]:
            lines.append(f"  {r['year']} {measures.words(r['measure'])}: {revision_text(r)}")
    lines += ["", "In words:"] + [f"  {s}" for s in profile["sentences"]]
    return "\n".join(lines)


def identity_lines(profile: dict, note: str | None = None) -> list[str]:
    """Who the council is, which release and year the sentences use, and any reorganisation, in sentences."""
    day = day_words

    lines = [f"{profile['la_name']}: DfE code {profile['la_code']}, ONS code {profile['ons_code']}, {profile['region']}.",
             f"Workforce figures from DfE's {profile['vintage']} release; sentences for the year to 30 September "
             f"{profile['year']}."]
    if note:
        lines.append(note)
    if profile["end_date"]:
        lines.append(f"Existed until {day(profile['end_date'])}; succeeded by "
                     + " and ".join(s["la_name"] for s in profile["successors"]) + ".")
    if profile["predecessors"]:
        lines.append("Took over from " + " and ".join(f"{p['la_name']} (DfE {p['la_code']})"
                                                      for p in profile["predecessors"])
                     + (f" on {day(profile['start_date'])}." if profile["start_date"] else "."))
    return lines
