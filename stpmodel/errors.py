"""The one exception family of stpmodel, and the compiler-style problem record."""

from __future__ import annotations

from dataclasses import dataclass


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
        where = f"{self.file}:{self.line}:{self.col}"
        head = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{head}\n  hint: {self.hint}" if self.hint else head


class StpmodelError(Exception):
    """Base class for every error stpmodel raises on purpose. The CLI turns these into messages."""


class ScenarioError(StpmodelError):
    """A scenario file has one or more problems. All of them are collected, sorted by position."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(StpmodelError):
    """An output could not be written (bad path, unknown format, ...)."""
