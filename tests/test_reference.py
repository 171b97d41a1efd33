"""The bundled footprint reference: what it holds, where the numbers come from, and finding a
footprint by a loosely written name."""

from __future__ import annotations

import re

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel import reference
from stpmodel.cli import app
from stpmodel.reference import ENGLAND, FootprintNotFoundError, find_footprint

runner = CliRunner()


def test_the_44_footprints():
    fps = reference.footprints()
    assert [fp.code for fp in fps] == [f"E540000{n:02d}" for n in range(5, 49)]
    assert len({fp.name for fp in fps}) == 44
    assert find_footprint("E54000037").name == "Devon"


@pytest.mark.parametrize(("query", "code"), [
    ("devon", "E54000037"),
    ("Devon", "E54000037"),
    ("DEVON STP", "E54000037"),  # as IAPT's 2020-21 rows write it
    ("QJK", "E54000037"),  # NHS England's 2020 code
    ("Devn", "E54000037"),  # a small misspelling
    ("Birmingham & Solihull", "E54000017"),
    ("birmingham and solihull", "E54000017"),
    ("Manchester", "E54000007"),
    ("Bath Swindon Wiltshire", "E54000040"),
    ("West Yorkshire and Harrogate", "E54000005"),  # the acute-trust lookup's spelling
    ("Joined Up Care Derbyshire", "E54000012"),  # the 2020 name
    ("the black country", "E54000016"),
    (" e54000048 ", "E54000048"),
])
def test_names_are_matched_loosely(query, code):
    assert find_footprint(query).code == code


@pytest.mark.parametrize(("query", "message"), [
    ("Narnia", "no footprint matches 'Narnia'; `stpmodel footprints` lists all 44"),
    ("Devonshire and Cornish", "no footprint matches 'Devonshire and Cornish'; did you mean "),
    ("London", "'London' matches 5 footprints: North West London (E54000027); North Central "
               "London (E54000028); North East London (E54000029); South East London "
               "(E54000030); South West London (E54000031). Give more of the name, or the code"),
    ("E54000049", "E54000049 (Cumbria and North East, from April 2018) is not one of the 44 "
                  "footprints of April 2017: it joined Durham, Darlington, Teesside, Hambleton, "
                  "Richmondshire and Whitby (E54000045), Northumberland, Tyne and Wear and North "
                  "Durham (E54000046), West, North and East Cumbria (E54000047); choose one of "
                  "those"),
    ("E54000099", "no footprint has the code E54000099; the 44 footprints are E54000005 to "
                  "E54000048 (`stpmodel footprints` lists them), and `stpmodel footprints "
                  "--geography icb2022` lists the 42 ICBs' codes"),
    ("&", "'&' is not a footprint name or code"),
])
def test_a_name_that_fits_none_or_several_says_so(query, message):
    with pytest.raises(FootprintNotFoundError) as caught:
        find_footprint(query)
    assert str(caught.value).startswith(message)


def test_population_sums_to_the_ons_england_totals():
    """SOURCES.md (shared data): England mid-2022 is 57,106,398; the derived STP17 file sums to
    it exactly. The bundle rounds each band to 0.1, so allow 0.05 × 1,056 rows."""
    assert reference.persons(ENGLAND, 2022) == pytest.approx(57_106_398, abs=53)
    assert reference.persons(ENGLAND, 2021, 16) == pytest.approx(46_087_075.5, abs=53)


def test_population_of_two_footprints_as_the_shipped_scenarios_quote_it():
    # scenarios/end-oaps.yaml and iapt-25-percent.yaml: ONS mid-2021, derived to STP17
    assert round(reference.persons("E54000037", 2021, 16)) == 1_022_155
    assert round(reference.persons("E54000037", 2021)) == 1_218_643
    assert round(reference.persons("E54000017", 2021, 16)) == 931_003


def test_projection_is_england_growth_by_age_and_sex():
    """For England as a whole the projection is the ONS 2020-based national projection's growth
    by age applied to the mid-2021 estimate, so England's 16+ growth 2021→2026 is close to the
    projection's own: (47,426,515 ÷ 45,954,113)^(1/5) − 1 = 0.63% a year (the estimate's age
    structure differs a little from the projection's)."""
    assert reference.growth(ENGLAND) == pytest.approx(0.006328, abs=0.0001)
    frame = reference.population()
    assert set(frame.filter(pl.col("basis") == "estimate")["mid_year"]) == {2021, 2022}
    assert set(frame.filter(pl.col("basis") == "projection")["mid_year"]) == set(range(2022,
                                                                                         2032))
    # an older footprint grows faster than England under the same national rates by age
    assert reference.growth("E54000037") > reference.growth(ENGLAND) > reference.growth(
        "E54000029")


