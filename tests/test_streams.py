"""The bed kernel's random streams (stpmodel/kernels/streams.py): the generator against its
authors' reference output, every draw against the plain Python version in tests/test_oracle.py,
the ziggurat's tables against their construction, and each distribution against its closed
form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit

from stpmodel.kernels import streams

from .test_oracle import Xoshiro


@njit
def _words(st, n):
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i], st = streams.next_word(st)
    return out


@njit
def _draws(seed, n, kind, shape):
    st = streams.new_stream(seed)
    gauss = np.zeros(2)
    out = np.empty(n)
    for i in range(n):
        if kind == 0:
            out[i], st = streams.uniform(st)
        elif kind == 1:
            out[i], st = streams.exponential(st)
        elif kind == 2:
            out[i], st = streams.normal(st, gauss, 0.0, 1.0)
        else:
            out[i], st = streams.gamma(st, shape, 1.0)
    return out


def test_xoshiro256pp_reference_output():
    """From the state (1, 2, 3, 4), the output of Blackman & Vigna's reference C code (as the
    rand_xoshiro crate's test vector has it)."""
    expected = [41943041, 58720359, 3588806011781223, 3591011842654386, 9228616714210784205,
                9973669472204895162, 14011001112246962877, 12406186145184390807,
                15849039046786891736, 10450023813501588000]
    state = tuple(np.uint64(v) for v in (1, 2, 3, 4))
    assert [int(w) for w in _words(state, 10)] == expected
    python = Xoshiro(0)
    python.s = [1, 2, 3, 4]
    assert [python.word() for _ in range(10)] == expected


@pytest.mark.parametrize(("kind", "method"), [(0, "random"), (1, "exponential"), (2, "normal")])
def test_streams_draw_what_the_python_version_draws(kind, method):
    """20,000 draws from three seeds, bit for bit: so tests/test_oracle.py's reference follows
    the kernel's sample path."""
    for seed in (0, 1, 2**32 - 1):
        python = Xoshiro(seed)
        expected = [getattr(python, method)() for _ in range(20_000)]
        assert _draws(seed, 20_000, kind, 1.0).tolist() == expected


def test_ziggurat_tables():
    """Marsaglia & Tsang's construction: 255 layers and a base, each of area V under e^-x (the
    base's rectangle up to R plus the tail beyond it), the top one reaching e^0 = 1."""
    x = streams.WE * 2.0**53  # each layer's right edge
    assert x[255] == pytest.approx(streams.ZIGGURAT_R)
    assert np.all(np.diff(x[1:]) > 0) and np.all(np.diff(streams.FE) < 0)
    areas = x[1:] * (streams.FE[:-1] - streams.FE[1:])
    assert areas == pytest.approx(np.full(255, streams.ZIGGURAT_V), rel=1e-9)
    base = streams.ZIGGURAT_R * math.exp(-streams.ZIGGURAT_R) + math.exp(-streams.ZIGGURAT_R)
    assert base == pytest.approx(streams.ZIGGURAT_V, rel=1e-9)
    assert 1.0 < 256 * streams.ZIGGURAT_V < 1.02  # covers e^-x (area 1), 1.1% to spare


def _ks(sample: np.ndarray, cdf) -> float:
    """Kolmogorov-Smirnov distance of a sample from a CDF."""
    sample = np.sort(sample)
    n = len(sample)
    f = cdf(sample)
    return float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))


def test_exponential_is_exponential():
    """10^6 ziggurat draws: the KS distance from 1 − e^-x within its 0.1% critical value
    (1.95/√n), the mean 1 and the variance 1 within 4 standard errors, and the tail beyond R
    (drawn by its own branch) as often as e^-R says."""
    n = 1_000_000
    x = _draws(12345, n, 1, 1.0)
    assert _ks(x, lambda v: 1.0 - np.exp(-v)) < 1.95 / math.sqrt(n)
    assert abs(x.mean() - 1.0) < 4 * 1.0 / math.sqrt(n)
    assert abs(x.var() - 1.0) < 4 * math.sqrt(8.0 / n)  # var of (X-1)² is 8
    tail = float((x > streams.ZIGGURAT_R).sum())
    expected = n * math.exp(-streams.ZIGGURAT_R)
    assert abs(tail - expected) < 4 * math.sqrt(expected)


def test_uniform_and_normal():
    n = 1_000_000
    u = _draws(7, n, 0, 1.0)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert _ks(u, lambda v: v) < 1.95 / math.sqrt(n)
    z = _draws(8, n, 2, 1.0)
    erf = np.vectorize(math.erf)
    assert _ks(z[:200_000], lambda v: 0.5 * (1.0 + erf(v / math.sqrt(2.0)))) < 1.95 / math.sqrt(
        200_000)


@pytest.mark.parametrize("shape", [0.44, 1.0, 2.8])
def test_gamma_moments(shape):
    """Mean and variance of gamma(shape, 1) draws, shape below, at and above 1."""
    n = 400_000
    x = _draws(9, n, 3, shape)
    assert abs(x.mean() - shape) < 4 * math.sqrt(shape / n)
    assert x.var() == pytest.approx(shape, rel=0.03)


@pytest.mark.parametrize("seed", [0, 1, 20191103, 2**32 - 1, 2**32, 2**40 + 5, 2**70 + 3])
def test_stream_seeds_are_numpys_seed_sequence(seed):
    """The bed kernel's seeds, worked out for every draw at once, are SeedSequence's first
    word for (seed, stream, draw, crc32(code)), draw by draw: large seeds (several words)
    and every tag included."""
    import zlib

    from stpmodel.services.inpatient.run import STREAM_BEDS, stream_seeds

    codes = ["E54000024", "E54000024/pool 1", "", "x" * 40]
    got = stream_seeds(seed, STREAM_BEDS, 70, codes)
    assert got.dtype == np.uint32 and got.shape == (70, len(codes))
    for f, code in enumerate(codes):
        tag = zlib.crc32(code.encode())
        want = [np.random.SeedSequence([seed, STREAM_BEDS, d, tag]).generate_state(
            1, np.uint32)[0] for d in range(70)]
        assert got[:, f].tolist() == want
    assert len(set(got[:, 0].tolist())) == 70  # not all the same word
