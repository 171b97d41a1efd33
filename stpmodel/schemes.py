"""Schemes: named changes to a plan that a footprint may fund or not.

A scenario's ``schemes:`` list names each scheme, the values it changes (written as the
scenario writes them: a section merges key by key, a value replaces the one it overrides) and,
optionally, the month it starts and its own costs. The scenario without its schemes is the
**do-minimum**; with all of them it is the **plan**, which ``stpmodel run`` runs. ``stpmodel
prioritise`` runs the do-minimum with every combination it needs (:mod:`stpmodel.portfolio`).

How a scheme with a ``start`` changes a value: every month before ``start`` reads as the
do-minimum's value did, and every month from ``start`` as the scheme's value does
(:meth:`~stpmodel.values.Trajectory.splice`). Only values that may change over time
(trajectories) can start at a month; a list (liaison's hospitals) or a one-off value (pool size)
is replaced for the whole run, so a scheme with a ``start`` refuses it: give its dates inside it.
When two schemes change the same value, the later in the list wins from its start.

This module checks schemes as the scenario is read, so that a problem inside a scheme is
reported where it is written (``schemes[2].changes.iapt.acess``), and applies them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from .distributions import KINDS
from .errors import Problem, ScenarioError
from .sections import Section, spec
from .source import KeyPath, Source
from .values import MONTH_RE, Month, Quantity, Trajectory, dated_amounts, month_label, series

if TYPE_CHECKING:
    from .scenario import Scenario


class SchemeCosts(Section):
    recurrent: series(Quantity("£/year", 0.0), "step") | None = spec(  # type: ignore[valid-type]
        "the scheme's own recurring cost a year, at the price base, from its start (or as the "
        "trajectory's months say); counted as investment (with finance.non_pay)", "£/year",
        default=None, interp="step")
    one_off: dated_amounts(Quantity("£", 0.0)) = spec(  # type: ignore[valid-type]
        "the scheme's own one-off costs at the price base, each in the month named: "
        "{YYYY-MM: amount}", "£", default={})

    @property
    def any(self) -> bool:
        return self.recurrent is not None or bool(self.one_off)


class Scheme(Section):
    """One scheme: a name, what it changes, from when, and its own costs."""

    _leaves: tuple[tuple[str, Any], ...] = PrivateAttr(default=())

    name: Annotated[str, Field(min_length=1)] = spec(
        "the scheme's name, unique in the scenario, shown in every prioritise output", "text")
    description: str = spec("free text", "text", default="")
    start: Month | None = spec(
        "the month its changes start: before it every value it changes reads as the "
        "do-minimum's (default: the scheme's values hold for the whole run)", "YYYY-MM",
        default=None)
    changes: dict[str, Any] = spec(
        "the values the scheme changes, written as in the scenario under the services' keys "
        "(a section merges key by key, a value replaces the do-minimum's whole), such as "
        "{iapt: {access: 0.25}}", "mapping", default={})
    costs: SchemeCosts = spec("the scheme's own costs, beyond those its changes make in the "
                              "services", "", default=SchemeCosts())

    @property
    def leaves(self) -> tuple[tuple[str, Any], ...]:
        """(dotted key path, validated value) of each value the scheme changes."""
        return self._leaves


def is_section(value: Any) -> bool:
    """A mapping of keys, not a trajectory {YYYY-MM: ...} or a distribution {kind: [...]}."""
    return isinstance(value, dict) and not any(
        MONTH_RE.match(str(key)) or str(key) in KINDS for key in value)


def merge(shared: dict[Any, Any], overrides: dict[Any, Any]) -> dict[Any, Any]:
    """``shared`` with ``overrides`` laid over it: sections merge key by key; a value (a number,
    a trajectory, a distribution, a list) replaces the shared one whole."""
    out = dict(shared)
    for key, value in overrides.items():
        if is_section(value) and is_section(out.get(key)):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


# ---------------------------------------------------------------------------------------------
# Reading


class _Overlay(Source):
    """A scheme's changes laid over one footprint's scenario: a problem inside the changes is
    reported where the scheme writes it; any other (a check across values that the change
    broke) at the scheme, naming it."""

    def __init__(self, base: Source, data: Any, index: int, scheme: str, changes: dict[Any, Any],
                 footprint: str):
        super().__init__(base.file, data, base.value_at, base.key_at, base.lists)
        self.base, self.index, self.scheme = base, index, scheme
        self.changes, self.footprint = changes, footprint

    def problem(self, path: KeyPath, message: str, *, hint: str = "", key: bool = False) -> Problem:
        path = tuple(path)
        node: Any = self.changes
        for part in path:
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            if path:
                return super().problem(("schemes", self.index, "changes", *path), message,
                                       hint=hint, key=key)
        where = f" ({self.footprint})" if self.footprint else ""
        return super().problem(("schemes", self.index),
                               f"with scheme '{self.scheme}'{where}: {self.base.dotted(path)}: "
                               f"{message}", hint=hint)


def _leaf_paths(changes: dict[Any, Any], model: Any, prefix: tuple[str, ...] = ()
                ) -> Iterator[tuple[str, ...]]:
    """The key paths of the values a scheme changes: a section the do-minimum has is walked
    into; anything else (a value, or a section the do-minimum lacks) is one leaf."""
    for key, value in changes.items():
        path = (*prefix, str(key))
        inner = getattr(model, str(key), None) if isinstance(model, BaseModel) else None
        if is_section(value) and isinstance(inner, BaseModel):
            yield from _leaf_paths(value, inner, path)
        else:
            yield path


def get(model: Any, path: Sequence[str]) -> Any:
    """The value at ``path``; None where a section on the way is absent."""
    for part in path:
        model = getattr(model, part, None)
        if model is None:
            return None
    return model


def put(model: BaseModel, path: Sequence[str], value: Any) -> Any:
    """``model`` with the value at ``path`` replaced (copies along the path, no validation)."""
    head, *rest = path
    new = put(getattr(model, head), rest, value) if rest else value
    return model.model_copy(update={head: new})


def spliced(before: Any, after: Any, start: int | None) -> Any:
    """The value a scheme starting at ``start`` gives: ``after`` from ``start``, ``before``
    up to then. ValueError (with the reason) where that cannot be written."""
    if start is None:
        return after
    if isinstance(before, Trajectory) and isinstance(after, Trajectory):
        return before.splice(after, start)
    if before is None:
        raise ValueError("the do-minimum has no value here, so it cannot change at a month")
    raise ValueError("this value is one for the whole run (a list or a single setting), so "
                     f"it cannot start in {month_label(start)}")


def check(scenario: Scenario, raws: Sequence[tuple[dict[Any, Any], Source]]) -> None:
    """Validate each scheme's changes over each footprint's scenario (``raws``: the data each
    was validated from, and its source) and record its changed values on the scheme; raise
    :class:`ScenarioError` with every problem, each located in the scheme."""
    from .scenario import Scenario as Model
    from .services import SECTIONS

    services = [s.name for s in SECTIONS]
    problems: set[Problem] = set()
    src = raws[0][1]
    first_with_costs = next((i for i, s in enumerate(scenario.schemes) if s.costs.any), None)
    if first_with_costs is not None and scenario.section("finance") is None:
        problems.add(src.problem(("schemes", first_with_costs, "costs"),
                                 "a scheme's own costs count in the finance results, which "
                                 "this scenario has not asked for",
                                 hint="add a 'finance:' section ('finance: {}' takes the "
                                      "defaults)"))
    for i, scheme in enumerate(scenario.schemes):
        if scheme.start is not None and not scenario.start <= scheme.start <= scenario.end:
            run = f"{month_label(scenario.start)} to {month_label(scenario.end)}"
            problems.add(src.problem(
                ("schemes", i, "start"), f"{month_label(scheme.start)} is outside the run "
                f"({run})", hint="a scheme starts within the run; leave start out for one "
                "that changes the whole run"))
        for key in scheme.changes:
            if str(key) not in services:
                close = difflib.get_close_matches(str(key), services, n=1)
                hint = (f"did you mean '{close[0]}'?" if close else
                        "a scheme changes the services' values: " + ", ".join(services))
                problems.add(src.problem(("schemes", i, "changes", key),
                                         f"'{key}' is not a service a scheme can change",
                                         hint=hint, key=True))
    if problems:
        raise ScenarioError(sorted(problems))
    several = len(scenario.members) > 1
    for member, (raw, member_src) in zip(scenario.members, raws):
        for i, scheme in enumerate(member.schemes):
            data = merge({k: v for k, v in raw.items() if k != "schemes"}, scheme.changes)
            overlay = _Overlay(member_src, data, i, scheme.name, scheme.changes,
                               member.footprint.code if several else "")
            try:
                alone = Model.model_validate(data)
            except ValidationError as exc:
                from .problems import problems as validation_problems

                problems.update(validation_problems(exc, overlay, Model))
                continue
            leaves = []
            for path in _leaf_paths(scheme.changes, member):
                value = get(alone, path)
                try:
                    spliced(get(member, path), value, scheme.start)
                except ValueError as exc:
                    problems.add(overlay.problem(path, str(exc),
                                                 hint="give its months inside the value and "
                                                      "leave out the scheme's start"))
                leaves.append((".".join(path), value))
            scheme.__pydantic_private__ = {"_leaves": tuple(leaves)}
    if problems:
        raise ScenarioError(sorted(problems))


def apply(member: Scenario, schemes: Sequence[Scheme]) -> Scenario:
    """One footprint's scenario with ``schemes`` applied, in the order the scenario lists them
    (the later wins where two change the same value)."""
    out: Any = member
    for scheme in schemes:
        for dotted, value in scheme.leaves:
            path = dotted.split(".")
            before = get(out, path)
            out = put(out, path, spliced(before, value, scheme.start))
    return out
