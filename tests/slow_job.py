"""A job for fault tests: it starts, says so, and runs until the test tells it to finish.

Runs on a real worker (``flask worker`` imports it by name from the project root), so
a test can take Redis away while a job is under way.
"""
from __future__ import annotations

import time
from pathlib import Path


def hold(folder: str) -> str:
    """Write ``started`` in ``folder``, then return once ``finish`` appears there (at most 120 s)."""
    Path(folder, "started").touch()
    deadline = time.monotonic() + 120
    while not Path(folder, "finish").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return "finished"
