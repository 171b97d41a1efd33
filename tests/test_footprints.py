"""Several footprints in one scenario: overrides, totals, and tabulating in blocks."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from stpmodel.errors import ScenarioError
from stpmodel.model import run
from stpmodel.results import report, tabulate
from stpmodel.scenario import parse_scenario

SEVERAL = """\
name: three
start: 2019-04
end: 2021-03
draws: 4
seed: 7
population: {adults: 1000000, total: 1200000, growth: 0.0062}
iapt:
  access: {2019-04: 0.15, 2021-03: 0.25}
  referrals: 40000
  waiting_list: 1000
  course_weeks: 7
  workforce: {wte: 150, sessions_per_wte: 1000, recruitment: 60}
inpatient: {admissions: 2400, los_days: 35, los_cv: 1, beds: 230}
footprints:
  - {code: E54000037, name: Devon}
  - code: E54000017
    name: Birmingham and Solihull
    population: {adults: 931003}
    inpatient: {beds: 220}
  - code: E54000008
    name: Cheshire and Merseyside
    population: {adults: 2077140, total: 2500000}
    iapt: {referrals: 78465}
    inpatient: {admissions: 5000, beds: 480}
"""


def value(frame, code, metric, period, column="mean"):
    row = frame.filter((pl.col("footprint_code") == code) & (pl.col("metric") == metric)
                       & (pl.col("period") == period))
    assert row.height == 1, (code, metric, period)
    return row[column][0]


def test_overrides_are_laid_over_the_shared_values():
    members = parse_scenario(SEVERAL).members
    assert [m.footprint.code for m in members] == ["E54000037", "E54000017", "E54000008"]
    assert [m.population.adults for m in members] == [1_000_000, 931_003, 2_077_140]
    assert members[1].population.growth.values == (0.0062,)  # shared, not overridden
    assert [m.inpatient.beds.values[0] for m in members] == [230, 220, 480]


def test_the_total_sums_flows_and_recomputes_rates_per_draw():
    """Every draw's total is the sum of its footprints' figures; a rate is recomputed from the
    summed numerators and denominators (entered ÷ need for access), never averaged."""
    projection = run(parse_scenario(SEVERAL))
    frame = tabulate(projection, "year")
    codes = ["E54000037", "E54000017", "E54000008"]
    for metric in ("iapt_entered", "oap_bed_days", "mh_admissions", "iapt_need"):
        parts = sum(value(frame, c, metric, "2020/21") for c in codes)
        assert value(frame, "ALL", metric, "2020/21") == pytest.approx(parts, rel=1e-12)
    entered = sum(value(frame, c, "iapt_entered", "2020/21") for c in codes)
    need = sum(value(frame, c, "iapt_need", "2020/21") for c in codes)  # stock, end of year
    access = value(frame, "ALL", "iapt_access_rate", "2020/21")
    mean_of_rates = np.mean([value(frame, c, "iapt_access_rate", "2020/21") for c in codes])
    assert access == pytest.approx(entered / need, rel=0.01)  # need grows 0.6% in the year
    assert access != pytest.approx(mean_of_rates, rel=1e-6)
    beds = sum(value(frame, c, "beds_needed", "2020/21") for c in codes)
    assert value(frame, "ALL", "beds_needed", "2020/21") == pytest.approx(beds, rel=1e-12)
    label = frame.filter(pl.col("footprint_code") == "ALL")["footprint"][0]
    assert label == "All 3 footprints"


def test_tabulating_in_blocks_gives_the_same_table():
    """``report`` runs a block of footprints at a time (here one, forced by a tiny memory
    budget) and must give exactly what one run of all of them gives."""
    scenario = parse_scenario(SEVERAL)
    whole = tabulate(run(scenario), "quarter")
    blocked = report(scenario, "quarter", max_bytes=1).frame
    assert blocked.equals(whole)


def test_each_footprint_keeps_its_own_bed_stream():
    """A footprint's simulated patients depend on its code, not on who else is in the run."""
    alone = parse_scenario(SEVERAL.split("  - code: E54000017")[0])
    together = tabulate(run(parse_scenario(SEVERAL)), "year")
    single = tabulate(run(alone), "year")
    for metric in ("mh_admissions", "oap_bed_days"):
        assert value(single, "E54000037", metric, "2020/21") == value(
            together, "E54000037", metric, "2020/21")


