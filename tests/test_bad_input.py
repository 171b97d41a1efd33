"""Bad input: one file per failure mode in tests/bad/, and the exact messages the CLI prints.

Each file in tests/bad/ is one minimal valid scenario with exactly one thing broken (its first
line says what). The messages are public API, so each test pins the whole of stderr: every
``file:line:col: key.path: message`` line and its ``hint:`` line. Line and column numbers were
counted by hand against the files; line 1 of each file is the comment.
"""
# ruff: noqa: E501  (a message is pinned whole, on one line, as a person sees it)

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stpmodel.cli import app

ROOT = Path(__file__).resolve().parent.parent
BAD = sorted(path.stem for path in (ROOT / "tests" / "bad").glob("*.yaml"))
SHIPPED = sorted(f"scenarios/{path.name}" for path in (ROOT / "scenarios").glob("*.yaml"))

EXPECTED = {
    # YAML that does not parse: one problem, at the place to look.
    "malformed-yaml": """\
tests/bad/malformed-yaml.yaml:16:3: invalid YAML: could not find expected ':' while scanning a simple key
  hint: check indentation and that every 'key: value' has a space after ':'""",
    "tab-indentation": """\
tests/bad/tab-indentation.yaml:19:1: invalid YAML: found character '\\t' that cannot start any token
  hint: indent with spaces; YAML does not allow tabs""",
    "unclosed-brace": """\
tests/bad/unclosed-brace.yaml:13:12: invalid YAML: expected ',' or '}', but got ':' in the flow mapping that starts on line 12
  hint: check that every '{' has its '}' and every '[' its ']'""",
    "unquoted-colon": """\
tests/bad/unquoted-colon.yaml:2:11: invalid YAML: mapping values are not allowed here
  hint: put text that contains ': ' in quotes, and check indentation""",
    "duplicate-key": """\
tests/bad/duplicate-key.yaml:18:3: iapt.course_weeks: duplicate key; it was already given on line 17
  hint: keep one of the two""",
    "unsupported-tag": """\
tests/bad/unsupported-tag.yaml:2:7: name: unsupported YAML tag '!upper'
  hint: remove the tag; a scenario needs only plain numbers, text and mappings""",
    "empty-file": """\
tests/bad/empty-file.yaml:1:1: the file is empty; expected a scenario""",
    # Structure: what is where.
    "not-a-mapping": """\
tests/bad/not-a-mapping.yaml:2:1: expected a mapping of keys to values, got a list""",
    "section-not-mapping": """\
tests/bad/section-not-mapping.yaml:11:7: iapt: expected a mapping of keys to values, got 5""",
    "unknown-key": """\
tests/bad/unknown-key.yaml:12:3: iapt.acess: unknown key 'acess'
  hint: did you mean 'access'?""",
    "unknown-top-level-key": """\
tests/bad/unknown-top-level-key.yaml:8:1: draw: unknown key 'draw'
  hint: did you mean 'draws'?""",
    "missing-required": """\
tests/bad/missing-required.yaml:11:1: iapt: missing required key 'waiting_list'
  hint: people queued for a therapist at the start beyond the usual pathway delay (a backlog); those within their pathway delay are not counted [persons]""",
    # Values: numbers and their ranges.
    "percent-not-fraction": """\
tests/bad/percent-not-fraction.yaml:14:14: iapt.access.2020-03: expected a fraction between 0 and 1 [fraction], got 25
  hint: write 0.25 (25%)""",
    "percent-string": """\
tests/bad/percent-string.yaml:14:14: iapt.access.2020-03: expected a fraction between 0 and 1 [fraction], got '25%'
  hint: write 0.25 (25%)""",
    "wrong-type": """\
tests/bad/wrong-type.yaml:17:17: iapt.course_weeks: expected a number between 1 and 104 [weeks], got 'seven'""",
    "null-value": """\
tests/bad/null-value.yaml:16:16: iapt.waiting_list: expected a number of at least 0 [persons], got nothing""",
    "negative-value": """\
tests/bad/negative-value.yaml:19:10: iapt.workforce.wte: expected a number of at least 0 [WTE], got -165""",
    "huge-number": """\
tests/bad/huge-number.yaml:9:11: population.adults: expected a number greater than 0 [persons], got a 310-digit number""",
    "bad-footprint-code": """\
tests/bad/bad-footprint-code.yaml:4:9: footprint.code: expected an ONS area code like E54000017, got 'E5400017'""",
    # Codes and names checked against the bundled geography (stpmodel/data/footprints.csv,
    # icbs.csv): a suggestion from the name, from the code's likeness, or the code's own name.
    "footprint-unknown-code": """\
tests/bad/footprint-unknown-code.yaml:4:3: footprint.code: E54000099 is not the code of a bundled footprint (the 44 STPs of 2017 or the 42 ICBs of July 2022)
  hint: did you mean E54000037 (Devon)? Or, for a footprint of your own, set footprint.custom: true and give every baseline yourself""",
    "footprint-unknown-name": """\
tests/bad/footprint-unknown-name.yaml:4:3: footprint.code: E54000071 is not the code of a bundled footprint (the 44 STPs of 2017 or the 42 ICBs of July 2022)
  hint: did you mean E54000061 or E54000057 or E54000051? `stpmodel footprints` lists the 2017 STPs, `stpmodel footprints --geography icb2022` the ICBs; for a footprint of your own, set footprint.custom: true and give every baseline yourself""",
    "footprint-wrong-name": """\
tests/bad/footprint-wrong-name.yaml:5:3: footprint.name: 'Devon' is not the name of E54000008
  hint: did you mean code E54000037 (Devon)? Or, for E54000008, its name is 'Cheshire and Merseyside' or 'NHS Cheshire and Merseyside Integrated Care Board'""",
    # Months and trajectories.
    "price-base-beyond-index": """\
tests/bad/price-base-beyond-index.yaml:21:3: prices.base: the price base 2030/31 is not in the gdp_deflator index
  hint: the gdp_deflator index runs 1955/56 to 2026/27: use years within it""",
    "price-year-not-a-year": """\
tests/bad/price-year-not-a-year.yaml:22:36: prices.written.iapt.cost_per_session: expected a financial year like 2024/25, got '2019-20'
  hint: write the year April to March as YYYY/YY, e.g. 2019/20""",
    "bad-month": """\
tests/bad/bad-month.yaml:14:5: iapt.access.2019-13: expected a month like 2019-04, got '2019-13'
  hint: write the year and month as YYYY-MM, for example 2019-04""",
    "month-with-day": """\
tests/bad/month-with-day.yaml:6:8: start: expected a month like 2019-04, got '2019-04-01'
  hint: write 2019-04 (months, not days)""",
    "impossible-date": """\
tests/bad/impossible-date.yaml:7:6: end: expected a month like 2019-04, got '2020-02-30'
  hint: write 2020-02 (months, not days)""",
    "year-as-key": """\
tests/bad/year-as-key.yaml:14:5: iapt.access.2020: expected a month like 2019-04, got 2020
  hint: write the year and month as YYYY-MM, for example 2019-04""",
    "dates-out-of-order": """\
tests/bad/dates-out-of-order.yaml:14:5: iapt.access.2019-04: dates out of order: 2019-04 comes after 2020-03
  hint: list the months in ascending order""",
    "empty-trajectory": """\
tests/bad/empty-trajectory.yaml:12:11: iapt.access: a trajectory needs at least one {YYYY-MM: value} entry""",
    "end-before-start": """\
tests/bad/end-before-start.yaml:7:6: end: end (2018-03) is before start (2019-04)
  hint: end is the last month modelled, inclusive""",
    # All problems at once, sorted by line (pydantic finds them in the order 4, 19, 12).
    "several-problems": """\
tests/bad/several-problems.yaml:4:9: footprint.code: expected an ONS area code like E54000017, got 'E5400017'
tests/bad/several-problems.yaml:12:3: iapt.acess: unknown key 'acess'
  hint: did you mean 'access'?
tests/bad/several-problems.yaml:19:10: iapt.workforce.wte: expected a number of at least 0 [WTE], got -165""",
    # Sections that must fit together.
    "no-services": """\
tests/bad/no-services.yaml:2:1: a scenario needs at least one service: iapt, liaison, inpatient, perinatal, cyp or eip
  hint: add a section: 'iapt:', 'liaison:', 'inpatient:', 'perinatal:', 'cyp:' or 'eip:'""",
    "crisis-without-inpatient": """\
tests/bad/crisis-without-inpatient.yaml:13:1: crisis: crisis teams change admissions, so they need an 'inpatient:' section""",
    "crisis-without-total": """\
tests/bad/crisis-without-total.yaml:6:1: population: crisis teams are sized by the whole population: add population.total [persons]""",
    "capital-missing": """\
tests/bad/capital-missing.yaml:11:3: inpatient.beds: beds rise during the plan, so opening them has a capital cost to state
  hint: add inpatient.capital_per_new_bed [£/bed] (0 if the beds exist already)""",
    "crisis-effect-out-of-range": """\
tests/bad/crisis-effect-out-of-range.yaml:12:16: crisis.core_effect: uniform [0, 1.5] reaches 1.5; expected a fraction between -1 and 0.99 [fraction]
  hint: fractions: 1 is all (100%); if these are percentages, write {uniform: [0, 0.015]}""",
    "eip-missing-incidence": """\
tests/bad/eip-missing-incidence.yaml:7:1: eip: missing required key 'incidence'
  hint: first episode psychosis incidence among people aged 14 to 65: new cases per 100,000 a year. Neither the bundled nor the shared data give a sourced figure, so it is required: give your own, with its source [cases/100,000/year]""",
    "eip-access-over-one": """\
tests/bad/eip-access-over-one.yaml:10:35: eip.access.2020-01: expected a fraction between 0 and 1 [fraction], got 1.2
  hint: a fraction: 1 is all (100%); if you meant 1.2%, write 0.012""",
    "coverage-over-one": """\
tests/bad/coverage-over-one.yaml:10:3: crisis.core_coverage: basic_coverage + core_coverage is 1.3 in 2020-04; together they can cover at most the whole population (1)""",
    "cyp-age-band-over-25": """\
tests/bad/cyp-age-band-over-25.yaml:8:13: cyp.age_band: age band 0-30 is outside 0–25: children and young people's services and their national standards cover ages 0 to 25
  hint: write 0-17 (under 18s: the access measure) or 0-25 (the Long Term Plan's ages); the band labels the population you give, which need is worked from""",
    "cyp-access-over-one": """\
tests/bad/cyp-access-over-one.yaml:9:36: cyp.access.2020-01: expected a fraction between 0 and 1 [fraction], got 1.2
  hint: a fraction: 1 is all (100%); if you meant 1.2%, write 0.012""",
    "cyp-ed-without-wait-model": """\
tests/bad/cyp-ed-without-wait-model.yaml:13:5: cyp.eating_disorders.urgent: the 1-week waiting standard for urgent eating-disorder referrals needs a wait model, and this pathway has none
  hint: give cyp.eating_disorders.urgent.wait_median_days [days] and wait_spread [ratio], or leave out eating_disorders""",
    "money-too-large": """\
tests/bad/money-too-large.yaml:12:21: inpatient.oap_cost_per_day: expected a number between 0 and 10000000 [£/bed day], got 1e+308""",
    "admissions-too-many": """\
tests/bad/admissions-too-many.yaml:8:15: inpatient.admissions: expected a number between 0 and 1000000 [admissions/year], got 1e+15""",
    "bad-choice": """\
tests/bad/bad-choice.yaml:11:21: inpatient.los_distribution: expected one of 'gamma' or 'lognormal', got 'weibull'""",
    "bad-bool": """\
tests/bad/bad-bool.yaml:12:15: inpatient.repatriate: expected true or false, got 'sometimes'""",
    "footprint-sets-end": """\
tests/bad/footprint-sets-end.yaml:15:5: footprints[1].end: 'end' is one value for the whole scenario; it cannot be set for one footprint
  hint: set it at the top of the file; a footprint may give only code, name, custom, population, iapt, liaison, acute, crisis, inpatient, perinatal, cyp, cyp_crisis, eip and finance""",
    "unknown-assumption": """\
tests/bad/unknown-assumption.yaml:8:5: assumptions[1]: 'inpatient.bedz' is not a key of this scenario
  hint: write a dotted key path such as inpatient.beds""",
    # Distributions with bad parameters.
    "dist-order": """\
tests/bad/dist-order.yaml:15:14: iapt.referrals: triangular needs low ≤ mode ≤ high with low < high, got [30000, 40000, 35000]
  hint: write {triangular: [low, mode, high]}""",
    "dist-negative-sd": """\
tests/bad/dist-negative-sd.yaml:16:17: iapt.waiting_list: normal needs a standard deviation above 0, got -200
  hint: write {normal: [mean, sd]}""",
    "dist-percentages": """\
tests/bad/dist-percentages.yaml:14:14: iapt.access.2020-03: pert [20, 25, 30] reaches 20; expected a fraction between 0 and 1 [fraction]
  hint: write {pert: [0.2, 0.25, 0.3]} (percentages as fractions)""",
    "dist-too-wide": """\
tests/bad/dist-too-wide.yaml:9:13: inpatient.los_days: lognormal [30, 1e+200] is too wide to sample: its sd may be at most 100 × its mean (3000)
  hint: write {lognormal: [30, sd]} with sd at most 3000""",
    "dist-unknown": """\
tests/bad/dist-unknown.yaml:17:17: iapt.course_weeks: unknown distribution 'trianglar'
  hint: did you mean 'triangular'?""",
    # Perinatal (issue 14): access above all of need, and a required key with no source.
    "perinatal-access-over-one": """\
tests/bad/perinatal-access-over-one.yaml:9:39: perinatal.access.2023-04: expected a fraction between 0 and 1 [fraction of births/year], got 1.2
  hint: a fraction: 1 is all (100%); if you meant 1.2%, write 0.012""",
    "perinatal-missing-caseload": """\
tests/bad/perinatal-missing-caseload.yaml:7:1: perinatal: missing required key 'caseload'
  hint: women one WTE can see in a year; no public source gives it [women/WTE/year]""",
    # CYP crisis (issue 14): a cost with no source is required.
    "cyp-crisis-missing-cost": """\
tests/bad/cyp-crisis-missing-cost.yaml:13:1: cyp_crisis: missing required key 'cost_full'
  hint: yearly cost of that crisis care covering every child and young person in the footprint, at 2024/25 prices; no bundled source gives it [£/year]""",
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the messages are as given on the command line: relative to the repository."""
    monkeypatch.chdir(ROOT)


def stpmodel(*args: str):  # type: ignore[no-untyped-def]
    # catch_exceptions=False: an exception escaping a command fails the test with its traceback
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_every_bad_file_has_an_expected_message() -> None:
    assert BAD == sorted(EXPECTED)


@pytest.mark.parametrize("name", BAD)
def test_validate_reports_bad_input(name: str) -> None:
    result = stpmodel("validate", f"tests/bad/{name}.yaml")
    assert result.exit_code == 1
    assert result.stderr == EXPECTED[name] + "\n1 of 1 file(s) have problems\n"
    assert result.stdout == ""


@pytest.mark.parametrize("name", BAD)
def test_run_reports_bad_input_the_same_way(name: str) -> None:
    result = stpmodel("run", f"tests/bad/{name}.yaml")
    assert result.exit_code == 1
    assert result.stderr == EXPECTED[name] + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_scenarios_validate(path: str) -> None:
    result = stpmodel("validate", path)
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok\n"
    assert result.stderr == ""


def test_validate_missing_file() -> None:
    result = stpmodel("validate", "tests/bad/no-such-file.yaml")
    assert result.exit_code == 1
    assert result.stderr == ("tests/bad/no-such-file.yaml:1:1: no such file\n"
                             "1 of 1 file(s) have problems\n")


def test_run_missing_file_gives_a_message_not_a_traceback() -> None:
    # Through the real entry point, which turns any stray exception into exit code 3.
    command = [sys.executable, "-m", "stpmodel", "run", "tests/bad/no-such-file.yaml"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert result.stderr == "tests/bad/no-such-file.yaml:1:1: no such file\n"
    assert result.stdout == ""
