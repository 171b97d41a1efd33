"""Comparing two runs: the library (stpmodel.compare) and `stpmodel diff` end to end."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.compare import (
    ComparisonError,
    Tolerance,
    UnlikeError,
    compare,
    comparison_csv,
    granularity,
    like_for_like,
    read_output,
    select,
    to_table_rows,
)
from stpmodel.inputdiff import input_differences
from stpmodel.output import write_frame
from stpmodel.results import report
from stpmodel.scenario import load_scenario, parse_scenario
from stpmodel.services import metrics_for
from stpmodel.services import standards_for as applicable

from .conftest import MINIMAL, SCENARIOS

runner = CliRunner()
PLAN = SCENARIOS / "iapt-25-percent.yaml"
SHORT = SCENARIOS / "iapt-workforce-short.yaml"
OAPS = SCENARIOS / "end-oaps.yaml"
# rows of the IAPT plan by year: its metrics and the standards they are held to, × 5 years
PLAN_ROWS = (len(metrics_for(("iapt",))) + len(applicable(metrics_for(("iapt",))))) * 5


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def frame(*rows, column="value"):
    """A tidy results frame from (metric, period, value) rows, or (metric, period, value,
    unit, footprint_code)."""
    full = [(*r, *("persons", "E54000017")[len(r) - 3:]) for r in rows]
    return pl.DataFrame({
        "scenario": ["s"] * len(full),
        "footprint_code": [r[4] for r in full],
        "footprint": ["F"] * len(full),
        "period": [r[1] for r in full],
        "metric": [r[0] for r in full],
        "unit": [r[3] for r in full],
        column: pl.Series([r[2] for r in full], dtype=pl.Float64),
    })


def one(comparison, metric="m", period="2019/20"):
    rows = comparison.rows.filter((pl.col("metric") == metric) & (pl.col("period") == period))
    assert rows.height == 1
    return rows.row(0, named=True)


def edited(tmp_path, source, old, new, name="b.yaml"):
    text = source.read_text()
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


def csv_rows(text):
    return list(pl.read_csv(text.encode(), infer_schema=False).iter_rows(named=True))


# ---------------------------------------------------------------------------------------------
# Tolerance


@pytest.mark.parametrize(("text", "expected"), [
    ("abs=0.5,rel=0.001", Tolerance(0.5, 0.001)),
    ("rel=0.01", Tolerance(0.0, 0.01)),
    (" abs = 2 ", Tolerance(2.0, 0.0)),
    ("abs=1e-6,rel=1e-9", Tolerance(1e-6, 1e-9)),
])
def test_tolerance_is_parsed(text, expected):
    assert Tolerance.parse(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("0.5", "expected abs=NUMBER and/or rel=NUMBER, got '0.5'"),
    ("absolute=1", "expected abs=NUMBER and/or rel=NUMBER, got 'absolute=1'"),
    ("abs=1,abs=2", "abs is given twice"),
    ("rel=-0.1", "rel: expected a number of at least 0, got '-0.1'"),
    ("abs=lots", "abs: expected a number of at least 0, got 'lots'"),
    ("rel=5%", "rel: expected a number, got '5%'; write rel=0.05 (5%)"),
    ("abs=inf", "abs: expected a number of at least 0, got 'inf'"),
])
def test_a_bad_tolerance_says_what_to_write(text, message):
    with pytest.raises(ValueError) as info:
        Tolerance.parse(text)
    assert str(info.value) == message


@pytest.mark.parametrize(("tolerance", "beyond"), [
    # A = 100, B = 101: the change is 1 (abs) and 1% (rel)
    (Tolerance(), True),  # any change at all
    (Tolerance(abs=0.5), True),  # 1 > 0.5
    (Tolerance(abs=1.0), False),  # 1 is not more than 1
    (Tolerance(rel=0.02), False),  # 1% ≤ 2%
    (Tolerance(abs=0.5, rel=0.001), True),  # exceeds both
    (Tolerance(abs=0.5, rel=0.02), False),  # close by the relative measure
    (Tolerance(abs=2.0, rel=0.001), False),  # close by the absolute measure
])
def test_a_change_is_beyond_tolerance_only_when_it_exceeds_both(tolerance, beyond):
    row = one(compare(frame(("m", "2019/20", 100.0)), frame(("m", "2019/20", 101.0)),
                      tolerance))
    assert row["change"] == pytest.approx(1.0)
    assert row["rel_change"] == pytest.approx(0.01)
    assert row["changed"] is True
    assert row["beyond_tolerance"] is beyond


def test_missing_values_equal_each_other_and_differ_from_any_number():
    a = frame(("m", "2019/20", None), ("m", "2020/21", None), ("m", "2021/22", 0.0))
    b = frame(("m", "2019/20", None), ("m", "2020/21", 0.5), ("m", "2021/22", 5.0))
    comparison = compare(a, b, Tolerance(abs=1e9, rel=1e9))
    both = one(comparison, period="2019/20")
    assert not both["changed"] and not both["beyond_tolerance"]
    appeared = one(comparison, period="2020/21")
    assert appeared["changed"] and appeared["beyond_tolerance"]  # no tolerance covers it
    assert appeared["change"] is None and appeared["rel_change"] is None
    from_zero = one(comparison, period="2021/22")
    assert from_zero["change"] == 5.0 and from_zero["rel_change"] is None
    assert not from_zero["beyond_tolerance"]  # 5 is within abs=1e9
    assert compare(a, b, Tolerance(abs=4.9)).n_beyond == 2


def test_values_are_compared_at_the_decimals_files_hold():
    # 0.1234564 and 0.1234561 are both written 0.123456; 0.1234566 is written 0.123457
    a = frame(("m", "2019/20", 0.1234564), ("m", "2020/21", 0.1234564))
    b = frame(("m", "2019/20", 0.1234561), ("m", "2020/21", 0.1234566))
    comparison = compare(a, b)
    assert not one(comparison, period="2019/20")["changed"]
    row = one(comparison, period="2020/21")
    assert row["changed"] and row["change"] == pytest.approx(1e-6)
    assert comparison.n_changed == 1


def test_rows_are_grouped_by_metric_largest_change_first_then_by_period():
    a = frame(("x", "2020/21", 100.0), ("x", "2019/20", 100.0), ("y", "2019/20", 10.0),
              ("b", "2019/20", 10.0), ("a", "2019/20", 10.0), ("z", "2019/20", 0.0),
              ("s", "2019/20", 7.0))
    b = frame(("x", "2020/21", 150.0),  # +50%, +50
              ("x", "2019/20", 101.0),  # +1%: still beside x's other year, and before it
              ("y", "2019/20", 15.0),  # +50%, +5
              ("b", "2019/20", 8.0),  # −20%, −2
              ("a", "2019/20", 12.0),  # +20%, +2: ties with b, so by name
              ("z", "2019/20", 1.0),  # from zero: first
              ("s", "2019/20", 7.0))  # unchanged: last
    rows = compare(a, b).rows
    assert list(zip(rows["metric"], rows["period"])) == [
        ("z", "2019/20"), ("x", "2019/20"), ("x", "2020/21"), ("y", "2019/20"),
        ("a", "2019/20"), ("b", "2019/20"), ("s", "2019/20")]
    assert to_table_rows(compare(a, b))["metric"].to_list() == ["z", "x", "x", "y", "a", "b"]


def test_several_draws_compare_the_mean():
    a = frame(("m", "2019/20", 10.0), column="mean").with_columns(p05=pl.lit(0.0))
    b = frame(("m", "2019/20", 12.0), column="mean").with_columns(p05=pl.lit(99.0))
    assert one(compare(a, b))["change"] == pytest.approx(2.0)


def test_one_draw_against_several_says_so():
    a = frame(("m", "2019/20", 10.0))
    b = frame(("m", "2019/20", 10.0), column="mean")
    comparison = compare(a, b)
    assert comparison.n_changed == 0
    assert comparison.notes == ("A has one draw and B several: comparing A's value with B's "
                                "mean",)


def test_unlike_for_like_is_refused_with_every_reason():
    a = frame(("m", "2019/20", 1.0), ("n", "2019/20", 1.0), ("m", "2020/21", 1.0))
    b = frame(("m", "2019/20", 1.0, "£"), ("k", "2019/20", 1.0, "persons", "E54000037"),
              ("m", "2021/22", 1.0, "£"))
    assert like_for_like(a, b) == [
        "metrics only in A: n",
        "metrics only in B: k",
        "periods only in A: 2020/21",
        "periods only in B: 2021/22",
        "footprints only in B: E54000037",
        "m is in persons in A but £ in B",
    ]
    with pytest.raises(UnlikeError) as info:
        compare(a, b)
    assert str(info.value).startswith("A and B are not like for like:\n  - metrics only in A: n")
    assert str(info.value).endswith("hint: compare what they share with --metric or --period, "
                                    "or insist with --force")


def test_force_compares_only_the_rows_both_hold():
    a = frame(("m", "2019/20", 1.0), ("n", "2019/20", 1.0), ("m", "2020/21", 1.0))
    b = frame(("m", "2019/20", 2.0), ("m", "2020/21", 1.0))
    comparison = compare(a, b, force=True)
    assert comparison.rows.height == 2 and comparison.n_changed == 1
    assert comparison.notes == ("--force: compared the 2 rows A and B share; left out 1 only "
                                "in A and 0 only in B",)
    with pytest.raises(ComparisonError, match="share no rows"):
        compare(frame(("m", "2019/20", 1.0)), frame(("k", "2019/20", 1.0)), force=True)


def test_select_takes_names_and_patterns():
    f = frame(("iapt_cost", "2019/20", 1.0), ("iapt_cost", "2019/20 Q1", 1.0),
              ("oap_cost", "2019/20", 1.0), ("iapt_entered", "2020/21", 1.0))
    assert select(f, ["iapt_*"], ["2019/20*"]).height == 2
    assert select(f, ["oap_cost", "iapt_entered"]).height == 2
    assert select(f, periods=["2019/20"]).height == 2


@pytest.mark.parametrize(("periods", "by"), [
    (["2019-04", "2020-03"], "month"), (["2019/20 Q1", "2019/20 Q4"], "quarter"),
    (["2019/20", "2020/21"], "year"), (["2019/20", "2019-04"], None),
])
def test_granularity_is_read_from_period_labels(periods, by):
    assert granularity(frame(*[("m", p, 1.0) for p in periods])) == by


# ---------------------------------------------------------------------------------------------
# Saved outputs


@pytest.fixture(scope="module")
def oaps_frame():
    return report(load_scenario(OAPS), "year").frame


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_a_saved_output_reads_back_as_the_frame_it_was_written_from(fmt, tmp_path, oaps_frame):
    path = tmp_path / f"out.{fmt}"
    write_frame(oaps_frame, path, fmt)
    back = read_output(path)
    assert back.columns == oaps_frame.columns
    assert back.select("footprint_code", "period", "metric", "unit").equals(
        oaps_frame.select("footprint_code", "period", "metric", "unit"))
    assert back["value"].null_count() == oaps_frame["value"].null_count() > 0
    assert compare(oaps_frame, back).n_changed == 0


@pytest.mark.parametrize(("name", "text", "message"), [
    ("missing.csv", None, "missing.csv: no such file"),
    ("empty.csv", "", "empty.csv: cannot read it as csv"),
    ("other.csv", "a,b\n1,2\n", "other.csv: not an stpmodel output: no column scenario, "
                                "footprint_code, footprint, period, metric, unit"),
    ("novalue.csv", "scenario,footprint_code,footprint,period,metric,unit\ns,E,F,2019/20,m,u\n",
     "novalue.csv: not an stpmodel output: no column value (or mean)"),
    ("words.csv", "scenario,footprint_code,footprint,period,metric,unit,value\n"
                  "s,E,F,2019/20,m,u,lots\n",
     "words.csv: a value column holds something that is not a number"),
    ("twice.csv", "scenario,footprint_code,footprint,period,metric,unit,value\n"
                  "s,E,F,2019/20,m,u,1\ns,E,F,2019/20,m,u,2\n",
     "twice.csv: the row for m in 2019/20 (E) appears more than once"),
    ("header.csv", "scenario,footprint_code,footprint,period,metric,unit,value\n",
     "header.csv: holds no rows"),
    ("object.json", '{"meta": {}, "rows": 5}', "object.json: expected an object with a list "
                                               'of rows, {"meta": {...}, "rows": [...]}, as '
                                               "`stpmodel run -f json` writes"),
    ("broken.json", '[{"a": 1}', "broken.json:1:10: not valid JSON"),
    ("bad.parquet", "not parquet", "bad.parquet: cannot read it as parquet"),
])
def test_an_unreadable_output_is_named_with_the_reason(name, text, message, tmp_path):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(ComparisonError) as info:
        read_output(path)
    assert str(info.value).startswith(f"{tmp_path}/{message}")


# ---------------------------------------------------------------------------------------------
# Inputs that differ


def test_inputs_that_differ_are_listed_by_key_path():
    a = parse_scenario(MINIMAL)
    b = parse_scenario(MINIMAL.replace("name: minimal", "name: other")  # no result changes
                       .replace("access: 0.25", "access: {2019-04: 0.2, 2020-03: 0.25}")
                       .replace("recruitment: 0", "recruitment: 12")
                       .replace("end: 2020-03", "end: 2021-03"))
    assert [str(d) for d in input_differences(a, b)] == [
        "end: 2020-03 → 2021-03",
        "iapt.access: 0.25 → {2019-04: 0.2, 2020-03: 0.25}",
        "iapt.workforce.recruitment: 0 → 12",
    ]
    assert input_differences(a, a) == []


def test_a_constant_written_as_a_dated_value_is_the_same_input():
    a = parse_scenario(MINIMAL)
    b = parse_scenario(MINIMAL.replace("access: 0.25", "access: {2019-04: 0.25}"))
    assert input_differences(a, b) == []


def test_a_section_on_one_side_lists_each_of_its_keys():
    with_beds = MINIMAL + ("inpatient:\n  admissions: 2400\n  los_days: 38\n  los_cv: 1\n"
                           "  beds: 225\n")
    differences = input_differences(parse_scenario(MINIMAL), parse_scenario(with_beds))
    shown = {d.path: (d.a, d.b) for d in differences}
    assert shown["inpatient.admissions"] == ("–", "2400")
    assert shown["inpatient.beds"] == ("–", "225")
    assert shown["inpatient.oap_cost_per_day"] == ("–", "530")  # its default
    assert all(d.path.startswith("inpatient.") for d in differences)


# ---------------------------------------------------------------------------------------------
# `stpmodel diff` end to end


def test_a_scenario_against_itself_shows_nothing_and_exits_0(oaps_frame):
    result = invoke("diff", OAPS, OAPS)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"no change: A and B agree on all {oaps_frame.height} rows\n"


def test_a_one_lever_change_reaches_only_what_that_lever_can(tmp_path):
    """IAPT cost is sessions × cost per session, and nothing else uses the cost, so
    173.55 → 200 £/session changes iapt_cost alone, by 26.45/173.55 = 15.24% in every year."""
    dearer = edited(tmp_path, PLAN, "course_weeks: 7", "course_weeks: 7\n  cost_per_session: 200")
    result = invoke("diff", PLAN, dearer, "-f", "csv")
    assert result.exit_code == 1
    rows = csv_rows(result.stdout)
    assert {r["metric"] for r in rows} == {"iapt_cost"}
    assert len(rows) == 5  # 2019/20 .. 2023/24
    for r in rows:
        assert float(r["rel_change"]) == pytest.approx(26.45 / 173.55, abs=1e-6)
        assert float(r["change"]) == pytest.approx(float(r["a"]) * 26.45 / 173.55, rel=1e-6)
    assert "inputs that differ (A → B):\n  iapt.cost_per_session: 173.55 → 200\n" in result.stderr
    assert result.stderr.endswith(f"5 of {PLAN_ROWS} rows changed\n")


def test_a_one_lever_change_in_the_stochastic_bed_model_moves_only_its_cost(tmp_path):
    """Under common random numbers the bed simulation of both runs is the same, so the OAP
    cost per day (610 → 530 £/day) scales oap_cost by −80/610 wherever there were OAP days,
    and moves nothing else."""
    cheaper = edited(tmp_path, OAPS, "oap_cost_per_day: 610", "oap_cost_per_day: 530")
    result = invoke("diff", OAPS, cheaper, "-f", "csv")
    assert result.exit_code == 1
    rows = csv_rows(result.stdout)
    assert {r["metric"] for r in rows} == {"oap_cost"}
    assert rows  # there were OAP days in some year
    for r in rows:
        assert float(r["rel_change"]) == pytest.approx(-80 / 610, abs=1e-6)


def test_scenarios_with_different_seeds_run_with_as_seed(tmp_path):
    reseeded = edited(tmp_path, OAPS, "seed: 20191101", "seed: 7")
    result = invoke("diff", OAPS, reseeded)
    assert result.exit_code == 0
    assert ("note: the seeds differ (A 20191101, B 7): both ran with A's, 20191101, so that "
            "they share random numbers\n") in result.stderr
    assert "no change" in result.stderr  # the seed was the only difference


@pytest.mark.parametrize("saved", ["csv", "parquet", "json"])
def test_outputs_and_scenarios_compare_alike(saved, tmp_path):
    """scenario–scenario, scenario–output and output–output comparisons give the same rows."""
    fewer_beds = edited(tmp_path, OAPS, "beds: {2019-04: 225, 2020-04: 255}", "beds: 230")
    for source, name in ((OAPS, "a"), (fewer_beds, "b")):
        assert invoke("run", source, "-o", tmp_path / f"{name}.{saved}").exit_code == 0
    a_out, b_out = tmp_path / f"a.{saved}", tmp_path / f"b.{saved}"
    results = [invoke("diff", a, b, "-f", "csv", "--all")
               for a, b in ((OAPS, fewer_beds), (OAPS, b_out), (a_out, fewer_beds), (a_out, b_out))]
    assert [r.exit_code for r in results] == [1, 1, 1, 1]
    assert results[0].stdout == results[1].stdout == results[2].stdout == results[3].stdout
    changed = {r["metric"] for r in csv_rows(results[0].stdout)
               if r["beyond_tolerance"] == "true"}
    assert "mh_beds" in changed and not any(m.startswith("crisis_") for m in changed)


def test_tolerance_sets_the_exit_code(tmp_path):
    """The one lever above moves iapt_cost by 15.24% (26.45/173.55), a few £m a year."""
    dearer = edited(tmp_path, PLAN, "course_weeks: 7", "course_weeks: 7\n  cost_per_session: 200")
    codes = {t: invoke("diff", PLAN, dearer, "--tolerance", t).exit_code
             for t in ("rel=0.16", "rel=0.15", "abs=1e9", "abs=1e6,rel=0.16", "abs=1e6,rel=0.1",
                       "abs=1e9,rel=0.1")}
    assert codes == {"rel=0.16": 0, "rel=0.15": 1, "abs=1e9": 0, "abs=1e6,rel=0.16": 0,
                     "abs=1e6,rel=0.1": 1, "abs=1e9,rel=0.1": 0}
    result = invoke("diff", PLAN, dearer, "--tolerance", "abs=1e6,rel=0.1")
    assert "* beyond the tolerance" in result.stdout
    assert result.stderr.endswith(f"5 of {PLAN_ROWS} rows changed; 5 beyond the tolerance "
                                  "(abs=1000000, rel=0.1)\n")


def test_the_table_shows_inputs_and_changes_together():
    result = invoke("diff", PLAN, SHORT, "--metric", "iapt_access_rate", "--period", "2020/21")
    assert result.exit_code == 1
    out = result.stdout
    assert out.startswith(f"A: {PLAN} (IAPT to 25% access)\nB: {SHORT} (IAPT to 25% access, "
                          "workforce short)\n")
    assert "Inputs that differ (A → B):\n  iapt.workforce.recruitment: 63 → 15\n" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("iapt_access_rate"))
    assert line.split()[:3] == ["iapt_access_rate", "2020/21", "%"]
    assert result.stderr == "1 of 1 rows changed\n"


def test_all_shows_unchanged_rows_too(tmp_path):
    dearer = edited(tmp_path, PLAN, "course_weeks: 7", "course_weeks: 7\n  cost_per_session: 200")
    result = invoke("diff", PLAN, dearer, "-f", "csv", "--all")
    rows = csv_rows(result.stdout)
    assert len(rows) == PLAN_ROWS
    assert [r["metric"] for r in rows[:5]] == ["iapt_cost"] * 5  # the changes come first


def test_writes_csv_and_json_files(tmp_path):
    for fmt in ("csv", "json"):
        result = invoke("diff", PLAN, SHORT, "-o", tmp_path / f"d.{fmt}")
        assert result.exit_code == 1 and result.stdout == ""
    from_csv = pl.read_csv(tmp_path / "d.csv")
    from_json = json.loads((tmp_path / "d.json").read_text())
    assert from_csv.columns == list(from_json[0]) == [
        "footprint_code", "footprint", "period", "metric", "unit", "a", "b", "change",
        "rel_change", "beyond_tolerance"]
    assert len(from_json) == from_csv.height > 0
    assert [r["metric"] for r in from_json] == from_csv["metric"].to_list()
    first = from_json[0]
    assert first["change"] == pytest.approx(first["b"] - first["a"], abs=2e-6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "d.json"]


def test_a_shorter_run_is_refused_unless_forced(tmp_path):
    shorter = edited(tmp_path, PLAN, "end: 2024-03", "end: 2023-03")
    refused = invoke("diff", PLAN, shorter)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("A and B are not like for like:\n"
                                     "  - periods only in A: 2023/24\n")
    forced = invoke("diff", PLAN, shorter, "--force")
    assert forced.exit_code == 0  # the IAPT model is deterministic: the shared years agree
    assert "inputs that differ" not in forced.stderr
    assert f"left out {PLAN_ROWS // 5} only in A and 0 only in B" in forced.stderr
    filtered = invoke("diff", PLAN, shorter, "--period", "2019/20")
    assert filtered.exit_code == 0


def test_outputs_by_different_periods_are_not_like_for_like(tmp_path):
    invoke("run", PLAN, "-o", tmp_path / "year.csv")
    invoke("run", PLAN, "--by", "quarter", "-o", tmp_path / "quarter.csv")
    result = invoke("diff", tmp_path / "year.csv", tmp_path / "quarter.csv")
    assert result.exit_code == 2
    assert "periods only in A: 2019/20, 2020/21" in result.stderr
    # a scenario is run by the periods of the output it is compared with
    assert invoke("diff", PLAN, tmp_path / "quarter.csv").exit_code == 0
    wrong = invoke("diff", PLAN, tmp_path / "quarter.csv", "--by", "year")
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith(f"{tmp_path}/quarter.csv holds results by quarter; a saved "
                                   "output cannot be re-aggregated by year")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--metric", "iapt_acess_rate"], 2,
     "--metric iapt_acess_rate: matches no metric of A or B; did you mean 'iapt_access_rate'?"),
    (["--period", "2030/31"], 2, "--period 2030/31: matches no period of A or B"),
    (["--tolerance", "5%"], 2, "--tolerance: expected abs=NUMBER and/or rel=NUMBER, got '5%'"),
    (["-o", "d.txt"], 2, "cannot tell the format of d.txt from its suffix"),
    (["-f", "table", "-o", "d.csv"], 2, "the table is for the terminal"),
])
def test_usage_errors_exit_2(args, code, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("diff", PLAN, PLAN, *args)
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_bad_files_exit_2_or_1_as_documented(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.csv").write_text("a,b\n1,2\n")
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    suffix = invoke("diff", PLAN, tmp_path / "notes.txt")
    assert suffix.exit_code == 2 and "cannot tell whether this is a scenario" in suffix.stderr
    unreadable = invoke("diff", tmp_path / "broken.csv", PLAN)
    assert unreadable.exit_code == 2 and "not an stpmodel output" in unreadable.stderr
    missing = invoke("diff", tmp_path / "gone.parquet", PLAN)
    assert missing.exit_code == 2 and missing.stderr == f"{tmp_path}/gone.parquet: no such file\n"
    invalid = invoke("diff", PLAN, tmp_path / "broken.yaml")  # as `run`: a bad scenario is 1
    assert invalid.exit_code == 1
    assert invalid.stderr.startswith(f"{tmp_path}/broken.yaml:2:1: invalid YAML")


def test_several_draws_are_compared_by_their_mean(tmp_path):
    result = invoke("diff", OAPS, OAPS, "--draws", "3", "-f", "csv", "--all")
    assert result.exit_code == 0
    assert len(csv_rows(result.stdout)) > 0


def test_comparison_csv_formats_numbers_as_run_does():
    rows = to_table_rows(compare(frame(("m", "2019/20", 1.0), ("m", "2020/21", None)),
                                 frame(("m", "2019/20", 1.5), ("m", "2020/21", 2.0 / 3.0))))
    assert comparison_csv(rows) == (
        "footprint_code,footprint,period,metric,unit,a,b,change,rel_change,beyond_tolerance\n"
        "E54000017,F,2019/20,m,persons,1,1.5,0.5,0.5,true\n"
        'E54000017,F,2020/21,m,persons,"",0.666667,"","",true\n')  # missing: "" as run writes


TWO = """\
name: two
start: 2019-04
end: 2021-03
population: {adults: 1000000, growth: 0}
iapt:
  access: 0.2
  referrals: 40000
  waiting_list: 1000
  course_weeks: 7
  workforce: {wte: 150, sessions_per_wte: 1000, recruitment: 60}
