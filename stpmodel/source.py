"""Read YAML into plain Python values plus a map from key path to line and column.

PyYAML's composer gives every node its position. We build the values ourselves from those nodes so
that we can (a) refuse duplicate keys, which PyYAML silently accepts, and (b) remember where each
key and value sits, so that later validation errors can point at ``file:line:col``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ScenarioError
from .files import ReadError, read_bounded

KeyPath = tuple[Any, ...]
Position = tuple[int, int]  # (line, col), both 1-based

# Bounds on what a scenario file may ask of the reader, far above any real scenario (the largest
# shipped one, 44 footprints, is 50 KB deep 6 and about 5,000 values), so that a hostile or broken
# file is refused quickly and in little memory instead of exhausting the machine.
MAX_BYTES = 1024 * 1024  # file size
MAX_DEPTH = 64  # lists and mappings inside each other
MAX_VALUES = 200_000  # values in the document once aliases are expanded


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


def read_text(path: str | Path, limit: int = MAX_BYTES) -> str:
    """The text of a scenario file, read with a bound: a regular file of at most ``limit``
    bytes, in UTF-8 (a byte-order mark is dropped). Anything else raises :class:`ScenarioError`
    located at the file, never a hang: a fifo or device is refused before a byte is read."""
    file = str(path)
    try:
        data = read_bounded(path, limit, "scenario file")
    except ReadError as exc:
        hint = "stpmodel reads scenarios only from regular files" if exc.kind and \
            exc.kind != "directory" else exc.hint
        raise ScenarioError([Problem(file, 1, 1, "", exc.reason, hint)]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ScenarioError([Problem(file, line, col, "", f"not UTF-8 text ({exc.reason})",
                                     "save the file as UTF-8")]) from None


class _Limit(Exception):
    """A bound on the document was passed; carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with a bound on nesting depth: its composer recurses once per level,
    so 500 nested '[' would otherwise end in RecursionError."""

    def __init__(self, text: str, file: str):
        super().__init__(text)
        self.file = file
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Limit(_too_deep(self.file, _pos(self.peek_event().start_mark)))
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_deep(file: str, where: Position, path: str = "") -> Problem:
    return Problem(file, where[0], where[1], path,
                   f"nested too deeply: more than {MAX_DEPTH} lists or mappings inside each other",
                   "a scenario needs only a few levels; check for unclosed '[' or '{'")


def parse_yaml(text: str, file: str) -> Source:
    """Parse ``text``; raise :class:`ScenarioError` for malformed YAML, duplicate keys, or a
    document past the bounds (:data:`MAX_DEPTH`, :data:`MAX_VALUES`). Every failure of the
    reader is a located problem, never another exception."""
    try:
        loader = _Loader(text, file)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, found up front
        raise ScenarioError([_reader_problem(exc, text, file)]) from None
    try:
        node = loader.get_single_node()
    except _Limit as exc:
        raise ScenarioError([exc.problem]) from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError([_reader_problem(exc, text, file)]) from None
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, file)]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise ScenarioError([Problem(file, 1, 1, "", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()

    src = Source(file=file, data=None)
    if node is None:
        raise ScenarioError([Problem(file, 1, 1, "", "the file is empty; expected a scenario")])
    problems: list[Problem] = []
    builder = _Builder(src, loader, problems)
    try:
        src.data = builder.build(node, ())
    except _Limit as exc:
        raise ScenarioError([exc.problem]) from None
    if problems:
        raise ScenarioError(problems)
    return src


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character that YAML does not allow in a file (a control character such as BEL, or
    DEL), at its line and column."""
    position = max(0, min(int(exc.position), len(text)))
    before = text[:position]
    line = before.count("\n") + 1
    col = position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else 0
    return Problem(file, line, col, "", f"invalid YAML: control character U+{code:04X} is not "
                                        "allowed in a YAML file",
                   "remove it; inside double quotes it can be written as an escape such as "
                   f"\\x{code:02x}" if code < 256 else "remove it")


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


class DateText(str):
    """A YAML date or timestamp (``2019-04-01``) written where a value goes, kept as the text
    written, so that a number field reports "expected a number, got '2019-04-01'" and a month
    field can still say "months, not days". It has a date's ``year``, ``month`` and
    ``isoformat()``."""

    year: int
    month: int

    def __new__(cls, text: str, when: datetime.date) -> DateText:
        self = super().__new__(cls, text)
        self.year, self.month = when.year, when.month
        return self

    def isoformat(self) -> str:
        return str(self)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))  # copied or sent to a worker process as plain text


_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "str",
                                                   "timestamp")}


