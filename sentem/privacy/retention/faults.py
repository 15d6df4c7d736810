"""Fault points for the crash tests: ``SENTEM_RETENTION_FAULT=<point>`` makes a sweep
process stop dead (SIGKILL to itself) right after that commit.

Points: ``after_archive_commit``, ``after_destroy_commit``, ``after_shred_commit``,
``after_archive_expiry_commit``, ``after_archive_key_shred_commit``,
``after_expiry_key_shred_commit``, ``after_outbox_key_shred_commit``,
``after_index_rotation_commit``, ``after_key_epochs_commit``. Unset in normal running; only tests set it.
"""
from __future__ import annotations

import os
import signal


def point(name: str) -> None:
    """Die here when the environment asks for it (a worker killed mid-sweep)."""
    if os.environ.get("SENTEM_RETENTION_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
