"""The Erlang loss formula and its inverse: pure numpy, arrays in and arrays out.

With *c* beds and an offered load *a* = admissions a day × mean length of stay [beds], the long-
run share of admissions that find every bed full (and so are placed out of area, with no
repatriation) is Erlang B(a, c), for any distribution of stays. It follows the recursion
B(a, 0) = 1, B(a, c) = a B(a, c−1) ÷ (c + a B(a, c−1)), which is stable for any size.
"""

from __future__ import annotations

import numpy as np

MAX_BEDS = 100_000  # the most beds a search goes to (the range of inpatient.beds)


def erlang_b(load: np.ndarray | float, beds: int) -> np.ndarray:
    """B(a, c): the share of admissions that find all ``beds`` full [fraction, shape of load]."""
    a = np.asarray(load, dtype=np.float64)
    b = np.ones_like(a)
    for c in range(1, int(beds) + 1):
        b = a * b / (c + a * b)
    return b


def beds_for_share(load: np.ndarray | float, share: float) -> np.ndarray:
    """The fewest beds c with B(a, c) ≤ ``share`` for each load [beds, shape of load]. A share
    of 0 can never be met with a positive load; it is refused."""
    if not 0.0 < share < 1.0:
        raise ValueError(f"share must be between 0 and 1, exclusive; got {share}")
    a = np.asarray(load, dtype=np.float64)
    b = np.ones_like(a)
    beds = np.where(a > 0, -1, 0).astype(np.int64)  # no load needs no beds
    c = 0
    while (beds < 0).any():
        c += 1
        if c > MAX_BEDS:
            raise ValueError(f"more than {MAX_BEDS:,} beds would be needed")
        b = a * b / (c + a * b)
        beds = np.where((beds < 0) & (b <= share), c, beds)
    return beds
