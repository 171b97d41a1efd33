"""docs/scenario-format.md (every scenario key), docs/data-sources.md (every default with its
source) and docs/model.md (the metric registry)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .markdown import number, table


@dataclass(frozen=True)
class Key:
    """One scenario key, described from its field declaration and its JSON Schema."""

    path: str  # dotted, e.g. iapt.workforce.wte; liaison.hospitals[].name in a list's entries
    kind: str  # number | number or distribution | trajectory (linear) of numbers | ... | section
    unit: str
    valid: str  # the values it accepts
    required: bool
    default: str  # 'default `x`', 'optional' (no value unless given), or '' when required
    source: str  # where the default comes from; '' when none is given
    description: str
    model: type[BaseModel] | None  # for a section, its model; for a list of sections, theirs
    table: str = ""  # where the keys of ``model`` are listed: the path, or path + '[]' for a list


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a section field, including an optional one (``Iapt | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            found = _section_model(arg)
            if found is not None:
                return found
    return None


def _list_model(annotation: Any) -> type[BaseModel] | None:
    """The model of the entries of a list of sections (``list[Hospital]``)."""
    if typing.get_origin(annotation) is list:
        args = typing.get_args(annotation)
        if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            return args[0]
    return None


def _without_null(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema of a value that may also be null, and whether it may be."""
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if options and any(o.get("type") == "null" for o in options):
            rest = [o for o in options if o.get("type") != "null"]
            if len(rest) == 1:
                return {**{k: v for k, v in schema.items() if k != key}, **rest[0]}, True
    return schema, False


def _range(schema: dict[str, Any]) -> str:
    """The valid values of a number, from its JSON Schema: '0 to 1', 'more than 0', ..."""
    whole = schema.get("type") == "integer"
    lo, hi = schema.get("minimum"), schema.get("maximum")
    above = schema.get("exclusiveMinimum")
    if above is not None:
        text = f"more than {number(above)}" + (f", at most {number(hi)}" if hi is not None
                                                else "")
    elif lo is not None and hi is not None:
        text = f"{number(lo)} to {number(hi)}"
    elif lo is not None:
        text = f"{number(lo)} or more"
    elif hi is not None:
        text = f"at most {number(hi)}"
    else:
        text = "any number"
    return f"whole number, {text}" if whole else text


def _default(field: FieldInfo) -> str:
    value = field.default
    if hasattr(value, "describe"):  # a Trajectory
        return str(value.describe())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):  # a distribution
        from ..template import yaml_scalar

        return yaml_scalar(value)
    if isinstance(value, (int, float)):
        return f"{value:.10g}"  # as written in YAML: 150000, not 150,000
    return str(value)


def _is_distribution(schema: dict[str, Any]) -> bool:
    """Whether a schema is the ``{kind: [parameters]}`` mapping of a distribution."""
    return schema.get("type") == "object" and "triangular" in schema.get("properties", {})


