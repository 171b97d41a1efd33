"""The one exception family of stpmodel, and the compiler-style problem record."""

from __future__ import annotations

from dataclasses import dataclass

# Characters that would act on a terminal rather than show: C0 and C1 controls, DEL, and the
# bidirectional overrides that reorder what follows them. Each is shown as its escape.
_CONTROL = {i: f"\\x{i:02x}" for i in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL.update({i: f"\\u{i:04x}" for i in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def plain(text: object) -> str:
    """``text`` safe to print: every control character escaped (``\\x1b``), so that a name or
    key from a file can neither move the cursor nor retitle the terminal. Rich markup is not a
    concern here; see :func:`stpmodel.output.text` for rich."""
    return str(text).translate(_CONTROL)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the source allows.

    Rendered as ``file:line:col: key.path: message`` (line and column are 1-based), with an
    optional indented ``hint:`` line below.
    """

    file: str
    line: int
    col: int
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{plain(self.file)}:{self.line}:{self.col}"
        message = plain(self.message)
        head = f"{where}: {plain(self.path)}: {message}" if self.path else f"{where}: {message}"
        return f"{head}\n  hint: {plain(self.hint)}" if self.hint else head


class StpmodelError(Exception):
    """Base class for every error stpmodel raises on purpose. The CLI turns these into messages."""


class ScenarioError(StpmodelError):
    """A scenario file has one or more problems. All of them are collected, sorted by position."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(StpmodelError):
    """An output could not be written (bad path, unknown format, ...)."""
