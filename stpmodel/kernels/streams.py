"""Random streams for the kernels: a Mersenne Twister (MT19937) that each (draw, footprint) owns.

The draws are bit for bit those of numba's ``np.random`` after ``np.random.seed(seed)`` (and so
of NumPy's legacy ``np.random.RandomState(seed)`` for the exponential, the lognormal and the
gamma of shape 1): the same seeding (Knuth's initialisation of the reference implementation),
the same 53-bit doubles, and the same algorithms for each distribution (CPython's
``random.gammavariate``, and the polar method for normals, keeping the second of each pair).
It is faster because its state is a local array and its position a local integer, with no
thread-local state to find and no index to store at each draw.

A stream is ``(mt, pos)``: ``mt = new_stream(seed)`` is the state [uint32, 624] and ``pos`` the
index of its next word, N = 624 after seeding. Every draw takes ``pos`` and returns the new one,
so that it stays in a register: ``x, pos = gamma(mt, pos, shape, scale)``. Normals come in pairs;
the spare is kept in ``gauss`` [has one (0 or 1), value], float64.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

N = 624
M = 397
LAST = N - 2  # the last position from which both words of a double are ready
_UPPER = np.uint32(0x80000000)
_LOWER = np.uint32(0x7FFFFFFF)
_MATRIX_A = np.uint32(0x9908B0DF)


@njit(cache=True)
def new_stream(seed):  # pragma: no cover - compiled
    """The state of the stream seeded with the 32-bit ``seed`` [uint32, N]; start at pos = N."""
    mt = np.empty(N, dtype=np.uint32)
    s = np.uint32(seed)
    for i in range(N):
        mt[i] = s
        s = np.uint32(np.uint32(1812433253) * (s ^ (s >> np.uint32(30))) + np.uint32(i + 1))
    return mt


@njit(cache=True)
def _twist(mt):  # pragma: no cover - compiled
    """The next 624 words, in place (the reference generator's block step)."""
    one = np.uint32(1)
    for i in range(N - M):
        y = (mt[i] & _UPPER) | (mt[i + 1] & _LOWER)
        mt[i] = mt[i + M] ^ (y >> one) ^ ((y & one) * _MATRIX_A)
    for i in range(N - M, N - 1):
        y = (mt[i] & _UPPER) | (mt[i + 1] & _LOWER)
        mt[i] = mt[i + M - N] ^ (y >> one) ^ ((y & one) * _MATRIX_A)
    y = (mt[N - 1] & _UPPER) | (mt[0] & _LOWER)
    mt[N - 1] = mt[M - 1] ^ (y >> one) ^ ((y & one) * _MATRIX_A)


@njit(cache=True, inline="always")
def _temper(y):  # pragma: no cover - compiled
    y ^= y >> np.uint32(11)
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    y ^= y >> np.uint32(18)
    return y


@njit(cache=True, inline="always")
def double(first, second):  # pragma: no cover - compiled
    """The double in [0, 1) that two consecutive untempered words make (53 random bits)."""
    a = _temper(first) >> np.uint32(5)
    b = _temper(second) >> np.uint32(6)
    return (a * 67108864.0 + b) / 9007199254740992.0


@njit(cache=True)
def uniform(mt, pos):  # pragma: no cover - compiled
    """A double in [0, 1), and the new position. Hot loops inline the common case themselves
    (an array passed to an inlined function costs a reference count each call)::

        if pos > LAST:
            u, pos = streams.uniform(mt, pos)
        else:
            u = streams.double(mt[pos], mt[pos + 1])
            pos += 2
    """
    if pos <= LAST:
        return double(mt[pos], mt[pos + 1]), pos + 2
    if pos >= N:
        _twist(mt)
        pos = 0
    first = mt[pos]
    pos += 1
    if pos >= N:
        _twist(mt)
        pos = 0
    return double(first, mt[pos]), pos + 1


@njit(cache=True)
def gamma(mt, pos, shape, scale):  # pragma: no cover - compiled
    """A gamma draw (shape, scale), and the new position: CPython's ``random.gammavariate``."""
    if shape <= 0.0 or scale <= 0.0:
        raise ValueError("gammavariate: alpha and beta must be > 0.0")
    if shape > 1.0:  # R.C.H. Cheng (1977), Applied Statistics 26(1), 71-74
        sg_magicconst = 1.0 + math.log(4.5)
        ainv = math.sqrt(2.0 * shape - 1.0)
        bbb = shape - math.log(4.0)
        ccc = shape + ainv
        while True:
            u1, pos = uniform(mt, pos)
            if not 1e-7 < u1 < 0.9999999:
                continue
            u2, pos = uniform(mt, pos)
            u2 = 1.0 - u2
            v = math.log(u1 / (1.0 - u1)) / ainv
            x = shape * math.exp(v)
            z = u1 * u1 * u2
            r = bbb + ccc * v - x
            if r + sg_magicconst - 4.5 * z >= 0.0 or r >= math.log(z):
                return x * scale, pos
    if shape == 1.0:
        u, pos = uniform(mt, pos)
        return -math.log(1.0 - u) * scale, pos
    while True:  # 0 < shape < 1: algorithm GS, Kennedy & Gentle, Statistical Computing
        u, pos = uniform(mt, pos)
        b = (math.e + shape) / math.e
        p = b * u
        if p <= 1.0:
            x = p ** (1.0 / shape)
        else:
            x = -math.log((b - p) / shape)
        u1, pos = uniform(mt, pos)
        if p > 1.0:
            if u1 <= x ** (shape - 1.0):
                break
        elif u1 <= math.exp(-x):
            break
    return x * scale, pos


@njit(cache=True)
def normal(mt, pos, gauss, mean, sigma):  # pragma: no cover - compiled
    """A normal draw, and the new position. The polar method makes two at a time: the second is
    returned and the first kept in ``gauss`` ([has one, value], float64) for the next call."""
    if gauss[0] != 0.0:
        gauss[0] = 0.0
        g = gauss[1]
    else:
        while True:
            x1, pos = uniform(mt, pos)
            x2, pos = uniform(mt, pos)
            x1 = 2.0 * x1 - 1.0
            x2 = 2.0 * x2 - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 < 1.0 and r2 != 0.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        gauss[0] = 1.0
        gauss[1] = f * x1
        g = f * x2
    return mean + sigma * g, pos


@njit(cache=True)
def lognormal(mt, pos, gauss, mu, sigma):  # pragma: no cover - compiled
    """exp(normal(mu, sigma)), and the new position."""
    x, pos = normal(mt, pos, gauss, mu, sigma)
    return math.exp(x), pos
