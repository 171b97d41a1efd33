"""The docs stay true: generated sections are current, and example scenarios in them validate."""

from __future__ import annotations

import re

import pytest

from stpmodel import docgen
from stpmodel.scenario import parse_scenario

from .conftest import ROOT


def test_generated_docs_are_current():
    """Run ``make docs`` when this fails: the code changed and the docs did not."""
    assert docgen.check() == []


def example_scenarios():
    for path in sorted((ROOT / "docs").glob("**/*.md")):  # the services' pages too
        for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", path.read_text(), re.S)):
            if re.search(r"^name:", block, re.M) and re.search(r"^footprint:", block, re.M):
                name = path.relative_to(ROOT / "docs").as_posix()
                yield pytest.param(block, id=f"{name}-{n}")


@pytest.mark.parametrize("text", list(example_scenarios()))
def test_every_complete_example_scenario_in_the_docs_validates(text):
    parse_scenario(text, "example.yaml")


def test_there_is_at_least_one_complete_example():
    assert list(example_scenarios())
