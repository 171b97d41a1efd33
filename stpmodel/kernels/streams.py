"""Random streams for the kernels: a xoshiro256++ generator that each (draw, footprint) owns.

xoshiro256++ (Blackman & Vigna, 2019) has 256 bits of state and a period of 2^256 − 1; a step is
a few shifts, rotations and xors, with no table to refill. A stream is seeded from a 32-bit seed
by SplitMix64, as the authors recommend. Its state is four uint64 words carried as a tuple, so
that it stays in registers: every draw takes the state and returns the new one with its value,
``x, st = exponential(st)``.

- ``uniform``: a double in [0, 1) from the top 53 bits of a word.
- ``exponential``: the ziggurat of Marsaglia & Tsang (2000) with 256 layers and 53-bit words, as
  NumPy's ``Generator.standard_exponential`` does it; 98.9% of draws take one word, a table look
  up, a multiply and a compare, with no logarithm.
- ``gamma``: CPython's ``random.gammavariate`` on ``uniform`` (shape 1 is the exponential).
- ``normal``: the polar method, two at a time, keeping the second in ``gauss`` ([has one (0 or
  1), value], float64); ``lognormal`` is its exp.

tests/test_oracle.py draws the same numbers from a plain Python version of the same algorithms.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_U11 = np.uint64(11)
_U3 = np.uint64(3)
_U8 = np.uint64(8)
_MASK8 = np.uint64(0xFF)
_TWO_M53 = 1.0 / 9007199254740992.0  # 2^-53
ZIGGURAT_R = 7.69711747013104972  # where the ziggurat's tail starts
ZIGGURAT_V = 3.949659822581572e-3  # the area of each layer


def exponential_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The exponential ziggurat's tables for 53-bit words (Marsaglia & Tsang's ``zigset``):
    ``ke[i]`` [int64], the words below which layer i's draw is accepted at once; ``we[i]``, a
    word's value in layer i; ``fe[i]``, exp(−x_i) at layer i's right edge."""
    m2 = 2.0 ** 53
    ke = np.zeros(256, dtype=np.int64)
    we = np.zeros(256)
    fe = np.zeros(256)
    de = ZIGGURAT_R
    q = ZIGGURAT_V / math.exp(-de)
    ke[0] = int((de / q) * m2)
    ke[1] = 0
    we[0] = q / m2
    we[255] = de / m2
    fe[0] = 1.0
    fe[255] = math.exp(-de)
    previous = de
    for i in range(254, 0, -1):
        de = -math.log(ZIGGURAT_V / de + math.exp(-de))
        ke[i + 1] = int((de / previous) * m2)
        previous = de
        fe[i] = math.exp(-de)
        we[i] = de / m2
    return ke, we, fe


KE, WE, FE = exponential_tables()


@njit(cache=True, inline="always")
def _rotl(x, k):  # pragma: no cover - compiled
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def _splitmix(x):  # pragma: no cover - compiled
    """SplitMix64: the next state and its output."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x, z ^ (z >> np.uint64(31))


@njit(cache=True)
def new_stream(seed):  # pragma: no cover - compiled
    """The state of the stream seeded with the 32-bit ``seed``: four uint64 words."""
    x = np.uint64(np.uint32(seed))
    x, s0 = _splitmix(x)
    x, s1 = _splitmix(x)
    x, s2 = _splitmix(x)
    x, s3 = _splitmix(x)
    return (s0, s1, s2, s3)


@njit(cache=True, inline="always")
def next_word(st):  # pragma: no cover - compiled
    """A 64-bit word [uint64], and the new state: xoshiro256++."""
    s0, s1, s2, s3 = st
    result = _rotl(s0 + s3, 23) + s0
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return result, (s0, s1, s2, s3)


@njit(cache=True, inline="always")
def uniform(st):  # pragma: no cover - compiled
    """A double in [0, 1) (53 random bits), and the new state."""
    word, st = next_word(st)
    return np.int64(word >> _U11) * _TWO_M53, st


@njit(cache=True)
def _exponential_unlikely(st, layer, x):  # pragma: no cover - compiled
    """The ziggurat's rare cases (1.1%): the tail beyond R, or a wedge, else a fresh draw."""
    while True:
        if layer == 0:
            u, st = uniform(st)
            return ZIGGURAT_R - math.log1p(-u), st
        u, st = uniform(st)
        if (FE[layer - 1] - FE[layer]) * u + FE[layer] < math.exp(-x):
            return x, st
        word, st = next_word(st)
        word >>= _U3
        layer = np.int64(word & _MASK8)
        ri = np.int64(word >> _U8)
        x = ri * WE[layer]
        if ri < KE[layer]:
            return x, st


