"""The README's generated sections are current, and the command line starts without the heavy libraries."""

import subprocess
import sys

import polars as pl

from csc_figures import paths, readme


def test_readme_generated_sections_are_current():
    text = readme.README.read_text()
    assert readme.stale_sections(text) == [], "run `make docs` (python -m csc_figures.readme) and commit README.md"


def test_article_index_names_every_story_with_its_notebook_and_claims():
    index = readme.article_index()
    stories = pl.read_csv(paths.DATA / "articles.csv", infer_schema=False)
    for headline in stories["headline"]:
        assert f"**{headline}**" in index
    # the ratings story's notebook and chart, found from its claims' computations
    ratings = index[index.index("Inadequate’ councils bore brunt"):].split("\n- ")[0]
    assert "[`10_ratings_vs_workforce`](notebooks/10_ratings_vs_workforce.ipynb)" in ratings
    assert "(outputs/figures/ratings_vs_workforce/relationship.png)" in ratings
    claims = pl.read_csv(paths.DATA / "claim_stories.csv", infer_schema=False)
    n = claims.filter(pl.col("story") == "inadequate-councils-turnover").height
    assert f"claims: {n} (" in ratings
    # a profile claim links its council's own folder
    york = index[index.index("`york-downgraded`"):].split("\n- ")[0]
    assert "outputs/figures/council_profile/york/" in york


def test_render_refuses_missing_markers():
    import pytest

    with pytest.raises(ValueError, match="needs one"):
        readme.render("# no markers\n")


def test_cli_imports_only_the_standard_library_before_a_command_runs():
    code = "import sys, csc_figures.cli; print(sorted(m for m in ('polars', 'altair', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    help_text = subprocess.run([str(paths.ROOT / ".venv" / "bin" / "csc-figures"), "--help"], capture_output=True,
                               text=True, check=True).stdout
    for command in ("rating-at", "changes", "ratings", "council", "claims"):
        assert command in help_text


def test_each_story_is_credited_to_its_own_notebook():
    # notebooks 10 and 12 import the maps package too; the maps are 16_maps' (the site's "rebuilt by" line)
    from csc_figures.readme import _notebook_of

    assert {p: _notebook_of(p).stem for p in ("maps", "ratings", "inspection_judgements", "profile")} == {
        "maps": "16_maps", "ratings": "10_ratings_vs_workforce", "inspection_judgements": "12_inspection_judgements",
        "profile": "11_council_profile"}
