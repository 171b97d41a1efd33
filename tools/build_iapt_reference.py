"""Build stpmodel's bundled IAPT (NHS Talking Therapies) outturn, need and standards tables.

    .venv/bin/python tools/build_iapt_reference.py              # reads ../shared/data
    .venv/bin/python tools/build_iapt_reference.py --data DIR   # another copy of the same files

Writes, in stpmodel/data/:

- ``iapt_outturn.csv``: England outturn by financial year 2018-19 to 2024-25, tidy and long;
- ``iapt_need.csv``: NHS England's IAPT prevalence denominator ("need") for England and each
  of the 44 STP footprints of April 2017;
- ``iapt_standards.csv``: NHS England's national access ambitions by year, and the 2021/22
  quarterly access targets by STP (2021 boundaries).

How each number is derived is written in stpmodel/data/SOURCES.md (prose, not written here).
The output is sorted and formatted as tools/build_reference.py does, so a rebuild from the same
inputs is byte-identical. Every figure comes from a file under the data folder except the three
national ambitions of ``iapt_standards.csv`` that name a published document in their source.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_reference import CODES, _xlsx_sheet, data_folder, footprint_names, write_csv  # noqa: E402

ENGLAND = "E92000001"
YEARS = ("2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25")
CALIBRATION = ("2018-19", "2019-20")
ANNUAL = "iapt/iapt_annual_key_measures_2017-18_to_2024-25_total_by_england_region_stp_ccg_icb.csv"
MONTHLY = ("iapt/nhstt_monthly_activity_performance_2021-01_to_2026-03_england_and_provider_key_"
           "measures.csv")
DASHBOARD = ("mh_dashboard/nhse_mh_dashboard_q4_2021-22_all_indicators_long_england_region_stp_"
             "ccg.csv")
CCG21_STP17 = "geography/derived_ccg21_to_stp17_apportionment.csv"
POP_STP17 = "population/derived_stp17_44_population_mid2021_mid2022_sya_sex.csv"
POP_BOOK = "population/ons_pop_health_geogs_mid2021_mid2022_ccg2021_stp2021_icb2023_sya_sex.xlsx"
RCPSYCH = "reference/rcpsych-2019-mental-health-in-integrated-care-systems.txt"  # beside data/

SRC_ANNUAL = ("NHS Digital, IAPT / NHS Talking Therapies annual key measures, England total "
              f"(via bennettoxford/nhstt measures_annual; shared file {ANNUAL})")
SRC_MONTHLY = ("NHS England, NHS Talking Therapies monthly activity and performance, England "
               f"(via bennettoxford/nhstt at 6285452; shared file {MONTHLY})")
SRC_DASH = ("NHS England, Mental Health Dashboard Q4 2021/22 v3.2 "
            f"(shared file {DASHBOARD})")
# The dashboard's IAPT(i_a) rate and count quarters used for need.
RATE_QUARTER, COUNT_QUARTER = "Q4 2018/19", "Q1 2019/20"
RATE_QUARTERS_2018_19 = ("Q1 2018/19", "Q2 2018/19", "Q3 2018/19", "Q4 2018/19")
POP_YEAR = 2021
# STPs of 2021 whose boundary (and ONS code) differs from every STP17: no rate rows for them.
CHANGED_STP21 = ("E54000050", "E54000051", "E54000052", "E54000053", "E54000054")


def fy_of(year: int, month: int) -> str:
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def fy_of_quarter(period: str) -> str:
    """``Q4 2018/19`` → ``2018-19``."""
    first, second = period.split(" ")[1].split("/")
    return f"{first}-{second}"


# ---------------------------------------------------------------------------------------------
# Readers

def read_dashboard(data: Path, sheets: tuple[str, ...]) -> pl.DataFrame:
    frame = pl.read_csv(data / DASHBOARD, infer_schema_length=0)
    return frame.filter(pl.col("sheet").is_in(sheets)).with_columns(
        pl.col("value").cast(pl.Float64))


def read_annual_england(data: Path) -> pl.DataFrame:
    frame = pl.read_csv(data / ANNUAL, infer_schema_length=0)
    frame = frame.filter((pl.col("org_type") == "England") & (pl.col("variable_type") == "Total")
                         & pl.col("reporting_period").is_in(YEARS))
    return frame.select("reporting_period", "measure_name", "measure_statistic",
                        pl.col("value").cast(pl.Float64))


def read_monthly_england(data: Path) -> pl.DataFrame:
    frame = pl.read_csv(data / MONTHLY, infer_schema_length=0)
    frame = frame.filter(pl.col("provider_code") == "ENG").with_columns(
        pl.col("value").cast(pl.Float64),
        pl.struct(y=pl.col("reporting_period").str.slice(0, 4).cast(pl.Int32),
                  m=pl.col("reporting_period").str.slice(5, 2).cast(pl.Int32))
        .map_elements(lambda s: fy_of(s["y"], s["m"]), return_dtype=pl.String)
        .alias("financial_year"))
    wide = frame.pivot(on="measure_id", index=["financial_year", "reporting_period"],
                       values="value").sort("reporting_period")
    months = wide.group_by("financial_year").len()
    whole = months.filter(pl.col("len") == 12)["financial_year"]
    wide = wide.filter(pl.col("financial_year").is_in(whole.to_list())
                       & pl.col("financial_year").is_in(YEARS))
    # M053 is M052 ÷ M076 (finished courses), as published to one decimal place.
    check = wide.select((pl.col("M052") / pl.col("M076") * 100 - pl.col("M053")).abs().max())
    assert check.item() < 0.06, check
    return wide


# ---------------------------------------------------------------------------------------------
# iapt_outturn.csv

def _row(year: str, measure: str, value: float, unit: str, basis: str, source: str,
         preferred: bool = True) -> dict:
    return {"financial_year": year, "measure": measure, "value": value, "unit": unit,
            "use": "calibration" if year in CALIBRATION else "out_of_sample",
            "preferred": preferred, "basis": basis, "source": source}


def outturn(data: Path, england_need: float) -> pl.DataFrame:
    rows: list[dict] = []
    annual = read_annual_england(data)
    monthly = read_monthly_england(data)
    dash = read_dashboard(data, ("IAPT(i_a)_FINAL CALC", "IAPT(iii_a)_FINAL CALC",
                                 "IAPT(iii_b)_FINAL CALC")).filter(
        pl.col("org_type") == "National")

    def ann(year: str, name: str, stat: str = "count") -> float:
        hit = annual.filter((pl.col("reporting_period") == year) & (pl.col("measure_name") == name)
                            & (pl.col("measure_statistic") == stat))
        assert hit.height == 1, (year, name, stat)
        return float(hit["value"][0])

    entered: dict[str, float] = {}
    # People entering treatment: dashboard quarters (2019/20 to 2021/22), monthly M031 (from
    # 2021-22), and for 2018-19 the dashboard's quarterly rates × the need derived below.
    access = dash.filter(pl.col("sheet") == "IAPT(i_a)_FINAL CALC").with_columns(
        pl.col("period").map_elements(fy_of_quarter, return_dtype=pl.String).alias("fy"))
    rates = access.filter(pl.col("period").is_in(RATE_QUARTERS_2018_19))
    assert rates.height == 4
    value = round(england_need * rates["value"].sum())
    entered["2018-19"] = value
    rows.append(_row("2018-19", "entered_treatment", value, "people", "derived",
                     f"{SRC_DASH}, IAPT(i_a) quarterly access rates Q1-Q4 2018/19 (sum "
                     f"{rates['value'].sum():.5f}) x England need (iapt_need.csv, itself "
                     f"{COUNT_QUARTER} entered / {RATE_QUARTER} rate); so it assumes Q4 2018/19 "
                     f"entered = {COUNT_QUARTER} entered. Approximate: not a published count"))
    for fy in ("2019-20", "2020-21", "2021-22"):
        q = access.filter(pl.col("fy") == fy)
        assert q.height == 4 and q["value"].min() > 1000, fy
        value = q["value"].sum()
        preferred = fy != "2021-22"
        if preferred:
            entered[fy] = value
        rows.append(_row(fy, "entered_treatment", value, "people", "sum_of_published",
                         f"{SRC_DASH}, IAPT(i_a) number entering treatment, sum of Q1-Q4 "
                         f"{fy.replace('-', '/')}" + ("" if preferred else
                                                      "; alternative to the monthly M031 sum"),
                         preferred))
    for fy, months in monthly.group_by("financial_year", maintain_order=True):
        fy = str(fy[0])
        src = f"{SRC_MONTHLY}, sum of 12 months"
        entered[fy] = months["M031"].sum()
        rows.append(_row(fy, "entered_treatment", months["M031"].sum(), "people",
                         "sum_of_published", f"{src}, M031 (first treatment / accessing "
                                             "services)"))
        rows.append(_row(fy, "finished_waited_6w_share",
                         round(months["M052"].sum() / months["M076"].sum(), 4), "fraction",
                         "derived", f"{src}: M052 / M076 (finished courses whose first treatment "
                                    "was within 6 weeks of referral / finished courses)"))
        rows.append(_row(fy, "finished_waited_18w_share",
                         round(months["M054"].sum() / months["M076"].sum(), 4), "fraction",
                         "derived", f"{src}: M054 / M076 (within 18 weeks)"))
        rows.append(_row(fy, "mean_wait_entered_days",
                         round((months["M048"] * months["M031"]).sum() / months["M031"].sum(), 1),
                         "days", "derived",
                         f"{src}: monthly M048 mean wait referral to first treatment (for "
                         "referrals entering treatment, not finished courses) weighted by M031"))
        rows.append(_row(fy, "second_treatment", months["M184"].sum(), "referrals",
                         "sum_of_published", f"{src}, M184 (referrals with a second treatment "
                                             "appointment)"))
        rows.append(_row(fy, "ended_referrals", months["M056"].sum(), "referrals",
                         "sum_of_published", f"{src}, M056 (all ended referrals, including "
                                             "those ended before treatment)"))
        march = months.filter(pl.col("reporting_period").str.ends_with("-03"))
        rows.append(_row(fy, "waiting_for_treatment_end_march", march["M038"][0], "referrals",
                         "published", f"{SRC_MONTHLY}, M038 in March (referrals waiting for "
                                      "first treatment at month end)"))
    # Waits before 2021-22: the dashboard's quarterly shares (NHS Digital, finished courses);
    # the annual value is the unweighted mean of the quarters (no quarterly counts to weight by).
    for sheet, measure in (("IAPT(iii_a)_FINAL CALC", "finished_waited_6w_share"),
                           ("IAPT(iii_b)_FINAL CALC", "finished_waited_18w_share")):
        waits = dash.filter(pl.col("sheet") == sheet).with_columns(
            pl.col("period").map_elements(fy_of_quarter, return_dtype=pl.String).alias("fy"))
        for fy in ("2018-19", "2019-20", "2020-21", "2021-22"):
            q = waits.filter(pl.col("fy") == fy).sort("period")
            note = ", ".join(q["period"])
            missing = "; Q2 2020/21 is missing from the dashboard" if q.height < 4 else ""
            rows.append(_row(fy, measure, round(q["value"].mean(), 4), "fraction",
                             "derived", f"{SRC_DASH}, {sheet.split('_FINAL')[0]} unweighted mean "
                                        f"of the quarters {note}{missing}",
                             preferred=fy != "2021-22"))
    for fy in YEARS:
        for name, measure, unit in (("referrals_received", "referrals_received", "referrals"),
                                    ("finished_course_treatment", "finished_course_treatment",
                                     "referrals"),
                                    ("at_caseness", "at_caseness", "referrals"),
                                    ("not_at_caseness", "not_at_caseness", "referrals"),
                                    ("recovery", "recovery", "referrals"),
                                    ("reliable_recovery", "reliable_recovery", "referrals")):
            rows.append(_row(fy, measure, ann(fy, name), unit, "published",
                             f"{SRC_ANNUAL}, {name} (count)"))
        finished, caseness = ann(fy, "finished_course_treatment"), ann(fy, "at_caseness")
        # Finished courses without paired scores are neither at nor not at caseness.
        assert finished >= caseness + ann(fy, "not_at_caseness"), fy
        rate = ann(fy, "recovery") / caseness
        published = ann(fy, "recovery", "percentage") / 100
        assert abs(rate - published) < 0.0015, (fy, rate, published)
        rows.append(_row(fy, "recovery_rate", round(rate, 4), "fraction", "derived",
                         f"{SRC_ANNUAL}: recovery / at_caseness (counts)"))
        rows.append(_row(fy, "recovery_rate_published", round(published, 4), "fraction",
                         "published", f"{SRC_ANNUAL}, recovery (percentage) / 100"))
        rows.append(_row(fy, "finished_per_entered", round(finished / entered[fy], 4),
                         "fraction", "derived",
                         "finished_course_treatment / entered_treatment (preferred rows) of the "
                         "same year: a flow ratio, not a cohort completion rate"))
    frame = pl.DataFrame(rows, schema_overrides={"value": pl.Float64})
    order = {m: i for i, m in enumerate(MEASURE_ORDER)}
    frame = frame.with_columns(pl.col("measure").replace_strict(order).alias("_o")).sort(
        "financial_year", "_o", pl.col("preferred"), descending=[False, False, True]).drop("_o")
    key = frame.filter(pl.col("preferred")).group_by("financial_year", "measure").len()
    assert key["len"].max() == 1
    return frame


MEASURE_ORDER = ("referrals_received", "entered_treatment", "second_treatment",
                 "finished_course_treatment", "at_caseness", "not_at_caseness", "recovery",
                 "reliable_recovery", "recovery_rate", "recovery_rate_published",
                 "finished_per_entered", "finished_waited_6w_share", "finished_waited_18w_share",
                 "mean_wait_entered_days", "ended_referrals", "waiting_for_treatment_end_march")


# ---------------------------------------------------------------------------------------------
# iapt_need.csv

def _norm(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return " ".join(w for w in words if w not in ("nhs", "ccg", "the"))


def ccg21_adults(data: Path) -> pl.DataFrame:
    """ONS mid-2021 persons aged 16+ by CCG 2021 (E38 code, name, STP 2021 code)."""
    cells = _xlsx_sheet(data / POP_BOOK, f"Mid-{POP_YEAR} CCG 2021")
    header = {re.sub(r"\d+$", "", k): v for k, v in cells.items() if re.fullmatch(r"[A-Z]+4", k)}
    assert (header["A"], header["B"], header["C"]) == ("CCG 2021 Code", "CCG 2021 Name",
                                                       "STP 2021 Code"), "layout changed"
    adult_cols = [c for c, v in header.items()
                  if (m := re.fullmatch(r"[FM](\d+)\+?", v)) and int(m.group(1)) >= 16]
    assert len(adult_cols) == 2 * 75, len(adult_cols)  # F16..F90+, M16..M90+
    rows = []
    r = 5
    while f"A{r}" in cells:
        if cells[f"A{r}"].startswith("E38"):
            rows.append({"ccg21cd": cells[f"A{r}"], "ccg21nm": cells[f"B{r}"],
                         "stp21cd": cells[f"C{r}"],
                         "adults": sum(float(cells[f"{c}{r}"]) for c in adult_cols)})
        r += 1
    frame = pl.DataFrame(rows)
    assert frame.height == 106
    return frame


def stp17_adults(data: Path) -> dict[str, float]:
    pop = pl.read_csv(data / POP_STP17, schema_overrides={"population": pl.Float64})
    adults = pop.filter((pl.col("mid_year") == POP_YEAR) & (pl.col("age") >= 16)).group_by(
        "stp17cd").agg(pl.col("population").sum())
    return dict(zip(adults["stp17cd"], adults["population"]))


def need(data: Path, names: dict[str, str]) -> pl.DataFrame:
    dash = read_dashboard(data, ("IAPT(i_a)_FINAL CALC",)).filter(
        pl.col("period").is_in((RATE_QUARTER, COUNT_QUARTER)))
    wide = dash.pivot(on="period", index=["org_type", "org_code", "org_name", "stp_code"],
                      values="value").rename({RATE_QUARTER: "rate", COUNT_QUARTER: "count"})
    adults = stp17_adults(data)
    england_adults = sum(adults.values())
    eng = wide.filter(pl.col("org_type") == "National").row(0, named=True)
    england_need = eng["count"] / eng["rate"]
    per_adult = england_need / england_adults
    src = (f"{SRC_DASH}, IAPT(i_a): {COUNT_QUARTER} number entering treatment / {RATE_QUARTER} "
           "quarterly access rate (entered / prevalence)")
    fill_src = (f"England need per adult 16+ ({per_adult:.5f}) x ONS mid-{POP_YEAR} adults 16+ "
                f"({POP_BOOK} for CCG 2021 areas)")
    rows = [{"footprint_code": ENGLAND, "footprint_name": "England", "need": england_need,
             "adults_16plus": england_adults, "method": "dashboard", "dashboard_share": 1.0,
             "source": src + f"; England row (rate {eng['rate']:.6f}, count {eng['count']:,.0f})"}]
    stps = wide.filter(pl.col("org_type") == "STP")
    direct = stps.filter(pl.col("rate").is_not_null())
    assert set(direct["stp_code"]).isdisjoint(CHANGED_STP21) and direct.height == 37
    assert set(stps.filter(pl.col("rate").is_null())["stp_code"]) == set(CHANGED_STP21)
    for r in direct.iter_rows(named=True):
        assert r["stp_code"] in CODES, r  # same ONS code, so the 2017 boundary
        rows.append({"footprint_code": r["stp_code"], "footprint_name": names[r["stp_code"]],
                     "need": r["count"] / r["rate"], "adults_16plus": adults[r["stp_code"]],
                     "method": "dashboard", "dashboard_share": 1.0,
                     "source": f"{src}; STP row {r['org_code']}"})
    # The seven footprints inside the five changed STPs of 2021: built up from CCG 2021 rows.
    pop = ccg21_adults(data).with_columns(pl.col("ccg21nm").map_elements(
        _norm, return_dtype=pl.String).alias("key"))
    ccgs = wide.filter(pl.col("org_type") == "CCG").with_columns(
        pl.col("org_name").map_elements(_norm, return_dtype=pl.String).alias("key"))
    pieces = pop.filter(pl.col("stp21cd").is_in(CHANGED_STP21)).join(
        ccgs.select("key", "org_code", "rate", "count"), on="key", how="left")
    assert pieces["org_code"].null_count() == 0, pieces.filter(pl.col("org_code").is_null())
    shares = pl.read_csv(data / CCG21_STP17).select("ccg21cd", "stp17cd", "share")
    pieces = pieces.join(shares, on="ccg21cd", how="left")
    assert pieces["stp17cd"].null_count() == 0
    pieces = pieces.with_columns(
        pl.when(pl.col("rate").is_not_null() & (pl.col("share") == 1))
        .then(pl.col("count") / pl.col("rate"))
        .otherwise(pl.col("adults") * per_adult).alias("ccg_need"),
        (pl.col("rate").is_not_null() & (pl.col("share") == 1)).alias("from_dashboard"))
    # Every CCG of these STPs that NHS England gave a rate lies wholly in one footprint.
    assert pieces.filter(pl.col("rate").is_not_null() & (pl.col("share") < 1)).height == 0
    for code, part in pieces.group_by("stp17cd", maintain_order=True):
        code = str(code[0])
        total = (part["ccg_need"] * part["share"]).sum()
        dash_need = (part.filter("from_dashboard")["ccg_need"]).sum()
        share = dash_need / total
        method = ("dashboard_ccg" if share == 1 else "population_fill" if share == 0
                  else "apportioned")
        listing = "; ".join(
            r["org_code"] + ("" if r["share"] == 1 else f" x{r['share']:g}")
            + (" rate" if r["from_dashboard"] else " fill")
            for r in part.sort("org_code").iter_rows(named=True))
        rows.append({"footprint_code": code, "footprint_name": names[code], "need": total,
                     "adults_16plus": adults[code], "method": method,
                     "dashboard_share": round(share, 4),
                     "source": f"sum over CCG 2021 areas ({listing}): 'rate' = {src}, CCG row; "
                               f"'fill' = {fill_src}; split CCGs by the LSOA-count shares of "
                               f"{CCG21_STP17}"})
    frame = pl.DataFrame(rows).with_columns(
        pl.col("need").round(0), pl.col("adults_16plus").round(0),
        (pl.col("need") / pl.col("adults_16plus")).round(5).alias("need_share_of_adults"),
        (pl.col("adults_16plus") * per_adult).round(0).alias("need_population_basis"),
        pl.lit(f"{RATE_QUARTER} rate; {COUNT_QUARTER} count").alias("reference_period"),
        pl.lit(POP_YEAR).alias("population_year"))
    frame = frame.select("footprint_code", "footprint_name", "need", "adults_16plus",
                         "need_share_of_adults", "need_population_basis", "method",
                         "dashboard_share", "reference_period",
                         "population_year", "source").sort(
        pl.col("footprint_code") != ENGLAND, "footprint_code")
    assert sorted(frame["footprint_code"][1:].to_list()) == list(CODES)
    fps = frame["need"][1:].sum()
    assert abs(fps / england_need - 1) < 0.03, (fps, england_need)
    return frame


# ---------------------------------------------------------------------------------------------
# iapt_standards.csv

def standards(data: Path, england_need: float) -> pl.DataFrame:
    rcpsych = (data.parent / RCPSYCH).read_text(encoding="utf-8", errors="replace")
    assert "treatment for at least 22% of those who could benefit" in rcpsych
    assert "cover a total of 1.9m adults" in rcpsych
    rows = [
        {"financial_year": "2019-20", "org_code": ENGLAND, "org_name": "England", "period": "Q4",
         "measure": "access_rate", "value": 0.22, "unit": "fraction of need per year",
         "rule": "Q4 run rate: Q4 entered x 4 / need >= 22% (5.5% of need in Q4)",
         "source": "NHS England 2019/20 operational planning and contracting guidance, as quoted "
                   f"in RCPsych (2019) Mental health in integrated care systems, Appendix 4 "
                   f"(shared file {RCPSYCH})"},
        {"financial_year": "2019-20", "org_code": ENGLAND, "org_name": "England", "period": "Q4",
         "measure": "entered_treatment", "value": round(0.22 / 4 * england_need),
         "unit": "people in Q4", "rule": "derived: 5.5% x England need (iapt_need.csv)",
         "source": "derived from the 22% standard above and iapt_need.csv"},
        {"financial_year": "2020-21", "org_code": ENGLAND, "org_name": "England", "period": "year",
         "measure": "access_rate", "value": 0.25, "unit": "fraction of need per year",
         "rule": "annual: 25% of need, at least 1.5m people entering treatment a year",
         "source": "NHS England (2016) The Five Year Forward View for Mental Health and "
                   "Implementing the FYFVMH: published document, not in the shared data"},
        {"financial_year": "2020-21", "org_code": ENGLAND, "org_name": "England", "period": "year",
         "measure": "entered_treatment", "value": 1_500_000.0, "unit": "people per year",
         "rule": "annual number", "source": "NHS England (2016) Implementing the Five Year "
                                            "Forward View for Mental Health: published document, "
                                            "not in the shared data"},
        {"financial_year": "2023-24", "org_code": ENGLAND, "org_name": "England", "period": "year",
         "measure": "entered_treatment", "value": 1_900_000.0, "unit": "people per year",
         "rule": "annual number (adults and older adults)",
         "source": "NHS Long Term Plan (2019) deliverables for 2023/24, as quoted in RCPsych "
                   f"(2019) Appendix 5 (shared file {RCPSYCH})"},
    ]
    targets = read_dashboard(data, ("IAPT(i_a) Targets",)).filter(
        pl.col("org_type").is_in(("National", "STP")))
    for r in targets.sort("org_type", "stp_code", "period").iter_rows(named=True):
        national = r["org_type"] == "National"
        rows.append({"financial_year": "2021-22",
                     "org_code": ENGLAND if national else r["stp_code"],
                     "org_name": "England" if national else f"{r['org_name']} ({r['org_code']})",
                     "period": r["period"].split(" ")[0], "measure": "entered_treatment",
                     "value": round(r["value"], 1), "unit": "people in the quarter",
                     "rule": "quarterly number", "source": f"{SRC_DASH}, sheet IAPT(i_a) Targets"
                                                           + ("" if national else
                                                              ", STP 2021 row")})
    frame = pl.DataFrame(rows)
    eng = frame.filter((pl.col("financial_year") == "2021-22") & (pl.col("org_code") == ENGLAND))
    assert eng.filter(pl.col("period") == "Q4")["value"][0] == 418008.3
    return frame.sort(pl.col("org_code") != ENGLAND, "financial_year", "org_code", "period",
                      "measure", maintain_order=True)


def main(argv: list[str] | None = None) -> int:
    data = data_folder(argv, __doc__)
    names = footprint_names()
    need_table = need(data, names)
    england_need = float(need_table["need"][0])
    write_csv(outturn(data, england_need), "iapt_outturn.csv")
    write_csv(need_table, "iapt_need.csv")
    write_csv(standards(data, england_need), "iapt_standards.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
