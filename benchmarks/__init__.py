"""Benchmarks: `make bench` (see benchmarks/bench.py and docs/performance.md)."""
