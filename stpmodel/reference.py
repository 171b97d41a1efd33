"""The bundled footprint reference: England's 44 STP footprints of April 2017 and 42 Integrated
Care Boards of July 2022, and their public baseline figures.

The tables live in ``stpmodel/data/`` (their sources and derivations are in
``stpmodel/data/SOURCES.md``; ``tools/build_reference.py`` rebuilds them):

- :func:`footprints`: the footprints of a geography (:data:`GEOGRAPHIES`): ``stp2017``, the 44
  codes (E54000005–E54000048), names and the other spellings the sources use; ``icb2022``, the
  42 ICBs with the ONS code in force from April 2023, the July 2022 code where it differs
  (Surrey Heartlands and Sussex), the ODS Q-code and names; :func:`find_footprint` finds one by
  code or by a loosely written name;
- :func:`population`: persons by footprint, sex, age band and mid-year. Mid-2021 and mid-2022
  are ONS estimates derived to STP17 footprints (for ICBs, ONS's own estimates for ICB 2023
  areas); 2023–2031 are projected by holding each
  footprint's mid-2022 share of England's population in each single year of age and sex, with
  England following the ONS 2020-based interim national projection (no local projection is
  bundled);
- :func:`acute_trusts`: acute trusts by footprint, with A&E attendances by financial year
  2016-17 to 2018-19 (NHS England);
- :func:`iapt`: IAPT referrals, finished courses, caseness and recoveries by year, 2017-18 to
  2021-22 (NHS Digital annual measures);
- :func:`oaps`: out-of-area placements by month, October 2016 to February 2017 (NHS Digital OAP
  open data; January 2017 is not bundled).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StpmodelError

if TYPE_CHECKING:
    import polars as pl

DATA = Path(__file__).resolve().parent / "data"
ENGLAND = "E92000001"
CODES = tuple(f"E540000{n:02d}" for n in range(5, 49))
MERGED = {"E54000049": ("E54000045", "E54000046", "E54000047")}
ESTIMATE_YEARS = (2021, 2022)
STP2017, ICB2022 = "stp2017", "icb2022"
GEOGRAPHIES = (STP2017, ICB2022)
GEOGRAPHY_TITLES = {STP2017: "the 44 STP footprints of April 2017",
                    ICB2022: "the 42 Integrated Care Boards of July 2022"}

# How each table's source is written where stpmodel quotes it (scenario comments, notes).
POPULATION_SOURCE = ("ONS mid-year population estimates (mid-2021), derived to STP17 footprints "
                     "from CCG 2021 areas (three CCGs split by LSOA-count share)")
ICB_POPULATION_SOURCE = ("ONS mid-year population estimates for ICB 2023 areas (sub-ICB "
                         "locations summed)")
PROJECTION_SOURCE = ("projected with the ONS 2020-based interim national population projections "
                     "for England: the footprint keeps its mid-2021 share of England's "
                     "population in each single year of age and sex")
IAPT_SOURCE = "NHS Digital, IAPT annual key measures"
OAP_SOURCE = "NHS Digital, Out of Area Placements in Mental Health Services open data"


class FootprintNotFoundError(StpmodelError):
    """No footprint, or more than one, matches what was asked for."""


@dataclass(frozen=True)
class FootprintRef:
    """One footprint: an STP of April 2017 or an ICB of July 2022 (``geography``)."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    # STP: NHS England's 2020 code, where the 2020 boundary is the 2017 one; ICB: its Q-code
    ods_code: str = ""
    geography: str = STP2017
    former_codes: tuple[str, ...] = ()  # ICB: the July 2022 code, where a boundary moved since
    region: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_icb(self) -> bool:
        return self.geography == ICB2022

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code that names this footprint: ONS, former ONS and ODS."""
        return tuple(c for c in (self.code, *self.former_codes, self.ods_code) if c)


def _read(name: str, **kwargs: object) -> pl.DataFrame:
    import polars as pl  # imported when a table is read: validate reads only the footprints

    return pl.read_csv(DATA / name, **kwargs)  # type: ignore[arg-type]


def _rows(name: str) -> list[dict[str, str]]:
    """A small bundled table as rows of strings (empty where blank), with the csv module: the
    footprints, which validate reads, without importing polars."""
    import csv

    with open(DATA / name, newline="", encoding="utf-8") as file:
        return [{k: v or "" for k, v in row.items()} for row in csv.DictReader(file)]


@cache
def footprints(geography: str = STP2017) -> tuple[FootprintRef, ...]:
    """The footprints of ``geography`` (the 44 STPs of 2017 unless told), in code order."""
    if geography == ICB2022:
        return icbs()
    if geography != STP2017:
        raise ValueError(f"unknown geography {geography!r}: {', '.join(GEOGRAPHIES)}")
    return tuple(FootprintRef(r["code"], r["name"],
                              tuple(a for a in r["aliases"].split("; ") if a), r["ods_code_2020"])
                 for r in _rows("footprints.csv"))


@cache
def icbs() -> tuple[FootprintRef, ...]:
    """The 42 ICBs of July 2022, in order of their ONS code (the one in force from April 2023)."""
    return tuple(FootprintRef(
        r["code"], r["name"],
        tuple(a for a in (r["short_name"], *r["aliases"].split("; ")) if a),
        r["ods_code"], ICB2022,
        (r["code_2022"],) if r["code_2022"] != r["code"] else (), r["region"])
        for r in _rows("icbs.csv"))


def footprint_names(geography: str = STP2017) -> dict[str, str]:
    return {fp.code: fp.name for fp in footprints(geography)}


def geography_of(code: str) -> str | None:
    """The geography whose footprints include ``code`` (ONS, former ONS or ODS), the 2017 STPs
    first (an ICB that kept its STP's code covers the same area); None if neither does."""
    for geography in GEOGRAPHIES:
        if any(code in fp.codes for fp in footprints(geography)):
            return geography
    return None


@cache
def ccg_to_stp() -> dict[str, str]:
    """CCG code (``00C``) → STP17 code, April 2017, with the three Manchester CCGs merged then."""
    frame = _read("ccg17_stp17.csv", infer_schema_length=0)
    return dict(zip(frame["ccg_code"], frame["stp17cd"]))


@cache
def stp20_to_ons() -> dict[str, str]:
    """NHS England STP code of April 2020 (``QJK``) → ONS code (``E54000037``)."""
    frame = _read("stp20_codes.csv", infer_schema_length=0)
    return dict(zip(frame["ods_code"], frame["stp20cd"]))


# ---------------------------------------------------------------------------------------------
# Finding a footprint by a loosely written name

_STOP = {"the", "and", "of", "stp", "nhs", "ics", "icb", "footprint", "integrated", "care",
         "board"}


def _tokens(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("&", " and "))
    return tuple(w for w in words if w not in _STOP)


def _keys(fp: FootprintRef) -> list[tuple[str, ...]]:
    return [_tokens(fp.name), *(_tokens(a) for a in fp.aliases)]


_ODS = re.compile(r"Q[A-Z0-9]{2}")
_ICB_WORDS = re.compile(r"\b(icb|integrated\s+care\s+board)\b", re.IGNORECASE)


class _NoneFit(FootprintNotFoundError):
    """Nothing in the geography came near (as opposed to several footprints fitting)."""


def find_footprint(query: str, geography: str | None = None) -> FootprintRef:
    """The footprint a code (``E54000037``, ``QJK``) or a loosely written name means.

    Names match without regard to case, punctuation, ``&`` for ``and``, or words such as "STP";
    a few words that pick out one footprint are enough (``"Manchester"``), and a small
    misspelling is forgiven (``"Devn"``). Raises :class:`FootprintNotFoundError` listing the
    close matches when nothing, or more than one footprint, fits.

    With ``geography`` (``stp2017`` or ``icb2022``) only its footprints are searched. Without,
    the 2017 STPs come first, except for an ODS Q-code or a name that says "ICB" or "Integrated
    Care Board", which are looked for among the ICBs first; the other geography is searched only
    when nothing in the first comes near (a name that fits several footprints stays an error).
    """
    if geography is not None:
        return _find_in(query, geography)
    icb_first = bool(_ODS.fullmatch(query.strip().upper()) or _ICB_WORDS.search(query))
    first, second = (ICB2022, STP2017) if icb_first else (STP2017, ICB2022)
    words = _tokens(query)
    for geo in (first, second):  # a code or a whole name of either, before any loose match
        exact = [fp for fp in footprints(geo)
                 if query.strip().upper() in fp.codes or (words and words in _keys(fp))]
        if len(exact) == 1:
            return exact[0]
    try:
        return _find_in(query, first)
    except _NoneFit as exc:
        try:
            return _find_in(query, second)
        except _NoneFit:
            raise exc from None


def _find_in(query: str, geography: str) -> FootprintRef:
    text = query.strip()
    everything = footprints(geography)
    stp = geography == STP2017
    upper = text.upper()
    for fp in everything:
        if upper in fp.codes:
            return fp
    if stp and upper in MERGED:
        parts = ", ".join(str(fp) for fp in everything if fp.code in MERGED[upper])
        raise FootprintNotFoundError(
            f"{upper} (Cumbria and North East, from April 2018) is not one of the 44 footprints "
            f"of April 2017: it joined {parts}; choose one of those")
    if re.fullmatch(r"E\d{8}", upper) or _ODS.fullmatch(upper):
        raise _NoneFit(f"no footprint has the code {upper}; the 44 footprints are {CODES[0]} to "
                       f"{CODES[-1]} (`stpmodel footprints` lists them), and `stpmodel "
                       "footprints --geography icb2022` lists the 42 ICBs' codes")
    words = _tokens(text)
    if not words:
        raise FootprintNotFoundError(f"{query!r} is not a footprint name or code")
    exact = [fp for fp in everything if words in _keys(fp)]
    if len(exact) == 1:
        return exact[0]
    containing = [fp for fp in everything
                  if any(all(any(t.startswith(w) for t in key) for w in words)
                         for key in _keys(fp))]
    if len(containing) == 1:
        return containing[0]
    kind = "footprints" if stp else "ICBs"
    if containing:
        listed = "; ".join(str(fp) for fp in containing)
        raise FootprintNotFoundError(f"{query!r} matches {len(containing)} {kind}: {listed}."
                                     " Give more of the name, or the code")
    scored = sorted(((_likeness(words, key), fp) for fp in everything for key in _keys(fp)),
                    key=lambda pair: -pair[0])
    best, runner_up = scored[0], next((s for s in scored if s[1] != scored[0][1]), None)
    if best[0] >= 0.85 and (runner_up is None or runner_up[0] < best[0] - 0.05):
        return best[1]
    close = list(dict.fromkeys(fp for score, fp in scored if score >= 0.5))[:4]
    hint = ("did you mean " + " or ".join(str(fp) for fp in close) + "? " if close else "")
    listing = ("`stpmodel footprints` lists all 44" if stp
               else "`stpmodel footprints --geography icb2022` lists all 42")
    raise _NoneFit(f"no {'footprint' if stp else 'ICB'} matches {query!r}; {hint}{listing}")


def check_footprint(code: str, name: str) -> tuple[str, str, str] | None:
    """Whether ``code`` is a bundled footprint's (an STP of 2017 or an ICB, by any of its ONS
    codes, or England, E92000001) and ``name`` one of its names, written loosely: None if so,
    else ``(key, message, hint)`` for the scenario's ``footprint`` (key ``code`` or ``name``)."""
    upper = code.strip().upper()
    if upper == ENGLAND:  # England as one footprint (the back-casts)
        if _tokens(name) == ("england",):
            return None
        return ("name", f"'{name}' is not the name of {ENGLAND}", "its name is 'England'")
    mine = [fp for geo in GEOGRAPHIES for fp in footprints(geo)
            if upper in (fp.code, *fp.former_codes)]
    custom = ("for a footprint of your own, set footprint.custom: true and give every baseline "
              "yourself")
    if not mine:
        named = _by_name(name)
        if named is not None:
            hint = f"did you mean {named.code} ({named.name})? Or, {custom}"
        else:
            every = [c for geo in GEOGRAPHIES for fp in footprints(geo)
                     for c in (fp.code, *fp.former_codes)]
            close = difflib.get_close_matches(upper, sorted(set(every)), n=3, cutoff=0.8)
            hint = ((f"did you mean {' or '.join(close)}? " if close else "")
                    + "`stpmodel footprints` lists the 2017 STPs, `stpmodel footprints "
                      f"--geography icb2022` the ICBs; {custom}")
        return ("code", f"{code} is not the code of a bundled footprint (the 44 STPs of 2017 or "
                        "the 42 ICBs of July 2022)", hint)
    words = _tokens(name)
    if any(words in _keys(fp) for fp in mine):
        return None
    named = _by_name(name)
    if named is not None and upper in (named.code, *named.former_codes):
        return None
    names = " or ".join(f"'{fp.name}'" for fp in mine)
    hint = f"its name is {names}"
    if named is not None:
        hint = f"did you mean code {named.code} ({named.name})? Or, for {code}, {hint}"
    return ("name", f"'{name}' is not the name of {code}", hint)


def _by_name(name: str) -> FootprintRef | None:
    """The one footprint a name means, or None."""
    try:
        return find_footprint(name)
    except FootprintNotFoundError:
        return None


def _likeness(words: tuple[str, ...], key: tuple[str, ...]) -> float:
    """How alike a query and a name are, 0–1: the whole names' similarity, or a word of the
    query that nearly is, or begins with, a word of the name (``devonshire`` → ``devon``)."""
    whole = difflib.SequenceMatcher(None, " ".join(words), " ".join(key)).ratio()
    part = 0.0
    for w in words:
        for t in key:
            if len(w) >= 4 and len(t) >= 4 and (w.startswith(t) or t.startswith(w)):
                part = max(part, 0.8)
            part = max(part, 0.9 * difflib.SequenceMatcher(None, w, t).ratio())
    return max(whole, min(part, 0.8))


# ---------------------------------------------------------------------------------------------
# Tables


@cache
def population(geography: str = STP2017) -> pl.DataFrame:
    """Persons by ``footprint_code, sex, age_band`` (``age_from``, its first age), ``mid_year``
    and ``basis``: ``estimate`` (the ONS estimates for mid-2021 and mid-2022) or ``projection``
    (mid-2022 to mid-2031, projected from mid-2021 with England's growth by age and sex). Age
    bands: 0-4, 5-9, 10-15, 16-17, 18-24, 25-34, ... 75-84, 85+. The footprints are the 44 STPs
    of 2017, or with ``geography="icb2022"`` the 42 ICBs (2023 boundaries and codes)."""
    import polars as pl

    if geography not in GEOGRAPHIES:
        raise ValueError(f"unknown geography {geography!r}: {', '.join(GEOGRAPHIES)}")
    wide = _read("population.csv" if geography == STP2017 else "icb_population.csv")
    long = wide.unpivot(index=["footprint_code", "sex", "age_band"], variable_name="column",
                        value_name="population")
    parts = pl.col("column").str.split("_")
    return long.select(
        "footprint_code", "sex", "age_band",
        pl.col("age_band").str.extract(r"^(\d+)").cast(pl.Int64).alias("age_from"),
        parts.list.get(1).cast(pl.Int64).alias("mid_year"),
        parts.list.get(0).replace_strict({"est": "estimate", "proj": "projection"})
        .alias("basis"),
        pl.col("population").cast(pl.Float64))


def persons(code: str, year: int, min_age: int = 0, basis: str | None = None,
            geography: str = STP2017) -> float:
    """The population of a footprint (or England, ``E92000001``) aged ``min_age`` and over at
    mid-``year``: the ONS estimate where there is one, else the projection (or the ``basis``
    asked for). ``min_age`` must start an age band (0, 5, 10, 16, 18, 25, ... 85). ``code`` is
    one of ``geography``'s footprints (the 2017 STPs unless told)."""
    import polars as pl

    frame = population(geography)
    starts = set(frame["age_from"].unique())
    if min_age not in starts:
        raise ValueError(f"min_age {min_age} does not start an age band: {sorted(starts)}")
    if basis is None:
        basis = "estimate" if year in ESTIMATE_YEARS else "projection"
    rows = frame.filter((pl.col("mid_year") == year) & (pl.col("basis") == basis)
                        & (pl.col("age_from") >= min_age))
    if not rows.height:
        raise ValueError(f"no {basis} of the population for mid-{year}")
    if code != ENGLAND:
        rows = rows.filter(pl.col("footprint_code") == code)
        if not rows.height:
            raise KeyError(code)
    return float(rows["population"].sum())


def growth(code: str, start: int = 2021, end: int = 2026, min_age: int = 16,
           geography: str = STP2017) -> float:
    """Compound annual growth of the population aged ``min_age``+ from mid-``start`` (the
    estimate where there is one, else the projection) to the mid-``end`` projection
    [fraction/year]: England's growth by age and sex applied to the footprint's own age
    structure."""
    first = persons(code, start, min_age, geography=geography)
    last = persons(code, end, min_age, "projection", geography)
    return (last / first) ** (1 / (end - start)) - 1


@cache
def acute_trusts() -> pl.DataFrame:
    """Acute trusts by footprint with their A&E activity by financial year (2016-17 to 2018-19):
    ``footprint_code, trust_code, trust_name, financial_year, type1_months,
    ae_type1_attendances, ae_all_attendances, emergency_admissions_via_ae``."""
    return _read("acute_trusts.csv")


@cache
def iapt() -> pl.DataFrame:
    """IAPT counts by ``footprint_code`` (and England), ``reporting_period`` and ``measure``
    (referrals_received, finished_course_treatment, at_caseness, recovery), with ``basis``
    (``published``, or apportioned from the merged E54000049)."""
    import polars as pl

    return _read("iapt.csv", schema_overrides={"value": pl.Float64})


@cache
def oaps() -> pl.DataFrame:
    """Out-of-area placements by ``period`` (month), ``footprint_code`` and ``measure``, as
    :func:`stpmodel.iotools.oaps.oap_baseline` writes them."""
    import polars as pl

    return _read("oaps.csv", schema_overrides={"value": pl.Float64, "published": pl.Float64,
                                                  "footprint_code": pl.String})


@cache
def national() -> pl.DataFrame:
    """England figures used for national-default estimates: ``item, value, unit, source``."""
    import polars as pl

    return _read("national.csv", schema_overrides={"value": pl.Float64})


def iapt_value(code: str, year: str, measure: str,
               table: pl.DataFrame | None = None) -> tuple[float, str] | None:
    """``(value, basis)`` of one IAPT count, or None where there is none."""
    import polars as pl

    frame = iapt() if table is None else table
    rows = frame.filter((pl.col("footprint_code") == code) & (pl.col("reporting_period") == year)
                        & (pl.col("measure") == measure))
    if not rows.height or rows["value"][0] is None:
        return None
    basis = rows["basis"][0] if "basis" in rows.columns else "published"
    return float(rows["value"][0]), str(basis)


def oap_value(code: str, period: str, measure: str,
              table: pl.DataFrame | None = None) -> float | None:
    """One complete OAP figure (None where suppressed, partly suppressed or absent)."""
    import polars as pl

    frame = oaps() if table is None else table
    rows = frame.filter((pl.col("footprint_code") == code) & (pl.col("period") == period)
                        & (pl.col("measure") == measure))
    return None if not rows.height or rows["value"][0] is None else float(rows["value"][0])


def summary() -> pl.DataFrame:
    """One row per footprint with its key baseline figures (the ``stpmodel footprints`` table).

    Columns: ``code, name``, ``population_2021`` and ``adults_2021`` (16+) [persons],
    ``adult_growth`` (16+, mid-2021 to mid-2026, projected) [fraction/year], ``acute_trusts``,
    ``ae_type1_2018_19`` [attendances], ``iapt_referrals_2018_19`` [referrals] (apportioned for
    E54000045–47), ``oap_days_feb_2017`` [bed days] (null where suppressed) and
    ``oap_daily_cost_feb_2017`` [£/bed day].
    """
    import polars as pl

    rows = []
    trusts = acute_trusts().filter(pl.col("financial_year") == "2018-19")
    for fp in footprints():
        mine = trusts.filter(pl.col("footprint_code") == fp.code)
        referrals = iapt_value(fp.code, "2018-19", "referrals_received")
        rows.append({
            "code": fp.code, "name": fp.name,
            "population_2021": round(persons(fp.code, 2021)),
            "adults_2021": round(persons(fp.code, 2021, 16)),
            "adult_growth": round(growth(fp.code), 5),
            "acute_trusts": mine.height,
            "ae_type1_2018_19": int(mine["ae_type1_attendances"].sum()),
            "iapt_referrals_2018_19": None if referrals is None else round(referrals[0]),
            "oap_days_feb_2017": oap_value(fp.code, "2017-02", "oap_days"),
            "oap_daily_cost_feb_2017": oap_value(fp.code, "2017-02", "average_daily_cost"),
        })
    return pl.DataFrame(rows, schema_overrides={"oap_days_feb_2017": pl.Float64,
                                                "oap_daily_cost_feb_2017": pl.Float64,
                                                "iapt_referrals_2018_19": pl.Int64})


def icb_summary() -> pl.DataFrame:
    """One row per ICB (the ``stpmodel footprints --geography icb2022`` table).

    Columns: ``code`` (ONS, from April 2023), ``code_2022`` (July 2022), ``ods_code``, ``name``,
    ``region``, ``population_2022`` and ``adults_2022`` (16+, ONS mid-2022) [persons] and
    ``adult_growth_2025_30`` (16+, mid-2025 to mid-2030, projected) [fraction/year].
    """
    import polars as pl

    rows = []
    for fp in icbs():
        rows.append({
            "code": fp.code, "code_2022": fp.former_codes[0] if fp.former_codes else fp.code,
            "ods_code": fp.ods_code, "name": fp.name, "region": fp.region,
            "population_2022": round(persons(fp.code, 2022, geography=ICB2022)),
            "adults_2022": round(persons(fp.code, 2022, 16, geography=ICB2022)),
            "adult_growth_2025_30": round(growth(fp.code, 2025, 2030, geography=ICB2022), 5),
        })
    return pl.DataFrame(rows)
