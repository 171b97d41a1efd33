"""`stpmodel new`: a ready-to-run scenario for any footprint, every value with its source."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from stpmodel import reference
from stpmodel.cli import app
from stpmodel.newscenario import Sources, build_scenario
from stpmodel.scenario import parse_scenario

from .conftest import ROOT

runner = CliRunner()
MARKERS = ("SOURCED", "DEFAULT", "PLAN", "NATIONAL-DEFAULT ESTIMATE", "ILLUSTRATIVE PLACEHOLDER")
GUESSES = ("NATIONAL-DEFAULT ESTIMATE", "ILLUSTRATIVE PLACEHOLDER")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def prose(text: str) -> str:
    """The scenario's comments as one line of text, so that wrapped phrases can be found."""
    return " ".join(line.strip()[2:] for line in text.splitlines()
                    if line.strip().startswith("# "))


def test_new_devon_then_run_works_with_no_edits(tmp_path):
    scenario = tmp_path / "devon.yaml"
    made = invoke("new", "--footprint", "Devon", "-o", str(scenario))
    assert made.exit_code == 0, made.output
    # 13 (IAPT, stays, crisis; beds and admissions are measured) + 3 (perinatal) + 4 (CYP) + 11
    # (EIP): each service lists its placeholders
    assert made.stderr == (f"wrote {scenario}: a scenario for Devon (E54000037), with 31 "
                           "assumptions to replace with local figures; run it with: stpmodel run "
                           f"{scenario}\n")
    ran = invoke("run", str(scenario), "-f", "csv")
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.startswith("scenario,footprint_code,footprint,period,metric,unit,value\n")
    assert ",E54000037,Devon," in ran.stdout
    listed = ran.stderr.split("assumptions to replace with local figures:", 1)[1]
    for path in ("iapt.workforce.wte", "inpatient.los_days", "crisis.cost_per_wte",
                 "eip.incidence"):
        assert path in listed
    assert "inpatient.beds" not in listed and "inpatient.admissions" not in listed


