"""Which inputs differ between two scenarios: every key whose value differs, as a person would
write each value, for ``stpmodel diff`` to print beside the results that changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .scenario import Scenario
from .values import Trajectory, month_label

METADATA = ("name", "description", "assumptions")  # scenario keys that change no result


@dataclass(frozen=True)
class InputDifference:
    """One scenario key whose value differs, as a person would write each value."""

    path: str
    a: str
    b: str

    def __str__(self) -> str:
        return f"{self.path}: {self.a} → {self.b}"


ABSENT = "–"


def input_differences(a: Scenario, b: Scenario) -> list[InputDifference]:
    """Every scenario key (dotted path) whose value differs between ``a`` and ``b``, in
    declaration order. Keys that change no result (name, description, assumptions) are left
    out; a section present on one side only lists each of its keys against ``–``.

    Scenarios of several footprints are compared footprint by footprint (matched by code): a
    difference found in some of them only names them, as ``path (E54000037, ...)``, and
    footprints on one side only are listed under ``footprints``."""
    if len(a.members) == 1 and len(b.members) == 1:
        out: list[InputDifference] = []
        _walk(a, b, "", out)
        return out
    in_a = {m.footprint.code: m for m in a.members}
    in_b = {m.footprint.code: m for m in b.members}
    both = [code for code in in_a if code in in_b]
    found: dict[tuple[str, str, str], list[str]] = {}
    for code in both:
        for d in input_differences(in_a[code].with_members((in_a[code],)),
                                   in_b[code].with_members((in_b[code],))):
            found.setdefault((d.path, d.a, d.b), []).append(code)
    every: list[InputDifference] = []  # every key of either, in declaration order
    _walk(a.members[0], None, "", every)
    _walk(None, b.members[0], "", every)
    order = {d.path: i for i, d in reversed(list(enumerate(every)))}
    listed = [InputDifference(path if len(codes) == len(both) else
                              f"{path} ({', '.join(codes)})", va, vb)
              for (path, va, vb), codes in sorted(found.items(),
                                                  key=lambda item: order.get(item[0][0], 0))]
    if set(in_a) != set(in_b):
        listed.insert(0, InputDifference("footprints", ", ".join(in_a), ", ".join(in_b)))
    return listed


def _walk(a: BaseModel | None, b: BaseModel | None, prefix: str,
          out: list[InputDifference]) -> None:
    node = a if a is not None else b
    assert node is not None
    model = type(node)
    for name, field in model.model_fields.items():
        if not prefix and name in METADATA:
            continue
        va = getattr(a, name) if a is not None else None
        vb = getattr(b, name) if b is not None else None
        path = prefix + name
        if isinstance(va, BaseModel) or isinstance(vb, BaseModel):
            if va is None or vb is None or type(va) is type(vb):
                _walk(va, vb, path + ".", out)
                continue
        if not _same(va, vb):
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            month = extra.get("unit") == "YYYY-MM"
            out.append(InputDifference(path, _shown(va, month), _shown(vb, month)))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Trajectory) and isinstance(b, Trajectory):
        if a.is_constant and b.is_constant:  # 0.25 and {2019-04: 0.25} mean the same
            return a.values[0] == b.values[0] and a.interp == b.interp
    return bool(a == b)


def _shown(value: Any, month: bool = False) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, Trajectory):
        return value.describe()
    if isinstance(value, bool):
        return "true" if value else "false"
    if month and isinstance(value, int):
        return month_label(value)
    if isinstance(value, (int, float)):
        return Trajectory.constant(float(value)).describe()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