class _Builder:
    """Builds plain values from the composed node graph, with every position recorded.

    Aliases make the graph a DAG, or even a cycle (``x: &a [*a]``); each is expanded here, so
    the number of values built is counted (:data:`MAX_VALUES`), the depth bounded
    (:data:`MAX_DEPTH`) and a node that contains itself refused."""

    def __init__(self, src: Source, loader: yaml.SafeLoader, problems: list[Problem]):
        self.src, self.loader, self.problems = src, loader, problems
        self.count = 0
        self.seen: set[int] = set()
        self.aliased = False
        self.active: set[int] = set()  # collections being built, outermost to here

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        src = self.src
        self.count += 1
        if id(node) in self.seen:
            self.aliased = True
        self.seen.add(id(node))
        if self.count > MAX_VALUES:
            what = ("its aliases (*name) expand to" if self.aliased else "it holds")
            top = path[:1]  # where the expansion is written, not the anchor it expands
            where = src.value_at.get(top, _pos(node.start_mark))
            raise _Limit(Problem(src.file, *where, src.dotted(top),
                                 f"too many values: {what} more than {MAX_VALUES:,}",
                                 "a scenario needs far fewer; check the anchors (&name) and "
                                 "aliases (*name)" if self.aliased else ""))
        if len(path) > MAX_DEPTH:
            raise _Limit(_too_deep(src.file, _pos(node.start_mark), src.dotted(path)))
        src.value_at[path] = _pos(node.start_mark)
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.scalar(node, path)
        if id(node) in self.active:
            line, col = _pos(node.start_mark)
            self.problems.append(Problem(src.file, line, col, src.dotted(path),
                                         "an alias refers to the list or mapping that holds it, "
                                         "so its value would never end",
                                         "refer only to an anchor (&name) defined elsewhere"))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                src.lists.add(path)
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        src = self.src
        out: dict[Any, Any] = {}
        explicit = [(k, v) for k, v in node.value if k.tag != _MERGE]
        merged = self.merged(node, path)
        for key_node, value_node in explicit:
            key = self.key(key_node, path)
            if key is _NO_KEY:
                continue
            child = (*path, key)
            if key in out:
                line, col = _pos(key_node.start_mark)
                first = src.key_at[child]
                self.problems.append(Problem(
                    src.file, line, col, src.dotted(child),
                    f"duplicate key; it was already given on line {first[0]}",
                    "keep one of the two"))
                continue
            src.key_at[child] = _pos(key_node.start_mark)
            out[key] = self.build(value_node, child)
        # '<<: *base' merges base's keys; a key written here overrides one merged in, and of
        # several mappings merged, the first that has a key gives it (as YAML 1.1 says)
        if not merged:
            return out
        inherited: dict[Any, Any] = {}
        for key_node, value_node in merged:
            key = self.key(key_node, path)
            if key is _NO_KEY or key in inherited:
                continue
            if key in out:
                inherited[key] = out[key]
                continue
            child = (*path, key)
            src.key_at[child] = _pos(key_node.start_mark)
            inherited[key] = self.build(value_node, child)
        return {**inherited, **out}  # merged keys first, as PyYAML orders them

    def merged(self, node: yaml.MappingNode, path: KeyPath) -> list[tuple[Any, Any]]:
        """The key/value pairs that node's merge keys bring in, in order of precedence."""
        pairs: list[tuple[Any, Any]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) \
                else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    line, col = _pos(source.start_mark)
                    self.problems.append(Problem(
                        self.src.file, line, col, self.src.dotted(path),
                        "'<<' merges a mapping or a list of mappings, not a single value"))
                    continue
                if id(source) in self.active or source is node:
                    line, col = _pos(key_node.start_mark)
                    self.problems.append(Problem(
                        self.src.file, line, col, self.src.dotted(path),
                        "'<<' merges the mapping that holds it, so its value would never end",
                        "merge only an anchor (&name) defined elsewhere"))
                    continue
                self.count += len(source.value)
                if self.count > MAX_VALUES:
                    raise _Limit(Problem(self.src.file, *_pos(source.start_mark),
                                         self.src.dotted(path),
                                         f"too many values: its merge keys ('<<') expand to "
                                         f"more than {MAX_VALUES:,}"))
                self.active.add(id(source))
                try:
                    pairs.extend((k, v) for k, v in source.value if k.tag != _MERGE)
                    pairs.extend(self.merged(source, path))
                finally:
                    self.active.discard(id(source))
        return pairs

    def key(self, node: yaml.Node, path: KeyPath) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            line, col = _pos(node.start_mark)
            self.problems.append(Problem(self.src.file, line, col, self.src.dotted(path),
                                         "a key must be a plain value, not a list or mapping"))
            return _NO_KEY
        key = self.construct(node, path, as_key=True)
        if isinstance(key, (list, dict, set, bytes)):  # pragma: no cover - scalars only
            return _NO_KEY
        return key

    def scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        return self.construct(node, path)

    def construct(self, node: yaml.Node, path: KeyPath, as_key: bool = False) -> Any:
        """The Python value of a scalar (or of a key); a tag PyYAML cannot build is a problem.
        A date written as a value becomes :class:`DateText`; a date as a key stays a date."""
        if node.tag not in _SCALAR_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            line, col = _pos(node.start_mark)
            self.problems.append(Problem(
                self.src.file, line, col, self.src.dotted(path), f"unsupported YAML tag {tag!r}",
                "remove the tag; a scenario needs only plain numbers, text and mappings"))
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            self.problems.append(_construct_problem(exc, path, self.src))
            return None
        except (ValueError, TypeError, OverflowError):
            # text that looks like a date but is not one (2019-13-01), or '!!int abc': keep the
            # text, so that validation can say what was expected there
            return node.value if isinstance(node.value, str) else None
        except Exception:  # PyYAML's own slip on an explicit tag ('!!timestamp abc')
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            line, col = _pos(node.start_mark)
            self.problems.append(Problem(self.src.file, line, col, self.src.dotted(path),
                                         f"{node.value!r} cannot be read as {tag}",
                                         "remove the tag"))
            return None
        if isinstance(value, datetime.date) and not as_key:
            return DateText(str(node.value), value)
        return value


_NO_KEY = object()


def _construct_problem(exc: yaml.MarkedYAMLError, path: KeyPath, src: Source) -> Problem:
    line, col = _pos(exc.problem_mark) if exc.problem_mark else src.position(path)
    what = exc.problem or "could not read this value"
    if what.startswith("could not determine a constructor for the tag"):
        tag = what.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return Problem(src.file, line, col, src.dotted(path), f"unsupported YAML tag {tag}",
                       "remove the tag; a scenario needs only plain numbers, text and mappings")
    return Problem(src.file, line, col, src.dotted(path), f"invalid YAML: {what}")
