"""Benchmarks, run with `python -m bench` (`make bench`); performance.md holds the measurements."""
