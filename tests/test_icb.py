"""The 42 Integrated Care Boards of July 2022 beside the 44 STPs of 2017: the bundled geography
(stpmodel/data/icbs.csv, icb_population.csv; tools/build_icb_reference.py), finding an ICB by
code or name, and `footprints --geography icb2022`."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel import reference
from stpmodel.cli import app
from stpmodel.reference import ENGLAND, ICB2022, STP2017, FootprintNotFoundError, find_footprint

runner = CliRunner()


def test_the_42_icbs():
    icbs = reference.footprints(ICB2022)
    assert len(icbs) == 42
    assert len({fp.code for fp in icbs}) == len({fp.ods_code for fp in icbs}) == 42
    assert all(fp.geography == ICB2022 and fp.ods_code.startswith("Q") for fp in icbs)
    assert all(fp.name.startswith("NHS ") and fp.name.endswith(" Integrated Care Board")
               for fp in icbs)
    # The 2023 boundary change (shared SOURCES.md, geography/): Surrey Heartlands and Sussex
    # got new ONS codes; no other ICB's code changed.
    moved = {fp.ods_code: (fp.former_codes, fp.code) for fp in icbs if fp.former_codes}
    assert moved == {"QXU": (("E54000052",), "E54000063"),
                     "QNX": (("E54000053",), "E54000064")}
    # 29 ICBs kept an STP's 2017 code; 13 have codes from E54000050 on.
    assert sum(fp.code in reference.CODES for fp in icbs) == 29
    assert sum(fp.code >= "E54000050" for fp in icbs) == 13


@pytest.mark.parametrize(("query", "code"), [
    ("E54000063", "E54000063"),  # Surrey Heartlands, from April 2023
    ("E54000052", "E54000063"),  # ... and its July 2022 code
    ("e54000053", "E54000064"),  # Sussex, July 2022
    ("QXU", "E54000063"),  # ODS codes: ICBs first
    ("QJK", "E54000037"),
    ("QHL", "E54000055"),  # Birmingham and Solihull ICB (the STP of 2017 was E54000017)
    ("Devon ICB", "E54000037"),
    ("NHS Devon Integrated Care Board", "E54000037"),
    ("north east and north cumbria", "E54000050"),  # a whole ICB name, found though fuzzy
    ("Cumbria and North East ICB", "E54000050"),  # NHS England's 2021/22 name
    ("Black Country ICB", "E54000062"),
    ("West Yorkshire ICB", "E54000054"),
])
def test_an_icb_is_found_by_code_or_name(query, code):
    fp = find_footprint(query)
    assert (fp.code, fp.geography) == (code, ICB2022)


@pytest.mark.parametrize(("query", "geography", "code"), [
    ("Devon", None, "E54000037"),  # a plain name: the 2017 STP first, as before
    ("E54000037", None, "E54000037"),
    ("Devon", ICB2022, "E54000037"),
    ("QJK", STP2017, "E54000037"),  # the STP's 2020 NHS England code
    ("West Yorkshire", None, "E54000005"),
    ("West Yorkshire", ICB2022, "E54000054"),
])
def test_the_geography_decides_between_an_stp_and_an_icb(query, geography, code):
    fp = find_footprint(query, geography)
    assert fp.code == code
    assert fp.geography == (geography or STP2017)


def test_an_icb_name_that_fits_several_or_none_says_so():
    with pytest.raises(FootprintNotFoundError, match="'London' matches 5 ICBs"):
        find_footprint("London", ICB2022)
    with pytest.raises(FootprintNotFoundError) as caught:
        find_footprint("Narnia", ICB2022)
    assert str(caught.value) == ("no ICB matches 'Narnia'; `stpmodel footprints --geography "
                                 "icb2022` lists all 42")
    with pytest.raises(FootprintNotFoundError, match="did you mean NHS Devon Integrated Care"):
        find_footprint("Devvonshire", ICB2022)
    with pytest.raises(FootprintNotFoundError, match="no footprint has the code E54000065"):
        find_footprint("E54000065")
    with pytest.raises(FootprintNotFoundError, match="no footprint has the code E54000005"):
        find_footprint("E54000005", ICB2022)  # an STP of 2017, not an ICB


def test_icb_population_is_ons_and_sums_to_england():
    """ONS's own estimates for ICB 2023 areas sum to England: mid-2022 57,106,398 (shared
    SOURCES.md, population/). The bundle rounds each of 1,008 bands to 0.1, so allow 0.05 ×
    1,008 ≈ 50."""
    assert reference.persons(ENGLAND, 2022, geography=ICB2022) == pytest.approx(57_106_398,
                                                                                abs=50)
    icb = reference.population(ICB2022)
    assert icb["footprint_code"].n_unique() == 42
    est = icb.filter((pl.col("basis") == "estimate") & (pl.col("mid_year") == 2022))
    total = est["population"].sum()
    by_icb = est.group_by("footprint_code").agg(pl.col("population").sum())
    assert by_icb["population"].sum() == pytest.approx(total)
    # The crosswalk's mid-2022 population of Devon ICB (derived_icb_e54_to_ods_qcode_crosswalk_
    # 42_icbs.csv: 1,232,660), from the same ONS workbook.
    assert reference.persons("E54000037", 2022, geography=ICB2022) == pytest.approx(1_232_660,
                                                                                    abs=2)


def test_an_icb_that_kept_its_stp_code_has_the_stps_population():
    """An ONS code names one boundary: each of the 29 ICBs that kept a 2017 STP code has that
    STP's population. The STP figures were derived from CCG 2021 areas, the ICB figures summed
    from sub-ICB areas, both ONS mid-2022; they agree to the 0.1-person rounding of 24 bands."""
    for fp in reference.footprints(ICB2022):
        if fp.code in reference.CODES:
            assert reference.persons(fp.code, 2022, geography=ICB2022) == pytest.approx(
                reference.persons(fp.code, 2022), abs=1.2), fp


def test_icb_projection_is_england_growth_by_age_and_sex():
    """The projection holds each ICB's mid-2021 share of England in each age and sex, so the 42
    ICBs' projections sum to England's projection as the 44 STPs' do (both from the same
    England figures)."""
    for year in (2025, 2030):
        icb = reference.persons(ENGLAND, year, 16, "projection", ICB2022)
        stp = reference.persons(ENGLAND, year, 16, "projection")
        assert icb == pytest.approx(stp, abs=100)
    # Devon is older than North East London: faster adult growth under the same rates by age.
    assert (reference.growth("E54000037", 2025, 2030, geography=ICB2022)
            > reference.growth(ENGLAND, 2025, 2030, geography=ICB2022)
            > reference.growth("E54000029", 2025, 2030, geography=ICB2022))


def test_footprints_lists_the_icbs():
    result = runner.invoke(app, ["footprints", "--geography", "icb2022", "--format", "csv"])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(result.stdout.encode())
    assert frame.height == 42
    assert frame.columns == ["code", "code_2022", "ods_code", "name", "region",
                             "population_2022", "adults_2022", "adult_growth_2025_30"]
    surrey = frame.filter(pl.col("ods_code") == "QXU").row(0, named=True)
    assert (surrey["code"], surrey["code_2022"]) == ("E54000063", "E54000052")
    assert frame["population_2022"].sum() == pytest.approx(57_106_398, abs=42)
    assert "E54000052 and E54000053 in July 2022" in result.stderr
    table = runner.invoke(app, ["footprints", "-g", "icb2022"])
    assert table.exit_code == 0
    assert "Integrated Care Boards (July 2022)" in table.stdout
    wrong = runner.invoke(app, ["footprints", "-g", "icb2019"])
    assert wrong.exit_code == 2


# --- footprint checks ------------------------------------------------------------------------

MINIMAL = """\
name: t
start: 2019-04
end: 2020-03
footprint: {FOOTPRINT}
population: {adults: 1000000, growth: 0}
iapt: {need_basis: apms2014, access: 0.2, referrals: 30000, waiting_list: 0, course_weeks: 7,
       workforce: {wte: 100, sessions_per_wte: 1000, recruitment: 10}}
