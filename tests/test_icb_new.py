"""`stpmodel new` for the 42 ICBs: 2025/26 to 2029/30 from the latest baselines bundled by ICB
(stpmodel/data/icb_iapt.csv, icb_inpatient_beds.csv, icb_population.csv), every one of them
ready to run, and the baselines adding up to England."""

from __future__ import annotations

import re

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel import baselines, reference
from stpmodel.cli import app
from stpmodel.newscenario import build_scenario
from stpmodel.reference import ENGLAND, ICB2022
from stpmodel.scenario import parse_scenario
from stpmodel.services.inpatient import calibration

runner = CliRunner()


def key(text: str, path: str) -> str:
    """The value written for ``section.key`` (two levels) in a scenario's text."""
    section, name = path.split(".")
    block = re.search(rf"\n{section}:\n((?:  .*\n|\n)*)", text).group(1)
    return re.search(rf"\n?  {name}: (.*)\n", block).group(1)


@pytest.fixture(scope="module")
def written() -> dict[str, str]:
    return {fp.code: build_scenario(fp) for fp in reference.icbs()}


def test_all_42_icb_scenarios_run_in_one_batch(written, tmp_path):
    for code, text in written.items():
        (tmp_path / f"{code}.yaml").write_text(text)
    result = runner.invoke(app, ["batch", str(tmp_path), "--out-dir", str(tmp_path / "out"),
                                 "--draws", "1"])
    assert result.exit_code == 0, result.output
    assert "42 of 42 scenarios ran" in result.stderr
    summary = pl.read_csv(tmp_path / "out" / "summary.csv")
    assert summary["footprint_code"].n_unique() == 42


def test_an_icb_scenario_covers_2025_26_to_2029_30(written):
    for code, text in written.items():
        scenario = parse_scenario(text)
        assert scenario.footprint.code == code
        assert "\nstart: 2025-04\nend: 2030-03\n" in text
        assert scenario.iapt is not None


def test_devon_icb_by_hand(written):
    """Devon ICB (E54000037, QJK), each figure from its bundled source:
    - referrals 2024-25: 36,645 (NHS Talking Therapies annual key measures, QJK);
    - recovery: 7,030 recovered ÷ 13,080 at caseness = 0.5375 → 0.537;
    - beds: KH03 2024-25 Q1+Q2, trust RWV: (263 + 263) ÷ 2 = 263.0 × 0.5601 = 147.3 → 147;
    - adults: the mid-2025 projection of ICB 2023 Devon, 16+."""
    text = written["E54000037"]
    assert baselines.icb_iapt_value("E54000037", "2024-25", "referrals_received") == 36_645
    assert key(text, "iapt.referrals") == "36645"
    assert key(text, "iapt.recovery_rate") == "0.537"
    assert round(7_030 / 13_080, 3) == 0.537
    assert key(text, "inpatient.beds") == str(round(263.0 * calibration.share())) == "147"
    adults = round(reference.persons("E54000037", 2025, 16, "projection", ICB2022))
    assert key(text, "population.adults") == str(adults)
    # Devon kept its 2017 code, so NHS England's need share for its area applies:
    assert "  need_basis: apms2014" not in text
    # access held flat at today's: referrals × 0.679 (entry) ÷ (need share × adults), down
    from stpmodel.services.iapt.section import nhse_shares

    share = nhse_shares()["E54000037"]
    assert key(text, "iapt.access") == str(int(36_645 * 0.679 / (share * adults) * 1000) / 1000)


def test_an_icb_with_a_new_code_uses_apms_need_and_says_why(written):
    text = written["E54000050"]  # North East and North Cumbria: no 2017 STP had its area
    assert "  need_basis: apms2014\n" in text
    assert "No NHS England need is bundled for E54000050" in text


def test_an_icb_without_measured_beds_gets_no_inpatient_section(written):
    """Northamptonshire's trust reports more beds occupied than available (KH03 as published),
    Bristol's residents are in AWP's beds (headquartered in BSW): beds are a required input."""
    flagged = calibration.flagged(ICB2022)
    assert {"E54000059", "E54000039"} <= flagged
    for code in flagged:
        text = written[code]
        assert "\ninpatient:\n" not in text
        assert "Beds are then a\n# required input" in text or "required input" in text
        assert "#   beds: ...        # REQUIRED" in text
    assert len(flagged) == 6


