"""Benchmarks: ``make bench`` (``python -m bench [name ...]``). Loopback only, bounded runs."""
