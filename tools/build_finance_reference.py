"""Build stpmodel's bundled price indices and acute unit costs from the public files.

    .venv/bin/python tools/build_finance_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_finance_reference.py --data DIR   # another copy of the same files

Writes:

- ``stpmodel/data/price_indices.csv``: two indices by financial year, for restating money from
  one price year to another (stpmodel.prices): HM Treasury's GDP deflator at market prices
  (September 2022; 2021/22 = 100, the OBR March 2022 forecast's % changes chained on for
  2022/23 to 2026/27) and the PSSRU NHS cost inflation index, pay and prices (its annual %
  changes chained from 2014/15 = 100).
- ``stpmodel/data/unit_costs.csv``: acute unit costs from NHS England's National Cost Collection
  2024/25 national schedule: an A&E attendance (the Emergency Care department, cost ÷ activity)
  and a non-elective admission (non-elective long- and short-stay spells, cost ÷ activity).

How each number is derived is written in stpmodel/data/SOURCES.md. The output is sorted and
formatted as tools/build_reference.py does, so a rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_reference import data_folder, write_csv  # noqa: E402

GDP = "finance/hmt_gdp_deflators_sep2022_financial_year_tidy.csv"
CII = "finance/transcribed_pssru_nhs_cost_inflation_index_2015-16_to_2023-24.csv"
NCC = "finance/nhse_national_cost_collection_2024-25_national_schedule_all_departments.csv"
GDP_SOURCE = ("HM Treasury, GDP deflators at market prices, and money GDP, September 2022 "
              "(Quarterly National Accounts); forecasts from OBR March 2022")
CII_SOURCE = ("PSSRU/CHE Unit Costs of Health and Social Care 2024 Manual, NHS cost inflation "
              "index, pay and prices (annual % change chained from 2014/15 = 100)")
NCC_SOURCE = "NHS England, National Cost Collection 2024/25, national schedule"


def financial_year(label: str) -> str:
    """1955-56 → 1955/56."""
    return label.replace("-", "/")


def gdp_deflator(data: Path) -> list[dict]:
    frame = pl.read_csv(data / GDP)
    rows, value = [], None
    for r in frame.iter_rows(named=True):
        if r["gdp_deflator_2021_22_eq_100"] is not None:
            value = float(r["gdp_deflator_2021_22_eq_100"])
        else:  # a forecast year: only the % change is published
            assert value is not None
            value = value * (1.0 + float(r["pct_change_on_previous_year"]) / 100.0)
        rows.append({"index": "gdp_deflator", "financial_year": financial_year(
            r["financial_year"]), "value": value, "forecast": int(r["is_forecast_obr_mar2022"]),
            "source": GDP_SOURCE})
    return rows


def nhs_cost_inflation(data: Path) -> list[dict]:
    frame = pl.read_csv(data / CII).filter(pl.col("index") == "pay_and_prices")
    frame = frame.sort("financial_year")
    first = int(frame["financial_year"][0][:4]) - 1
    rows = [{"index": "nhs_cost_inflation", "financial_year": f"{first}/{(first + 1) % 100:02d}",
             "value": 100.0, "forecast": 0, "source": CII_SOURCE}]
    value = 100.0
    for r in frame.iter_rows(named=True):
        value = value * (1.0 + float(r["annual_pct_change"]) / 100.0)
        rows.append({"index": "nhs_cost_inflation", "financial_year": r["financial_year"],
                     "value": value, "forecast": int(r["provisional"]), "source": CII_SOURCE})
    return rows


def unit_costs(data: Path) -> pl.DataFrame:
    frame = pl.read_csv(data / NCC)
    assert set(frame["financial_year"]) == {"2024/25"}
    items = (
        ("ae_attendance", "£/attendance", ("Emergency Care",),
         "Emergency Care department: total cost ÷ attendances"),
        ("nel_admission", "£/admission",
         ("Non-Elective Inpatient - Long Stay", "Non-Elective Inpatient - Short Stay"),
         "non-elective long- and short-stay spells: total cost ÷ spells"),
    )
    rows = []
    for item, unit, departments, how in items:
        part = frame.filter(pl.col("department_code").is_in(departments))
        cost, activity = float(part["cost"].sum()), float(part["activity"].sum())
        rows.append({"item": item, "price_year": "2024/25", "unit": unit,
                     "value": round(cost / activity, 2), "cost": round(cost),
                     "activity": round(activity), "source": f"{NCC_SOURCE}: {how}"})
    return pl.DataFrame(rows).sort("item")


def main() -> None:
    data = data_folder(sys.argv[1:], __doc__)
    indices = pl.DataFrame(gdp_deflator(data) + nhs_cost_inflation(data)).sort(
        ["index", "financial_year"])
    write_csv(indices.select("index", "financial_year", "value", "forecast", "source"),
              "price_indices.csv")
    write_csv(unit_costs(data), "unit_costs.csv")


if __name__ == "__main__":
    main()
