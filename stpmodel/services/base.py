"""What a service declares, and what it is given while a scenario runs.

A service is one module under ``stpmodel/services/`` that builds one :class:`Service`. The
registry (``stpmodel/services/__init__.py``) lists them in dependency order; ``model.run``,
results, output, batch and the docs learn everything they need from it. How to add one:
docs/contributing.md.

A run goes through three stages for each service, in registry order:

1. **inputs**, per footprint: the scenario section becomes arrays. This is the one stage that
   resolves trajectories and draws uncertain values through the sampler ([draw] or
   [draw, month]). It may read the inputs of services listed before it (``ctx.inputs``).
2. **simulate**, for kernel services, over every footprint at once and a block of draws at a
   time: the inputs of all footprints, joined by ``stack``, go to a numba kernel whose output
   rows are the service's first ``kernel_rows`` rows.
3. **derive**, per footprint: plain arithmetic on the service's inputs and on rows already
   written (its own kernel's, or those of services listed before it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..metrics import Metric
from ..prices import restatement
from ..standards import Standard

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..model import Projection
    from ..sampling import Sampler
    from ..scenario import Scenario
    from ..template import TemplateContext
    from ..timeline import By, Timeline

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Cost:
    """A row of spend [£/month] that counts, above its start-month rate, as investment.
    ``accrual``: ``day`` holds the start month's spend per day (so a 28-day month costs less);
    ``month`` holds the start month's spend."""

    row: str
    accrual: Literal["day", "month"] = "month"


@dataclass(frozen=True)
class Staff:
    """A staff group: rows of WTE required by the plan and WTE in post."""

    required: str
    in_post: str


@dataclass(frozen=True)
class Service:
    """One service: its scenario section, its stages, its rows, metrics and standards."""

    name: str  # the scenario key of its section, and the prefix of its rows
    title: str  # what the section holds, for the schema and the docs
    section: type[BaseModel] | None = None  # None: derived from other services (workforce)
    reads: tuple[str, ...] = ()  # services whose inputs or rows it uses; listed before it
    # the rows it writes, out[draw, footprint, row, month], per month; kernel rows first
    rows: tuple[str, ...] = ()
    kernel_rows: int = 0
    shared_rows: tuple[str, ...] = ()  # the same for every footprint: a total takes one
    metrics: tuple[Metric, ...] = ()
    standards: tuple[Standard, ...] = ()
    staff: tuple[Staff, ...] = ()  # summed over services by the workforce
    costs: tuple[Cost, ...] = ()  # summed over services as investment by finance
    # rows of savings [£/month], summed by finance: cash-releasing (spend that stops: OAP spend
    # avoided, beds or contracts closed) and capacity-releasing (activity freed: bed days,
    # attendances, admissions; valued at unit cost but not cash until capacity is closed)
    savings: tuple[str, ...] = ()
    capacity: tuple[str, ...] = ()
    # rows of people starting care [persons/month], summed into "people accessing services"
    reached: tuple[str, ...] = ()
    standalone: bool = False  # enough on its own to make a scenario
    same_for_every_footprint: tuple[str, ...] = ()  # keys footprints run side by side share
    # for a service without a section: present when any present service passes this test
    applies_with: Callable[[Service], bool] | None = None
    # a service that sums what others declare: every service passing this test comes before it
    after: Callable[[Service], bool] | None = None
    # stage functions (see the module docstring)
    inputs: Callable[[Any, Context], Any] | None = None
    stack: Callable[[list[Any]], Any] | None = None
    simulate: Callable[[Any, np.ndarray, slice], np.ndarray] | None = None
    # simulate, written straight into the run's out[block] at the service's first row
    # (zeros there before): (stacked, days, block, out[block], first); used when given
    simulate_into: Callable[[Any, np.ndarray, slice, np.ndarray, int], None] | None = None
    derive: Callable[[Rows, Any, Context], None] | None = None
    # extra names this section adds to Scenario.services (finance: budget, mhis)
    features: Callable[[Any], tuple[str, ...]] = field(default=lambda section: ())
    check: Callable[[Scenario], None] | None = None  # rules tying sections together
    template: Callable[[TemplateContext], None] | None = None  # its part of `stpmodel new`
    # its part of `stpmodel new` for an ICB (2025/26 to 2029/30, from the ICB baselines); a
    # service without one is left out of an ICB's scenario, which says so
    icb_template: Callable[[TemplateContext], None] | None = None
    # generated parts of the docs: (file in docs/, marker name, generator of the Markdown)
    docs: tuple[tuple[str, str, Callable[[], str]], ...] = ()
    notes: Callable[[Projection, By], list[str]] | None = None  # sentences on footprints
    total_notes: Callable[[Projection], list[str]] | None = None  # on the run's total

    def row(self, name: str) -> str:
        """The full name of a row: ``beds_open`` → ``inpatient.beds_open``; a name that already
        has a service in front is kept."""
        return name if "." in name else f"{self.name}.{name}"


class Layout:
    """Where each row lives in a projection's monthly array."""

    def __init__(self, services: Sequence[Service]):
        names = [s.row(r) for s in services for r in s.rows]
        if len(set(names)) != len(names):
            raise AssertionError(f"two services declare the same row: {names}")
        self.index: dict[str, int] = {name: i for i, name in enumerate(names)}
        self.first: dict[str, int] = {s.name: self.index[s.row(s.rows[0])]
                                      for s in services if s.rows}
        self.shared = tuple(self.index[s.row(r)] for s in services for r in s.shared_rows)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, name: str) -> int:
        return self.index[name]


