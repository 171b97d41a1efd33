"""Measured bed baselines, pools and the calibrated pool size
(stpmodel/services/inpatient/calibration.py; docs/model.md, "Beds in pools")."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gammaincc, gammaln

from stpmodel import reference
from stpmodel.kernels.erlang import erlang_b as erlang_b_array
from stpmodel.model import run
from stpmodel.results import tabulate
from stpmodel.scenario import parse_scenario
from stpmodel.services.inpatient import calibration as c
from stpmodel.services.inpatient.section import POOL_BEDS

SHARE = 2_461_767 / (2_461_767 + 1_100_683 + 267_367 + 565_623)  # NCC 2024/25: 0.5601


def erlang_b(a: float, n: int) -> float:
    """B(a, n) from its closed form, a^n/n! ÷ Σ_{k≤n} a^k/k! = e^{-a}a^n/n! ÷ Q(n+1, a), with Q
    the regularised upper incomplete gamma function (scipy), not by the recursion."""
    return float(np.exp(-a + n * np.log(a) - gammaln(n + 1)) / gammaincc(n + 1, a))


def test_the_plain_float_recursion_is_erlangs_formula():
    for a, n in ((5.0, 3), (95.0, 100), (220.147 / 2, 79)):
        assert c.erlang_b(a, n) == pytest.approx(erlang_b(a, n), rel=1e-9)
        assert c.erlang_b(a, n) == pytest.approx(float(erlang_b_array(a, n)), rel=1e-12)


def test_pools_split_whole_beds_as_evenly_as_they_go():
    assert c.pools(225, 110) == [113, 112]  # round(225 ÷ 110) = 2 pools
    assert c.pools(50, 110) == [50]  # never fewer than one
    assert c.pools(225, None) == [225]
    assert c.pools(166, 50) == [56, 55, 55]
    split = c.pool_arrays(np.array([[225.0, 166.0]]), 3)  # [draw, month] → [draw, pool, month]
    assert split[0, :, 0].tolist() == [75, 75, 75] and split[0, :, 1].tolist() == [56, 55, 55]
    assert split.sum(axis=1).tolist() == [[225, 166]]


def test_offered_load_carries_the_occupied_beds():
    """a − Σ (a/k) B(a/k, n) = occupied, checked with the closed form."""
    beds = c.Beds(225.0, 200.0)
    for pool in (None, 110, 40):
        a = c.offered_load(beds, pool)
        sizes = c.pools(225, pool)
        k = len(sizes)
        assert a - sum(a / k * erlang_b(a / k, n) for n in sizes) == pytest.approx(200.0,
                                                                                 abs=1e-6)
    # smaller pools lose more, so they need more load to carry the same beds
    assert c.offered_load(beds, 40) > c.offered_load(beds, 110) > c.offered_load(beds, None)
    with pytest.raises(ValueError, match="must be from 0 to below 225"):
        c.offered_load(c.Beds(225.0, 225.0), None)


def test_englands_beds_are_kh03s_adult_acute_share_and_the_footprints_add_up():
    england = c.measured("2018-19")[c.ENGLAND]
    # KH03 2018-19, England, mental illness: 18,365.67 available, 16,403.34 occupied (the mean
    # of the quarters, stpmodel/data/inpatient_baseline.csv) × NCC's adult acute share
    assert c.share() == pytest.approx(SHARE, abs=5e-5)
    assert england.available == pytest.approx(18_365.67 * c.share(), abs=0.01)
    assert england.occupied == pytest.approx(16_403.34 * c.share(), abs=0.01)
    assert list(c.measured("2021-22", "Q4")) == [c.ENGLAND]  # England alone after 2019-20
    for year, period in (("2018-19", "year"), ("2019-20", "Q3"), ("2018-19", "Q1")):
        beds = c.measured(year, period)
        footprints = [b for code, b in beds.items() if code != c.ENGLAND]
        assert len(footprints) == 44
        assert sum(b.available for b in footprints) == pytest.approx(
            beds[c.ENGLAND].available, rel=1e-6)
        assert sum(b.occupied for b in footprints) == pytest.approx(beds[c.ENGLAND].occupied,
                                                                    rel=1e-6)


def test_the_unmeasured_footprints_share_what_is_left_by_adults():
    """Shropshire (no trust of its own) and Suffolk get the same beds per adult."""
    assert c.flagged() == {"E54000007", "E54000011", "E54000015", "E54000023", "E54000024",
                           "E54000030", "E54000039", "E54000047"}
    beds = c.measured("2018-19")
    per_adult = [beds[code].available / reference.persons(code, 2021, 16)
                 for code in ("E54000011", "E54000023")]
    assert per_adult[0] == pytest.approx(per_adult[1], rel=1e-12)


def test_the_shipped_default_is_the_calibration():
    """POOL_BEDS is what the calibration finds: the pool size at which the 44 footprints' 2018/19
    beds and occupancy place England's 239,015 inappropriate OAP bed days (59,075 + 57,290 +
    58,340 + 64,310, the dashboard's CR(iii.a)) most nearly."""
    assert c.published_oap_days() == 59_075 + 57_290 + 58_340 + 64_310
    assert c.calibrate() == POOL_BEDS
    best = abs(c.modelled_oap_days(POOL_BEDS) / 239_015 - 1)
    assert best < 0.01
    # one pool a footprint places far fewer; the neighbours are no nearer
    assert c.modelled_oap_days(None) < 0.5 * 239_015
    for other in (POOL_BEDS - 1, POOL_BEDS + 1):
        assert abs(c.modelled_oap_days(other) / 239_015 - 1) >= best


