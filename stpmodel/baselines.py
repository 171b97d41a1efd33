"""The services' bundled baselines: loaders for the tables in stpmodel/data that the builders in
tools/ derive from public NHS data (IAPT outturn, need and standards; inpatient beds, OAPs and
national series; perinatal, CYP and EIP baselines). Each table's sources are in
stpmodel/data/SOURCES.md; the footprints and population are in :mod:`stpmodel.reference`."""

from __future__ import annotations

from functools import cache

import polars as pl

from .reference import _read

# ---------------------------------------------------------------------------------------------
# IAPT (NHS Talking Therapies) on NHS England's definitions: outturn, need and standards
# (built by tools/build_iapt_reference.py; sources in stpmodel/data/SOURCES.md)


@cache
def iapt_outturn() -> pl.DataFrame:
    """England IAPT outturn by year, 2018-19 to 2024-25: ``financial_year, measure, value, unit,
    use`` (``calibration`` for 2018-19 and 2019-20, else ``out_of_sample``), ``preferred`` (the
    row to use where two sources give a year's measure), ``basis, source``."""
    return _read("iapt_outturn.csv", schema_overrides={"value": pl.Float64,
                                                       "preferred": pl.Boolean})


def iapt_outturn_value(year: str, measure: str) -> float | None:
    """The preferred England outturn of one measure in one financial year, or None."""
    rows = iapt_outturn().filter((pl.col("financial_year") == year)
                                 & (pl.col("measure") == measure) & pl.col("preferred"))
    return float(rows["value"][0]) if rows.height else None


@cache
def iapt_need() -> pl.DataFrame:
    """NHS England's IAPT need (the access-rate denominator) for England (``E92000001``, first)
    and the 44 footprints: ``footprint_code, footprint_name, need`` [persons],
    ``adults_16plus`` (mid-2021), ``need_share_of_adults`` [fraction], ``need_population_basis``
    (England's need per adult × the footprint's adults), ``method, dashboard_share,
    reference_period, population_year, source``."""
    return _read("iapt_need.csv", schema_overrides={"need": pl.Float64,
                                                    "adults_16plus": pl.Float64,
                                                    "need_population_basis": pl.Float64})


@cache
def iapt_standards() -> pl.DataFrame:
    """NHS England's IAPT access ambitions: ``financial_year, org_code`` (``E92000001`` or an
    STP code of 2021), ``org_name, period, measure, value, unit, rule, source``."""
    return _read("iapt_standards.csv", schema_overrides={"value": pl.Float64})


# ---------------------------------------------------------------------------------------------
# Inpatient (mental health beds and out-of-area placements) baselines
# (built by tools/build_inpatient_reference.py; sources in stpmodel/data/SOURCES.md)


@cache
def inpatient_baseline() -> pl.DataFrame:
    """KH03 mental illness beds for England (``E92000001``, first) and the 44 footprints:
    ``footprint_code, footprint_name, financial_year`` (2018-19, 2019-20; England's to
    2021-22), ``period``
    (``Q1``-``Q4`` or ``year``, the mean of the quarters), ``beds_available, beds_occupied``
    [average daily beds], ``occupancy`` [fraction; null where no beds], ``n_trusts, method,
    trusts, source_gap, source``. All mental illness beds (adult acute, older adult, PICU,
    rehabilitation, secure, CYP), not adult acute only."""
    return _read("inpatient_baseline.csv",
                 schema_overrides={"beds_available": pl.Float64, "beds_occupied": pl.Float64,
                                   "occupancy": pl.Float64, "source_gap": pl.String,
                                   "trusts": pl.String})


def inpatient_beds(code: str, year: str = "2019-20", period: str = "year") -> dict | None:
    """One footprint's (or England's) KH03 row as a dict, or None."""
    rows = inpatient_baseline().filter((pl.col("footprint_code") == code)
                                       & (pl.col("financial_year") == year)
                                       & (pl.col("period") == period))
    return rows.row(0, named=True) if rows.height else None


@cache
def inpatient_oaps_quarterly() -> pl.DataFrame:
    """Inappropriate out-of-area placement bed days by quarter, England (``E92000001``, first,
    from Q2 2017/18) and the 44 footprints (from Q3 2017/18) to Q4 2021/22:
    ``footprint_code, footprint_name, financial_year, quarter, period, bed_days`` (null where
    not published: never zero), ``method`` (``published``, ``stp_row``, ``ccg21_rows``,
    ``ccg21_rows_apportioned``, ``missing``), ``detail, source``."""
    return _read("inpatient_oaps_quarterly.csv",
                 schema_overrides={"bed_days": pl.Float64, "detail": pl.String})