def test_icb_iapt_adds_up_to_england():
    """NHS Digital rounds sub-national counts to 5: the 42 ICBs and UNKNOWN sum to England's
    1,813,432 referrals in 2024-25 to within 43 × 2.5 ≈ 108 (they give 1,813,425)."""
    frame = baselines.icb_iapt().filter((pl.col("reporting_period") == "2024-25")
                                        & (pl.col("measure") == "referrals_received"))
    england = frame.filter(pl.col("footprint_code") == ENGLAND)["value"][0]
    assert england == 1_813_432
    rest = frame.filter(pl.col("footprint_code") != ENGLAND)
    assert rest.height == 43
    assert rest["value"].sum() == pytest.approx(england, abs=43 * 2.5)


def test_icb_beds_add_up_to_england_and_the_difference_is_explained():
    """KH03 2024-25: the ICBs' trust rows sum to England's row; the beds `new` writes (the
    measured ICBs × the adult acute share) are England's less the beds of the six flagged ICBs'
    own trusts, whose patients are counted in their host ICBs."""
    frame = baselines.icb_inpatient_beds().filter((pl.col("financial_year") == "2024-25")
                                                  & (pl.col("period") == "year"))
    england = frame.filter(pl.col("footprint_code") == ENGLAND)["beds_available"][0]
    assert england == pytest.approx((17_912 + 17_881.74) / 2, abs=0.01)  # KH03 Q1, Q2
    icbs = frame.filter(pl.col("footprint_code") != ENGLAND)
    assert icbs["beds_available"].sum() == pytest.approx(england, rel=0.005)
    measured = calibration.measured("2024-25", geography=ICB2022)
    flagged = icbs.filter(pl.col("footprint_code").is_in(list(calibration.flagged(ICB2022))))
    written = sum(b.available for c, b in measured.items() if c != ENGLAND)
    assert written == pytest.approx(
        (icbs["beds_available"].sum() - flagged["beds_available"].sum()) * calibration.share(),
        rel=1e-4)


def test_new_writes_an_icb_scenario_by_code_or_name(tmp_path):
    for query in ("QJK", "Devon ICB", "NHS Devon Integrated Care Board", "E54000052"):
        result = runner.invoke(app, ["new", "--footprint", query])
        assert result.exit_code == 0, result.output
        assert "\nstart: 2025-04\n" in result.stdout
    stp = runner.invoke(app, ["new", "--footprint", "Devon"])
    assert "\nstart: 2019-04\n" in stp.stdout  # a plain name: the 2017 STP, as before
    icb = runner.invoke(app, ["new", "--footprint", "Devon", "--geography", "icb2022"])
    assert "\nstart: 2025-04\n" in icb.stdout


def test_an_icb_run_judges_no_long_term_plan_standard(written):
    """Every year of an ICB scenario is after 2023/24: the Long Term Plan's rows are '–' and the
    notes say so."""
    from stpmodel.results import report

    result = report(parse_scenario(written["E54000037"]), "year")
    frame = result.frame
    for name in ("standard_iapt_access", "standard_iapt_recovery", "standard_oaps_ended",
                 "standard_los_32_days"):
        rows = frame.filter(pl.col("metric") == name)
        assert rows.height == 5 and rows["value"].null_count() == 5, name
    assert any(n.startswith("standard_iapt_access applies to 2020/21 to 2023/24 only: from "
                            "2025/26 it is shown as '–', not judged") for n in result.notes)
    waits = frame.filter(pl.col("metric") == "standard_iapt_6_weeks")
    assert waits["value"].null_count() == 0  # a standing standard, still judged


def test_the_42_icbs_together_are_england():
    from stpmodel.results import total_label

    every = tuple((fp.code, fp.name) for fp in reference.icbs())
    assert total_label(every) == ("E92000001", "England")
    assert total_label(every[:41]) == ("ALL", "All 41 footprints")


