"""The orchestrator: scenario → timeline → each service's inputs → kernels → derived rows →
:class:`Projection`.

``run`` walks the service registry (:mod:`stpmodel.services`) in its order and names no
service. It is pure: it reads no files and writes none. The CLI, batch runs and the tests
share it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

import numpy as np

from .sampling import Sampler
from .scenario import Scenario
from .services import LAYOUT, N_ROWS, present
from .services.base import Context, Layout, Rows
from .timeline import Timeline


@dataclass(frozen=True)
class Projection:
    """The monthly results of one scenario: ``out[draw, footprint, row, month]``, with rows laid
    out as :data:`stpmodel.services.LAYOUT` says."""

    scenario: Scenario
    timeline: Timeline
    footprints: tuple[tuple[str, str], ...]  # (code, name)
    out: np.ndarray

    @property
    def services(self) -> tuple[str, ...]:
        return self.scenario.services

    @property
    def layout(self) -> Layout:
        return LAYOUT

    def row(self, name: str) -> np.ndarray:
        """[draw, footprint, month] of a row by its full name, such as ``iapt.entered``."""
        return self.out[:, :, LAYOUT[name]]


def blocks(n_draws: int, n_blocks: int = 20) -> list[slice]:
    """Draws in up to ``n_blocks`` contiguous blocks, so long runs can report progress."""
    size = max(1, -(-n_draws // n_blocks))
    return [slice(start, min(start + size, n_draws)) for start in range(0, n_draws, size)]


def _per_draw(field: Any) -> bool:
    return field.metadata.get("per_draw", True)  # type: ignore[no-any-return]


def _arrays(value: Any) -> list[np.ndarray]:
    """Every array in a kernel's stacked inputs that has the draws first (through dataclasses,
    tuples and lists; a dataclass field with
    :data:`stpmodel.services.base.NOT_PER_DRAW` metadata is not)."""
    if isinstance(value, np.ndarray):
        return [value]
    if is_dataclass(value) and not isinstance(value, type):
        return [a for f in fields(value) if _per_draw(f) for a in _arrays(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in _arrays(v)]
    return []


def same_every_draw(stacked: Any, n_draws: int) -> bool:
    """Whether a kernel's inputs are the same in every draw: every array in them has the draws
    first and equal rows (a stochastic kernel's per-draw seeds differ, so it never is). Then one
    draw's outputs are every draw's, and the kernel runs once."""
    arrays = _arrays(stacked)
    return n_draws > 1 and bool(arrays) and all(
        a.ndim >= 1 and a.shape[0] == n_draws and bool((a == a[:1]).all()) for a in arrays)


def draws_of(value: Any, block: slice) -> Any:
    """A kernel's inputs cut to a block of draws: every array in them that has the draws first
    (as :func:`_arrays` finds them) as [block]; the rest as they are."""
    if isinstance(value, np.ndarray):
        return value[block]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: draws_of(getattr(value, f.name), block)
                                 for f in fields(value) if f.init and _per_draw(f)})
    if isinstance(value, (tuple, list)):
        return type(value)(draws_of(v, block) for v in value)
    return value


def first_draw(value: Any) -> Any:
    """A kernel's inputs cut to their first draw (:func:`draws_of`)."""
    return draws_of(value, slice(0, 1))


def run(scenario: Scenario, sampler: Sampler | None = None,
        progress: Callable[[int], object] | None = None,
        buffer: np.ndarray | None = None, scheduler: str | None = None,
        workers: int | None = None) -> Projection:
    """Project ``scenario``, every footprint of it. ``sampler`` draws its uncertain values
    (default: from the scenario's seed and draws, central values when there is one draw).
    ``progress`` is told how many draws are done after each block. ``buffer``: float64 memory
    to hold the monthly results in (zeroed here; used when at least draws × footprints × rows ×
    months long), so that a caller running block after block reuses pages already mapped instead of
    having the system map and zero new ones each time; the projection's ``out`` is then a view
    of it, good until the buffer is used again. ``scheduler``: run the stochastic kernels as
    tasks on a Dask cluster (:mod:`stpmodel.cluster`: an address, or ``local`` for a local
    cluster of ``workers`` processes, default one per CPU), one a kernel and block of draws;
    each draw's rows are those of a run here, bit for bit (every draw has its own streams), so
    the projection is too. The inputs and the derived rows are made here either way."""
    members = scenario.members
    timeline = Timeline(scenario.start, scenario.end)
    if sampler is None:
        sampler = Sampler(int(scenario.seed), scenario.n_draws)
    services = present(scenario.sections)
    shape = (sampler.n_draws, len(members), N_ROWS, timeline.n_months)
    size = int(np.prod(shape))
    if buffer is None or buffer.size < size:
        out = np.zeros(shape)
    else:
        out = buffer[:size].reshape(shape)
        out.fill(0.0)

    # 1. inputs, per footprint, in registry order: the one stage that draws from the sampler
    contexts = [Context(member, timeline, sampler, int(scenario.seed), services)
                for member in members]
    for service in services:
        if service.inputs is not None:
            for ctx in contexts:
                ctx.inputs[service.name] = service.inputs(ctx.scenario.section(service.name),
                                                          ctx)

    # 2. kernels, over every footprint at once, a block of draws at a time
    # (with inputs the same in every draw, once, its rows copied to every draw)
    kernels: list[tuple[Any, Any, int]] = []
    for service in services:
        if service.simulate is not None and service.stack is not None:
            parts = [ctx.inputs[service.name] for ctx in contexts]
            first = LAYOUT.first[service.name]
            if all(same_every_draw(part, sampler.n_draws) for part in parts):
                # only the first draw is stacked and run
                out[:, :, first : first + service.kernel_rows] = service.simulate(
                    service.stack([first_draw(part) for part in parts]), timeline.days,
                    slice(0, 1))
            else:
                kernels.append((service, service.stack(parts), first))
    if scheduler is not None and kernels:  # or as tasks on a Dask cluster
        _simulate_on_cluster(kernels, timeline.days, out, scheduler, workers, progress)
    else:
        for block in blocks(sampler.n_draws):
            for service, stacked, first in kernels:
                if service.simulate_into is not None:  # in place: nothing allocated or copied
                    service.simulate_into(stacked, timeline.days, block, out[block], first)
                else:
                    out[block, :, first : first + service.kernel_rows] = service.simulate(
                        stacked, timeline.days, block)
            if progress is not None:
                progress(block.stop)

    # 3. derived rows, per footprint, in registry order
    for f, ctx in enumerate(contexts):
        view = out[:, f : f + 1]
        for service in services:
            if service.derive is not None:
                service.derive(Rows(view, LAYOUT, service), ctx.inputs.get(service.name), ctx)
    footprints = tuple((m.footprint.code, m.footprint.name) for m in members)
    return Projection(scenario, timeline, footprints, out)


def _simulate_on_cluster(kernels: list[tuple[Any, Any, int]], days: np.ndarray, out: np.ndarray,
                         scheduler: str, workers: int | None,
                         progress: Callable[[int], object] | None) -> None:
    """Step 2 of :func:`run` as tasks on a Dask cluster: each kernel's ``simulate`` over a block
    of draws a task, with its inputs cut to that block (:func:`draws_of`), so that each draw's
    inputs are sent once, whatever the workers; the blocks, enough of them to keep every worker
    busy (at least four a worker thread), are written into ``out`` in draw order, and
    ``progress`` told after each."""
    from contextlib import closing

    from .cluster import Own, dask_client, ordered_map

    n_draws = out.shape[0]
    with dask_client(scheduler, workers) as client:
        threads = sum(client.nthreads().values()) or 1
        chunks = blocks(n_draws, max(20, 4 * threads))
        calls = [(service.simulate, (Own(draws_of(stacked, block)), days,
                                     slice(0, block.stop - block.start)))
                 for block in chunks for service, stacked, _ in kernels]
        with closing(ordered_map(client, calls)) as results:
            for block in chunks:
                for service, _, first in kernels:
                    out[block, :, first : first + service.kernel_rows] = next(results)
                if progress is not None:
                    progress(block.stop)