@cache
def inpatient_national() -> pl.DataFrame:
    """England inpatient figures: ``item, year, value, unit, source`` (MH inpatient spells,
    total and mean length of stay 2017-2022; NCC 2024/25 MH bed days and unit costs by unit
    type, and the adult acute share of bed days)."""
    return _read("inpatient_national.csv", schema_overrides={"value": pl.Float64,
                                                             "year": pl.String})


def inpatient_national_value(item: str, year: str) -> float | None:
    rows = inpatient_national().filter((pl.col("item") == item) & (pl.col("year") == year))
    return float(rows["value"][0]) if rows.height else None


# ---------------------------------------------------------------------------------------------
# Perinatal mental health baseline
# (built by tools/build_perinatal_reference.py; sources in stpmodel/data/SOURCES.md)

PERINATAL_SOURCE = ("NHS England, Mental Health Dashboard Q4 2021/22, PMH(i.a): women with at "
                    "least one attended contact with a specialist community perinatal mental "
                    "health service or maternal mental health service")
BIRTHS_PROXY_SOURCE = ("ONS mid-year population estimates, persons aged 0, derived to STP17 "
                       "footprints (ONS births by area are not bundled: the age-0 population "
                       "stands for a year's births)")


@cache
def perinatal_baseline() -> pl.DataFrame:
    """Perinatal baseline for England (``E92000001``, first) and the 44 footprints:
    ``footprint_code, footprint_name, period`` (``Q4 2021/22``), ``women_accessing`` [women in
    the year to the quarter's end], ``method`` (``published``, ``stp_row``, ``ccg21_rows``,
    ``ccg21_rows_apportioned``), ``detail, source``, ``age0_2021, age0_2022`` [persons aged 0 at
    mid-year: the births proxy] and ``age0_source``. England's ``age0`` is the footprints'
    sum; England's ``women_accessing`` is the dashboard's own England row (0.8% below the sum of
    the footprints: a woman seen in two areas counts in each)."""
    return _read("perinatal_baseline.csv",
                 schema_overrides={"women_accessing": pl.Float64, "age0_2021": pl.Float64,
                                   "age0_2022": pl.Float64, "detail": pl.String})


def perinatal_row(code: str) -> dict | None:
    """One footprint's (or England's) perinatal baseline row as a dict, or None."""
    rows = perinatal_baseline().filter(pl.col("footprint_code") == code)
    return rows.row(0, named=True) if rows.height else None
# Children and young people's mental health (CYP) baselines
# (built by tools/build_cyp_reference.py; sources in stpmodel/data/SOURCES.md)


@cache
def cyp_baseline() -> pl.DataFrame:
    """CYP access for England (``E92000001``, first: the dashboard's 674,485) and the 44
    footprints (their CCG 2021 rows, summing to 660,995): ``footprint_code, financial_year,
    measure`` (``cyp_access_1plus_rolling12m``), ``value`` [persons/year], ``method, detail,
    source``."""
    return _read("cyp_baseline.csv", schema_overrides={"value": pl.Float64})


def cyp_access(code: str, year: str = "2021-22") -> float:
    """CYP with 1+ contacts in the 12 months to March of ``year`` [persons]."""
    rows = cyp_baseline().filter((pl.col("footprint_code") == code)
                                 & (pl.col("financial_year") == year)
                                 & (pl.col("measure") == "cyp_access_1plus_rolling12m"))
    if not rows.height:
        raise KeyError(code)
    return float(rows["value"][0])
CYP_SPEND_SOURCE = ("NHS England, OCC CYP MH and MH spend data file 2021/22, CYP(v) and CYP(vi), "
                    "by ICB")


@cache
def cyp_spend() -> pl.DataFrame:
    """CYP mental health spend (excluding learning disability and eating disorders) and CYP
    eating-disorder spend by ICB of July 2022, 2017/18 to 2021/22, in each year's prices:
    ``icb_code, icb_ods_code, icb_name, stp17_code`` (the 2017 STP of the same code and area,
    or null), ``financial_year, price_year, cyp_mh_spend, cyp_ed_spend`` [£], ``source``."""
    return _read("cyp_spend.csv", schema_overrides={"stp17_code": pl.String,
                                                    "cyp_mh_spend": pl.Float64,
                                                    "cyp_ed_spend": pl.Float64})