def _numeric(schema: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
    """(the number's schema, whether a distribution is allowed too) for a value that is a number,
    or a number or a distribution; None for anything else."""
    options = schema.get("oneOf")
    if (options and len(options) == 2 and _is_distribution(options[1])
            and options[0].get("type") in ("number", "integer")):
        return options[0], True
    if schema.get("type") in ("number", "integer"):
        return schema, False
    return None


def _choices(schema: dict[str, Any]) -> str:
    return " or ".join(f"`{v}`" for v in schema["enum"]) if len(schema["enum"]) < 3 else (
        ", ".join(f"`{v}`" for v in schema["enum"][:-1]) + f" or `{schema['enum'][-1]}`")


def _kind(schema: dict[str, Any], unit: str) -> tuple[str, str]:
    """(type, valid values) of a value that is not a section."""
    if "x-interpolation" in schema:
        interp, one = schema["x-interpolation"], schema["oneOf"][0]
        if "enum" in one:
            return f"trajectory ({interp}) of choices", "each value " + _choices(one)
        number = _numeric(one)
        if number is not None:
            of = "numbers or distributions" if number[1] else "numbers"
            return f"trajectory ({interp}) of {of}", "each value " + _range(number[0])
    number = _numeric(schema)
    if number is not None:
        return ("number or distribution" if number[1] else "number"), _range(number[0])
    if "enum" in schema:
        return "choice", _choices(schema)
    kind = schema.get("type")
    if kind == "object" and "patternProperties" in schema:  # {YYYY-MM: amount}, not a trajectory
        (amount,) = schema["patternProperties"].values()
        number = _numeric(amount)
        if number is not None:
            of = "numbers or distributions" if number[1] else "numbers"
            return (f"dated amounts: {of}",
                    "`{YYYY-MM: amount, ...}`, each amount " + _range(number[0]))
    if kind == "array" and schema.get("items", {}).get("type") == "string":
        return "list of text", "a list of text"
    if kind == "boolean":
        return "true/false", "`true` or `false`"
    if kind == "string" and "pattern" in schema and unit == "YYYY-MM":
        return "month", "YYYY-MM"
    if kind == "string":
        if "pattern" in schema:
            return "text", f"matching `{schema['pattern']}`"
        return "text", "not empty" if schema.get("minLength") else "any text"
    return str(kind or "value"), "see `stpmodel schema`"


def _key(path: str, field: FieldInfo, schema: dict[str, Any]) -> Key:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    unit = str(extra.get("unit", ""))
    source = str(extra.get("source", ""))
    model = _section_model(field.annotation)
    entries = _list_model(field.annotation)
    schema, nullable = _without_null(schema)
    table = path if model is not None else ""
    if model is not None:
        kind, valid = "section", "a mapping: see its table"
    elif entries is not None:
        model, table = entries, path + "[]"
        kind = "list of sections"
        valid = ("one or more mappings" if schema.get("minItems") == 1 else "a list of mappings") \
            + ", each with the keys in its table"
    elif schema.get("type") == "null":  # read before validation (such as 'footprints')
        kind, valid = unit or "value", "see the description"
    else:
        kind, valid = _kind(schema, unit)
    required = field.is_required()
    if required:
        default = ""
    elif isinstance(field.default, BaseModel):  # a section whose keys have their own defaults
        default = "defaults: see its table"
    elif field.default is None and (nullable or model is not None
                                    or schema.get("type") == "null"):
        default = "optional"
    else:
        default = f"default `{_default(field)}`"
    return Key(path=path, kind=kind, unit=unit, valid=valid, required=required,
               default=default, source=source, description=field.description or "",
               model=model, table=table)


def scenario_keys(model: type[BaseModel] | None = None, prefix: str = "") -> Iterator[Key]:
    """Every key of a scenario, depth first in declaration order."""
    if model is None:
        from ..scenario import Scenario

        model = Scenario
    properties = model.model_json_schema()["properties"]
    for name, field in model.model_fields.items():
        key = _key(prefix + name, field, properties[field.alias or name])
        yield key
        if key.model is not None:
            yield from scenario_keys(key.model, key.table + ".")


def key_problems() -> list[str]:
    problems = []
    for key in scenario_keys():
        if not key.description.strip():
            problems.append(f"scenario key {key.path}: no description")
        if key.kind != "section" and not key.unit.strip():
            problems.append(f"scenario key {key.path}: no unit")
    return problems


TYPES = """\
Types:

- *number* is a single number; *number or distribution* is a number or an uncertain value such as
  `{pert: [0.45, 0.52, 0.56]}` (see [uncertain values](#uncertain-values) and
  [the uncertainty guide](uncertainty.md)).
- *trajectory (step)* and *trajectory (linear)* take one value for the whole run or a dated
  mapping `{YYYY-MM: value, ...}`, read between its dates as the type says; *of numbers or
  distributions* means each value, or each dated value, may be a distribution; *of choices* means
  each value is one of the words listed.
- *dated amounts* are `{YYYY-MM: amount, ...}`: each amount falls in the month named, and nothing
  is read between the months.
- *choice* is one of the words listed; *true/false* is `true` or `false`; *month* is `YYYY-MM`;
  *text* is text; *list of text* is a YAML list of text.
- *section* is a mapping of the keys in the table of that name; *list of sections* is a YAML list
  of such mappings, and the table named with `[]` gives the keys of each entry.

A key with a default may be left out, and so may an *optional* one, which has no value unless
given (its description says what happens then).
"""


def keys_reference() -> str:
    """The 'every key' tables of docs/scenario-format.md: one per section."""
    keys = list(scenario_keys())
    sections: dict[str, list[Key]] = {"": []}
    titles = {"": "Top level"}
    for key in keys:
        if key.model is not None:
            sections[key.table] = []
            each = "each of " if key.table.endswith("[]") else ""
            titles[key.table] = f"`{key.table}`: {each}{key.description}"
    for key in keys:
        parent = key.path.rpartition(".")[0]
        sections[parent].append(key)
    header = ["key", "type", "unit", "valid values", "required / default", "description",
              "source of the default"]
    out = [TYPES]
    for path, members in sections.items():
        out.append(f"### {titles[path]}\n")
        rows = []
        for key in members:
            rows.append((f"`{key.path}`", key.kind, key.unit or "–", key.valid,
                         "required" if key.required else key.default,
                         key.description,
                         key.source or ("none given" if key.default.startswith("default ")
                                        else "–")))
        out.append(table(header, rows))
    return "\n".join(out)


def defaults_reference() -> str:
    """The table of defaults in docs/data-sources.md."""
    rows = [(f"`{k.path}`", k.default.removeprefix("default "), k.unit or "–",
             k.source or "none given")
            for k in scenario_keys()
            if k.default.startswith("default ") and k.kind != "section"]
    return table(["key", "default", "unit", "source as given in the schema"], rows)


_RULES = {
    "flow": "summed over the months",
    "stock": "the last month's value",
    "rate": "summed numerator ÷ summed denominator",
    "ratio": "numerator ÷ denominator at the end of the period",
}


def metrics_reference() -> str:
    from ..services import METRICS

    rows = []
    for m in METRICS:
        rows.append((f"`{m.name}`", getattr(m, "service", "") or "–", m.unit,
                     f"{m.aggregation}: {_RULES.get(m.aggregation, '')}", m.description))
    return table(["metric", "service", "unit", "aggregation over a period", "description"],
                  rows)
