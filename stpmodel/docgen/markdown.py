"""Markdown tables for the generated docs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DocgenError(Exception):
    """A document cannot be generated (a marker is missing, a command failed, ...)."""


def cell(text: Any) -> str:
    """Text safe for one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def number(x: float) -> str:
    """A bound or default as a person would write it: 100,000; 0.5; 6.9."""
    if abs(x) >= 1e15:
        return f"{x:.3g}"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.10g}"
