"""The council finder: the resolver's spellings as data, and a reader typing in a real browser (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csc_figures import councils
from csc_figures.site import finder


def _data(site: Path) -> dict:
    text = (site / "assets" / finder.SCRIPT).read_text()
    return json.loads(text.split("=", 1)[1].strip().rstrip(";"))


def test_the_finder_knows_every_spelling_the_resolver_knows(built_site):
    data = _data(built_site)
    by_href = {c["href"]: c for c in data["councils"]}
    pages = sorted(p for p in (built_site / "councils").glob("*.html") if p.name != "index.html")
    assert len(by_href) == len(pages) and all(f"councils/{p.name}" in by_href for p in pages)
    lookup = councils._lookup()
    entries = {c["href"].split("/")[1].split("-")[0]: c for c in data["councils"]}
    checked = 0
    for key, codes in lookup.by_key.items():
        for code in codes & entries.keys():
            assert key in entries[code]["keys"], f"{key!r} (a spelling of {code}) is missing from the finder"
            checked += 1
    assert checked >= len(entries)
    assert "council" in data["wrappers"] and "city" in data["wrappers"]


def _search(page, typed: str) -> tuple[str, list[str]]:
    box = page.get_by_role("searchbox", name="Find a council")  # labelled, as a screen reader finds it
    box.fill("")
    box.type(typed)
    status = page.locator(".finder [role=status]")
    return status.inner_text(), page.locator(".finder-results a").all_inner_texts()


@pytest.mark.parametrize("where", ["index.html", "councils/index.html"])
def test_typing_kingston_lists_both_kingstons_offline(built_site, browser, where):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((built_site / where).as_uri())
    status, found = _search(page, "Kingston")
    assert {"Kingston upon Hull", "Kingston upon Thames"} <= set(found), found
    assert status.startswith(f"{len(found)} councils match")
    # the spellings and codes the resolver takes
    assert _search(page, "BCP")[1] == ["Bournemouth, Christchurch and Poole"]
    assert "Kingston upon Thames" in _search(page, "314")[1]
    assert "Kingston upon Thames" in _search(page, "royal borough of kingston")[1]
    assert _search(page, "Atlantis")[0].startswith("No council matches")
    # the keyboard: Enter on a single match opens its profile
    _search(page, "Kingston upon Thames")
    page.keyboard.press("Enter")
    page.wait_for_url("**/councils/314-*.html")
    assert [r for r in requests if not r.startswith("file://")] == []
    page.close()
