"""Council names as people type them (councils.resolve): everyday spellings, ambiguity, unknown names."""

import polars as pl
import pytest

from csc_figures import councils
from csc_figures.errors import UserError

# (typed, DfE code): official and publisher spellings, wrappers, short forms, case, punctuation, codes.
EVERYDAY = [
    ("Bristol", "801"), ("Bristol, City of", "801"), ("City of Bristol", "801"), ("Bristol City Council", "801"),
    ("bristol", "801"), ("  BRISTOL   ", "801"), ("E06000023", "801"), ("801", "801"),
    ("City of York", "816"), ("York City Council", "816"), ("York", "816"),
    ("Hull", "810"), ("Hull City Council", "810"), ("Kingston upon Hull", "810"), ("Kingston-upon-Hull", "810"),
    ("Kingston upon Hull, City of", "810"),
    ("Southend", "882"), ("Southend-on-Sea", "882"), ("Southend on Sea Borough Council", "882"),
    ("Richmond", "318"), ("London Borough of Richmond upon Thames", "318"), ("richmond upon thames", "318"),
    ("Royal Borough of Kingston upon Thames", "314"), ("Kingston upon Thames", "314"),
    ("Royal Borough of Greenwich", "203"), ("London Borough of Hackney", "204"), ("Tower Hamlets Council", "211"),
    ("Royal Borough of Kensington and Chelsea", "207"), ("Kensington & Chelsea", "207"),
    ("County of Herefordshire", "884"), ("Herefordshire, County of", "884"), ("Herefordshire Council", "884"),
    ("County Durham", "840"), ("Durham", "840"), ("Durham County Council", "840"),
    ("St Helens", "342"), ("St. Helens", "342"), ("Saint Helens", "342"), ("st helens council", "342"),
    ("Brighton & Hove", "846"), ("Brighton and Hove City Council", "846"), ("Brighton", "846"),
    ("Stoke-on-Trent", "861"), ("Stoke on Trent", "861"), ("Stoke", "861"),
    ("Newcastle", "391"), ("Newcastle upon Tyne", "391"), ("Telford", "894"), ("Redcar", "807"),
    ("Bath and North East Somerset", "800"), ("BANES", "800"), ("Bath", "800"),
    ("Bedford Borough", "822"), ("Bedford Borough Council", "822"), ("Bedford", "822"),
    ("Wirral Metropolitan Borough Council", "344"), ("Liverpool City Council", "341"),
    ("Isle of Wight Council", "921"), ("Scilly", "420"), ("City of London", "201"),
    ("Windsor", "868"), ("Hammersmith", "205"), ("Blackburn", "889"),
    ("Westmorland", "943"), ("Cumberland", "942"), ("E06000064", "943"),
    # an exact name wins over a short form; a spelling shared with a successor means the one that exists
    ("Bournemouth", "837"), ("Poole", "836"), ("BCP", "839"), ("Christchurch", "839"),
    ("Bournemouth, Christchurch and Poole", "839"), ("Dorset", "838"), ("Dorset (Pre LG)", "835"),
    ("Northamptonshire", "928"), ("North Northamptonshire", "940"), ("Cumbria", "909"),
    # ONS codes before a council became unitary keep its DfE code
    ("E10000023", "815"), ("E06000065", "815"),
]


def test_at_least_forty_spellings():
    assert len(EVERYDAY) >= 40


@pytest.mark.parametrize("typed, code", EVERYDAY)
def test_everyday_spellings(typed, code):
    assert councils.resolve(typed).la_code == code


def test_ambiguous_short_form_lists_every_candidate_with_codes():
    with pytest.raises(UserError) as err:
        councils.resolve("Kingston")
    message = str(err.value)
    assert "could be 2 councils" in message
    for text in ("Kingston upon Hull, City of (DfE 810, ONS E06000010)",
                 "Kingston upon Thames (DfE 314, ONS E09000021)"):
        assert text in message
    with pytest.raises(UserError, match="East Sussex .*West Sussex"):
        councils.resolve("Sussex")


def test_unknown_names_list_the_closest_councils():
    with pytest.raises(UserError, match=r"no council matches 'Brsitol'; closest: Bristol, City of \(DfE 801"):
        councils.resolve("Brsitol")
    with pytest.raises(UserError) as err:
        councils.resolve("Northampton")
    assert "North Northamptonshire (DfE 940" in str(err.value) and "West Northamptonshire (DfE 941" in str(err.value)
    with pytest.raises(UserError, match="closest: Nottinghamshire"):
        councils.resolve("Notts")
    with pytest.raises(UserError, match="not a DfE LA code"):
        councils.resolve("999")
    with pytest.raises(UserError, match="no council given"):
        councils.resolve("  ")


def test_words_that_only_place_a_council_are_not_short_forms():
    with pytest.raises(UserError, match="no council matches 'North'"):
        councils.resolve("North")
    with pytest.raises(UserError, match="no council matches 'London'"):
        councils.resolve("London")


def test_a_council_in_a_joint_return_resolves_to_itself_and_says_whose_return_it_is():
    kingston = councils.resolve("Kingston upon Thames")
    assert kingston.la_code == "314"
    assert [j.code for j in kingston.joint_returns] == ["314 / 318"]
    assert any("joint return with Richmond upon Thames (DfE 314 / 318)" in line for line in kingston.notes())
    northants = councils.resolve("West Northamptonshire")
    assert northants.joint_returns and "North Northamptonshire" in " ".join(northants.notes())
    assert councils.resolve("York").joint_returns == ()
    with pytest.raises(UserError, match="joint workforce return, not one council"):
        councils.resolve("314 / 318")


def test_an_abolished_council_says_so():
    assert any("abolished" in line for line in councils.resolve("Bournemouth").notes())


def test_every_published_spelling_resolves_to_its_own_council(names, geo):
    """Each spelling in la_names (and every current name) resolves to its code, or to the successor sharing it."""
    successors = dict(zip(geo["la_code"], geo["successor_codes"].to_list(), strict=True))
    for variant, code in names.select("name_variant", "la_code").unique().rows():
        got = councils.resolve(variant).la_code
        assert got == code or got in successors[code], (variant, code, got)
    for name, code in geo.filter(pl.col("end_date").is_null()).select("la_name", "la_code").rows():
        assert councils.resolve(name).la_code == code, name
