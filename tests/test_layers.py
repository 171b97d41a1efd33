"""The layers that ``make lint`` enforces with import-linter ([tool.importlinter] in
pyproject.toml; docs/contributing.md): kernels import nothing from the package, services import
neither cli nor batch, nothing imports cli, and generic modules reach services only through
the registry. Each contract is shown failing once, on a copy of the package with one bad
import added."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stpmodel.services import SERVICES
from stpmodel.services.base import Service

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "stpmodel", out / "stpmodel",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", out / "pyproject.toml")
    return out


def test_the_package_keeps_every_layer(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("kernels/streams.py", "from .. import values", "stpmodel.kernels is not allowed to import"
                                                     " stpmodel.values"),
    ("services/crisis.py", "from .. import batch", "stpmodel.services is not allowed to import "
                                                   "stpmodel.batch"),
    ("results.py", "from . import cli", "stpmodel.results is not allowed to import stpmodel.cli"),
    ("output.py", "from .services import iapt", "stpmodel.output is not allowed to import "
                                                "stpmodel.services.iapt"),
])
def test_a_broken_layer_fails_lint(tree: Path, module: str, line: str, broken: str) -> None:
    path = tree / "stpmodel" / module
    text = path.read_text()
    try:
        path.write_text(text + f"\n{line}  # noqa\n")
        result = lint(tree)
    finally:
        path.write_text(text)
    assert result.returncode == 1
    assert broken in result.stdout


def test_every_service_module_is_in_the_registry() -> None:
    """A service that the registry does not list would never run: every Service a module (or a
    service's folder) in stpmodel/services/ declares is in SERVICES, and every one declares one."""
    folder = ROOT / "stpmodel" / "services"
    names = [p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "base")]
    names += [p.name for p in folder.iterdir() if (p / "__init__.py").exists()]
    assert "iapt" in names and "inpatient" in names
    for name in sorted(names):
        path = folder / name
        module = importlib.import_module(f"stpmodel.services.{name}")
        declared = [v for v in vars(module).values() if isinstance(v, Service)]
        assert declared, f"{path.name} declares no Service"
        assert all(s in SERVICES for s in declared), f"{path.name}: not in the registry"


@pytest.mark.parametrize(("rows", "kernel", "prefix"), [
    ("stpmodel.services.iapt.run:KERNEL_ROWS", "stpmodel.kernels.waiting_list", "O_"),
    ("stpmodel.services.inpatient.run:BED_ROWS", "stpmodel.kernels.beds", "B_"),
])
def test_kernel_rows_are_named_in_the_kernels_order(rows: str, kernel: str, prefix: str) -> None:
    """A service names its kernel's output rows without importing the kernel (so that validating
    a scenario does not load numba): the names must be the kernel's constants, in order."""
    module, name = rows.split(":")
    names = getattr(importlib.import_module(module), name)
    constants = sorted(((v, n) for n, v in vars(importlib.import_module(kernel)).items()
                        if n.startswith(prefix)))
    assert [v for v, _ in constants] == list(range(len(constants)))
    assert tuple(n[len(prefix):].lower() for _, n in constants) == names[:len(constants)]
    assert len(names) >= len(constants)


def test_the_registry_refuses_a_service_listed_after_what_sums_it():
    """A service with staff, people or costs listed after the workforce, reach or finance would
    drop out of their totals in silence; the registry's order check refuses it."""
    from stpmodel.services import check_order

    check_order(SERVICES)
    iapt, *rest = SERVICES
    with pytest.raises(AssertionError, match="listed after it"):
        check_order((*rest, iapt))
