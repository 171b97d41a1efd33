"""IAPT's part of ``stpmodel new``: today's referrals from the bundled NHS Digital data, need on
NHS England's basis, and the national access standard as the plan."""

from __future__ import annotations

import math

from ...template import (
    START,
    NoBaselineError,
    Sources,
    TemplateContext,
    Text,
    comment_defaults,
    default_of,
    num,
    trajectory,
)
from ...values import month_index
from .section import APMS_2014, Iapt, nhse_shares

BASELINE_YEAR = "2018-19"  # the last IAPT year before COVID-19
# NHS England's access standards as a plan that meets each as it is judged (see .__init__):
# 22% through January to March 2020 (the Q4 run rate), 25% through 2020/21, 26.65% through
# 2021/22 and 31.26% from 2023/24 (1.9m of England's need).
ACCESS_STANDARD = {"2020-01": 0.22, "2020-04": 0.25, "2021-04": 0.2665, "2023-04": 0.3126}
LAST = "2023-04"
MONTHS_TO_LAST = 48  # from April 2019
ACCESS_SOURCE = ("the 2019/20 planning guidance (22% as the Q4 2019/20 run rate), the Five Year "
                 "Forward View for Mental Health, 2016 (25% in 2020/21), NHS England's 2021/22 "
                 "targets (26.65% of need) and the Long Term Plan (1.9m, 31.26%, by 2023/24), "
                 "each reached as the year it is judged on starts")
SESSIONS_PER_WTE = 1000.0  # illustrative placeholder: 25 treatment sessions a week for 40 weeks


def _counts(code: str, label: str, src: Sources) -> tuple[str, float, str]:
    """``(year, referrals, basis)``: the latest year up to 2018-19 with referrals for ``code``."""
    import polars as pl

    from ... import reference

    table = src.iapt if src.iapt is not None else reference.iapt()
    rows = table.filter((pl.col("footprint_code") == code)
                        & (pl.col("measure") == "referrals_received")
                        & (pl.col("reporting_period") <= BASELINE_YEAR)
                        & pl.col("value").is_not_null()).sort("reporting_period")
    if not rows.height:
        raise NoBaselineError(f"no IAPT referrals for {label} up to {BASELINE_YEAR} in the IAPT "
                              f"data ({src.iapt_label})")
    last = rows.row(-1, named=True)
    basis = last.get("basis") or "published"
    return str(last["reporting_period"]), float(last["value"]), str(basis)


def _steepest_rise(access: dict[str, float], need: float, growth: float,
                   sessions: float) -> float:
    """The largest month-on-month rise in the WTE the plan needs [WTE/month]: access
    (interpolated linearly between its points, as the model does) × need × growth × sessions per
    course entered ÷ sessions per WTE."""
    points = sorted((month_index(int(m[:4]), int(m[5:])) - month_index(int(START[:4]),
                                                                        int(START[5:])), v)
                    for m, v in access.items())
    months = range(points[-1][0] + 1)
    level = [_between(points, m) * need * (1 + growth) ** (m / 12) * sessions / SESSIONS_PER_WTE
             for m in months]
    return max((b - a for a, b in zip(level, level[1:])), default=0.0)


def _between(points: list[tuple[int, float]], month: int) -> float:
    for (m0, v0), (m1, v1) in zip(points, points[1:]):
        if m0 <= month <= m1:
            return v0 + (v1 - v0) * (month - m0) / (m1 - m0)
    return points[-1][1]


def _today(code: str, adults: float,
           referrals: float) -> tuple[float | None, float, float, float, float, float, float]:
    """What `new` works out alike for an STP and an ICB from a year's referrals: NHS England's
    share of adults (None without one), prevalence (that share, or APMS 2014's 17%), entry rate
    and sessions a course entered (the defaults), need, people entering, and today's access
    rounded down to 0.1% (so that today's staff deliver it)."""
    share = nhse_shares().get(code)
    prevalence = share if share is not None else APMS_2014
    entry = default_of(Iapt, "entry_rate")
    completion = default_of(Iapt, "completion_rate")
    sessions = (completion * default_of(Iapt, "sessions_finished")
                + (1 - completion) * default_of(Iapt, "sessions_not_finished"))
    need = prevalence * adults
    entering = referrals * entry
    today = math.floor(entering / need * 1000) / 1000
    return share, prevalence, entry, sessions, need, entering, today