def test_age_bands():
    bands = reference.population()["age_band"].unique(maintain_order=True).to_list()
    assert bands == ["0-4", "5-9", "10-15", "16-17", "18-24", "25-34", "35-44", "45-54",
                     "55-64", "65-74", "75-84", "85+"]
    with pytest.raises(ValueError, match="does not start an age band"):
        reference.persons("E54000037", 2021, 17)


def test_acute_trusts_and_ae_attendances():
    """HF Analytics Lab lookup: 137 acute trusts; Devon's four, with NHS England's A&E
    attendances of all types in 2018-19 as scenarios/ltp-footprint.yaml quotes them."""
    trusts = reference.acute_trusts()
    assert trusts["trust_code"].n_unique() == 137
    devon = trusts.filter((pl.col("footprint_code") == "E54000037")
                          & (pl.col("financial_year") == "2018-19"))
    assert dict(zip(devon["trust_code"], devon["ae_all_attendances"])) == {
        "RA9": 112_826, "RBZ": 59_713, "RH8": 143_721, "RK9": 156_785}
    # Trusts that merged into a trust of the lookup are folded into it (RM2, RW3 → R0A; RQQ →
    # RGN). Trusts that merged after 2017-18 stop part way through 2018-19, their A&E then
    # reported by the successor (RJF → RTG, which is in Derbyshire; RR1 → RRK; RGQ → RDE); and
    # three returns are missing a month. stpmodel/data/SOURCES.md lists them.
    short = trusts.filter(pl.col("type1_months") < 12)
    assert sorted(zip(short["trust_code"], short["financial_year"], short["type1_months"])) == [
        ("RFR", "2016-17", 11), ("RGQ", "2018-19", 3), ("RHQ", "2016-17", 11),
        ("RJF", "2018-19", 3), ("RR1", "2018-19", 3), ("RWH", "2017-18", 11)]


def test_iapt_and_oaps_of_devon():
    """NHS Digital: Devon's 2018-19 referrals (34,460) and its February 2017 OAPs (846 days at
    an average £610 a day), as scenarios/end-oaps.yaml and iapt-25-percent.yaml quote them."""
    assert reference.iapt_value("E54000037", "2018-19", "referrals_received") == (
        34_460.0, "published")
    assert reference.oap_value("E54000037", "2017-02", "oap_days") == 846
    assert reference.oap_value("E54000037", "2017-02", "average_daily_cost") == 610
    assert reference.oap_value("E54000038", "2017-02", "oap_days") is None  # '*'


def test_summary_has_every_footprint():
    table = reference.summary()
    assert table.height == 44
    devon = table.filter(pl.col("code") == "E54000037").row(0, named=True)
    assert devon["adults_2021"] == 1_022_155
    assert devon["acute_trusts"] == 4
    assert devon["iapt_referrals_2018_19"] == 34_460
    assert devon["oap_days_feb_2017"] == 846
    assert table["iapt_referrals_2018_19"].null_count() == 0


def test_bundled_files_are_small_and_each_has_its_source():
    sources = (reference.DATA / "SOURCES.md").read_text()
    for path in sorted(reference.DATA.glob("*.csv")):
        assert path.stat().st_size < 200_000, path.name
        assert f"`{path.name}`" in sources, f"{path.name} is not described in SOURCES.md"
    for licence in ("Open Government Licence v3.0", "CC0", "MIT"):
        assert licence in sources


def test_footprints_command_table_and_csv(tmp_path):
    table = runner.invoke(app, ["footprints"])
    assert table.exit_code == 0, table.output
    assert "Devon" in table.stdout and "E54000037" in table.stdout
    assert re.search(r"no local projection is bundled", table.stderr)
    out = tmp_path / "footprints.csv"
    written = runner.invoke(app, ["footprints", "-o", str(out)])
    assert written.exit_code == 0
    frame = pl.read_csv(out)
    assert frame.height == 44
    assert frame.columns[:2] == ["code", "name"]
    csv = runner.invoke(app, ["footprints", "--format", "csv"])
    assert csv.stdout == out.read_text()
    again = runner.invoke(app, ["footprints", "-o", str(out)])
    assert again.exit_code == 2
    assert "already exists; use --force" in again.stderr