def test_devons_baseline_by_hand():
    """Devon: KH03 2018-19, 281.6 beds and 275.11 occupied (Devon Partnership) × 0.5601 = 157.7
    → 158 beds and 154.09 occupied; 24,245 OAP bed days (5,935 + 6,050 + 4,845 + 7,415). Two
    pools of 79 come nearest at the measured occupancy (one pool places fewer, three more);
    the load then placing 24,245 exactly is about 220.15 beds' worth a day."""
    base = c.baseline("E54000037", 35.0)
    assert base.beds == 158 and base.published == 24_245
    assert base.pools == 2 and c.pools(158, base.pool_beds) == [79, 79]
    occupied = c.Beds(158.0, 275.11 * c.share())
    days = {k: 365 * c._loss(c.offered_load(occupied, 158 / k), [158 // k] * k)
            for k in (1, 2, 3)}
    assert days[1] < 24_245 < days[3]
    assert abs(days[2] - 24_245) < min(abs(days[1] - 24_245), abs(days[3] - 24_245))
    a = base.load
    assert 365 * 2 * (a / 2) * erlang_b(a / 2, 79) == pytest.approx(24_245, rel=1e-9)
    assert a == pytest.approx(220.147, abs=1e-3)
    assert base.admissions == round(a * 365.25 / 35) == 2297
    assert base.how == "pools"


def test_every_footprint_with_a_published_year_reproduces_it():
    for fp in reference.footprints():
        base = c.baseline(fp.code, 32.0)
        assert base.beds == max(1, round(c.measured("2018-19")[fp.code].available))
        if base.how == "national":
            assert base.pool_beds == POOL_BEDS
            continue
        assert base.modelled == pytest.approx(base.published, rel=1e-6), fp.code
        if base.how == "pools":  # the measured occupancy, to within what whole pools allow
            assert abs(base.occupancy - base.occupied / base.beds) < 0.02, fp.code


SCENARIO = """
name: pools
footprint: {code: E54000037, name: Devon}
population: {adults: 1000000, growth: 0}
start: 2019-04
end: 2021-03
draws: 40
seed: 7
inpatient:
  admissions: %(admissions)s
  los_days: 20
  los_cv: 1.0
  beds: 220
  warmup_days: 400
  %(pool)s
"""


def _oap_bed_days_a_day(pool: str, admissions: float) -> float:
    scenario = parse_scenario(SCENARIO % {"pool": pool, "admissions": admissions}, "pools.yaml")
    frame = tabulate(run(scenario), "year")
    row = frame.filter(frame["metric"] == "oap_bed_days")
    return float(row["mean"].sum()) / (365 + 366)  # 2019/20 has 366 days


def test_the_simulation_splits_beds_into_pools():
    """220 beds in pools of 110, offered 210 beds' worth (3,832.5 admissions a year × 20 days
    ÷ 365.25): each pool takes 105 beds' worth, so 2 × 105 × B(105, 110) a day go out of area
    (Erlang, for any stays), where one pool of 220 places 210 × B(210, 220)."""
    admissions = 210 * 365.25 / 20
    pooled = _oap_bed_days_a_day("pool_beds: 110", admissions)
    assert pooled == pytest.approx(2 * 105 * erlang_b(105, 110), rel=0.05)
    single = _oap_bed_days_a_day("pool_beds: 100000", admissions)
    assert single == pytest.approx(210 * erlang_b(210, 220), rel=0.08)
    assert pooled > 1.5 * single


def test_one_pool_is_one_pool_however_it_is_said():
    """pool_beds at or above the beds keeps the footprint whole: the same streams, the same
    numbers."""
    a = _oap_bed_days_a_day("pool_beds: 100000", 3000)
    b = _oap_bed_days_a_day("pool_beds: 220", 3000)
    assert a == b
