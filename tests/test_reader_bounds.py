"""The scenario reader's bounds (issue 18, items 1–3): every failure of the YAML reader is a
located ``file:line:col`` problem, never a hang, a traceback or exit 3. The reproducers are those
of the issue, each minimal."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.errors import ScenarioError
from stpmodel.source import MAX_BYTES, MAX_DEPTH, MAX_VALUES, parse_yaml, read_text

ROOT = Path(__file__).resolve().parent.parent


def bomb(levels: int = 8) -> str:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    names = "abcdefghijklmnop"
    for prev, name in zip(names, names[1:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_yaml(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


def validate(*paths: Path | str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_alias_bomb_is_refused_at_the_expanding_key() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = problems(bomb())
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert found == [f"s.yaml:6:4: f: too many values: its aliases (*name) expand to more than "
                     f"{MAX_VALUES:,}\n  hint: a scenario needs far fewer; check the anchors "
                     "(&name) and aliases (*name)"]
    assert grown_kib < 512 * 1024  # the unbounded expansion took 6.2 GB


def test_a_few_aliases_are_still_fine() -> None:
    assert parse_yaml(bomb(3), "s.yaml").data["c"][0][0] == ["x"] * 9


def test_self_referencing_alias() -> None:
    assert problems("x: &a [*a]\n") == [
        "s.yaml:1:4: x[0]: an alias refers to the list or mapping that holds it, so its value "
        "would never end\n  hint: refer only to an anchor (&name) defined elsewhere"]


def test_self_merging_mapping() -> None:
    assert problems("z: &z\n  <<: *z\n") == [
        "s.yaml:2:3: z: '<<' merges the mapping that holds it, so its value would never end\n"
        "  hint: merge only an anchor (&name) defined elsewhere"]


def test_500_nested_brackets() -> None:
    found = problems("x: " + "[" * 500 + "]" * 500 + "\n")
    assert found[0].startswith(f"s.yaml:1:{3 + MAX_DEPTH}: nested too deeply: more than "
                               f"{MAX_DEPTH} lists or mappings")


def test_depth_through_aliases_is_bounded_too() -> None:
    deep = "[" * 40 + "1" + "]" * 40
    text = f"a: &a {deep}\nb: &b {'[' * 30}*a{']' * 30}\n"
    assert "nested too deeply" in problems(text)[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("name: a\x07b\n", "s.yaml:1:8: invalid YAML: control character U+0007 is not allowed in a "
                       "YAML file\n  hint: remove it; inside double quotes it can be written as "
                       "an escape such as \\x07"),
    ("a: 1\nname: x\x7f\n", "s.yaml:2:8: invalid YAML: control character U+007F is not allowed "
                            "in a YAML file\n  hint: remove it; inside double quotes it can be "
                            "written as an escape such as \\x7f"),
])
def test_control_characters(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_merge_key_then_override_is_not_a_duplicate() -> None:
    text = "base: &base {a: 1, b: 2}\nx:\n  <<: *base\n  b: 3\ny: {<<: [{a: 9}, *base]}\n"
    data = parse_yaml(text, "s.yaml").data
    assert data["x"] == {"a": 1, "b": 3} and list(data["x"]) == ["a", "b"]
    assert data["y"] == {"a": 9, "b": 2}  # the first mapping merged wins


def test_a_key_written_twice_is_still_a_duplicate_beside_a_merge() -> None:
    text = "base: &base {a: 1}\nx:\n  <<: *base\n  b: 3\n  b: 4\n"
    assert problems(text) == ["s.yaml:5:3: x.b: duplicate key; it was already given on line 4\n"
                              "  hint: keep one of the two"]


def test_binary_tag_is_unsupported() -> None:
    assert problems("name: !!binary aGVsbG8=\n")[0].startswith(
        "s.yaml:1:7: name: unsupported YAML tag '!!binary'")


def scenario(tmp_path: Path, old: str, new: str, name: str = "s.yaml") -> Path:
    text = (ROOT / "scenarios" / "iapt-25-percent.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_date_where_a_number_belongs(tmp_path: Path) -> None:
    path = scenario(tmp_path, "  waiting_list: ", "  waiting_list: 2019-04-01 #")
    code, err = validate(path)
    assert code == 1
    assert ": iapt.waiting_list: expected a number of at least 0 [persons], got '2019-04-01'" \
        in err
    assert err.startswith(f"{path}:")


def test_date_where_a_month_belongs_keeps_its_hint(tmp_path: Path) -> None:
    path = scenario(tmp_path, "start: 2019-04", "start: 2019-04-01")
    code, err = validate(path)
    assert code == 1 and "start: expected a month like 2019-04, got '2019-04-01'" in err
    assert "hint: write 2019-04 (months, not days)" in err


def test_remaining_files_are_still_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bomb.yaml"
    bad.write_text(bomb(), encoding="utf-8")
    nest = tmp_path / "nest.yaml"
    nest.write_text("x: " + "[" * 500 + "\n", encoding="utf-8")
    good = ROOT / "scenarios" / "iapt-25-percent.yaml"
    result = CliRunner().invoke(app, ["validate", str(bad), str(nest), str(good)])
    assert result.exit_code == 1
    assert f"{good}: ok" in result.stdout
    assert "2 of 3 file(s) have problems" in result.stderr


# --- bounded reads -------------------------------------------------------------------------


def test_fifo_is_refused_without_opening_it_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError) as caught:
        read_text(fifo)  # would block forever if it waited for a writer
    assert str(caught.value) == (f"{fifo}:1:1: is a named pipe (fifo), not a regular file\n"
                                 "  hint: stpmodel reads scenarios only from regular files")


@pytest.mark.parametrize(("path", "message"), [
    ("/dev/zero", "is a character device, not a regular file"),
    ("/dev/null", "is a character device, not a regular file"),
    ("/dev/urandom", "is a character device, not a regular file"),
])
def test_devices_are_refused(path: str, message: str) -> None:
    if not os.path.exists(path):
        pytest.skip(f"no {path}")
    code, err = validate(path)
    assert code == 1 and err.startswith(f"{path}:1:1: {message}\n")


def test_directory(tmp_path: Path) -> None:
    code, err = validate(tmp_path)
    assert code == 1 and err.startswith(f"{tmp_path}:1:1: is a directory, not a scenario file")


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    code, err = validate(big)
    assert code == 1
    assert err.startswith(f"{big}:1:1: is too large for a scenario file: more than 1 MiB")
    small = tmp_path / "small.yaml"
    small.write_text("a: 1\n", encoding="utf-8")
    assert read_text(small, limit=5) == "a: 1\n"
    with pytest.raises(ScenarioError, match="more than 4 bytes"):
        read_text(small, limit=4)


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: ok\ndescription: caf\xe9\n".encode("latin-1"))
    code, err = validate(path)
    assert code == 1
    assert err.startswith(f"{path}:2:17: not UTF-8 text (invalid continuation byte)\n"
                          "  hint: save the file as UTF-8")


def test_unreadable_file_exits_1_located(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file (root)")
        code, err = validate(path)
        assert code == 1 and err.startswith(f"{path}:1:1: cannot read: permission denied")
    finally:
        path.chmod(0o600)


def test_a_date_as_text_survives_pickling() -> None:
    import pickle

    value = parse_yaml("name: 2019-04-01\n", "s.yaml").data["name"]
    assert value == "2019-04-01" and value.year == 2019 and value.month == 4
    assert pickle.loads(pickle.dumps(value)) == "2019-04-01"  # as batch sends it back


def test_diff_refuses_a_fifo_as_a_saved_output(tmp_path: Path) -> None:
    fifo = tmp_path / "a.csv"
    os.mkfifo(fifo)
    result = CliRunner().invoke(app, ["diff", str(fifo), str(fifo)])  # would wait forever
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{fifo}: is not a regular file (a fifo or a device)")
