"""The one number formatter: the articles' house style."""

import math

from csc_figures import formatting as f


def test_percentages_round_half_as_printed():
    assert f.pct(16.06) == "16.1%"
    assert f.pct(11.6) == "11.6%"
    assert f.pct(None) == "unavailable"
    assert f.pct(math.nan) == "unavailable"


def test_points_are_unsigned_and_singular_at_one():
    assert f.points(-2.04) == "2.0 percentage points"
    assert f.points(1.0) == "1.0 percentage point"


def test_counts_have_thousands_separators():
    assert f.number(80850) == "80,850"
    assert f.number(198790.0) == "198,790"


def test_change_and_direction_words():
    assert f.change_pct(87700, 198790) == "126.7%"
    assert f.change_pct(0, 5) == "unavailable"
    assert f.rate_word(11.6, 16.1) == "rose"
    assert f.rate_word(16.14, 16.06) == "was unchanged"  # both print as 16.1%
    assert f.rate_word(16.1, 15.0) == "fell"
