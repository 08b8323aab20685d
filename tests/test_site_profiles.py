"""Council profiles on the site: the notebook's own specs (built once, a council's rows and words patched in),
pages from templates with tables a screen reader can use, every council linked, and pages light enough.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from csc_figures import paths, tables
from csc_figures.site import build, profiles
from csc_figures.stories import profile as pr

FIGURES = paths.FIGURES / "council_profile"
WEIGHT_LIMIT = 150_000  # bytes: a profile page without the shared, cacheable scripts and fonts


def _normalised(spec: dict) -> dict:
    """A spec compared as drawn: datasets by content (not by Altair's hash names), the title and subtitle
    as words (the site wraps them at the template's width), the source line without its fitted width (its
    text is its encoding's), and
    without the page's ARIA setting."""
    spec = copy.deepcopy(spec)
    datasets = spec.pop("datasets", {})
    names = {name: f"rows-{i}" for i, name in enumerate(sorted(datasets, key=lambda k: json.dumps(datasets[k])))}

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"name"} and node["name"] in names:
                node["name"] = names[node["name"]]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    spec["datasets"] = {names[k]: v for k, v in datasets.items()}
    for key in ("text", "subtitle"):
        value = spec["title"].get(key, [])
        spec["title"][key] = " ".join(value) if isinstance(value, list) else value
    spec["vconcat"][-1].pop("width", None)
    spec["vconcat"][-1]["mark"].pop("text", None)  # a re-wrapped source line repeats its text here
    spec.get("config", {}).pop("aria", None)
    return spec


def _notebook_councils(name: str) -> list[Path]:
    return sorted(p.parent for p in FIGURES.glob(f"*/{name}.vl.json"))


@pytest.fixture(scope="module")
def shared():
    return profiles.SiteProfiles.load(None)


@pytest.fixture(scope="module")
def by_folder(shared) -> dict[str, str]:
    """outputs/figures/council_profile/<folder> -> DfE code (the notebook names its folders by slug)."""
    return {pr.slug(name): code for code, name in shared.names.items()}


@pytest.mark.parametrize("chart", ["workforce", "judgements"])
def test_each_councils_chart_is_the_notebooks_spec(chart, shared, by_folder):
    """For every council the notebook ran, the template (built from one council's spec) with this council's
    rows and patches is the spec the notebook saved for it, full width and narrow."""
    folders = _notebook_councils(chart)
    assert len(folders) >= 5, f"the notebook's {chart} specs are missing from {FIGURES}: run `make all`"
    templates_used = set()
    for folder in folders:
        profile = pr.council_profile(by_folder[folder.name], data=shared.data)
        drawn = getattr(shared.charts, chart)(profile)
        templates_used.add(drawn["template"])
        for layout, suffix in (("full", ""), ("narrow", "_narrow")):
            template = shared.charts.templates[drawn["template"]][layout].spec
            built = profiles.assemble(template, drawn["patches"][layout], drawn["datasets"])
            saved = json.loads((folder / f"{chart}{suffix}.vl.json").read_text())
            assert _normalised(built) == _normalised(saved), f"{folder.name}: {chart}{suffix}"
    # more councils than templates: a council's spec is checked against a template made from another's
    assert len(folders) > len(templates_used)


def test_a_template_holds_no_councils_rows(shared, by_folder):
    profile = pr.council_profile("York", data=shared.data)
    shared.charts.workforce(profile)
    text = json.dumps({k: {lay: t.spec for lay, t in v.items()} for k, v in shared.charts.templates.items()
                       if k != "map"})
    assert "datasets" not in text and "Yorkshire and The Humber average" not in text


def test_a_chart_built_when_no_notebook_spec_is_at_hand_is_the_same(shared):
    """Without the notebook's saved specs the templates are built from the charts' own functions."""
    built = profiles.Charts(None, committed=False)
    profile = pr.council_profile("York", data=shared.data)
    drawn, saved = built.workforce(profile), shared.charts.workforce(profile)
    for layout in ("full", "narrow"):
        a = profiles.assemble(built.templates["workforce"][layout].spec, drawn["patches"][layout], drawn["datasets"])
        b = profiles.assemble(shared.charts.templates["workforce"][layout].spec, saved["patches"][layout],
                              saved["datasets"])
        assert _normalised(a) == _normalised(b)


class _Page(HTMLParser):
    """What a page offers a screen reader: tables with captions and scoped headers, charts, links, scripts."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self.charts, self.scripts, self.stack = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": False, "th": 0, "scoped": 0})
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        elif tag == "th" and self.tables:
            self.tables[-1]["th"] += 1
            self.tables[-1]["scoped"] += a.get("scope") in ("col", "row")
        elif tag == "a":
            self.links.append(a.get("href"))
        elif tag == "div" and "data-chart" in a:
            self.charts.append(a)
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site


def _profile_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "councils").glob("*.html") if p.name != "index.html")


def test_every_council_has_a_profile_linked_from_the_index_and_home(site):
    geo = tables.read("la_geography")
    index = (site / "councils" / "index.html").read_text()
    pages = _profile_pages(site)
    assert pages, "no profile was built"
    for page in pages:
        assert f'href="{page.name}"' in index, f"{page.name} is not linked from the councils' index"
    # one row per page written (`make test` builds a sample; `make site` every council)
    assert len(re.findall(r'<th scope="row"><a href="\d{3}-', index)) == len(pages)
    assert 'href="councils/index.html"' in (site / "index.html").read_text()
    assert set(profiles.sample_councils(geo, tables.read("workforce"))) <= {p.name.split("-")[0] for p in pages}


def test_a_profile_is_light_has_named_charts_tables_with_headers_and_links_back(site):
    for page in _profile_pages(site):
        html = page.read_text()
        weight = len(html.encode())
        assert weight < WEIGHT_LIMIT, f"{page.name} weighs {weight:,} bytes without the shared scripts"
        parsed = _Page()
        parsed.feed(html)
        assert {c["data-template"] for c in parsed.charts} >= {"workforce"}, page.name
        for chart in parsed.charts:
            assert chart["role"] == "img" and chart["aria-labelledby"] and chart["aria-describedby"], page.name
        assert parsed.tables and all(t["caption"] and t["th"] == t["scoped"] for t in parsed.tables), page.name
        assert "index.html" in parsed.links and "../index.html" in parsed.links, page.name
        assert "../assets/profile-charts.js" in parsed.scripts, page.name
        assert (site / "councils" / (page.stem + ".csv")).exists()


def test_the_shared_script_holds_every_template_a_page_names(site):
    script = (site / "assets" / profiles.TEMPLATES_SCRIPT).read_text()
    templates = json.loads(script.split("=", 1)[1].strip().rstrip(";"))
    for page in _profile_pages(site):
        for name in set(re.findall(r'data-template="([a-z_]+)"', page.read_text())):
            assert name in templates, f"{page.name} needs template {name}"


def test_an_abolished_council_outlines_its_successors_on_the_map():
    latest = build.latest_judgement_map(build.committed_charts())
    assert latest is not None, "the maps story's judgement map is missing: run `make all`"
    shared = profiles.SiteProfiles.load(dt.date.fromisoformat(latest.name.removeprefix("judgements_")))
    geo = tables.read("la_geography")
    abolished = geo.filter(geo["successor_codes"].list.len() > 1).sort("la_code").row(0, named=True)
    profile = pr.council_profile(abolished["la_code"], data=shared.data)
    assert shared.charts.map(profile)["codes"] == abolished["successor_codes"]
    page = profiles.profile_page(profile, shared, "..", "x.csv")
    assert "took over its services are outlined" in page
    for code in abolished["successor_codes"]:
        assert shared.names[code] in page
    york = shared.charts.map(pr.council_profile("York", data=shared.data))
    assert [row["la_code"] for row in york["datasets"]["highlight"]] == york["codes"] == [shared.data.resolve("York")]


def test_the_small_map_is_the_maps_storys_narrow_map_with_one_more_layer():
    latest = build.latest_judgement_map(build.committed_charts())
    shared = profiles.SiteProfiles.load(dt.date.fromisoformat(latest.name.removeprefix("judgements_")))
    drawn = shared.charts.map(pr.council_profile("York", data=shared.data))
    spec = profiles.assemble(shared.charts.templates["map"]["full"].spec, [], drawn["datasets"])
    layers = spec["vconcat"][0]["layer"]
    outline = [layer for layer in layers if layer.get("data") == {"name": profiles.DATA["map"]}]
    assert len(outline) == 1
    layers.remove(outline[0])
    spec["datasets"].pop(profiles.DATA["map"])
    saved = json.loads(latest.narrow_path.read_text())
    assert _normalised(spec) == _normalised(saved)