def test_eip_of_an_icb_is_calibrated_to_its_own_dashboard_row(written):
    """Mental Health Dashboard EIP(i_a) Q4 2021/22: Devon (QJK) 0.63 within 2 weeks; the
    median that puts 63% within 14 days with spread 1.07 is 14 × exp(−1.07 × Φ⁻¹(0.63))."""
    from statistics import NormalDist

    assert baselines.icb_dashboard_value("E54000037", "eip_within_2_weeks") == 0.63
    eip = baselines.icb_dashboard().filter(pl.col("measure") == "eip_within_2_weeks")
    assert eip.filter(pl.col("footprint_code") != ENGLAND).height == 42
    median = 14 * 2.718281828459045 ** (-1.07 * NormalDist().inv_cdf(0.63))
    assert float(key(written["E54000037"], "eip.wait_median_days")) == pytest.approx(median,
                                                                                  abs=0.001)


def test_perinatal_of_an_icb_is_its_dashboard_row_over_its_births(written):
    """PMH(i_a) Q4 2021/22, Devon (QJK): 717 women (as the STP table has it for E54000037, the
    same area). The births proxy: the ICB's persons aged 0 at mid-2021 × its under-5s
    projected to mid-2025 ÷ its under-5s at mid-2021; access = 717 ÷ that."""
    assert baselines.icb_dashboard_value("E54000037", "perinatal_women_accessing") == 717
    assert baselines.perinatal_row("E54000037")["women_accessing"] == 717
    icbs = pl.read_csv(reference.DATA / "icbs.csv")
    assert icbs["age0_2021"].sum() == 579_361  # England's, as perinatal_baseline.csv gives it
    age0 = icbs.filter(pl.col("code") == "E54000037")["age0_2021"][0]
    frame = reference.population(ICB2022).filter((pl.col("footprint_code") == "E54000037")
                                                 & (pl.col("age_band") == "0-4"))
    u21 = frame.filter((pl.col("mid_year") == 2021) & (pl.col("basis") == "estimate"))
    u25 = frame.filter((pl.col("mid_year") == 2025) & (pl.col("basis") == "projection"))
    births = round(age0 * u25["population"].sum() / u21["population"].sum(), 1)
    text = written["E54000037"]
    assert float(key(text, "perinatal.births")) == births
    assert float(key(text, "perinatal.access")) == round(717 / births, 5)


def test_import_with_a_q_code_keeps_the_2017_footprint(tmp_path):
    """The import commands' baselines are by 2017 STP: --footprint QJK there is Devon's STP,
    and --scenario writes the STP's scenario from the imported file."""
    from pathlib import Path

    data = Path(__file__).resolve().parent / "data" / "iapt"
    out = tmp_path / "s.yaml"
    result = runner.invoke(app, ["import", "iapt", str(data / "iapt_annual_england_stp_2017-18_"
                                                           "to_2021-22.csv"),
                                 "--footprint", "QJK", "--scenario", str(out)])
    assert result.exit_code == 0, result.output
    assert "\nstart: 2019-04\n" in out.read_text()


def test_crisis_goes_with_the_beds(written):
    flagged = calibration.flagged(ICB2022)
    for code, text in written.items():
        assert ("\ncrisis:\n" in text) == (code not in flagged), code
    assert "CRISIS: left out with the beds" in written["E54000059"]


def test_cyp_access_of_an_icb_is_its_count_over_its_need_then(written):
    """NHS England's OCC data file: 12,140 CYP in Devon (QJK) with 1+ contacts in the year to Q4
    2021/22; the 42 ICBs sum to 660,995 (shared SOURCES.md, cyp/). Access = 12,140 ÷ (0.128 ×
    Devon's under 18s at mid-2021)."""
    frame = baselines.icb_dashboard().filter(pl.col("measure") == "cyp_access_1plus")
    assert frame.height == 42 and frame["value"].sum() == 660_995
    assert baselines.icb_dashboard_value("E54000037", "cyp_access_1plus") == 12_140
    under_18 = reference.persons("E54000037", 2021, 0, geography=ICB2022) - reference.persons(
        "E54000037", 2021, 18, geography=ICB2022)
    assert float(key(written["E54000037"], "cyp.access")) == round(12_140 / (0.128 * under_18),
                                                                   6)