class Rows:
    """One footprint's rows as [draw, month] arrays, by name: a service's own rows by their short
    name (``rows["cost"]``), another's by its full name (``rows["iapt.cost"]``)."""

    def __init__(self, out: np.ndarray, layout: Layout, service: Service):
        self._out = out  # [draw, 1, row, month], a view
        self._layout = layout
        self._service = service

    def __getitem__(self, name: str) -> np.ndarray:
        return self._out[:, 0, self._layout[self._service.row(name)]]

    def __setitem__(self, name: str, value: np.ndarray | float) -> None:
        self._out[:, 0, self._layout[self._service.row(name)]] = value


@dataclass
class Context:
    """What a service is given for one footprint: the footprint's whole scenario, the monthly
    grid, the sampler, and the inputs of the services built before it."""

    scenario: Scenario  # this footprint's
    timeline: Timeline
    sampler: Sampler
    seed: int  # the run's master seed
    present: tuple[Service, ...]  # the services this scenario models, in registry order
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def months(self) -> np.ndarray:
        return self.timeline.months

    @property
    def n_draws(self) -> int:
        return self.sampler.n_draws

    def value(self, path: str, value: Any) -> np.ndarray:
        """Draws of one value [draw]; money restated at the scenario's price base."""
        return self._restated(path, self.sampler.value(path, value))

    def series(self, path: str, trajectory: Any) -> np.ndarray:
        """Draws of a trajectory on the run's months [draw, month]; money restated at the
        scenario's price base."""
        return self._restated(path, self.sampler.series(path, trajectory, self.timeline.months))

    def _restated(self, path: str, draws: np.ndarray) -> np.ndarray:
        factor = restatement(self.scenario, path)
        return draws if factor == 1.0 else draws * factor

    @cached_property
    def population_index(self) -> np.ndarray:
        """Population each month relative to the start month [ratio, draw × month]."""
        growth = self.series("population.growth", self.scenario.population.growth)
        return adults_by_month(1.0, growth)


def adults_by_month(adults: np.ndarray | float, growth: np.ndarray) -> np.ndarray:
    """Adult population each month [persons, [..., month]]: ``adults`` in the first month, then
    compounding monthly at the annual ``growth[..., month]`` [fraction/year]: × (1 + g)^(1/12)."""
    factors = np.power(1.0 + np.asarray(growth, dtype=np.float64), 1.0 / 12.0)
    factors[..., 0] = 1.0
    return np.asarray(adults)[..., None] * np.cumprod(factors, axis=-1)


def stack(parts: list[np.ndarray]) -> np.ndarray:
    """Join per-footprint arrays [draw, 1, ...] along the footprint axis."""
    return np.ascontiguousarray(np.concatenate(parts, axis=1))


# A kernel input's dataclass field whose arrays do not have the draws first (such as the bed
# kernel's pools by footprint): stpmodel.model cuts every other field's arrays by draw.
NOT_PER_DRAW = {"per_draw": False}


@dataclass(frozen=True)
class WaitingListInputs:
    """The waiting-list kernel's inputs (stpmodel/kernels/waiting_list.py), as IAPT and EIP
    build them: series[draw, footprint, S_*, month]; scalars[draw, footprint, C_*]."""

    series: np.ndarray
    scalars: np.ndarray


def staff_with_leavers(series: np.ndarray, scalars: np.ndarray, staff: Any, path: str,
                       ctx: Context) -> None:
    """With a leaver rate or a training lag in ``staff`` (a service's ``workforce``), work out
    the waiting-list kernel's staff in post before the run (:func:`stpmodel.staffing.in_post`,
    recruitment then counting starters, not net growth) and tell the kernel to take them;
    without either, the kernel grows staff by at most the recruitment limit, as before.
    ``series`` [draw, 1, S_*, month] and ``scalars`` [draw, 1, C_*] are filled in place."""
    from ..kernels import waiting_list as k
    from ..staffing import in_post

    series[:, 0, k.S_WTE_GIVEN] = 0.0
    scalars[:, 0, k.C_STAFF_GIVEN] = 0.0
    if staff.leaver_rate is None and staff.training_months is None:
        return
    s, c = series[:, 0], scalars[:, 0]
    # the WTE the plan needs each month, as the kernel works it out
    per_course = (s[:, k.S_COMPLETION] * c[:, k.C_SESSIONS_FINISHED, None]
                  + (1.0 - s[:, k.S_COMPLETION]) * c[:, k.C_SESSIONS_NOT_FINISHED, None])
    required = (s[:, k.S_ACCESS] * s[:, k.S_PREVALENCE] * s[:, k.S_ADULTS] * per_course
                / c[:, k.C_SESSIONS_PER_WTE, None])
    leavers = (np.zeros(ctx.n_draws) if staff.leaver_rate is None
               else ctx.value(f"{path}.leaver_rate", staff.leaver_rate))
    lag = 0 if staff.training_months is None else int(staff.training_months)
    series[:, 0, k.S_WTE_GIVEN] = in_post(required, c[:, k.C_WTE0],
                                          s[:, k.S_RECRUITMENT] * 12.0, leavers, lag)
    scalars[:, 0, k.C_STAFF_GIVEN] = 1.0


def stack_waiting_lists(parts: list[WaitingListInputs]) -> WaitingListInputs:
    return WaitingListInputs(stack([p.series for p in parts]), stack([p.scalars for p in parts]))


def simulate_waiting_list(inputs: WaitingListInputs, days: np.ndarray,
                          block: slice) -> np.ndarray:
    """One waiting list per footprint; returns [draw, footprint, O_*, month]."""
    from ..kernels import waiting_list as k  # numba: imported when a run needs it

    return k.project(days, inputs.series[block], inputs.scalars[block])
