"""The notebooks' openings and the desk's tables: generated, so they stay true for any parameters."""

import polars as pl

from csc_figures import lab, opening, steps


def test_a_story_opening_names_its_article_data_and_run():
    text = opening.opening_text("13_national_trends", year=2021, base_year=2010)
    assert "**The article**: “TV investigation aims to highlight trauma" in text and "(Community Care, 16 May 2022)" in text
    assert "Department for Education, *Children looked after in England including adoptions*: Reporting year 2025" in text
    assert "uses the declared defaults: the article's figures" in text
    changed = opening.opening_text("13_national_trends", year=2022, base_year=2010)
    assert "This run sets `year = 2022` (not the defaults)" in changed


def test_a_data_building_opening_says_what_it_builds_and_who_needs_it():
    text = opening.opening_text("03_workforce", council="York")
    # notebooks by name; a module step (the ratings method search) feeds notebook 10, named already
    readers = [r for r in steps.readers("workforce") if r != "claims" and not steps.STEPS[r].module]
    assert f"needed by {', '.join(readers)} and the claims report" in text
    assert "10_ratings_vs_workforce" in readers and "method_search" not in text
    assert "The article" not in text and "published run's" in text


def test_the_data_leaves_out_council_lookups_but_keeps_each_tables_publisher():
    lines = opening.data_lines("10_ratings_vs_workforce")
    assert any(line.startswith("Ofsted, *Local authority inspection outcomes*") for line in lines)
    assert not any("statistical neighbour" in line for line in lines)


def test_a_desk_table_has_reader_names_words_separators_and_at_most_eight_columns(capsys):
    df = pl.DataFrame({"la_name": ["York"], "year": [2021], "turnover_rate": [16.49322], "requires_improvement": [53],
                       "rating": ["requires_improvement"], "icpcs": [80850], "vacancy_rate_flag": ["c"],
                       **{f"extra_{i}": [i] for i in range(4)}})
    lab.show(df, caption="A caption")
    out = capsys.readouterr().out
    assert out.startswith("A caption (1 of 2)\n") and "A caption (2 of 2)" in out
    header = [line for line in out.splitlines() if line.startswith("│ council")]
    assert len(header) == 2 and all(line.count("┆") <= 7 for line in header)
    for cell in ("Turnover rate (%)", "16.5", "requires improvement", "80,850", "c (confidential)",
                 "initial child protection conferences", "2021"):
        assert cell in out, cell
    assert "requires_improvement" not in out and "2,021" not in out and "16.49" not in out


def test_every_story_notebook_opens_with_its_question_and_method_then_the_generated_opening():
    # the fixed part of an opening says what does not change with a parameter; the rest is generated
    import nbformat

    from csc_figures import paths

    for path in sorted(paths.NOTEBOOKS.glob("1*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0]
        assert first.cell_type == "markdown", path.name
        assert "**The question**" in first.source and "**The method**" in first.source, path.name
        assert any(c.cell_type == "code" and f'opening("{path.stem}", globals())' in c.source for c in nb.cells[:4]), \
            path.name


def test_a_story_held_in_two_article_files_is_named_once():
    # York's downgrade is in the author's feed and in its own page (data/articles.csv has both rows)
    from csc_figures.opening import article_lines

    lines = article_lines("12_inspection_judgements")
    assert len(lines) == len(set(lines))
    assert sum("Inspectors downgrade council" in line for line in lines) == 1
