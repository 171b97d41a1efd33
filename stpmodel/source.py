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
    lists: set[KeyPath] = field(default_factory=set)  # paths whose value is a YAML sequence

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

    def locate(self, loc: KeyPath) -> KeyPath:
        """Map a pydantic error location back to the keys as written. Pydantic names a key that
        is neither text nor a whole number by its repr: a YAML date key ``2020-03-01`` arrives as
        ``'datetime.date(2020, 3, 1)'``."""
        out: list[Any] = []
        node = self.data
        for part in loc:
            if isinstance(node, dict):
                if part not in node:
                    part = next((k for k in node if repr(k) == part), part)
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                node = None
            out.append(part)
        return tuple(out)

    def dotted(self, path: KeyPath) -> str:
        """``('iapt', 'access', '2021-03')`` → ``iapt.access.2021-03``; list indexes as ``[0]``,
        so that a number used as a key (``2020:``) still reads as a key."""
        out = ""
        for i, part in enumerate(path):
            if tuple(path[:i]) in self.lists:
                out += f"[{part}]"
            else:
                out += ("." if out else "") + str(part)
        return out

    def problem(self, path: KeyPath, message: str, *, hint: str = "", key: bool = False) -> Problem:
        line, col = self.position(path, key=key)
        return Problem(self.file, line, col, self.dotted(path), message, hint)


def _pos(mark: yaml.Mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def parse_yaml(text: str, file: str) -> Source:
    """Parse ``text``; raise :class:`ScenarioError` for malformed YAML or duplicate keys."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, file)]) from None
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


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    """PyYAML's terse report, pointed where a person should look and given a fitting hint."""
    what, context = exc.problem or "could not parse the file", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    hint = "check indentation and that every 'key: value' has a space after ':'"
    if context.startswith("while scanning") and exc.context_mark is not None:
        # a token that could not be finished (a key with no ':', an unclosed quote) starts here;
        # PyYAML's own mark is where it gave up, often a line or more further on
        mark, what = exc.context_mark, f"{what} {context}"
        if "quoted" in context:
            hint = "close the quote"
    elif context.startswith("while parsing a flow") and exc.context_mark is not None:
        what += f" in the {context.removeprefix('while parsing a ')} that starts on line " \
                f"{exc.context_mark.line + 1}"
        hint = "check that every '{' has its '}' and every '[' its ']'"
    elif what.startswith("but ") and context:
        what = f"{context}, {what}"
        if "document" in what:
            hint = "a scenario file holds one YAML document; remove the extra '---'"
    elif what == "mapping values are not allowed here":
        hint = "put text that contains ': ' in quotes, and check indentation"
    if "'\\t'" in what:
        hint = "indent with spaces; YAML does not allow tabs"
    line, col = _pos(mark) if mark else (1, 1)
    return Problem(file, line, col, "", f"invalid YAML: {what}", hint)


def _build(node: yaml.Node, path: KeyPath, src: Source, loader: yaml.SafeLoader,
           problems: list[Problem]) -> Any:
    src.value_at[path] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        try:
            loader.flatten_mapping(node)  # resolve '<<' merge keys
        except yaml.MarkedYAMLError as exc:
            problems.append(_construct_problem(exc, path, src))
            return {}
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path, src, loader, problems)
            if isinstance(key, (list, dict, set)):
                line, col = _pos(key_node.start_mark)
                problems.append(Problem(src.file, line, col, src.dotted(path),
                                        "a key must be a plain value, not a list or mapping"))
                continue
            child = (*path, key)
            if key in out:
                line, col = _pos(key_node.start_mark)
                first = src.key_at[child]
                problems.append(Problem(
                    src.file, line, col, src.dotted(child),
                    f"duplicate key; it was already given on line {first[0]}",
                    "keep one of the two"))
                continue
            src.key_at[child] = _pos(key_node.start_mark)
            out[key] = _build(value_node, child, src, loader, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        src.lists.add(path)
        return [_build(item, (*path, i), src, loader, problems)
                for i, item in enumerate(node.value)]
    return _construct(node, path, src, loader, problems)


def _construct(node: yaml.Node, path: KeyPath, src: Source, loader: yaml.SafeLoader,
               problems: list[Problem]) -> Any:
    """The Python value of a scalar (or of a key); a tag PyYAML cannot build is a problem."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        problems.append(_construct_problem(exc, path, src))
        return None
    except ValueError:
        # text that looks like a date but is not one (2019-13-01), or '!!int abc': keep the text,
        # so that validation can say what was expected there
        return node.value if isinstance(node.value, str) else None


def _construct_problem(exc: yaml.MarkedYAMLError, path: KeyPath, src: Source) -> Problem:
    line, col = _pos(exc.problem_mark) if exc.problem_mark else src.position(path)
    what = exc.problem or "could not read this value"
    if what.startswith("could not determine a constructor for the tag"):
        tag = what.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return Problem(src.file, line, col, src.dotted(path), f"unsupported YAML tag {tag}",
                       "remove the tag; a scenario needs only plain numbers, text and mappings")
    return Problem(src.file, line, col, src.dotted(path), f"invalid YAML: {what}")