"""


@pytest.mark.parametrize("footprint", [
    "{code: E54000037, name: Devon}",
    "{code: E54000037, name: NHS Devon Integrated Care Board}",  # the same code, the ICB's name
    "{code: E54000063, name: Surrey Heartlands ICB}",
    "{code: E54000052, name: NHS Surrey Heartlands Integrated Care Board}",  # July 2022 code
    "{code: E54000050, name: Cumbria and North East ICB}",
    "{code: E54000017, name: 'birmingham & solihull'}",
    "{code: E92000001, name: England}",
    "{code: E54000099, name: My own area, custom: true}",
    "{code: E54000008, name: Anything, custom: true}",
])
def test_known_footprints_and_custom_ones_validate(footprint):
    from stpmodel.scenario import parse_scenario

    scenario = parse_scenario(MINIMAL.replace("{FOOTPRINT}", footprint))
    assert scenario.footprint.custom == ("custom" in footprint)


def test_a_wrong_footprint_exits_1_with_a_suggestion(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL.replace("{FOOTPRINT}", "{code: E54000037, name: Devn ICB}"))
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0  # loosely written
    path.write_text(MINIMAL.replace("{FOOTPRINT}", "{code: E54000064, name: Surrey Heartlands}"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{path}:4:30: footprint.name: 'Surrey Heartlands' is not the name of E54000064\n"
        "  hint: did you mean code E54000035 (Surrey Heartlands)? Or, for E54000064, its name "
        "is 'NHS Sussex Integrated Care Board'\n")


def test_each_footprint_of_several_is_checked():
    from stpmodel.errors import ScenarioError
    from stpmodel.scenario import parse_scenario

    text = MINIMAL.replace("footprint: {FOOTPRINT}\n", "").replace(
        "name: t\n", "name: t\nfootprints:\n  - {code: E54000037, name: Devon}\n"
                     "  - {code: E54000098, name: Somewhere}\n"
                     "  - {code: E54000097, name: Mine, custom: true}\n")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "s.yaml")
    assert str(caught.value).startswith("s.yaml:4:6: footprints[1].code: E54000098 is not the "
                                        "code of a bundled footprint")
    assert len(caught.value.problems) == 1
