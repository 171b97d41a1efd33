"""The scenario: a validated, typed description of one footprint's plan.

:func:`load_scenario` reads a YAML file and returns a :class:`Scenario`, or raises
:class:`~stpmodel.errors.ScenarioError` listing *every* problem as ``file:line:col: key.path:
message``. Each field declares its unit, its range and, where there is one, a default with its
published source; those declarations also feed ``stpmodel schema`` and docs/scenario-format.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .distributions import KINDS
from .errors import Problem, ScenarioError
from .problems import problems as validation_problems
from .sections import (
    LEVELS,
    Acute,
    Crisis,
    Finance,
    Footprint,
    Iapt,
    IaptWorkforce,
    Inpatient,
    Liaison,
    Population,
    Section,
    spec,
)
from .source import KeyPath, Source, parse_yaml
from .values import MONTH_RE, Month, Quantity, Trajectory, fail, month_label, number

__all__ = ["Acute", "Crisis", "Finance", "Footprint", "Iapt", "IaptWorkforce", "Inpatient",
           "Liaison", "Population", "Scenario", "load_scenario", "parse_scenario"]

MAX_MONTHS = 600  # 50 years
SERVICES = ("iapt", "inpatient", "crisis", "liaison", "acute", "finance")


class Scenario(Section):
    """One footprint's plan, or the first of several (see :attr:`members`). Months are integer
    indexes (see :mod:`stpmodel.values`)."""

    _members: tuple[Scenario, ...] = PrivateAttr(default=())

    name: Annotated[str, Field(min_length=1)] = spec("scenario name, shown in every output row",
                                                     "text")
    description: str = spec("free text", "text", default="")
    footprint: Footprint = spec("the STP/ICS footprint (for several, see 'footprints')", "")
    footprints: None = spec(
        "several footprints instead of one: a list of {code, name} entries, each with any "
        "values of its own (such as population: {adults: ...}) laid over the shared ones",
        "list", default=None)
    start: Month = spec("first month modelled (NHS financial years run April–March)", "YYYY-MM")
    end: Month = spec("last month modelled, inclusive", "YYYY-MM")
    draws: number(Quantity("draws", 1.0, 100_000.0, integer=True, uncertain=False)) = spec(  # type: ignore[valid-type]
        "Monte Carlo draws; 1 gives the central estimate", "draws", default=1)
    seed: number(Quantity("seed", 0.0, 2.0**53, integer=True, uncertain=False)) = spec(  # type: ignore[valid-type]
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
    liaison: Liaison | None = spec("liaison psychiatry in acute hospitals (CORE24)", "",
                                   default=None)
    acute: Acute | None = spec("acute physical-health integration: A&E attendances and "
                               "non-elective admissions avoided", "", default=None)
    finance: Finance | None = spec("investment, savings, NPV, budget and MHIS", "", default=None)

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
        if self.iapt is None and self.inpatient is None and self.liaison is None:
            raise fail("a scenario needs at least one service: iapt, inpatient or liaison",
                       "add an 'iapt:', 'inpatient:' or 'liaison:' section")
        if self.liaison is not None:
            self._check_liaison(self.liaison)
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

    @staticmethod
    def _check_liaison(liaison: Liaison) -> None:
        for i, hospital in enumerate(liaison.hospitals):
            for level in {LEVELS[int(v)] for v in hospital.level.values}:
                if level in ("core", "enhanced") and getattr(liaison.levels, level) is None:
                    raise fail(f"hospital '{hospital.name}' uses the {level} level, whose "
                               "staffing and effect are not given",
                               f"add liaison.levels.{level}: {{consultants: ..., "
                               "professionals: ..., effect: ...}",
                               key=f"liaison.hospitals.{i}.level")
            if hospital.ae_attendances is not None and liaison.reference_ae_attendances is None:
                raise fail("hospitals are sized by A&E attendances, so the effect needs the "
                           "size of the hospital it was measured in",
                           "add liaison.reference_ae_attendances [attendances/year]",
                           key=f"liaison.hospitals.{i}.ae_attendances")

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
        return [f"{path} = {_describe(self.value_at(path))}" for path in self.assumptions]

    def with_members(self, members: tuple[Scenario, ...]) -> Scenario:
        """This scenario standing for ``members`` (its own shared keys are the first's)."""
        copy = members[0].model_copy()
        copy.__pydantic_private__ = {"_members": members}
        return copy

    @property
    def members(self) -> tuple[Scenario, ...]:
        """One complete scenario per footprint: itself, or those listed under ``footprints``."""
        private = self.__pydantic_private__ or {}
        return private.get("_members") or (self,)

    @property
    def services(self) -> tuple[str, ...]:
        """The services this scenario models, in report order."""
        present = [name for name in SERVICES if getattr(self, name) is not None]
        if self.finance is not None:
            present += [name for name in ("budget", "mhis")
                        if getattr(self.finance, name) is not None]
        return tuple(present)

    @property
    def n_draws(self) -> int:
        return int(self.draws)

    def with_overrides(self, *, draws: int | None = None, seed: int | None = None) -> Scenario:
        update: dict[str, Any] = {}
        if draws is not None:
            update["draws"] = draws
        if seed is not None:
            update["seed"] = seed
        if not update:
            return self
        if len(self.members) > 1:  # every footprint runs with the same draws and seed
            return self.with_members(tuple(m.model_copy(update=update) for m in self.members))
        return self.model_copy(update=update)


def _describe(value: Any) -> str:
    """A scenario value as a person would write it back into the YAML."""
    if isinstance(value, Trajectory):
        return value.describe()
    if isinstance(value, float):
        return Trajectory.constant(value).describe()
    if isinstance(value, BaseModel):
        inner = ", ".join(f"{k}: {_describe(v)}" for k, v in value if v is not None)
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Loading


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` with every problem."""
    from .source import read_text  # a regular file of bounded size, in UTF-8; else ScenarioError

    path = Path(path)
    file = str(path)
    text = read_text(path)
    return parse_scenario(text, file)


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    src = parse_yaml(text, file)
    if isinstance(src.data, dict) and "footprints" in src.data:
        return _parse_several(src)
    return _validate(src.data, src)


def _validate(data: Any, src: Source) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, src, Scenario)) from None


class _Member(Source):
    """One footprint of a several-footprint scenario: the shared keys with its overrides merged
    in, whose problems are reported where the offending value is written."""

    def __init__(self, base: Source, data: Any, index: int, overrides: dict[Any, Any]):
        super().__init__(base.file, data, base.value_at, base.key_at, base.lists)
        self.index = index
        self.overrides = overrides

    def problem(self, path: KeyPath, message: str, *, hint: str = "", key: bool = False) -> Problem:
        return super().problem(self._written_at(tuple(path)), message, hint=hint, key=key)

    def _written_at(self, path: KeyPath) -> KeyPath:
        if path[:1] == ("footprint",):
            return ("footprints", self.index, *path[1:])
        node: Any = self.overrides
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return path
            node = node[part]
        return ("footprints", self.index, *path) if path else path


def _merge(shared: dict[Any, Any], overrides: dict[Any, Any]) -> dict[Any, Any]:
    """``shared`` with ``overrides`` laid over it: sections merge key by key; a value (a number,
    a trajectory, a distribution, a list) replaces the shared one whole."""
    out = dict(shared)
    for key, value in overrides.items():
        if _is_section(value) and _is_section(out.get(key)):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _is_section(value: Any) -> bool:
    """A mapping of keys, not a trajectory {YYYY-MM: ...} or a distribution {kind: [...]}."""
    return isinstance(value, dict) and not any(
        MONTH_RE.match(str(key)) or str(key) in KINDS for key in value)


def _parse_several(src: Source) -> Scenario:
    """A scenario for several footprints: shared keys at the top, and under ``footprints`` a
    list of {code, name, ...overrides}. Every footprint is validated as a whole scenario."""
    data: dict[Any, Any] = src.data
    entries = data["footprints"]
    shared = {k: v for k, v in data.items() if k != "footprints"}
    if "footprint" in shared:
        raise ScenarioError([src.problem(("footprint",), "give either 'footprint' (one) or "
                                         "'footprints' (several), not both", key=True)])
    if not isinstance(entries, list) or not entries:
        raise ScenarioError([src.problem(("footprints",), "expected a list of footprints, each "
                                         "{code: ..., name: ...} with any values of its own")])
    members: list[Scenario] = []
    problems: set[Problem] = set()
    codes: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.add(src.problem(("footprints", i), "expected {code: ..., name: ...} with "
                                     "any values of this footprint's own"))
            continue
        overrides = {k: v for k, v in entry.items() if k not in ("code", "name")}
        merged = _merge(shared, overrides)
        merged["footprint"] = {k: entry[k] for k in ("code", "name") if k in entry}
        code = str(entry.get("code"))
        if code in codes:
            problems.add(src.problem(("footprints", i, "code"), f"footprint {code} is already "
                                     f"listed (footprints[{codes[code]}])"))
        codes[code] = i
        try:
            members.append(_validate(merged, _Member(src, merged, i, overrides)))
        except ScenarioError as exc:
            problems.update(exc.problems)
    if not problems:
        problems.update(_differences(members, src))
    if problems:
        raise ScenarioError(sorted(problems))
    return members[0].with_members(tuple(members))


def _differences(members: list[Scenario], src: Source) -> list[Problem]:
    """Footprints run side by side must model the same services, the same way."""
    first = members[0]
    for i, member in enumerate(members[1:], start=1):
        if member.services != first.services:
            return [src.problem(("footprints", i), f"footprint {member.footprint.code} models "
                                f"{', '.join(member.services)} but the first models "
                                f"{', '.join(first.services)}; every footprint needs the same "
                                "sections")]
        for key in ("los_distribution", "repatriate"):
            if (first.inpatient and member.inpatient
                    and getattr(member.inpatient, key) != getattr(first.inpatient, key)):
                return [src.problem(("footprints", i, "inpatient", key), f"inpatient.{key} "
                                    "must be the same for every footprint")]
    return []
