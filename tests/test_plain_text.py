"""Names and keys from files are printed as written (issue 18, item 4): never read as rich
markup, and with control characters escaped so that they cannot act on the terminal."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.errors import Problem, plain

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "iapt-25-percent.yaml"
NAME = 'name: "a [/b] c [link=https://example.org]x[/link] [bold]y \\e]0;pwned\\a"'


def named(tmp_path: Path, line: str, source: Path = SCENARIO) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    index = next(i for i, text in enumerate(lines) if text.startswith("name:"))
    lines[index] = line
    path = tmp_path / "s.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_plain_escapes_controls_only() -> None:
    assert plain("a\x1b]0;t\x07 [b] é\u202e\x9b") == "a\\x1b]0;t\\x07 [b] é\\u202e\\x9b"


def test_a_name_with_markup_runs_and_prints_as_written(tmp_path: Path) -> None:
    path = named(tmp_path, NAME)
    result = CliRunner().invoke(app, ["run", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.stderr
    assert "a [/b] c [link=https://example.org]x[/link] [bold]y \\x1b]0;pwned\\x07" \
        in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_several_footprints_names_as_written(tmp_path: Path) -> None:
    path = named(tmp_path, NAME, ROOT / "scenarios" / "ltp-footprint.yaml")
    for command in (["run", str(path), "--all"], ["diff", str(path), str(path)]):
        result = CliRunner().invoke(app, command, env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout + result.stderr


def test_an_unknown_key_with_an_escape_sequence_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text('name: x\n"foo\\e]0;t\\a": 1\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:1: foo\\x1b]0;t\\x07: unknown key 'foo\\x1b]0;t\\x07'" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_problem_fields_are_escaped() -> None:
    problem = Problem("f\x1b.yaml", 1, 2, "a\x07", "bad\x9b", "fix\x1b")
    assert str(problem) == "f\\x1b.yaml:1:2: a\\x07: bad\\x9b\n  hint: fix\\x1b"


def test_usage_errors_quoting_a_path_are_escaped(tmp_path: Path) -> None:
    name = "no\x1b]0;x\x07where.yaml"
    result = CliRunner().invoke(app, ["batch", name, "--out-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == "no\\x1b]0;x\\x07where.yaml: no such file or folder\n"