def template(t: TemplateContext) -> None:
    from ... import reference

    fp, out, adults, growth = t.fp, t.out, t.adults, t.growth
    year, referrals, basis = _counts(fp.code, str(fp), t.sources)
    share, prevalence, entry, sessions, need, entering, today = _today(fp.code, adults,
                                                                        referrals)
    access = {START: today, **{m: max(v, today) for m, v in ACCESS_STANDARD.items()}}
    to_last = (1 + growth) ** (MONTHS_TO_LAST / 12)
    final = access[LAST]
    needed_referrals = final * need * to_last / entry
    wte = round(entering * sessions / SESSIONS_PER_WTE, 1)
    wte_last = final * need * to_last * sessions / SESSIONS_PER_WTE
    steepest = _steepest_rise(access, need, growth, sessions)
    recruitment = max(0, math.ceil(12 * steepest))
    weeks = round(default_of(Iapt, "sessions_finished"))

    out.key("iapt")
    if share is None:
        out.comment(f"The bundled data give no NHS England need for {fp.code}, so need is APMS "
                    "2014's 17% of adults, about 31% above NHS England's basis.", 2)
        out.key("need_basis", "apms2014", 2)
    comment_defaults(out, Iapt, {"access", "referrals", "waiting_list", "course_weeks",
                                 "workforce"})
    basis_text = ("NHS England's prevalence denominator" if share is not None
                  else "APMS 2014's 17%")
    out.comment(f"PLAN: the national access standard, {ACCESS_SOURCE}; from today's access. "
                f"Today: {referrals:,.0f} referrals × {num(entry)} entering treatment ÷ need "
                f"({basis_text}: {num(prevalence)} × {adults:,} adults = {need:,.0f}) = "
                f"{today:.1%} of need.", 2)
    out.key("access", trajectory(access, 3), 2)
    where = "" if basis == "published" else f", {basis}"
    when = (f"{year}, the last year before COVID-19" if year == BASELINE_YEAR
            else f"{year}, the latest year up to {BASELINE_YEAR} in the data")
    out.comment(f"SOURCED: referrals received in {when} "
                f"({reference.IAPT_SOURCE}, {t.sources.iapt_label}: STP {fp.code}{where}). Held "
                f"flat: {final:.2%} access by April 2023 needs about {needed_referrals:,.0f} a "
                f"year ({num(final)} × need × growth ÷ {num(entry)}); until referrals rise, "
                "`run` notes that access falls short for want of referrals. Write your plan as "
                "a trajectory, e.g. {2019-04: ..., 2023-04: ...}.", 2)
    out.key("referrals", num(round(referrals)), 2)
    _queue_and_staff(out, weeks, entering, sessions, wte,
                     "England's waits in 2018-19 and 2019-20 are the pathway delay alone "
                     "(wait_median_days, wait_spread; docs/validation.md)",
                     " (finished and unfinished, at the default completion rate)")
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: recruitment that keeps up with the plan's steepest "
                f"monthly rise in the staff it needs ({steepest:,.1f} WTE a month, × 12, rounded "
                f"up), from today's {wte:,.1f} WTE to {wte_last:,.1f} WTE for {final:.2%} access "
                "by April 2023.", 4)
    out.key("recruitment", str(recruitment), 4)
    t.assumptions.extend(["iapt.waiting_list", "iapt.course_weeks",
                          "iapt.workforce.sessions_per_wte", "iapt.workforce.wte",
                          "iapt.workforce.recruitment"])




def _queue_and_staff(out: Text, weeks: int, entering: float, sessions: float, wte: float,
                     waits: str, sessions_note: str) -> None:
    """The keys `new` writes alike for an STP and an ICB: no backlog, course length, sessions a
    WTE and the staff today's activity needs (``waits`` says why no backlog)."""
    out.comment("NATIONAL-DEFAULT ESTIMATE: nobody queued for a therapist beyond the usual "
                f"pathway; {waits}. Put your backlog here.", 2)
    out.key("waiting_list", "0", 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: {weeks} sessions a finished course (the default) at "
                "about one a week.", 2)
    out.key("course_weeks", str(weeks), 2)
    out.key("workforce", indent=2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: 25 treatment sessions a week for 40 weeks; no "
                "public source gives therapists' sessions.", 4)
    out.key("sessions_per_wte", num(SESSIONS_PER_WTE), 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the staff today's activity needs: {entering:,.0f} "
                f"courses × {num(sessions, 2)} sessions each{sessions_note} ÷ "
                f"{SESSIONS_PER_WTE:,.0f} sessions a WTE.", 4)
    out.key("wte", num(wte), 4)


