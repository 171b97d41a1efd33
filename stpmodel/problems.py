"""Turn pydantic's validation errors into problems a person can act on.

Each error becomes a ``file:line:col: key.path: message`` :class:`~stpmodel.errors.Problem`, with
the message rewritten in stpmodel's words (an unknown key gets a "did you mean", a missing key its
description and unit), and located where the offending key or value is written.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .source import Source
from .values import DATED_TAG, SCALAR_TAG


def problems(exc: ValidationError, src: Source, root: type[BaseModel]) -> list[Problem]:
    """Every error in ``exc`` as a problem; ``root`` is the model that was validated."""
    errors = exc.errors(include_url=False)
    # a misspelt key is reported once, as unknown with its "did you mean", not also as missing
    meant = {(*err["loc"][:-1], _closest(root, tuple(err["loc"]))) for err in errors
             if err["type"] in UNKNOWN_KEY}
    return [_problem(err, src, root) for err in errors
            if not (err["type"] == "missing" and tuple(err["loc"]) in meant)]


UNKNOWN_KEY = ("extra_forbidden", "invalid_key")  # invalid_key: a key that is not text (2020:)


def _closest(root: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The valid key nearest in spelling to the unknown key at ``loc``, if any is close."""
    close = difflib.get_close_matches(str(loc[-1]), _keys_at(root, loc[:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _problem(err: Any, src: Source, root: type[BaseModel]) -> Problem:
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
        close = _closest(root, tuple(loc))
        hint = (f"did you mean '{close}'?" if close
                else f"valid keys here: {', '.join(_keys_at(root, tuple(loc[:-1])))}")
    elif kind == "missing":
        info = _field_at(root, tuple(loc))
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


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field's annotation holds (``Iapt | None`` → ``Iapt``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = model_in(arg)
            if found is not None:
                return found
    return None


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None or part not in model.model_fields:
            return None
        model = model_in(model.model_fields[part].annotation)
    return model


def _keys_at(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(root, loc)
    return list(model.model_fields) if model is not None else []


def _field_at(root: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    model = _model_at(root, loc[:-1])
    return model.model_fields.get(loc[-1]) if model is not None else None
