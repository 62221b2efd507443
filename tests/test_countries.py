import datetime as dt

import pytest

from dyad import countries
from dyad.countries import CountryError, resolve


@pytest.mark.parametrize("value, expected", [
    ("CHN", "CHN"), ("chn", "CHN"), ("CN", "CHN"), ("China", "CHN"), ("PRC", "CHN"),
    ("People's Republic of China", "CHN"), ("RUS", "RUS"), ("ru", "RUS"), ("Russian Federation", "RUS"),
    ("USSR", "RUS"), ("Soviet Union", "RUS"), ("Republic of China", "TWN"), ("taiwan", "TWN"),
    ("Côte d'Ivoire", "CIV"), ("Ivory Coast", "CIV"), ("United States of America", "USA"),
    ("German Democratic Republic", "DDR"), ("Federal Republic of Germany", "DEU"), ("Yemen Arab Republic", "YEM"),
])
def test_names_and_codes(value, expected):
    assert resolve(value) == expected


@pytest.mark.parametrize("value, scheme, expected", [
    (156, "m49", "CHN"), ("643", "m49", "RUS"), (710, "cow", "CHN"), (365, "cow", "RUS"), (713, "cow", "TWN"),
    ("GFR", "cow_abb", "DEU"), ("AUS", "cow_abb", "AUT"), ("AUL", "cow_abb", "AUS"), ("ROM", "cameo", "ROU"),
    ("RUS", "cameo", "RUS"), (2, "cow", "USA"), (840, "m49", "USA"),
])
def test_schemes(value, scheme, expected):
    assert resolve(value, scheme) == expected


def test_numeric_codes_that_collide_are_ambiguous():
    # 710 is South Africa in UN M49 and China in COW.
    with pytest.raises(CountryError, match="ambiguous.*m49 -> ZAF.*cow -> CHN"):
        resolve(710)
    assert resolve(365) == "RUS"    # COW only: no M49 country 365


def test_un_seat_history_of_china():
    assert resolve("China", date=dt.date(1971, 10, 24), un_seat=True) == "TWN"
    assert resolve("China", date="1971-10-25", un_seat=True) == "CHN"
    assert resolve("China", date=dt.date(1950, 1, 1)) == "CHN"   # only the UN seat has this history
    assert resolve(710, "cow", date=dt.date(1960, 1, 1), un_seat=True) == "TWN"


def test_unknown_name_lists_nearest_matches():
    with pytest.raises(CountryError) as info:
        resolve("Rusia")
    assert "nearest matches" in str(info.value) and "russia" in str(info.value)
    with pytest.raises(CountryError):
        resolve("")
    with pytest.raises(CountryError):
        resolve("XQZ")


def test_reference_tables_are_complete_and_consistent():
    cow = countries.code_map("cow")
    assert len(cow) >= 200
    assert cow[365] == "RUS" and cow[710] == "CHN" and cow[2] == "USA"
    cameo = countries.code_map("cameo")
    assert "SAF" not in cameo          # Southern Africa is a region, not a country
    assert cameo["CHN"] == "CHN" and cameo["RUS"] == "RUS"


def test_every_unvotes_country_resolves(shared_data):
    import pandas as pd

    votes = pd.read_csv(shared_data / "unvotes" / "un_votes.csv.gz", usecols=["country", "country_code"])
    pairs = votes.drop_duplicates()
    failed = [(n, c) for n, c in pairs.itertuples(index=False)
              if not (countries.try_resolve(c, "iso2") if isinstance(c, str) else countries.try_resolve(n))]
    assert failed == []