@njit(cache=True, inline="always")
def exponential(st):  # pragma: no cover - compiled
    """A standard exponential (mean 1), and the new state: the ziggurat."""
    word, st = next_word(st)
    word >>= _U3
    layer = np.int64(word & _MASK8)
    ri = np.int64(word >> _U8)
    x = ri * WE[layer]
    if ri < KE[layer]:
        return x, st
    return _exponential_unlikely(st, layer, x)


@njit(cache=True)
def gamma(st, shape, scale):  # pragma: no cover - compiled
    """A gamma draw (shape, scale), and the new state: CPython's ``random.gammavariate``, with
    the ziggurat for shape 1."""
    if shape <= 0.0 or scale <= 0.0:
        raise ValueError("gammavariate: alpha and beta must be > 0.0")
    if shape > 1.0:  # R.C.H. Cheng (1977), Applied Statistics 26(1), 71-74
        sg_magicconst = 1.0 + math.log(4.5)
        ainv = math.sqrt(2.0 * shape - 1.0)
        bbb = shape - math.log(4.0)
        ccc = shape + ainv
        while True:
            u1, st = uniform(st)
            if not 1e-7 < u1 < 0.9999999:
                continue
            u2, st = uniform(st)
            u2 = 1.0 - u2
            v = math.log(u1 / (1.0 - u1)) / ainv
            x = shape * math.exp(v)
            z = u1 * u1 * u2
            r = bbb + ccc * v - x
            if r + sg_magicconst - 4.5 * z >= 0.0 or r >= math.log(z):
                return x * scale, st
    if shape == 1.0:
        e, st = exponential(st)
        return e * scale, st
    while True:  # 0 < shape < 1: algorithm GS, Kennedy & Gentle, Statistical Computing
        u, st = uniform(st)
        b = (math.e + shape) / math.e
        p = b * u
        if p <= 1.0:
            x = p ** (1.0 / shape)
        else:
            x = -math.log((b - p) / shape)
        u1, st = uniform(st)
        if p > 1.0:
            if u1 <= x ** (shape - 1.0):
                break
        elif u1 <= math.exp(-x):
            break
    return x * scale, st


@njit(cache=True)
def normal(st, gauss, mean, sigma):  # pragma: no cover - compiled
    """A normal draw, and the new state. The polar method makes two at a time: the second is
    returned and the first kept in ``gauss`` ([has one, value], float64) for the next call."""
    if gauss[0] != 0.0:
        gauss[0] = 0.0
        g = gauss[1]
    else:
        while True:
            x1, st = uniform(st)
            x2, st = uniform(st)
            x1 = 2.0 * x1 - 1.0
            x2 = 2.0 * x2 - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 < 1.0 and r2 != 0.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        gauss[0] = 1.0
        gauss[1] = f * x1
        g = f * x2
    return mean + sigma * g, st


@njit(cache=True)
def lognormal(st, gauss, mu, sigma):  # pragma: no cover - compiled
    """exp(normal(mu, sigma)), and the new state."""
    x, st = normal(st, gauss, mu, sigma)
    return math.exp(x), st
