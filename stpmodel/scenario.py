"""The scenario: a validated, typed description of one footprint's plan.

:func:`load_scenario` reads a YAML file and returns a :class:`Scenario`, or raises
:class:`~stpmodel.errors.ScenarioError` listing *every* problem as ``file:line:col: key.path:
message``. Each field declares its unit, its range and, where there is one, a default with its
published source; those declarations also feed ``stpmodel schema`` and docs/scenario-format.md.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import Problem, ScenarioError
from .source import Source, parse_yaml
from .values import (
    DATED_TAG,
    FRACTION,
    SCALAR_TAG,
    Month,
    Quantity,
    Trajectory,
    fail,
    month_label,
    number,
    series,
)

PERSONS = Quantity("persons", 0.0)
REFERRALS = Quantity("referrals/year", 0.0)
WTE = Quantity("WTE", 0.0)
MONEY_PER_COURSE = Quantity("£/course", 0.0)
OCCUPANCY = Quantity("fraction", 0.0, 1.0, above_lo=True, percent_hint=True)
MAX_MONTHS = 600  # 50 years


def spec(description: str, unit: str, *, source: str = "", default: Any = ...,
         interp: str = "") -> Any:
    """A field declaration: description, unit, and for a default, where it comes from."""
    extra: dict[str, Any] = {"unit": unit}
    if source:
        extra["source"] = source
    if interp:
        extra["interpolation"] = interp
    return Field(default, description=description, json_schema_extra=extra)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              validate_default=True)  # a number default becomes a Trajectory


class Footprint(Section):
    code: Annotated[str, Field(pattern=r"^E\d{8}$")] = spec(
        "ONS code of the STP/ICS footprint, e.g. E54000017", "ONS code")
    name: Annotated[str, Field(min_length=1)] = spec("footprint name", "text")


class Population(Section):
    adults: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "adult population (aged 16 and over) in the start month", "persons")
    growth: series(Quantity("fraction/year", -0.2, 0.2, percent_hint=True),  # type: ignore[valid-type]
                   "step") = spec("annual growth of the adult population; compounds monthly",
                                  "fraction/year", interp="step")


    total: number(Quantity("persons", 0.0, above_lo=True)) | None = spec(  # type: ignore[valid-type]
        "whole population, all ages, in the start month; sizes crisis teams. Grows at the same "
        "rate as adults", "persons", default=None)


class IaptWorkforce(Section):
    wte: number(WTE) = spec(  # type: ignore[valid-type]
        "IAPT therapists in post in the start month", "WTE")
    sessions_per_wte: number(Quantity("sessions/WTE/year", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions one whole-time therapist delivers in a year", "sessions/WTE/year")
    recruitment: series(Quantity("WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "the most by which therapist WTE can grow in a year (net of leavers)", "WTE/year",
        interp="step")


class Iapt(Section):
    prevalence: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of adults with a common mental disorder who could benefit (IAPT need)",
        "fraction of adults", default=0.17, interp="linear",
        source="APMS 2014: one adult (16+) in six, 17.0%, has a common mental disorder")
    access: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "planned access: courses entered per year as a share of need. National standard: "
        "22% by March 2020, 25% in 2020/21", "fraction of need/year", interp="linear")
    referrals: series(REFERRALS, "linear") = spec(  # type: ignore[valid-type]
        "referrals received", "referrals/year", interp="linear")
    entry_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of referrals that go on to enter treatment (the rest leave before treatment)",
        "fraction of referrals", default=0.68, interp="step",
        source="NHS Digital, IAPT annual report 2018-19: 1.09m referrals entered treatment "
               "of 1,603,643 received (0.68)")
    completion_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of courses entered that finish (two or more treatment sessions)",
        "fraction of entered", default=0.534, interp="step",
        source="NHS Digital 2018-19: 582,556 finished a course (annual measures) ÷ 1.09m "
               "entered treatment (annual report) = 0.534")
    caseness_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses that started at caseness (the recovery denominator)",
        "fraction of finished", default=0.937, interp="step",
        source="NHS Digital annual measures 2018-19: 546,105 at caseness ÷ 582,556 finished "
               "(0.937)")
    recovery_rate: series(FRACTION, "step") = spec(  # type: ignore[valid-type]
        "share of finished courses at caseness that move to recovery", "fraction",
        default=0.522, interp="step",
        source="NHS Digital annual measures 2018-19: 284,810 recovered ÷ 546,105 at caseness "
               "(0.522); standard ≥ 0.50")
    waiting_list: number(PERSONS) = spec(  # type: ignore[valid-type]
        "people waiting to enter treatment at the start", "persons")
    course_weeks: number(Quantity("weeks", 1.0, 104.0)) = spec(  # type: ignore[valid-type]
        "time from entering treatment to finishing a course", "weeks")
    sessions_per_course: number(Quantity("sessions/course", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "treatment sessions per course entered. The default is the mean for finished courses, "
        "so it overstates the sessions of courses that end early: a cautious figure for staff",
        "sessions/course", default=6.9,
        source="NHS Digital, IAPT annual report 2018-19: 6.9 sessions on average per finished "
               "course")
    cost_per_course: series(MONEY_PER_COURSE, "step") = spec(  # type: ignore[valid-type]
        "cost of one course, spread evenly over its weeks", "£/course",
        default=877.0, interp="step",
        source="Radhakrishnan et al., Behav Res Ther 2013: £877 per course overall "
               "(£493 low intensity, £1,416 high intensity)")
    workforce: IaptWorkforce = spec("IAPT therapists", "")


class Inpatient(Section):
    admissions: number(Quantity("admissions/year", 0.0)) = spec(  # type: ignore[valid-type]
        "adult acute mental health admissions a year at the start, with today's crisis cover; "
        "they grow with the adult population and fall as crisis cover rises",
        "admissions/year")
    los_days: series(Quantity("days", 0.0, 3650.0, above_lo=True), "linear") = spec(  # type: ignore[valid-type]
        "mean length of stay of admissions in the month. Standard: 32 days or less",
        "days", interp="linear")
    los_cv: number(Quantity("ratio", 0.0, 10.0)) = spec(  # type: ignore[valid-type]
        "coefficient of variation of length of stay (standard deviation ÷ mean)", "ratio")
    los_distribution: Literal["gamma", "lognormal"] = spec(
        "shape of the length-of-stay distribution", "choice", default="gamma")
    beds: series(Quantity("beds", 0.0, 100_000.0, integer=True), "step") = spec(  # type: ignore[valid-type]
        "local adult acute beds open", "beds", interp="step")
    repatriate: bool = spec(
        "bring an out-of-area patient back as soon as a local bed frees (otherwise they stay "
        "out for their whole stay)", "true/false", default=False)
    oap_cost_per_day: series(Quantity("£/bed day", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one out-of-area bed day", "£/bed day", default=530.0,
        interp="step", source="NHS Digital OAP open data, February 2017: England average "
                               "recorded daily cost £530")
    target_occupancy: number(OCCUPANCY) = spec(  # type: ignore[valid-type]
        "bed occupancy to plan for", "fraction", default=0.85,
        source="Royal College of Psychiatrists, cited by the Commission on Acute Adult "
               "Psychiatric Care (Crisp, 2016): 85%")
    warmup_days: number(Quantity("days", 0.0, 36_500.0)) | None = spec(  # type: ignore[valid-type]
        "days simulated before the start so that wards are not empty at the start; default "
        "10 × the starting mean stay × max(1, CV²), at least 365", "days", default=None)


class Crisis(Section):
    basic_coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the population covered by a crisis team that is not 24/7 to the CORE "
        "standard", "fraction of population", interp="linear")
    core_coverage: series(FRACTION, "linear") = spec(  # type: ignore[valid-type]
        "share of the population covered by a 24/7 crisis team meeting the CORE standard",
        "fraction of population", interp="linear")
    basic_effect: number(FRACTION) = spec(  # type: ignore[valid-type]
        "fall in admissions with a crisis team, against none", "fraction", default=0.10,
        source="Glover, Arts & Babu, Br J Psychiatry 2006: admissions 10% lower with a crisis "
               "resolution team")
    core_effect: number(FRACTION) = spec(  # type: ignore[valid-type]
        "fall in admissions with a 24/7 crisis team, against none", "fraction", default=0.23,
        source="Glover, Arts & Babu, Br J Psychiatry 2006: admissions 23% lower with a 24-hour "
               "crisis resolution team")
    population_per_team: number(Quantity("persons", 0.0, above_lo=True)) = spec(  # type: ignore[valid-type]
        "population one team serves", "persons", default=150_000.0,
        source="Department of Health, Mental Health Policy Implementation Guide (2001): one "
               "team per 150,000 population")
    basic_wte_per_team: number(WTE) = spec(  # type: ignore[valid-type]
        "staff of one crisis team that is not 24/7", "WTE")
    core_wte_per_team: number(WTE) = spec(  # type: ignore[valid-type]
        "staff of one 24/7 CORE crisis team", "WTE")
    cost_per_wte: series(Quantity("£/WTE/year", 0.0), "step") = spec(  # type: ignore[valid-type]
        "cost of one crisis team WTE a year, pay and non-pay", "£/WTE/year", interp="step")


class Scenario(Section):
    """One footprint's plan. Months are integer indexes (see :mod:`stpmodel.values`)."""

    name: Annotated[str, Field(min_length=1)] = spec("scenario name, shown in every output row",
                                                     "text")
    description: str = spec("free text", "text", default="")
    footprint: Footprint = spec("the STP/ICS footprint", "")
    start: Month = spec("first month modelled (NHS financial years run April–March)", "YYYY-MM")
    end: Month = spec("last month modelled, inclusive", "YYYY-MM")
    draws: number(Quantity("draws", 1.0, 100_000.0, integer=True)) = spec(  # type: ignore[valid-type]
        "Monte Carlo draws; 1 gives the central estimate", "draws", default=1)
    seed: number(Quantity("seed", 0.0, 2.0**53, integer=True)) = spec(  # type: ignore[valid-type]
        "master random seed", "integer", default=0)
    assumptions: list[str] = spec(
        "key paths (such as inpatient.beds) whose values are placeholders, not local evidence; "
        "run lists them after the results as assumptions to replace with local figures",
        "key paths", default=[])
    population: Population = spec("the footprint's adult population", "")
    iapt: Iapt | None = spec("IAPT (NHS Talking Therapies)", "", default=None)
    inpatient: Inpatient | None = spec("adult acute mental health beds and out-of-area placements",
                                       "", default=None)
    crisis: Crisis | None = spec("crisis resolution and home treatment teams", "", default=None)

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and end < start:
            raise fail(f"end ({month_label(end)}) is before start ({month_label(start)})",
                       "end is the last month modelled, inclusive")
        if start is not None and end - start + 1 > MAX_MONTHS:
            raise fail(f"the scenario spans {end - start + 1} months; at most {MAX_MONTHS} "
                       "are allowed")
        return end

    @model_validator(mode="after")
    def _sections_fit_together(self) -> Scenario:
        if self.iapt is None and self.inpatient is None:
            raise fail("a scenario needs at least one service: iapt or inpatient",
                       "add an 'iapt:' or 'inpatient:' section")
        if self.crisis is not None:
            if self.inpatient is None:
                raise fail("crisis teams change admissions, so they need an 'inpatient:' section",
                           key="crisis")
            if self.population.total is None:
                raise fail("crisis teams are sized by the whole population: add "
                           "population.total [persons]", key="population")
            basic, core = self.crisis.basic_coverage, self.crisis.core_coverage
            for month in sorted({*basic.months, *core.months} or {self.start}):
                both = basic.resolve(month) + core.resolve(month)
                if both > 1.0 + 1e-12:
                    raise fail(f"basic_coverage + core_coverage is {both:g} in "
                               f"{month_label(month)}; together they can cover at most the "
                               "whole population (1)", key="crisis.core_coverage")
        return self

    @model_validator(mode="after")
    def _assumptions_name_keys(self) -> Scenario:
        for i, path in enumerate(self.assumptions):
            try:
                self.value_at(path)
            except KeyError:
                raise fail(f"'{path}' is not a key of this scenario",
                           "write a dotted key path such as inpatient.beds",
                           key=f"assumptions.{i}") from None
        return self

    def value_at(self, path: str) -> Any:
        """The value at a dotted key path such as ``inpatient.beds``; KeyError if none."""
        node: Any = self
        for part in path.split("."):
            if not isinstance(node, BaseModel) or part not in type(node).model_fields:
                raise KeyError(path)
            node = getattr(node, part)
        if node is None:
            raise KeyError(path)
        return node

    def assumption_lines(self) -> list[str]:
        """``key = value`` for each placeholder named in ``assumptions``."""
        lines = []
        for path in self.assumptions:
            value = self.value_at(path)
            if isinstance(value, float):
                value = Trajectory.constant(value)
            shown = value.describe() if isinstance(value, Trajectory) else str(value)
            lines.append(f"{path} = {shown}")
        return lines

    @property
    def services(self) -> tuple[str, ...]:
        """The services this scenario models, in report order."""
        return tuple(name for name in ("iapt", "inpatient", "crisis")
                     if getattr(self, name) is not None)

    @property
    def n_draws(self) -> int:
        return int(self.draws)

    def with_overrides(self, *, draws: int | None = None, seed: int | None = None) -> Scenario:
        update: dict[str, Any] = {}
        if draws is not None:
            update["draws"] = draws
        if seed is not None:
            update["seed"] = seed
        return self.model_copy(update=update) if update else self


