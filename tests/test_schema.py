"""`stpmodel schema` against every shipped scenario, with the jsonschema library (as an editor
would check a file), and against files it must refuse."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from stpmodel.cli import app

from .conftest import MINIMAL, SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def validator():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, data) -> list[str]:
    """Every error, with those inside an anyOf (such as a section or nothing)."""
    out: list[str] = []

    def add(error) -> None:
        out.append(f"{'.'.join(map(str, error.absolute_path))}: {error.message}")
        for inner in error.context or ():
            add(inner)

    for error in validator.iter_errors(data):
        add(error)
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_is_valid_under_the_schema(validator, path):
    assert errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_the_shipped_scenarios_include_one_for_several_footprints():
    assert any("footprints" in yaml.safe_load(p.read_text(encoding="utf-8")) for p in SHIPPED)


def test_what_new_writes_is_valid_under_the_schema(validator, tmp_path):
    path = tmp_path / "new.yaml"
    assert CliRunner().invoke(app, ["new", "--footprint", "Devon", "-o", str(path)]).exit_code \
        == 0
    assert errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def _several() -> dict:
    data = yaml.safe_load(MINIMAL)
    del data["footprint"]
    population = data.pop("population")
    data["footprints"] = [{"code": "E54000017", "name": "One", "population": population},
                          {"code": "E54000037", "name": "Two", "population": population}]
    return data


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.pop("population"), "population"),  # one footprint: required
    (lambda d: d.pop("footprint"), "footprint"),
    (lambda d: d["iapt"].pop("referrals"), "referrals"),
    (lambda d: d["iapt"].update(acess=0.25), "acess"),  # a typo
    (lambda d: d["iapt"].update(access="high"), "access"),
    (lambda d: d.update(footprints=[{"code": "E54000017", "name": "x"}]), "footprint"),
])
def test_the_schema_still_refuses_a_bad_file_for_one_footprint(validator, change, where):
    data = yaml.safe_load(MINIMAL)
    assert errors(validator, data) == []
    change(data)
    found = errors(validator, data)
    assert found and any(where in e for e in found), found


def test_a_file_for_several_footprints_may_leave_keys_to_each_footprint(validator):
    data = _several()
    del data["iapt"]["referrals"]  # given by each footprint instead
    for entry in data["footprints"]:
        entry["iapt"] = {"referrals": 50000}
    assert errors(validator, data) == []


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["footprints"][0].pop("code"), "code"),
    (lambda d: d["footprints"][0].update(seed=3), "seed"),  # one value for the whole run
    (lambda d: d["footprints"][1].update(code="E123"), "E123"),
    (lambda d: d["footprints"][0].update(iapt={"access": "high"}), "high"),
    (lambda d: d.update(footprints=[]), "footprints"),
])
def test_the_schema_refuses_a_bad_entry_under_footprints(validator, change, where):
    data = _several()
    assert errors(validator, data) == []
    change(data)
    found = errors(validator, data)
    assert found and any(where in e for e in found), found
