"""Fuzzing validate (issue 18): mutated shipped scenarios, from our own corpus generator and
from hypothesis, each checked as ``stpmodel validate`` checks it.

What must hold for every input: no exception other than ScenarioError (which the CLI turns
into exit 1; anything else is exit 3), every problem located ``file:line:col`` with line and
column at least 1, and peak memory well under 1 GB. ``make fuzz`` runs many more cases
(FUZZ_COUNT, FUZZ_EXAMPLES)."""

from __future__ import annotations

import copy
import os
import resource
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from stpmodel.cli import app
from stpmodel.errors import ScenarioError
from stpmodel.scenario import load_scenario

from .corpus import SHIPPED, _dump, _paths, _set, corpus

COUNT = int(os.environ.get("FUZZ_COUNT", "600"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
CLI_EVERY = 10  # one case in this many also goes through the CLI itself
MEMORY_LIMIT = 1024**3


def check(path: Path) -> str:
    """Validate ``path`` as the CLI does; return 'ok' or 'rejected'. Fails the test on any
    other outcome."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems, f"{path.name}: rejected without a problem"
        for problem in exc.problems:
            assert problem.file == str(path), f"{path.name}: {problem}"
            assert problem.line >= 1 and problem.col >= 1, f"{path.name}: {problem}"
            assert problem.message, f"{path.name}: {problem}"
            assert str(problem).startswith(f"{path}:{problem.line}:{problem.col}: ")
            assert "\x1b" not in str(problem) and "\x07" not in str(problem)
        return "rejected"
    return "ok"


def check_cli(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 1), f"{path.name}: exit {result.exit_code}: {result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 1:
        assert result.stderr.startswith(f"{path}:"), result.stderr


def test_corpus(tmp_path: Path) -> None:
    outcomes: dict[str, int] = {}
    mutations: set[str] = set()
    for i, (name, mutation, data) in enumerate(corpus(COUNT)):
        path = tmp_path / name
        path.write_bytes(data)
        outcome = check(path)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        mutations.add(mutation.split("+")[0])
        if i % CLI_EVERY == 0:
            check_cli(path)
        path.unlink()
    assert sum(outcomes.values()) == COUNT >= 500
    assert outcomes["rejected"] > COUNT // 2  # the mutations do break things
    assert len(mutations) >= 15  # every kind of mutation was tried
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MEMORY_LIMIT


# --- hypothesis ------------------------------------------------------------------------------

SOURCES = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in SHIPPED}
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.dates(),
    st.datetimes())
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=10), st.integers(), st.dates()), inner,
                    max_size=4)), max_leaves=12)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(SOURCES)))
    data = copy.deepcopy(SOURCES[name])
    paths = [p for p in _paths(data) if p]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths))
        try:
            _set(data, path, draw(VALUES))
        except (KeyError, IndexError, TypeError):  # an earlier change removed its parent
            pass
    return _dump(data)


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.function_scoped_fixture])


@FUZZ_SETTINGS
@given(text=mutated())
def test_hypothesis_values(tmp_path: Path, text: str) -> None:
    path = tmp_path / "h.yaml"
    path.write_text(text, encoding="utf-8")
    check(path)


@FUZZ_SETTINGS
@given(name=st.sampled_from(sorted(SOURCES)), at=st.floats(min_value=0, max_value=1),
       insert=st.text(min_size=1, max_size=8))
def test_hypothesis_text(tmp_path: Path, name: str, at: float, insert: str) -> None:
    text = (Path(SHIPPED[0]).parent / name).read_text(encoding="utf-8")
    cut = int(at * len(text))
    path = tmp_path / "t.yaml"
    path.write_text(text[:cut] + insert + text[cut:], encoding="utf-8", errors="surrogatepass")
    check(path)


# --- the reproducers of issue 18, through the CLI, all in one validate -----------------------

def _bomb() -> str:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    for prev, name in zip("abcdefg", "bcdefgh"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _shipped(name: str) -> str:
    return (SHIPPED[0].parent / name).read_text(encoding="utf-8")


def _under_footprint(index: int, line: str) -> str:
    """england-ltp.yaml with ``line`` added to its index-th footprint, after the name."""
    text = _shipped("england-ltp.yaml")
    at = -1
    for _ in range(index + 1):
        at = text.index("\n  - code: ", at + 1)
    end = text.index("\n", text.index("    name: ", at))
    return text[:end] + f"\n    {line}" + text[end:]


def _inpatient(key: str, value: str) -> str:
    """end-oaps.yaml with one inpatient key given another value."""
    text = _shipped("end-oaps.yaml")
    start = text.index(f"\n  {key}: ") + len(f"\n  {key}: ")
    return text[:start] + value + text[text.index("\n", start):]


REPRODUCERS: dict[str, Any] = {
    # item 5: keys a footprint does not honour
    "footprint-end-first": _under_footprint(0, "end: 2020-03"),
    "footprint-end-other": _under_footprint(7, "end: 2020-03"),
    "footprint-draws": _under_footprint(7, "draws: 5"),
    # item 6: nonsense numbers (a bed cut below occupancy is a run's: tests/test_beds.py)
    "admissions-1e15": _inpatient("admissions", "1e15"),
    "admissions-1e8": _inpatient("admissions", "1e8"),
    "arrivals-1e9-a-day": _inpatient("admissions", "4e11"),
    "oap-cost-1e308": _inpatient("oap_cost_per_day", "1e308"),
    # item 10: a legal-looking distribution that overflowed in run
    "lognormal-1e200": _inpatient("los_days", "{lognormal: [30, 1e200]}"),
    "alias-bomb": _bomb(),
    "control-character": "name: a\x07b\n",
    "date-for-a-number": (SHIPPED[0].parent / "iapt-25-percent.yaml").read_text(
        encoding="utf-8").replace("  waiting_list: ", "  waiting_list: 2019-04-01 #", 1),
    "nested-brackets": "x: " + "[" * 500 + "\n",
    "self-alias": "x: &a [*a]\n",
}


# where the reproducers of items 5, 6 and 10 are refused: the key as written
REFUSED_AT = {"footprint-end-first": "footprints[0].end", "footprint-end-other":
              "footprints[7].end", "footprint-draws": "footprints[7].draws",
              "admissions-1e15": "inpatient.admissions", "admissions-1e8": "inpatient.admissions",
              "arrivals-1e9-a-day": "inpatient.admissions",
              "oap-cost-1e308": "inpatient.oap_cost_per_day",
              "lognormal-1e200": "inpatient.los_days"}


def test_reproducers_are_located_and_the_rest_still_checked(tmp_path: Path) -> None:
    paths = []
    for name, text in REPRODUCERS.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        assert check(path) == "rejected"
        if name in REFUSED_AT:
            with pytest.raises(ScenarioError) as caught:
                load_scenario(path)
            assert [p.path for p in caught.value.problems] == [REFUSED_AT[name]]
    good = SHIPPED[0]
    result = CliRunner().invoke(app, ["validate", *map(str, paths), str(good)])
    assert result.exit_code == 1
    assert f"{good}: ok" in result.stdout
    assert f"{len(paths)} of {len(paths) + 1} file(s) have problems" in result.stderr
    for path in paths:
        assert f"{path}:" in result.stderr
    assert "internal error" not in result.stderr