# ---------------------------------------------------------------------------------------------
# Loading


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` with every problem."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError([Problem(file, 1, 1, "", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(file, 1, 1, "", "is a directory, not a scenario file")]) \
            from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(file, 1, 1, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(file, 1, 1, "", f"cannot read: {exc.strerror}")]) from None
    return parse_scenario(text, file)


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    src = parse_yaml(text, file)
    try:
        return Scenario.model_validate(src.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # a misspelt key is reported once, as unknown with its "did you mean", not also as missing
        meant = {(*err["loc"][:-1], _closest(tuple(err["loc"]))) for err in errors
                 if err["type"] in UNKNOWN_KEY}
        raise ScenarioError([_problem(err, src) for err in errors
                             if not (err["type"] == "missing" and tuple(err["loc"]) in meant)]) \
            from None


UNKNOWN_KEY = ("extra_forbidden", "invalid_key")  # invalid_key: a key that is not text (2020:)


def _closest(loc: tuple[Any, ...]) -> str | None:
    """The valid key nearest in spelling to the unknown key at ``loc``, if any is close."""
    close = difflib.get_close_matches(str(loc[-1]), _keys_at(loc[:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _problem(err: Any, src: Source) -> Problem:
    loc = [part for part in err["loc"] if part not in (SCALAR_TAG, DATED_TAG)]
    on_key = bool(loc) and loc[-1] == "[key]"
    if on_key:
        loc.pop()
    loc = list(src.locate(tuple(loc)))
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    hint = ""
    if kind == "stpmodel":
        message, hint = ctx["message"], ctx.get("hint", "")
        if ctx.get("key"):
            loc.extend(int(p) if p.isdigit() else p for p in ctx["key"].split("."))
            on_key = True
    elif kind in UNKNOWN_KEY:
        on_key = True
        message = f"unknown key '{loc[-1]}'"
        close = _closest(tuple(loc))
        hint = (f"did you mean '{close}'?" if close
                else f"valid keys here: {', '.join(_keys_at(tuple(loc[:-1])))}")
    elif kind == "missing":
        info = _field_at(tuple(loc))
        message = f"missing required key '{loc[-1]}'"
        if info is not None:
            unit = (info.json_schema_extra or {}).get("unit", "")  # type: ignore[union-attr]
            hint = f"{info.description}" + (f" [{unit}]" if unit else "")
        # point at the key of the mapping that lacks it ('iapt:'), not at its first entry
        return src.problem(tuple(loc[:-1]), message, hint=hint, key=True)
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected a mapping of keys to values, got {_show(got)}"
    elif kind == "literal_error":
        message = f"expected one of {ctx.get('expected', '')}, got {_show(got)}"
    elif kind in ("bool_parsing", "bool_type"):
        message = f"expected true or false, got {_show(got)}"
    elif kind in ("string_type",):
        message = f"expected text, got {_show(got)}"
    elif kind == "string_pattern_mismatch" and loc[-1:] == ["code"]:
        message = f"expected an ONS area code like E54000017, got {_show(got)}"
    elif kind == "string_too_short":
        message = "must not be empty"
    else:
        text = err["msg"]
        message = text[:1].lower() + text[1:]
    return src.problem(tuple(loc), message, hint=hint, key=on_key)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Scenario
    for part in loc:
        if model is None or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(loc)
    return list(model.model_fields) if model is not None else []


def _field_at(loc: tuple[Any, ...]) -> Any:
    model = _model_at(loc[:-1])
    return model.model_fields.get(loc[-1]) if model is not None else None
