"""The command line. It parses arguments, calls the library, renders, and picks the exit code.

Exit codes: 0 ok · 1 found something (an invalid scenario, ...) · 2 usage error · 3 internal error
(a bug: please report it; ``--debug`` shows the traceback).

The app and its shared helpers live in :mod:`.app`; each command module registers its commands on
it when imported. Heavy modules (numba, polars) are imported inside the commands that need them,
so ``--help``, ``validate`` and ``schema`` start quickly.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import signal
import sys
from typing import Any

import typer

from ..errors import StpmodelError

# Each command module registers its commands on the app when imported, in --help order.
from . import core  # noqa: F401

# isort: split
from . import batch, compare, data  # noqa: F401

# isort: split
from . import analysis, prioritise, report  # noqa: F401
from .app import EXIT_BUG, EXIT_FOUND, EXIT_OK, EXIT_USAGE, _state, app

__all__ = ["EXIT_BUG", "EXIT_FOUND", "EXIT_OK", "EXIT_USAGE", "app", "main"]


class Terminated(BaseException):  # noqa: N818 (a signal, like KeyboardInterrupt)
    """SIGTERM, raised in the main thread so that it unwinds (and cleans up) as Ctrl-C does.
    Not a KeyboardInterrupt, which typer turns into exit 130 on its own."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated


def _remove_pending() -> None:
    output = sys.modules.get("stpmodel.output")
    if output is not None:
        output.remove_pending()


class NumbaWithoutBlas(importlib.abc.MetaPathFinder):
    """Numba, loading its first kernel, imports ``numba.np.arraymath``, which imports
    ``scipy.linalg`` to learn whether ``np.dot`` can be compiled: about 0.1 s of CPU, an eighth
    of a warm run. No kernel does linear algebra, so in the command's own process that module
    is imported with ``scipy.linalg`` marked absent (numba then compiles no ``np.dot``; numba
    says so if one is ever asked for), and ``scipy.linalg`` imports as usual afterwards. Does
    nothing when ``scipy.linalg`` is already imported; removes itself after that one import."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "numba.np.arraymath":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        if "scipy.linalg" in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def without_blas(module: Any) -> None:
            sys.modules["scipy.linalg"] = None  # type: ignore[assignment]
            try:
                exec_module(module)
            finally:
                if "scipy.linalg" in sys.modules and sys.modules["scipy.linalg"] is None:
                    del sys.modules["scipy.linalg"]

        loader.exec_module = without_blas
        return spec


def main() -> None:
    """Console entry point: turns stray exceptions into exit code 3 with a short message.
    SIGINT and SIGTERM unwind like Ctrl-C: temporary files are removed, and the exit code is
    130 or 143 (128 + the signal's number). Once a command is done the process ends without
    the interpreter's teardown (see :func:`_exit_now`)."""
    # No command does linear algebra, so numpy's OpenBLAS need not start a thread per CPU when
    # numpy is imported (about 50 ms of a warm run on 2 cores, more with more cores)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.meta_path.insert(0, NumbaWithoutBlas())
    try:
        _main()
    except SystemExit as exc:
        _exit_now(exc)
    _exit_now(SystemExit(0))


def _exit_now(exc: SystemExit) -> None:
    """End the process with ``exc``'s exit code after flushing stdout and stderr, skipping the
    interpreter's teardown of numba's, LLVM's and polars' modules (about a quarter of a warm
    run's CPU time). Every file is written and renamed by then; where a flush fails (a closed
    pipe), or worker processes ran, the ordinary exit does it."""
    code = exc.code
    if code is not None and not isinstance(code, int):
        raise exc  # a message to print: the ordinary exit does that
    if {"concurrent.futures.process", "multiprocessing.resource_tracker"} & sys.modules.keys():
        raise exc  # worker processes ran (batch): their semaphores are released at teardown
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise exc from None
    os._exit(code or 0)


def _main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except StpmodelError as exc:  # a library error a command did not map: still not a bug
        typer.echo(str(exc), err=True)
        sys.exit(EXIT_FOUND)
    except Terminated:
        _remove_pending()
        typer.echo("terminated", err=True)
        sys.exit(128 + signal.SIGTERM)
    except KeyboardInterrupt:
        _remove_pending()
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if _state["debug"]:
            raise
        typer.echo(f"internal error (a bug in stpmodel): {type(exc).__name__}: {exc}\n"
                   "  rerun with --debug for the traceback, and please report it", err=True)
        sys.exit(EXIT_BUG)
