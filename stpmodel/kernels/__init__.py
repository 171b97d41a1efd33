"""Pure numeric kernels: arrays in, arrays out, compiled with numba.

A kernel does no I/O, holds no Python objects, keeps no global state and imports nothing from
the rest of stpmodel (``make lint`` enforces this with import-linter). Each module is named for
what it simulates:

- :mod:`~stpmodel.kernels.waiting_list`: a referral waiting list and courses of treatment in
  daily steps (IAPT);
- :mod:`~stpmodel.kernels.beds`: a continuous-time loss system of beds, with out-of-area
  placements when every bed is full;
- :mod:`~stpmodel.kernels.streams`: the xoshiro256++ random streams the bed kernel draws
  from.
"""