def test_problems_point_at_the_footprint_that_has_them():
    """Line 19 is Birmingham's `    inpatient: {beds: 22O}`; its value starts in column 23."""
    text = SEVERAL.replace("inpatient: {beds: 220}", "inpatient: {beds: 22O}")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "three.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "three.yaml:19:23: footprints[1].inpatient.beds: expected a whole number between 0 and "
        "100000 [beds], got '22O'"]


def test_a_footprint_listed_twice_or_a_missing_section_is_an_error():
    twice = SEVERAL.replace("code: E54000008", "code: E54000017")
    with pytest.raises(ScenarioError, match="footprint E54000017 is already listed"):
        parse_scenario(twice)
    both = SEVERAL.replace("name: three\n", "name: three\nfootprint: {code: E54000037, name: "
                                            "Devon}\n")
    with pytest.raises(ScenarioError, match="give either 'footprint'"):
        parse_scenario(both)


def test_draws_and_seed_overrides_reach_every_footprint():
    scenario = parse_scenario(SEVERAL).with_overrides(draws=2, seed=99)
    assert [(m.draws, m.seed) for m in scenario.members] == [(2, 99)] * 3
    assert run(scenario).out.shape[0] == 2


def test_an_override_replaces_a_trajectory_whole():
    """Sections merge key by key, but a trajectory is one value: an entry's own replaces the
    shared one rather than mixing months from both."""
    text = SEVERAL.replace("inpatient: {admissions: 2400, los_days: 35,",
                           "inpatient: {admissions: 2400, los_days: {2019-04: 38, 2020-04: 32},")
    text = text.replace("inpatient: {beds: 220}", "inpatient: {beds: 220, los_days: {2019-10: 40}}")
    members = parse_scenario(text).members
    assert members[0].inpatient.los_days.values == (38, 32)
    assert members[1].inpatient.los_days.months == (2019 * 12 + 9,)
    assert members[1].inpatient.los_days.values == (40,)
    assert members[1].inpatient.beds.values == (220,)


@pytest.mark.parametrize(("line", "key"), [
    ("end: 2020-03", "end"), ("start: 2019-10", "start"), ("draws: 5", "draws"),
    ("seed: 3", "seed"), ("description: mine", "description"),
    ("assumptions: [inpatient.beds]", "assumptions"), ("footprint: {code: E54000017}",
                                                      "footprint")])
@pytest.mark.parametrize("entry", [0, 1])
def test_a_key_for_the_whole_run_is_refused_under_a_footprint(line, key, entry):
    """Under the first footprint `end: 2020-03` used to cut every footprint to 2019/20, and under
    another it was ignored; either way it is now refused where it is written: line 17 once the
    first entry (line 15) is written in block style, or line 18, after Birmingham's name."""
    if entry == 0:
        text = SEVERAL.replace("  - {code: E54000037, name: Devon}\n",
                               f"  - code: E54000037\n    name: Devon\n    {line}\n")
        where = "three.yaml:17:5"
    else:
        text = SEVERAL.replace("    name: Birmingham and Solihull\n",
                               f"    name: Birmingham and Solihull\n    {line}\n")
        where = "three.yaml:18:5"
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "three.yaml")
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{where}: footprints[{entry}].{key}: '{key}' ")
    if key != "footprint":
        assert "is one value for the whole scenario" in problem.message
        assert problem.hint.startswith("set it at the top of the file")


def test_a_misspelt_key_under_a_footprint_gets_a_suggestion():
    text = SEVERAL.replace("    population: {adults: 931003}", "    populaton: {adults: 931003}")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "three.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "three.yaml:18:5: footprints[1].populaton: unknown key 'populaton'\n"
        "  hint: did you mean 'population'?"]


@pytest.mark.parametrize(("override", "key"), [
    ("inpatient: {beds: 220, repatriate: true}", "inpatient.repatriate"),
    ("inpatient: {beds: 220, los_distribution: lognormal}", "inpatient.los_distribution"),
    ("iapt: {need_basis: apms2014}", "iapt.need_basis")])
def test_keys_every_footprint_shares_must_not_differ(override, key):
    """Service.same_for_every_footprint: the bed kernel runs every footprint in one call with one
    length-of-stay shape and one repatriation rule; IAPT needs one basis for the total."""
    text = SEVERAL.replace("    inpatient: {beds: 220}", f"    {override}")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "three.yaml")
    [problem] = caught.value.problems
    assert problem.path == f"footprints[1].{key}"
    assert problem.message == f"{key} must be the same for every footprint"
