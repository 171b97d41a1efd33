"""Read YAML into plain Python values plus a map from key path to line and column.

PyYAML's composer gives every node its position. We build the values ourselves from those nodes so
that we can (a) refuse duplicate keys, which PyYAML silently accepts, and (b) remember where each
key and value sits, so that later validation errors can point at ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem, ScenarioError

KeyPath = tuple[Any, ...]
Position = tuple[int, int]  # (line, col), both 1-based


@dataclass
class Source:
    """The parsed document and where each part of it came from."""

    file: str
    data: Any
    value_at: dict[KeyPath, Position] = field(default_factory=dict)
    key_at: dict[KeyPath, Position] = field(default_factory=dict)

    def position(self, path: KeyPath, *, key: bool = False) -> Position:
        """Best position for ``path``: the key itself if asked and known, else its value, else
        the nearest ancestor that is known (for a missing key: the mapping that lacks it)."""
        path = tuple(path)
        if key and path in self.key_at:
            return self.key_at[path]
        while path:
            if path in self.value_at:
                return self.value_at[path]
            path = path[:-1]
        return self.value_at.get((), (1, 1))

    def problem(self, path: KeyPath, message: str, *, hint: str = "", key: bool = False) -> Problem:
        line, col = self.position(path, key=key)
        return Problem(self.file, line, col, dotted(path), message, hint)


def dotted(path: KeyPath) -> str:
    """``('iapt', 'access', '2021-03')`` → ``iapt.access.2021-03``; list indexes as ``[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pos(mark: yaml.Mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def parse_yaml(text: str, file: str) -> Source:
    """Parse ``text``; raise :class:`ScenarioError` for malformed YAML or duplicate keys."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        what = exc.problem or "could not parse the file"
        raise ScenarioError(
            [Problem(file, line, col, "", f"invalid YAML: {what}",
                     "check indentation and that every 'key: value' has a space after ':'")]
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors in practice
        raise ScenarioError([Problem(file, 1, 1, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()

    src = Source(file=file, data=None)
    if node is None:
        raise ScenarioError([Problem(file, 1, 1, "", "the file is empty; expected a scenario")])
    problems: list[Problem] = []
    src.data = _build(node, (), src, loader, problems)
    if problems:
        raise ScenarioError(problems)
    return src


def _build(node: yaml.Node, path: KeyPath, src: Source, loader: yaml.SafeLoader,
           problems: list[Problem]) -> Any:
    src.value_at[path] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolve '<<' merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                line, col = _pos(key_node.start_mark)
                problems.append(Problem(src.file, line, col, dotted(path),
                                        "a key must be a plain value, not a list or mapping"))
                continue
            child = (*path, key)
            if key in out:
                line, col = _pos(key_node.start_mark)
                first = src.key_at[child]
                problems.append(Problem(
                    src.file, line, col, dotted(child),
                    f"duplicate key; it was already given on line {first[0]}",
                    "keep one of the two"))
                continue
            src.key_at[child] = _pos(key_node.start_mark)
            out[key] = _build(value_node, child, src, loader, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), src, loader, problems) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
