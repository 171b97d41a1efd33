"""A Dask client for work split into tasks: on a local cluster of this machine's processes, or
on an existing cluster by its scheduler's address (``--scheduler``). Dask distributed is an
optional dependency (``pip install 'stpmodel[cluster]'``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import StpmodelError


class ClusterError(StpmodelError):
    """Dask is missing, or the scheduler cannot be reached."""


@contextmanager
def dask_client(scheduler: str, workers: int) -> Iterator[Any]:
    """A client of the cluster at ``scheduler`` (``tcp://host:8786``), or of a local cluster
    of ``workers`` processes, one thread each, for ``local``; the local cluster is closed
    after."""
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