footprints:
  - {code: E54000037, name: Devon}
  - code: E54000017
    name: Birmingham and Solihull
    iapt: {referrals: 35000}
"""


def test_several_footprints_are_compared_footprint_by_footprint():
    a = parse_scenario(TWO)
    b = parse_scenario(TWO.replace("iapt: {referrals: 35000}", "iapt: {referrals: 36000}")
                       .replace("recruitment: 60", "recruitment: 70"))
    assert [str(d) for d in input_differences(a, b)] == [
        "iapt.referrals (E54000017): 35000 → 36000",  # one footprint's override
        "iapt.workforce.recruitment: 60 → 70",  # a shared key: every footprint
    ]
    one_left = parse_scenario(TWO.split("  - code: E54000017")[0])
    assert [str(d) for d in input_differences(a, one_left)] == [
        "footprints: E54000037, E54000017 → E54000037"]


def test_the_table_names_the_footprint_when_there_are_several(tmp_path):
    (tmp_path / "a.yaml").write_text(TWO)
    (tmp_path / "b.yaml").write_text(TWO.replace("{referrals: 35000}", "{referrals: 36000}"))
    result = invoke("diff", tmp_path / "a.yaml", tmp_path / "b.yaml", "-m", "iapt_referrals")
    assert result.exit_code == 1
    assert "Inputs that differ (A → B):\n  iapt.referrals (E54000017): 35000 → 36000\n" \
        in result.stdout
    table = result.stdout.split("\n\n")[-1].splitlines()
    assert table[1].split()[:3] == ["footprint", "metric", "period"]
    changed = {line.split("  ")[0].strip() for line in table[3:] if line.strip()}
    assert changed == {"Birmingham and Solihull", "All 2 footprints"}  # Devon did not change


def test_the_table_uses_ascii_minus_and_the_one_money_formatter(tmp_path):
    """A change pasted from the table into a spreadsheet must read as a number: '-', not the
    Unicode minus. Money reads as run's table reads it (£m with 2 decimals at £1m and over)."""
    from stpmodel.output import format_money

    result = invoke("diff", PLAN, SHORT)
    assert result.exit_code == 1
    assert "−" not in result.stdout
    assert any(" -" in line for line in result.stdout.splitlines())
    dearer = edited(tmp_path, PLAN, "course_weeks: 7", "course_weeks: 7\n  cost_per_session: 200")
    result = invoke("diff", PLAN, dearer, "-m", "iapt_cost", "-p", "2023/24", "-f", "csv")
    row = csv_rows(result.stdout)[0]
    a, b = float(row["a"]), float(row["b"])
    table = invoke("diff", PLAN, dearer, "-m", "iapt_cost", "-p", "2023/24").stdout
    line = next(line for line in table.splitlines() if line.strip().startswith("iapt_cost"))
    assert "£ (2024/25 prices)" in line  # the unit names the price base
    assert line.split()[-4:-1] == [format_money(a), format_money(b),
                                   format_money(b - a, 1e6, signed=True)]
    assert format_money(b - a, 1e6, signed=True) == f"+£{(b - a) / 1e6:,.2f}m"


@pytest.mark.parametrize(("value", "shown"), [
    (5_123_456.0, "£5.12m"), (394_274.4, "£394,274"), (0.0, "£0"), (-0.2, "£0"),
    (-1_500_000.0, "-£1.50m"), (None, "–"), (float("nan"), "–")])
def test_money_reads_one_way(value, shown):
    from stpmodel.output import format_money

    assert format_money(value) == shown