def test_new_then_run_in_a_fresh_process(tmp_path):
    """The installed entry point, as a user types it."""
    exe = [sys.executable, "-m", "stpmodel"]
    scenario = tmp_path / "devon.yaml"
    made = subprocess.run([*exe, "new", "--footprint", "devon", "-o", str(scenario)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    ran = subprocess.run([*exe, "run", str(scenario), "-f", "csv"], capture_output=True,
                         text=True)
    assert ran.returncode == 0, ran.stderr
    assert "assumptions to replace with local figures:" in ran.stderr
    assert "inpatient.los_days" in ran.stderr
    bad = subprocess.run([*exe, "new", "--footprint", "Narnia"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_devons_numbers_and_their_arithmetic():
    """Hand-checked from the sources quoted in the scenario:
    - adults 1,022,155 and total 1,218,643: ONS mid-2021, derived to STP17;
    - need on NHS England's basis 0.12396 × 1,022,155 = 126,706 (stpmodel/data/iapt_need.csv);
      referrals 34,460 (NHS Digital 2018-19) × 0.679 = 23,398 entering, 18.47% of need, written
      down to 0.184 so that today's staff deliver it; the plan NHS England's standards from
      there: 22% from 2020-01, 25% from 2020-04, 26.65% from
      2021-04 and 31.26% from 2023-04 (written to 0.1%); nobody queued beyond the pathway delay;
      WTE 23,398 × 4.1329 sessions (0.531 × 6.9 + 0.469 × 1) ÷ 1,000 = 96.7; recruitment 12 ×
      the steepest month-on-month rise in the WTE the plan needs (access, linear between its
      points, × need × growth × 4.1329 ÷ 1,000: January to April 2020, 22% → 25%), rounded up;
    - admissions 119,851 × 1,022,155 ÷ 46,087,075.5 = 2,658;
    - beds ⌈2,658 × 32 ÷ 365 ÷ 0.85⌉ = 275; OAP cost £610 a day (Devon, February 2017)."""
    text = build_scenario(reference.find_footprint("Devon"))
    scenario = parse_scenario(text)
    assert scenario.population.adults == 1_022_155
    assert scenario.population.total == 1_218_643
    assert scenario.iapt.referrals.describe() == "34460"
    need = 0.12396 * 1_022_155
    entering = 34_460 * 0.679
    assert math.floor(entering / need * 1000) / 1000 == 0.184
    assert scenario.iapt.access.describe() == (
        "{2019-04: 0.184, 2020-01: 0.22, 2020-04: 0.25, 2021-04: 0.267, 2023-04: 0.313}")
    assert scenario.iapt.waiting_list == 0
    sessions = 0.531 * 6.9 + 0.469 * 1
    wte = round(entering * sessions / 1000, 1)
    assert scenario.iapt.workforce.wte == wte == 96.7
    growth = scenario.population.growth.values[0]
    points = [(0, 0.184), (9, 0.22), (12, 0.25), (24, 0.2665), (48, 0.3126)]  # months from 2019-04
    level = [np.interp(m, *zip(*points)) * need * (1 + growth) ** (m / 12) * sessions / 1000
             for m in range(49)]
    steepest = max(b - a for a, b in zip(level, level[1:]))
    assert steepest == max(level[10] - level[9], level[11] - level[10], level[12] - level[11])
    assert scenario.iapt.workforce.recruitment.describe() == str(math.ceil(12 * steepest))
    # the measured 2018/19 baseline (tests/test_inpatient_calibration.py): 158 beds in pools of
    # 90, offered 220.15 beds' worth a day: × 365.25 ÷ 32-day stays = 2,512.9
    assert scenario.inpatient.beds.describe() == "158"
    assert scenario.inpatient.pool_beds == 90
    assert scenario.inpatient.admissions == 2513
    assert scenario.inpatient.oap_cost_per_day.describe() == "610"
    assert "- 2017-02: 846 OAP days, £437,082 recorded cost, 35 active at month end." in text
    assert "no local projection is bundled, so the population is projected" in prose(text)


@pytest.mark.parametrize("fp", reference.footprints(), ids=lambda fp: fp.code)
def test_every_footprint_gets_a_valid_scenario(fp):
    text = build_scenario(fp)
    scenario = parse_scenario(text, f"{fp.code}.yaml")
    assert scenario.footprint.code == fp.code
    assert scenario.footprint.name == fp.name
    _every_value_says_where_it_comes_from(text, scenario.assumptions)


def _every_value_says_where_it_comes_from(text: str, assumptions: list[str]) -> None:
    """Each value under a section has a comment above it (shared by the keys just below it)
    naming its kind, and the guesses are exactly the keys listed under `assumptions:`."""
    lines = text.splitlines()
    body = lines.index("population:")
    guessed, path = set(), []
    for i in range(body, len(lines)):
        line = lines[i]
        m = re.match(r"^( *)([a-z_]+):(.*)$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        path = [*path[:depth], m.group(2)]
        if not m.group(3).strip() or m.group(3).strip() == ">":
            continue
        j = i - 1
        while j >= 0 and not lines[j].lstrip().startswith("#"):
            j -= 1
        block = []
        while j >= 0 and lines[j].lstrip().startswith("#"):
            block.insert(0, lines[j])
            j -= 1
        heads = [c.lstrip()[2:] for c in block if c.lstrip()[2:].startswith(MARKERS)]
        assert heads, f"{'.'.join(path)} has no comment saying where it comes from"
        if heads[-1].startswith(GUESSES):  # the nearest paragraph above names its kind
            guessed.add(".".join(path))
    assert guessed == set(assumptions)


def test_a_merged_footprint_uses_its_apportioned_referrals():
    text = build_scenario(reference.find_footprint("E54000046"))
    assert "referrals: 53225" in text
    assert "apportioned from E54000049 by 2017-18 shares" in prose(text)


def test_a_footprint_with_suppressed_oap_costs_keeps_the_default():
    """Somerset's February 2017 OAP figures are all '*': no oap_cost_per_day is written, so the
    England default (£530) applies, and the comment says why."""
    text = build_scenario(reference.find_footprint("Somerset"))
    scenario = parse_scenario(text)
    assert "oap_cost_per_day:" not in text
    assert scenario.inpatient.oap_cost_per_day.describe() == "530"
    assert ("Somerset's own daily OAP cost is suppressed or not published, so England's "
            "applies.") in prose(text)


@pytest.mark.parametrize("name", ["devon", "Birmingham & Solihull", "QHL"])
def test_new_matches_names_loosely(name):
    result = invoke("new", "--footprint", name)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# ")
    parse_scenario(result.stdout)


def test_new_with_a_nonsense_name_is_a_usage_error():
    result = invoke("new", "--footprint", "Narnia")
    assert result.exit_code == 2
    assert result.stderr == ("--footprint: no footprint matches 'Narnia'; `stpmodel footprints` "
                             "lists all 44\n")
    assert result.stdout == ""
    close = invoke("new", "--footprint", "Devonshire and Cornish")
    assert close.exit_code == 2
    assert "did you mean Devon (E54000037)" in close.stderr


def test_new_does_not_overwrite_without_force(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("mine\n")
    refused = invoke("new", "--footprint", "Devon", "-o", str(scenario))
    assert refused.exit_code == 2
    assert refused.stderr == f"{scenario}: already exists; use --force to overwrite it\n"
    assert scenario.read_text() == "mine\n"
    forced = invoke("new", "--footprint", "Devon", "-o", str(scenario), "--force")
    assert forced.exit_code == 0
    assert scenario.read_text().startswith("# Devon (E54000037)")


def test_imported_iapt_goes_into_a_new_scenario(tmp_path):
    scenario = tmp_path / "devon.yaml"
    source = ROOT / "tests" / "data" / "iapt" / "iapt_annual_england_stp_2017-18_to_2021-22.csv"
    result = invoke("import", "iapt", str(source), "--footprint", "devon", "--scenario",
                    str(scenario))
    assert result.exit_code == 0, result.output
    text = scenario.read_text()
    assert f"imported from {source.name}: STP E54000037" in prose(text)
    assert "referrals: 34460" in text
    missing = invoke("import", "iapt", str(source), "--scenario", str(scenario))
    assert missing.exit_code == 2
    assert "--scenario needs --footprint" in missing.stderr
    both = invoke("import", "iapt", str(source), "--footprint", "devon", "--scenario",
                  str(tmp_path / "x.yaml"), "-o", str(tmp_path / "x.csv"))
    assert both.exit_code == 2
    assert "not both" in both.stderr


def test_imported_oaps_go_into_a_new_scenario(tmp_path):
    scenario = tmp_path / "devon.yaml"
    feb = ROOT / "tests" / "data" / "oaps" / "oaps-open-data-feb-2017.csv"
    result = invoke("import", "oaps", str(feb), "--footprint", "Devon", "--scenario",
                    str(scenario))
    assert result.exit_code == 0, result.output
    text = scenario.read_text()
    assert "imported from oaps-open-data-feb-2017.csv" in prose(text)
    assert "- 2017-02: 846 OAP days" in text
    assert "- 2016-12" not in text  # only what was imported


def test_sources_default_to_the_bundle():
    fp = reference.find_footprint("Devon")
    assert build_scenario(fp) == build_scenario(fp, Sources())
