"""The council finder's data: every council on the site with the spellings the project's resolver knows.

Written at build time into assets/councils.js (a page opened from file:// cannot fetch a JSON file), so the
finder (templates/site/finder.js) needs no server. The words come from `csc_figures.councils`: each council's
spellings as the resolver matches them (wrappers such as 'City of' and 'Council' removed), their initials,
and its DfE and ONS codes; the wrapper words themselves, which a reader may type, are passed over.
"""

from __future__ import annotations

import json

from .. import councils, tables
from .render import render

SCRIPT = "councils.js"


def finder_data(listed: list[dict], folder: str) -> dict:
    """{councils: [{name, href, note, keys, initials, codes}], wrappers: [...]} for the councils listed
    (each {"code", "name", "page", "region", "until"}, the page in `folder` of the site)."""
    geo = {r["la_code"]: r for r in tables.read("la_geography").iter_rows(named=True)}
    out = []
    for c in listed:
        keys = sorted({councils._key(s) for s in councils.everyday_forms(c["code"])} - {""})
        row = geo[c["code"]]
        codes = sorted({c["code"], row["ons_code"].lower(), *(o.lower() for o in row["ons_codes"] or [])})
        initials = sorted({i for k in keys for i in councils._initials(k) if len(i) > 1})
        note = ", ".join(part for part in (c["region"], f"until {c['until']}" if c["until"] else "") if part)
        out.append({"name": c["name"], "href": f"{folder}/{c['page']}", "note": note, "keys": keys, "initials": initials,
                    "codes": codes})
    wrappers = sorted({w for phrase in (*councils._PREFIXES, *councils._SUFFIXES) for w in phrase.split()})
    return {"councils": out, "wrappers": wrappers}


def script(listed: list[dict], folder: str) -> str:
    """assets/councils.js: the finder's data as one JavaScript object."""
    text = json.dumps(finder_data(listed, folder), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return render("councils.js", councils_json=text.replace("</", "<\\/"))