@cache
def cyp_ed_baseline() -> pl.DataFrame:
    """CYP eating-disorder waits, Q4 2021/22: England (``E92000001``, first) and the 44
    footprints, each ``pathway`` (``urgent``, within ``standard_days`` 7; ``routine``, 28):
    ``footprint_code, footprint_name, period, pathway, standard_days, within`` (the share that
    started NICE-approved treatment within the standard [fraction; null where suppressed]; the
    dashboard's CYP(ii.a), CYP(ii.b)), ``method`` (as :func:`eip_baseline`), ``dashboard_share,
    source``."""
    return _read("cyp_ed_baseline.csv", schema_overrides={"within": pl.Float64,
                                                          "dashboard_share": pl.Float64})


@cache
def eip_baseline() -> pl.DataFrame:
    """Early intervention in psychosis, Q4 2021/22: England (``E92000001``, first) and the 44
    footprints: ``footprint_code, footprint_name, period, within_2_weeks`` (the share of
    referrals with suspected first episode psychosis entering treatment that waited two weeks
    or less [fraction]; the dashboard's EIP(i_a)), ``method`` (``dashboard``: the STP row;
    ``ccg21_weighted``: CCG 2021 rows weighted by adults), ``dashboard_share, source``."""
    return _read("eip_baseline.csv", schema_overrides={"within_2_weeks": pl.Float64,
                                                       "dashboard_share": pl.Float64})


def eip_within_2_weeks(code: str) -> float | None:
    """One footprint's (or England's) Q4 2021/22 EIP within-2-weeks share, or None."""
    rows = eip_baseline().filter(pl.col("footprint_code") == code)
    return float(rows["within_2_weeks"][0]) if rows.height else None


def eip_method(code: str) -> str | None:
    """How that share was read: ``dashboard`` (the dashboard's own row for the footprint) or
    ``ccg21_weighted`` (its CCG 2021 rows weighted by adults); None without a row."""
    rows = eip_baseline().filter(pl.col("footprint_code") == code)
    return str(rows["method"][0]) if rows.height else None


# ---------------------------------------------------------------------------------------------
# The 42 ICBs (built by tools/build_icb_reference.py; sources in stpmodel/data/SOURCES.md)

ICB_IAPT_SOURCE = ("NHS Digital / NHS England, NHS Talking Therapies (IAPT) annual key measures, "
                   "ICB rows")
ICB_KH03_SOURCE = ("NHS England, KH03 bed availability and occupancy (overnight), mental illness "
                   "sector, by trust, summed to the ICB of each trust's headquarters")


@cache
def icb_iapt() -> pl.DataFrame:
    """IAPT counts by ICB (its ONS code; ``E92000001`` England; ``UNKNOWN`` as published),
    ``org_code`` (Q-code), ``reporting_period`` (2022-23 to 2024-25) and ``measure``
    (referrals_received, finished_course_treatment, at_caseness, recovery): ``value``."""
    return _read("icb_iapt.csv", schema_overrides={"value": pl.Float64})


def icb_iapt_value(code: str, year: str, measure: str) -> float | None:
    rows = icb_iapt().filter((pl.col("footprint_code") == code)
                             & (pl.col("reporting_period") == year)
                             & (pl.col("measure") == measure))
    return float(rows["value"][0]) if rows.height else None


@cache
def icb_inpatient_beds() -> pl.DataFrame:
    """KH03 mental illness beds by ICB and England, 2022-23 to 2024-25, as
    :func:`inpatient_baseline` gives them by STP: ``footprint_code, name, financial_year,
    period`` (Q1-Q4, ``year``), ``quarters`` (those averaged), ``beds_available,
    beds_occupied`` [beds, average daily], ``occupancy, n_trusts, method`` (``own_icb``,
    ``no_trust_headquartered``, ``published_england_row``), ``trusts, source``."""
    return _read("icb_inpatient_beds.csv", schema_overrides={
        "beds_available": pl.Float64, "beds_occupied": pl.Float64, "occupancy": pl.Float64})


@cache
def icb_dashboard() -> pl.DataFrame:
    """Mental Health Dashboard Q4 2021/22 measures by ICB (``footprint_code``, its ONS code;
    ``org_code``, the Q-code the dashboard uses) and England: ``indicator, period, measure,
    value, unit``."""
    return _read("icb_dashboard.csv", schema_overrides={"value": pl.Float64})


def icb_dashboard_value(code: str, measure: str) -> float | None:
    rows = icb_dashboard().filter((pl.col("footprint_code") == code)
                                  & (pl.col("measure") == measure))
    return float(rows["value"][0]) if rows.height else None


def icb_dashboard_org(code: str) -> str:
    rows = icb_dashboard().filter(pl.col("footprint_code") == code)
    return str(rows["org_code"][0]) if rows.height else code
