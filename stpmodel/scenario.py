"""The scenario: a validated, typed description of one footprint's plan.

:func:`load_scenario` reads a YAML file and returns a :class:`Scenario`, or raises
:class:`~stpmodel.errors.ScenarioError` listing *every* problem as ``file:line:col: key.path:
message``. Each field declares its unit, its range and, where there is one, a default with its
published source; those declarations also feed ``stpmodel schema`` and docs/scenario-format.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from .errors import Problem, ScenarioError
from .prices import Prices
from .prices import check as check_prices
from .problems import problems as validation_problems
from .schemes import Scheme, merge
from .sections import Footprint, Population, Section, Target, spec
from .services import SECTIONS, present
from .source import KeyPath, Source, parse_yaml
from .values import Month, Quantity, Trajectory, fail, month_label, number

__all__ = ["Footprint", "Population", "Scenario", "load_scenario", "parse_scenario"]

MAX_MONTHS = 600  # 50 years


class _Scenario(Section):
    """One footprint's plan, or the first of several (see :attr:`members`). Months are integer
    indexes (see :mod:`stpmodel.values`). Each service's section is a field of the same name,
    added from the registry (see :data:`Scenario`)."""

    _members: tuple[_Scenario, ...] = PrivateAttr(default=())
    _applied: tuple[str, ...] = PrivateAttr(default=())  # the schemes applied, by name
    _base: _Scenario | None = PrivateAttr(default=None)  # the do-minimum, once applied

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
    targets: list[Target] = spec(
        "the scenario's own targets, judged like the national standards: each {metric, "
        "at_least or at_most, first_year, last_year}. The Long Term Plan's standards end with "
        "2023/24; a plan for later years states its own here", "list", default=[])
    prices: Prices = spec("the price base of every sum of money, and the price years of money "
                          "written here", "", default=Prices())
    schemes: list[Scheme] = spec(
        "schemes a footprint may fund or not, each {name, description, start, changes, "
        "costs}: the scenario without them is the do-minimum, with them all the plan that "
        "`run` runs; `stpmodel prioritise` chooses among them (docs/prioritise.md)", "list",
        default=[])

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
    def _sections_fit_together(self) -> _Scenario:
        names = self.sections
        if not any(s.standalone for s in present(names)):
            standalone = [s.name for s in SECTIONS if s.standalone]
            raise fail(f"a scenario needs at least one service: {', '.join(standalone[:-1])} "
                       f"or {standalone[-1]}",
                       "add a section: " + ", ".join(f"'{name}:'" for name in standalone[:-1])
                       + f" or '{standalone[-1]}:'")
        for service in present(names):
            if service.check is not None:
                service.check(self)
        check_prices(self)
        return self

    @model_validator(mode="after")
    def _targets_name_metrics(self) -> _Scenario:
        from .services import metrics_for

        names = [m.name for m in metrics_for(self.services)]
        ops: dict[str, str] = {}
        for i, target in enumerate(self.targets):
            if target.metric not in names:
                close = difflib.get_close_matches(target.metric, names, n=1)
                raise fail(f"'{target.metric}' is not a metric this scenario reports",
                           f"did you mean '{close[0]}'?" if close else
                           "`stpmodel run --all` lists the metrics", key=f"targets.{i}.metric")
            op = ">=" if target.at_least is not None else "<="
            if ops.setdefault(target.metric, op) != op:
                raise fail(f"{target.metric} has both an at_least and an at_most target",
                           "give one kind of target for a metric", key=f"targets.{i}")
        return self

    @model_validator(mode="after")
    def _scheme_names_differ(self) -> _Scenario:
        seen: dict[str, int] = {}
        for i, scheme in enumerate(self.schemes):
            if scheme.name in seen:
                raise fail(f"two schemes are named '{scheme.name}' (schemes[{seen[scheme.name]}] "
                           f"and schemes[{i}])", "give each scheme its own name",
                           key=f"schemes.{i}.name")
            seen[scheme.name] = i
        return self

    @model_validator(mode="after")
    def _assumptions_name_keys(self) -> _Scenario:
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

    def with_members(self, members: tuple[_Scenario, ...]) -> _Scenario:
        """This scenario standing for ``members`` (its own shared keys are the first's)."""
        copy = members[0].model_copy()
        copy.__pydantic_private__ = {**(members[0].__pydantic_private__ or {}),
                                     "_members": members}
        return copy

    # Schemes (stpmodel/schemes.py)

    @property
    def do_minimum(self) -> _Scenario:
        """The scenario without any of its schemes."""
        return (self.__pydantic_private__ or {}).get("_base") or self

    @property
    def applied(self) -> tuple[str, ...]:
        """The names of the schemes applied, in the scenario's order."""
        return (self.__pydantic_private__ or {}).get("_applied") or ()

    @property
    def applied_schemes(self) -> tuple[Scheme, ...]:
        return tuple(s for s in self.schemes if s.name in self.applied)

    def with_schemes(self, names: Sequence[str]) -> _Scenario:
        """The do-minimum with the schemes ``names`` applied (in the scenario's order); a name
        that is not a scheme's is a KeyError."""
        from .schemes import apply

        base = self.do_minimum
        known = [s.name for s in base.schemes]
        for name in names:
            if name not in known:
                raise KeyError(name)
        if not names:
            return base
        members = []
        for member in base.members:
            chosen = [s for s in member.schemes if s.name in names]
            out = apply(member, chosen).model_copy()  # never the do-minimum's own object
            out.__pydantic_private__ = {**(out.__pydantic_private__ or {}),
                                        "_applied": tuple(s.name for s in chosen),
                                        "_base": None}
            members.append(out)
        result = members[0].with_members(tuple(members)) if len(members) > 1 else members[0]
        result.__pydantic_private__ = {**(result.__pydantic_private__ or {}), "_base": base}
        return result

    @property
    def members(self) -> tuple[_Scenario, ...]:
        """One complete scenario per footprint: itself, or those listed under ``footprints``."""
        private = self.__pydantic_private__ or {}
        return private.get("_members") or (self,)

    def section(self, name: str) -> Any:
        """The section of the service ``name``, or None when the scenario has none."""
        return getattr(self, name, None)

    @property
    def sections(self) -> tuple[str, ...]:
        """The services whose sections this scenario has, in registry order."""
        return tuple(s.name for s in SECTIONS if self.section(s.name) is not None)

    @property
    def services(self) -> tuple[str, ...]:
        """What this scenario models, in registry order: its sections, then the features they
        switch on (such as finance's budget and mhis)."""
        names = self.sections
        return names + tuple(feature for s in SECTIONS if s.name in names
                             for feature in s.features(self.section(s.name)))

    @property
    def n_draws(self) -> int:
        return int(self.draws)

    def with_overrides(self, *, draws: int | None = None,
                       seed: int | None = None) -> _Scenario:
        update: dict[str, Any] = {}
        if draws is not None:
            update["draws"] = draws
        if seed is not None:
            update["seed"] = seed
        if not update:
            return self
        if self.applied:
            return self.do_minimum.with_overrides(draws=draws, seed=seed).with_schemes(
                self.applied)
        if (self.__pydantic_private__ or {}).get("_members"):  # every footprint, the same
            return self.with_members(tuple(m.model_copy(update=update) for m in self.members))
        return self.model_copy(update=update)


if TYPE_CHECKING:
    Scenario = _Scenario
else:
    Scenario = create_model(
        "Scenario", __base__=_Scenario, __doc__=_Scenario.__doc__,
        **{s.name: (s.section | None, spec(s.title, "", default=None)) for s in SECTIONS})


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
    """The scenario in ``text``: its plan, with every scheme applied (its ``do_minimum`` has
    none)."""
    src = parse_yaml(text, file)
    if isinstance(src.data, dict) and "footprints" in src.data:
        scenario, raws = _parse_several(src)
    else:
        scenario, raws = _validate(src.data, src), [(src.data, src)]
    if not scenario.schemes:
        return scenario
    from .schemes import check

    check(scenario, raws)
    return scenario.with_schemes([s.name for s in scenario.schemes])


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


# What an entry under ``footprints`` may give: who it is, its population and its services'
# values. Anything else (start, end, draws, seed, name, assumptions, ...) is one value for the
# whole run, so it is refused there rather than taken from the first footprint or ignored.
_PER_FOOTPRINT = ("code", "name", "custom", "population", *(s.name for s in SECTIONS))


def _not_per_footprint(src: Source, index: int, key: Any) -> Problem:
    """The problem for a key under footprints[index] that cannot differ between footprints."""
    allowed = ", ".join(_PER_FOOTPRINT[:-1]) + f" and {_PER_FOOTPRINT[-1]}"
    if str(key) in ("footprint", "footprints"):
        return src.problem(("footprints", index, key),
                           f"'{key}' cannot be given inside an entry of 'footprints'",
                           hint="each entry is one footprint: give its code and name directly, "
                                "as {code: ..., name: ...}", key=True)
    if str(key) in Scenario.model_fields:
        return src.problem(("footprints", index, key),
                           f"'{key}' is one value for the whole scenario; it cannot be set for "
                           "one footprint",
                           hint=f"set it at the top of the file; a footprint may give only "
                                f"{allowed}", key=True)
    close = difflib.get_close_matches(str(key), _PER_FOOTPRINT, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"a footprint may give only {allowed}"
    return src.problem(("footprints", index, key), f"unknown key '{key}'", hint=hint, key=True)


def _parse_several(src: Source) -> tuple[Scenario, list[tuple[dict[Any, Any], Source]]]:
    """A scenario for several footprints: shared keys at the top, and under ``footprints`` a
    list of {code, name, ...overrides}. Every footprint is validated as a whole scenario. With
    it, the data each footprint was validated from and its source."""
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
    raws: list[tuple[dict[Any, Any], Source]] = []
    problems: set[Problem] = set()
    codes: dict[str, int] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.add(src.problem(("footprints", i), "expected {code: ..., name: ...} with "
                                     "any values of this footprint's own"))
            continue
        refused = [k for k in entry if k not in _PER_FOOTPRINT]
        for key in refused:
            problems.add(_not_per_footprint(src, i, key))
        if refused:
            continue
        who = ("code", "name", "custom")
        overrides = {k: v for k, v in entry.items() if k not in who}
        merged = merge(shared, overrides)
        merged["footprint"] = {k: entry[k] for k in who if k in entry}
        code = str(entry.get("code"))
        if code in codes:
            problems.add(src.problem(("footprints", i, "code"), f"footprint {code} is already "
                                     f"listed (footprints[{codes[code]}])"))
        codes[code] = i
        member_src = _Member(src, merged, i, overrides)
        try:
            members.append(_validate(merged, member_src))
            raws.append((merged, member_src))
        except ScenarioError as exc:
            problems.update(exc.problems)
    if not problems:
        problems.update(_differences(members, src))
    if problems:
        raise ScenarioError(sorted(problems))
    return members[0].with_members(tuple(members)), raws


def _differences(members: list[Scenario], src: Source) -> list[Problem]:
    """Footprints run side by side must model the same services, the same way."""
    first = members[0]
    for i, member in enumerate(members[1:], start=1):
        if member.services != first.services:
            return [src.problem(("footprints", i), f"footprint {member.footprint.code} models "
                                f"{', '.join(member.services)} but the first models "
                                f"{', '.join(first.services)}; every footprint needs the same "
                                "sections")]
        for service in SECTIONS:
            for key in service.same_for_every_footprint:
                mine, theirs = member.section(service.name), first.section(service.name)
                if mine is not None and getattr(mine, key) != getattr(theirs, key):
                    return [src.problem(("footprints", i, service.name, key),
                                        f"{service.name}.{key} must be the same for every "
                                        "footprint")]
    return []
