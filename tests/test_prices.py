"""One price base: the bundled indices, restatement by hand, every money default's price year,
and money written at another year's prices."""

from __future__ import annotations

import polars as pl
import pytest

from stpmodel import prices
from stpmodel.model import run
from stpmodel.results import tabulate
from stpmodel.scenario import parse_scenario
from stpmodel.services import SECTIONS
from stpmodel.services.acute import AE_COST, NEL_COST

from .test_finance import RAID, value


def test_gdp_deflator_restatement_by_hand():
    """HM Treasury's September 2022 GDP deflators (2021/22 = 100): 2010/11 = 80.9116, 2019/20
    = 94.4248; the OBR's forecast changes for 2022/23 to 2024/25 are 4.054478%, 2.410222% and
    1.854327%, so 2024/25 = 100 × 1.04054478 × 1.02410222 × 1.01854327 = 108.538438.
    Parsonage & Fossey's £245 bed day at 2010/11 prices is 245 × 108.538438 / 80.9116 =
    £328.65 at 2024/25 prices, and £1,000 at 2019/20 prices is 1000 × 108.538438 / 94.4248 =
    £1,149.47."""
    chained = 100 * 1.04054478 * 1.02410222 * 1.01854327
    assert prices.indices()["gdp_deflator"]["2024/25"] == pytest.approx(chained, abs=1e-5)
    assert prices.factor("2010/11", "2024/25", "gdp_deflator") * 245 == pytest.approx(
        328.65, abs=0.005)
    assert prices.factor("2019/20", "2024/25", "gdp_deflator") * 1000 == pytest.approx(
        1149.47, abs=0.005)
    assert prices.factor("2024/25", "2024/25", "nhs_cost_inflation") == 1.0


def test_nhs_cost_inflation_restatement_by_hand():
    """The PSSRU NHS cost inflation index (pay and prices): 2022/23 +7.32% and 2023/24 +4.31%,
    so £100 at 2021/22 prices is 100 × 1.0732 × 1.0431 = £111.95 at 2023/24 prices."""
    assert prices.factor("2021/22", "2023/24", "nhs_cost_inflation") * 100 == pytest.approx(
        100 * 1.0732 * 1.0431, rel=1e-6)


def test_the_liaison_bed_day_is_restated_to_the_price_base():
    """RAID's 14,500 bed days at the default £245 (2010/11 prices) at a 2024/25 price base:
    14,500 × 245 × 108.538438 / 80.9116 = £4,765,482 (against £3,552,500 at 2010/11 prices).
    The staff costs written in the scenario are at the price base, so stay £800,000."""
    text = RAID.replace("prices: {base: 2010/11}", "prices: {base: 2024/25}")
    frame = tabulate(run(parse_scenario(text)), "year")
    assert value(frame, "liaison_savings", "2019/20") == pytest.approx(
        14_500 * 245 * 108.538438 / 80.9116, rel=1e-6)
    assert value(frame, "liaison_cost", "2019/20") == pytest.approx(800_000)
    unit = frame.filter(pl.col("metric") == "liaison_savings")["unit"][0]
    assert unit == "£ (2024/25 prices)"
    assert frame.filter(pl.col("metric") == "liaison_wte")["unit"][0] == "WTE"


def test_money_written_at_another_years_prices_is_restated():
    """consultant_cost written at 2019/20 prices, £100,000: 100,000 × 108.538438 / 94.4248 =
    £114,946.9 at 2024/25; the rest of the staff cost (13 × £40,000 + £80,000 non-pay) is at
    the base. Liaison cost = 2 × 114,946.9 + 600,000 = £829,893.9."""
    text = RAID.replace("prices: {base: 2010/11}",
                        "prices: {written: {liaison.consultant_cost: 2019/20}}")
    frame = tabulate(run(parse_scenario(text)), "year")
    consultant = 100_000 * 108.538438 / 94.4248
    assert value(frame, "liaison_cost", "2019/20") == pytest.approx(
        2 * consultant + 600_000, rel=1e-6)
    # a whole section at once
    section = RAID.replace("prices: {base: 2010/11}", "prices: {written: {liaison: 2019/20}}")
    frame = tabulate(run(parse_scenario(section)), "year")
    assert value(frame, "liaison_cost", "2019/20") == pytest.approx(
        800_000 * 108.538438 / 94.4248, rel=1e-6)


def test_every_money_default_carries_its_price_year():
    """A money default other than nothing (0, none) names the financial year of its prices."""
    missing = []
    for service in SECTIONS:
        for path, default, year in prices.money_defaults(service.section):
            if default in (None, 0, 0.0, {}) or type(default).__name__ == "PydanticUndefinedType":
                continue
            if year is None or not prices.FY_RE.match(year):
                missing.append(f"{service.name}.{path}")
    assert missing == []


def test_acute_defaults_are_the_bundled_national_cost_collection():
    from stpmodel.reference import _read

    costs = {r["item"]: r for r in _read("unit_costs.csv").iter_rows(named=True)}
    assert costs["ae_attendance"]["value"] == AE_COST
    assert costs["nel_admission"]["value"] == NEL_COST
    assert AE_COST == pytest.approx(costs["ae_attendance"]["cost"]
                                    / costs["ae_attendance"]["activity"], abs=0.005)
    assert NEL_COST == pytest.approx(costs["nel_admission"]["cost"]
                                     / costs["nel_admission"]["activity"], abs=0.005)


@pytest.mark.parametrize(("prices_yaml", "message"), [
    ("{base: 2030/31}", "prices.base: the price base 2030/31 is not in the gdp_deflator index"),
    ("{base: 2024-25}", "prices.base: expected a financial year like 2024/25"),
    ("{base: 2024/26}", "prices.base: expected a financial year like 2024/25"),
    ("{index: nhs_cost_inflation}",
     "prices.base: the price base 2024/25 is not in the nhs_cost_inflation index"),
    ("{base: 2023/24, index: nhs_cost_inflation}",
     "prices.index: the default of liaison.bed_day_cost is at 2010/11 prices, which the "
     "nhs_cost_inflation index does not reach"),
    ("{written: {crisis.build_up_months: 2019/20}}",
     "prices.written.crisis.build_up_months: 'crisis.build_up_months' names no money key"),
    ("{written: {liaison: 1900/01}}",
     "prices.written.liaison: 1900/01 is not in the gdp_deflator index"),
])
def test_bad_prices_are_located(prices_yaml, message):
    from stpmodel.errors import ScenarioError

    text = RAID.replace("prices: {base: 2010/11}", f"prices: {prices_yaml}")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text)
    assert message in str(err.value)


def test_new_names_the_price_year_of_the_oap_cost_it_writes():
    """`stpmodel new --footprint Devon` writes Devon's February 2017 OAP daily cost (£610), so
    its price year is 2016/17 (February 2017 is in the financial year April 2016 to March 2017),
    and a run restates it: 610 × 108.538438 / 88.9331 = £744.47 a bed day at 2024/25 prices."""
    from stpmodel.newscenario import build_scenario
    from stpmodel.reference import find_footprint

    assert prices.financial_year_of("2017-02") == "2016/17"
    assert prices.financial_year_of("2017-04") == "2017/18"
    text = build_scenario(find_footprint("Devon"))
    assert "oap_cost_per_day: 610" in text
    assert "written: {inpatient.oap_cost_per_day: 2016/17}" in text
    scenario = parse_scenario(text)
    assert prices.restatement(scenario, "inpatient.oap_cost_per_day") * 610 == pytest.approx(
        744.47, abs=0.005)
