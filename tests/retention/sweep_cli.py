"""The sweep as the CLI runs it, in a child process (a fault can kill it dead), and the
ledger's totals: shared by the fault tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from sqlalchemy import func, select

from sentem.extensions import db
from sentem.privacy.retention.models import DestructionLedger
from tests.worker_env import worker_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ledger_total(action: str) -> int:
    return db.session.execute(select(func.coalesce(func.sum(DestructionLedger.count), 0))
                              .where(DestructionLedger.action == action)).scalar()


def kill_at(app, as_of: str, fault: str) -> None:
    """``retention run --as-of`` killed (SIGKILL) right after the commit named ``fault``."""
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
    killed = _run_cli(app, "retention", "run", "--as-of", as_of, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    db.session.expire_all()


def run_ok(app, as_of: str) -> None:
    """``retention run --as-of`` to its end, successfully."""
    finished = _run_cli(app, "retention", "run", "--as-of", as_of)
    assert finished.returncode == 0, finished.stderr[-2000:] + finished.stdout[-2000:]
    db.session.expire_all()


def _run_cli(app, *args, fault=None):
    db.session.remove()  # hold no transaction (or lock) while the child sweeps
    env = worker_env(app)
    env.update({
        "SENTEM_REDIS_URL": "",
        "PYTHONPATH": ROOT,
        # The toy class lives in the tests: the child registers it through this hook module.
        "SENTEM_RETENTION_TEST_TOY": "1",
    })
    env.pop("SENTEM_RETENTION_FAULT", None)
    if fault:
        env["SENTEM_RETENTION_FAULT"] = fault
    code = ("import tests.retention.toy as t, sys; t.register_for_cli();"
            "from flask.cli import main; sys.argv=['flask','--app','wsgi']+sys.argv[1:]; main()")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
