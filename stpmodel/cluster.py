"""Independent pieces of one command's work as tasks on a Dask cluster, their results
returned in the order asked for (so that what is made of them is what a local run makes, byte
for byte). ``batch --scheduler`` has its own loop (:func:`stpmodel.batch.run_on_cluster`), which
writes each scenario's output from the worker; this one brings the results back.

``scheduler`` is a running scheduler's address (``tcp://host:8786``), or ``local`` for a
``LocalCluster`` of worker processes on this machine. Dask distributed is the ``cluster``
extra: ``pip install 'stpmodel[cluster]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from .errors import StpmodelError


class ClusterError(StpmodelError):
    """The cluster cannot be used: Dask is not installed, or the scheduler cannot be reached."""


def cluster_map(function: Callable[..., Any], calls: Sequence[tuple[Any, ...]], scheduler: str,
                workers: int | None = None) -> list[Any]:
    """``[function(*args) for args in calls]``, each call a task on the cluster; a task's
    exception is raised here, the first in the order of ``calls``. ``workers``: the local
    cluster's processes (default: one per CPU, at most one per call)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--scheduler needs Dask distributed: pip install "
                           "'stpmodel[cluster]'") from None
    cluster = None
    if scheduler == "local":
        count = max(1, min(workers or os.cpu_count() or 1, len(calls)))
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--scheduler {scheduler}: cannot reach it: {exc}") from None
        with client:
            futures = [client.submit(function, *args, pure=False) for args in calls]
            try:
                return [future.result() for future in futures]
            except BaseException:
                client.cancel(futures)
                raise
    finally:
        if cluster is not None:
            cluster.close()
