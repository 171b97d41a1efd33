"""Work split into tasks on a Dask cluster: a running scheduler's address (``tcp://host:8786``,
``--scheduler``), or ``local`` for a ``LocalCluster`` of worker processes on this machine. Dask
distributed is the ``cluster`` extra: ``pip install 'stpmodel[cluster]'``.

- :func:`dask_client`: a client, for a command that manages its own tasks (``batch
  --scheduler`` writes each scenario's output from the worker:
  :func:`stpmodel.batch.run_on_cluster`);
- :func:`cluster_map`: independent calls whose results come back in the order asked for, so
  that what is made of them is what a local run makes, byte for byte (``sensitivity`` and
  ``prioritise``);
- :func:`ordered_map`: the same on a client already open, a large argument sent ahead on its
  own (:class:`Own`), results handed back one at a time (``run --scheduler``: a block of draws
  of one kernel a task, :func:`stpmodel.model.run`).

While a client is open, :func:`dask_client` for the same scheduler gives that client again, so
that a caller making many calls (``stpmodel run`` runs a block of footprints at a time) starts
one local cluster, not one a call.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .errors import StpmodelError


class ClusterError(StpmodelError):
    """The cluster cannot be used: Dask is not installed, or the scheduler cannot be reached."""


_OPEN: dict[str, Any] = {}  # scheduler → the client open for it in this process


@contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers``
    processes (default: one per CPU), one thread each (numba's waiting passively), for
    ``local`` (closed after).
    Inside another ``dask_client`` for the same scheduler, that one's client (left open)."""
    if scheduler in _OPEN:
        yield _OPEN[scheduler]
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--scheduler needs Dask distributed: pip install "
                           "'stpmodel[cluster]'") from None
    cluster = None
    if scheduler == "local":
        # numba's OpenMP threads wait for work passively, so that a worker's threads, done
        # with a task, do not spin on the cores the other workers compute on (run
        # --scheduler local of england-ltp.yaml, 1,000 draws: 21.7 s, not 25.4-25.8 s)
        cluster = LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1),
                               threads_per_worker=1, processes=True,
                               dashboard_address=None,
                               env={"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY",
                                                                      "PASSIVE")})
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--scheduler {scheduler}: cannot reach it: {exc}") from None
        with client:
            _OPEN[scheduler] = client
            try:
                yield client
            finally:
                del _OPEN[scheduler]
    finally:
        if cluster is not None:
            cluster.close()


def cluster_map(function: Callable[..., Any], calls: Sequence[tuple[Any, ...]], scheduler: str,
                workers: int | None = None) -> list[Any]:
    """``[function(*args) for args in calls]``, each call a task on the cluster; a task's
    exception is raised here, the first in the order of ``calls``. ``workers``: the local
    cluster's processes (default: one per CPU, at most one per call)."""
    count = max(1, min(workers or os.cpu_count() or 1, len(calls)))
    with dask_client(scheduler, count) as client:
        return list(ordered_map(client, [(function, args) for args in calls]))


@dataclass(frozen=True)
class Own:
    """An argument of one task of :func:`ordered_map` that is large: sent to the cluster on its
    own, ahead of the task, rather than inside it (where Dask warns of a large task)."""

    value: Any


def ordered_map(client: Any, calls: Sequence[tuple[Callable[..., Any], tuple[Any, ...]]]
                ) -> Generator[Any, None, None]:
    """``function(*args)`` for each ``(function, args)`` of ``calls``, each a task on
    ``client``'s cluster, submitted at once; the results are yielded in the order of
    ``calls``, each as it is ready, and let go on the cluster once yielded. An argument wrapped
    in :class:`Own` is sent ahead to one worker, for its task alone. A task's exception is
    raised here (the first in the order of ``calls``), and the tasks not yet done are
    cancelled, as they are when the caller stops early."""
    sent: list[Any] = []

    def argument(a: Any) -> Any:
        if isinstance(a, Own):
            sent.append(client.scatter(a.value, hash=False))
            return sent[-1]
        return a

    futures = deque(client.submit(function, *map(argument, args), pure=False)
                    for function, args in calls)
    try:
        while futures:
            yield futures.popleft().result()
    finally:
        if futures:
            client.cancel(list(futures))
        if sent:
            client.cancel(sent)
