"""IAPT's part of ``stpmodel new``: today's referrals from the bundled NHS Digital data, need on
NHS England's basis, and the national access standard as the plan."""

from __future__ import annotations

import math

from ...template import (
    MONTHS_TO_MARCH_2021,
    START,
    NoBaselineError,
    Sources,
    TemplateContext,
    comment_defaults,
    default_of,
    num,
    trajectory,
)
from .section import APMS_2014, Iapt, nhse_shares

BASELINE_YEAR = "2018-19"  # the last IAPT year before COVID-19
# The national IAPT access standard: 22% of need by March 2020 (2019/20 planning guidance) and
# 25% in 2020/21 (Five Year Forward View for Mental Health, 2016).
ACCESS_STANDARD = {"2020-03": 0.22, "2021-03": 0.25}
ACCESS_SOURCE = ("2019/20 planning guidance (22% by March 2020) and the Five Year Forward View "
                 "for Mental Health, 2016 (25% in 2020/21)")
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


def template(t: TemplateContext) -> None:
    from ... import reference

    fp, out, adults, growth = t.fp, t.out, t.adults, t.growth
    year, referrals, basis = _counts(fp.code, str(fp), t.sources)
    share = nhse_shares().get(fp.code)
    prevalence = share if share is not None else APMS_2014
    entry = default_of(Iapt, "entry_rate")
    completion = default_of(Iapt, "completion_rate")
    sessions = (completion * default_of(Iapt, "sessions_finished")
                + (1 - completion) * default_of(Iapt, "sessions_not_finished"))
    need = prevalence * adults
    entering = referrals * entry
    today = round(entering / need, 3)
    access = {START: today, **{m: max(v, today) for m, v in ACCESS_STANDARD.items()}}
    to_2021 = (1 + growth) ** (MONTHS_TO_MARCH_2021 / 12)
    needed_referrals = ACCESS_STANDARD["2021-03"] * need * to_2021 / entry
    wte = round(entering * sessions / SESSIONS_PER_WTE, 1)
    wte_2021 = ACCESS_STANDARD["2021-03"] * need * to_2021 * sessions / SESSIONS_PER_WTE
    recruitment = max(0, math.ceil((wte_2021 - wte) / (MONTHS_TO_MARCH_2021 / 12)))
    waiting = round(entering / 52 * 4)
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
                f"flat: 25% access by March 2021 needs about {needed_referrals:,.0f} a year "
                f"(0.25 × need × growth ÷ {num(entry)}); until referrals rise, `run` notes that "
                "access falls short for want of referrals. Write your plan as a trajectory, "
                "e.g. {2019-04: ..., 2021-03: ...}.", 2)
    out.key("referrals", num(round(referrals)), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: about 4 weeks of people entering treatment "
                f"({entering:,.0f} a year ÷ 52 × 4), as most people started within 6 weeks "
                "in England in 2018-19 (NHS Digital, IAPT annual report 2018-19: 89.4%).", 2)
    out.key("waiting_list", str(waiting), 2)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: {weeks} sessions a finished course (the default) at "
                "about one a week.", 2)
    out.key("course_weeks", str(weeks), 2)
    out.key("workforce", indent=2)
    out.comment("ILLUSTRATIVE PLACEHOLDER: 25 treatment sessions a week for 40 weeks; no "
                "public source gives therapists' sessions.", 4)
    out.key("sessions_per_wte", num(SESSIONS_PER_WTE), 4)
    out.comment(f"NATIONAL-DEFAULT ESTIMATE: the staff today's activity needs: {entering:,.0f} "
                f"courses × {num(sessions, 2)} sessions each (finished and unfinished, at the "
                f"default completion rate) ÷ {SESSIONS_PER_WTE:,.0f} sessions a WTE.", 4)
    out.key("wte", num(wte), 4)
    out.comment(f"ILLUSTRATIVE PLACEHOLDER: enough recruitment to staff 25% access by March 2021 "
                f"({wte_2021:,.1f} WTE) from today's {wte:,.1f} WTE within 23 months.", 4)
    out.key("recruitment", str(recruitment), 4)
    t.assumptions.extend(["iapt.waiting_list", "iapt.course_weeks",
                          "iapt.workforce.sessions_per_wte", "iapt.workforce.wte",
                          "iapt.workforce.recruitment"])


