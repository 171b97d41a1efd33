"""stpmodel: scenario modeller for mental health transformation in England's STP/ICS footprints.

Data flows one way::

    YAML → source (values with line numbers) → scenario (validated) → timeline (monthly grid)
         → inputs (arrays[draw, footprint, month]) → kernel (numba) → results (tidy polars)
         → output (table | csv | parquet | json)

The public entry points are :func:`stpmodel.scenario.load_scenario` and
:func:`stpmodel.model.run`.
"""

__version__ = "0.1.0"

# Before anything imports numba: a cache folder it can write when the package folder is
# read-only (an install owned by another user), so that run does not fail.
from .numbacache import configure as _configure_numba_cache  # noqa: E402

_configure_numba_cache()
