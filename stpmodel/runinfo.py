"""How a run was made, and what it assumed: the metadata and the assumptions that the output
files carry (JSON's ``meta``, Parquet's key-value metadata, the workbook's Metadata and
Assumptions sheets, the report).

:func:`run_meta` says what made the run (stpmodel's version, the scenario file and its SHA-256,
seed, draws, periods, the price base where the scenario states one, the run's date).
:func:`assumed_values` lists every value the scenario's services use, each with where it comes
from: the published source of a default, the comment above it in the scenario file, or "local
assumption" for a value the scenario names under ``assumptions``.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from .scenario import Scenario

LOCAL_ASSUMPTION = "local assumption: a placeholder to replace with local figures"
FROM_FILE = "given in the scenario file"


def run_date() -> str:
    """Now, in UTC to the second (ISO 8601). ``SOURCE_DATE_EPOCH`` (seconds since 1970), where
    set, stands for now, so that a rerun can reproduce a file byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = None
    if epoch.isdigit():
        try:
            when = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (OverflowError, OSError, ValueError):
            when = None
    if when is None:
        when = datetime.datetime.now(datetime.UTC)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex); '' when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def price_base(scenario: Scenario) -> str | None:
    """The price base the scenario states (finance's ``price_base``), or None where it states
    none."""
    finance = scenario.section("finance")
    value = getattr(finance, "price_base", None) if finance is not None else None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def run_meta(scenario: Scenario, path: Path | None, by: str,
             percentiles: Sequence[float] = (), notes: Sequence[str] = ()
             ) -> dict[str, str | list[str]]:
    """What made a run, as text keys and values (the order is the order shown), then what
    ``run`` says after its table: its ``notes`` (such as when the plan pays back) and the
    assumptions to replace with local figures (``key = value``), each a list of lines."""
    from . import __version__
    from .values import month_label

    meta = {
        "stpmodel_version": __version__,
        "scenario": scenario.name,
        "scenario_file": str(path) if path is not None else "",
        "scenario_sha256": file_sha256(path) if path is not None else "",
        "footprints": str(len(scenario.members)),
        "start": month_label(scenario.start),
        "end": month_label(scenario.end),
        "by": by,
        "seed": str(int(scenario.seed)),
        "draws": str(scenario.n_draws),
    }
    if scenario.n_draws > 1 and percentiles:
        meta["percentiles"] = ",".join(f"{p:g}" for p in percentiles)
    base = price_base(scenario)
    if base is not None:
        meta["price_base"] = base
    meta["run_date"] = run_date()
    full: dict[str, str | list[str]] = dict(meta)
    full["notes"] = list(notes)
    full["assumptions"] = scenario.assumption_lines()
    return full


@dataclass(frozen=True)
class Assumed:
    """One value a run uses: its key path, the value as written, its unit, whether the file
    sets it (or the default applies), and where it comes from."""

    key: str
    value: str
    unit: str
    set_by: str  # "scenario file" or "default"
    source: str


def assumed_values(scenario: Scenario, text: str | None = None) -> list[Assumed]:
    """Every value of the population and of each service section the scenario has, in the
    order the sections are declared. With the scenario file's ``text``, a value set in the
    file takes as its source the comment lines just above its key (where there are any).
    For several footprints the first footprint's values are listed."""
    from .scenario import _describe

    comments = _comments(text) if text is not None else {}
    placeholders = set(scenario.assumptions)
    out: list[Assumed] = []

    def walk(node: BaseModel, prefix: str) -> None:
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            if value is None:
                continue
            key = f"{prefix}.{name}"
            if isinstance(value, BaseModel):
                walk(value, key)
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            given = name in node.model_fields_set
            if key in placeholders:
                source = LOCAL_ASSUMPTION
            elif given:
                source = comments.get(key) or FROM_FILE
            else:
                source = str(extra.get("source") or "default")
            out.append(Assumed(key, _describe(value), str(extra.get("unit", "")),
                               "scenario file" if given else "default", source))

    for name in ("population", *scenario.sections):
        section = scenario.section(name)
        if isinstance(section, BaseModel):
            walk(section, name)
    return out


def _comments(text: str) -> dict[str, str]:
    """For each key path of a scenario file, the comment lines just above its key, joined."""
    from .errors import StpmodelError
    from .source import parse_yaml

    try:
        src = parse_yaml(text, "<scenario>")
    except (StpmodelError, ValueError):
        return {}
    lines = text.splitlines()
    found: dict[str, str] = {}
    for path, (line, _) in src.key_at.items():
        if not all(isinstance(p, str) for p in path):
            continue
        above: list[str] = []
        i = line - 2  # the line before the key's, 0-based
        while i >= 0 and lines[i].lstrip().startswith("#"):
            above.append(lines[i].lstrip().lstrip("#").strip())
            i -= 1
        if above:
            found[".".join(path)] = " ".join(reversed(above)).strip()
    return found


def assumption_rows(items: Sequence[Assumed]) -> list[dict[str, Any]]:
    """The assumed values as rows of a table."""
    return [{"key": a.key, "value": a.value, "unit": a.unit, "set_by": a.set_by,
             "source": a.source} for a in items]


def unit_at(scenario: Scenario, path: str) -> str:
    """The unit declared for the value at a key path such as ``liaison.bed_day_cost`` or
    ``inpatient.los_days.2022-04`` (a point of a trajectory: its field's unit); '' if none."""
    node: Any = scenario
    unit = ""
    for part in path.split("."):
        fields = type(node).model_fields if isinstance(node, BaseModel) else {}
        if part not in fields:
            break
        extra = fields[part].json_schema_extra
        unit = str(extra.get("unit", "")) if isinstance(extra, dict) else ""
        node = getattr(node, part)
    return unit


def stale_trajectories(scenario: Scenario) -> list[str]:
    """A sentence for each dated trajectory whose dates all fall before the run's first month
    or all after its last (a plan written for other years: its first or last value then
    holds throughout), once each, over every footprint."""
    from .values import Trajectory, month_label

    start, end = int(scenario.start), int(scenario.end)
    span = f"{month_label(start)} to {month_label(end)}"
    found: dict[str, str] = {}

    def walk(node: BaseModel, prefix: str) -> None:
        for name in type(node).model_fields:
            value = getattr(node, name)
            key = f"{prefix}{name}"
            if isinstance(value, BaseModel):
                walk(value, key + ".")
            elif isinstance(value, Trajectory) and value.months and key not in found:
                first, last = value.months[0], value.months[-1]
                dates = (f"{month_label(first)}" if first == last
                         else f"{month_label(first)} to {month_label(last)}")
                if last < start:
                    found[key] = (f"{key}: its dates ({dates}) all fall before the run "
                                  f"({span}), so its last value holds throughout; are they "
                                  "out of date?")
                elif first > end:
                    found[key] = (f"{key}: its dates ({dates}) all fall after the run "
                                  f"({span}), so its first value holds throughout; are they "
                                  "out of date?")

    for member in scenario.members:
        for name in ("population", *member.sections):
            section = member.section(name)
            if isinstance(section, BaseModel):
                walk(section, f"{name}.")
    return list(found.values())
