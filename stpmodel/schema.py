"""The JSON Schema of scenario files, for editors (``stpmodel schema``; docs/editor.md).

It starts from the pydantic model's own schema (:class:`stpmodel.scenario.Scenario`), which
describes one footprint's complete plan, and adds what a file for several footprints may say:

- ``footprints`` is a list of entries, each ``{code, name}`` with any values of that
  footprint's own (its population, its services' values), as :mod:`stpmodel.scenario` reads it;
- with ``footprints``, the top-level ``footprint`` and ``population`` are not required and the
  shared sections may leave out keys that every footprint gives for itself, so the sections at
  the top and in each entry are checked key by key, without their required keys;
- without ``footprints``, the file is checked as before: every required key is there.

What a schema cannot say (that each footprint's merged values are complete, rules that tie
sections together) is left to ``stpmodel validate``.
"""

from __future__ import annotations

import copy
from typing import Any

PARTIAL = "Partial"  # the suffix of a definition's copy without its required keys
PER_FOOTPRINT_ONLY = ("footprint", "population")  # required of one footprint's file only


def scenario_schema() -> dict[str, Any]:
    """The schema document ``stpmodel schema`` prints."""
    from .scenario import Scenario
    from .services import SECTIONS

    doc = Scenario.model_json_schema()
    defs: dict[str, Any] = doc.setdefault("$defs", {})
    for name in list(defs):
        defs[name + PARTIAL] = _partial(defs[name])
    properties: dict[str, Any] = doc["properties"]
    sections = ("population", *(s.name for s in SECTIONS))
    strict = {key: properties[key] for key in sections if key in properties}
    for key in strict:
        properties[key] = _partial(properties[key])
    properties["footprints"] = {
        "description": properties["footprints"].get("description", ""),
        "type": "array",
        "minItems": 1,
        "items": _entry(defs, {key: properties[key] for key in strict}),
    }
    required = list(doc.get("required", []))
    doc["required"] = [k for k in required if k not in PER_FOOTPRINT_ONLY]
    doc["if"] = {"required": ["footprints"]}
    doc["then"] = {"not": {"required": ["footprint"]}}
    doc["else"] = {"required": [k for k in required if k in PER_FOOTPRINT_ONLY],
                   "properties": strict}
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "stpmodel scenario"
    return doc


def _entry(defs: dict[str, Any], sections: dict[str, Any]) -> dict[str, Any]:
    """One entry under ``footprints``: its code and name, and any values of its own."""
    footprint = defs["Footprint"]
    return {
        "type": "object",
        "description": "one footprint: its code and name, and any values of its own laid over "
                       "the shared ones",
        "properties": {"code": footprint["properties"]["code"],
                       "name": footprint["properties"]["name"], **sections},
        "required": ["code", "name"],
        "additionalProperties": False,
    }


def _partial(node: Any) -> Any:
    """A copy of a schema node with no required keys, its references pointing at the partial
    copies of their definitions."""
    node = copy.deepcopy(node)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "properties" in value:
                value.pop("required", None)
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and \
                    not ref.endswith(PARTIAL):
                value["$ref"] = ref + PARTIAL
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    return node