ICB_YEAR = "2024-25"  # the latest year of the IAPT annual measures bundled by ICB


def icb_template(t: TemplateContext) -> None:
    """IAPT for an ICB, 2025/26 to 2029/30: 2024-25's referrals, caseness and recoveries by ICB
    (stpmodel/data/icb_iapt.csv), need on NHS England's basis where the ICB kept a 2017 STP's
    code (the same area) and APMS 2014's otherwise, and today's access held flat: no national
    access standard applies after 2023/24."""
    from ... import baselines

    fp, out, adults, growth = t.fp, t.out, t.adults, t.growth

    def count(measure: str) -> float:
        value = baselines.icb_iapt_value(fp.code, ICB_YEAR, measure)
        if value is None:
            raise NoBaselineError(f"no IAPT {measure} for {fp} in {ICB_YEAR} in the bundled "
                                  "ICB data")
        return value

    referrals, caseness, recovered = (count("referrals_received"), count("at_caseness"),
                                      count("recovery"))
    finished = count("finished_course_treatment")
    share, prevalence, entry, sessions, need, entering, today = _today(fp.code, adults,
                                                                        referrals)
    wte = round(entering * sessions / SESSIONS_PER_WTE, 1)
    recruitment = max(1, math.ceil(wte * growth))  # keeps pace with the adults' growth
    recovery = round(recovered / caseness, 3)
    weeks = round(default_of(Iapt, "sessions_finished"))
    where = f"{baselines.ICB_IAPT_SOURCE}, {ICB_YEAR}, {fp.ods_code}"

    out.key("iapt")
    if share is None:
        out.comment(f"No NHS England need is bundled for {fp.code}: its area is not a 2017 "
                    "STP's (the need shares are by STP17), so need is APMS 2014's 17% of "
                    "adults, about 31% above NHS England's basis.", 2)
        out.key("need_basis", "apms2014", 2)
    else:
        out.comment(f"Need on NHS England's basis: {fp.code} kept a 2017 STP's ONS code, so "
                    f"it covers that STP's area and its need share, {num(prevalence)} of "
                    "adults (stpmodel/data/iapt_need.csv), applies.", 2)
    comment_defaults(out, Iapt, {"access", "referrals", "waiting_list", "course_weeks",
                                 "workforce", "recovery_rate"})
    out.comment(f"PLAN: today's access held flat. The Long Term Plan's access standard ended "
                f"with 2023/24 and none is bundled for these years: write your ICB's plan as a "
                f"trajectory, and its target under targets:. Today: {referrals:,.0f} referrals "
                f"× {num(entry)} entering treatment ÷ need ({num(prevalence)} × {adults:,} "
                f"adults = {need:,.0f}) = {today:.1%} of need.", 2)
    out.key("access", num(today, 3), 2)
    out.comment(f"SOURCED: referrals received in {ICB_YEAR} ({where}). Held flat.", 2)
    out.key("referrals", num(round(referrals)), 2)
    out.comment(f"SOURCED: recovered ÷ finished courses at caseness in {ICB_YEAR}, "
                f"{recovered:,.0f} ÷ {caseness:,.0f} ({where}; {finished:,.0f} courses "
                "finished).", 2)
    out.key("recovery_rate", num(recovery, 3), 2)
    _queue_and_staff(out, weeks, entering, sessions, wte,
                     "England's waits are near the pathway delay; docs/validation.md", "")
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: recruitment that keeps pace with the adults' growth "
                f"({wte:,.1f} WTE × {growth:.2%} a year, rounded up).", 4)
    out.key("recruitment", str(recruitment), 4)
    t.assumptions.extend(["iapt.access", "iapt.waiting_list", "iapt.course_weeks",
                          "iapt.workforce.sessions_per_wte", "iapt.workforce.wte",
                          "iapt.workforce.recruitment"])
