"""Work split into tasks on a Dask cluster: a running scheduler's address (``tcp://host:8786``,
``--scheduler``), or ``local`` for a ``LocalCluster`` of worker processes on this machine. Dask
distributed is the ``cluster`` extra: ``pip install 'stpmodel[cluster]'``.

- :func:`dask_client`: a client, for a command that manages its own tasks (``batch
  --scheduler`` writes each scenario's output from the worker:
  :func:`stpmodel.batch.run_on_cluster`);
- :func:`cluster_map`: independent calls whose results come back in the order asked for, so
  that what is made of them is what a local run makes, byte for byte (``sensitivity`` and
  ``prioritise``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import StpmodelError


class ClusterError(StpmodelError):
    """The cluster cannot be used: Dask is not installed, or the scheduler cannot be reached."""


@contextmanager
def dask_client(scheduler: str, workers: int) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers``
    processes, one thread each, for ``local`` (closed after)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--scheduler needs Dask distributed: pip install "
                           "'stpmodel[cluster]'") from None
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--scheduler {scheduler}: cannot reach it: {exc}") from None
        with client:
            yield client
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
        futures = [client.submit(function, *args, pure=False) for args in calls]
        try:
            return [future.result() for future in futures]
        except BaseException:
            client.cancel(futures)
            raise
