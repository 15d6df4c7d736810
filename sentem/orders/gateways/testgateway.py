"""The built-in test gateway: approves or declines at once, never touches money.

Only available when ``SENTEM_TEST_GATEWAY`` is true (the embedded default;
production configuration refuses it). It plays the PG's side honestly: its
ledger table is written on a separate connection and committed at once, like a
remote system that does not roll back with Sentem. ``test_outcome``:
``approve``, ``decline``, ``timeout`` (charged, but the answer is lost) and
``error`` (nothing charged, no answer). With the config flag
``SENTEM_TEST_GATEWAY_OUTAGE`` every call raises ``GatewayUnavailable`` (a PG outage).
"""
from __future__ import annotations

import functools
import secrets
from types import SimpleNamespace

from flask import current_app

from sqlalchemy import select, update

from ... import clock
from ...db_types import UTCDateTime, utcnow
from ...extensions import db, dialect_insert
from .base import GatewayResult, GatewayUnavailable

OUTCOMES = ("approve", "decline", "timeout", "error")


class TestGatewayCharge(db.Model):
    """The test gateway's own ledger (its 'remote' side)."""

    __test__ = False  # not a pytest class

    __tablename__ = "test_gateway_charges"

    id = db.Column(db.Integer, primary_key=True)
    attempt_key = db.Column(db.String(48), nullable=False, unique=True)
    ref = db.Column(db.String(100), nullable=False, unique=True)
    amount = db.Column(db.Integer, nullable=False)
    cancelled_amount = db.Column(db.Integer, nullable=False, default=0)
    status = db.Column(db.String(20), nullable=False)  # approved | declined | cancelled
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


@functools.cache
def _charge_insert(insert_for):
    # One per database kind, built once: every test checkout charges (the checkout bench's too).
    table = TestGatewayCharge.__table__
    return insert_for(table).on_conflict_do_nothing(index_elements=["attempt_key"]).returning(table.c.id)


class TestGateway:
    """Implements ``gateways.base.Gateway`` without any network."""

    __test__ = False  # not a pytest class
    name = "test"
    methods = ("test",)

    @staticmethod
    def _check_outage() -> None:
        if current_app.config.get("SENTEM_TEST_GATEWAY_OUTAGE"):
            raise GatewayUnavailable("test gateway: simulated outage")

    def confirm(self, *, attempt_key, order_no, amount, method, params):
        self._check_outage()
        outcome = (params or {}).get("test_outcome", "approve")
        if outcome not in OUTCOMES:
            outcome = "decline"
        if outcome == "error":
            raise GatewayUnavailable("test gateway: simulated error, nothing charged")
        status = "declined" if outcome == "decline" else "approved"
        ref = "T" + secrets.token_hex(10)
        # One short transaction of its own: the charge, or — the same attempt again (a
        # retry) — the charge made the first time, never a second one.
        with db.engine.begin() as conn:
            written = conn.execute(_charge_insert(dialect_insert(TestGatewayCharge)), {
                "attempt_key": attempt_key, "ref": ref, "amount": amount, "status": status, "cancelled_amount": 0,
                "created_at": clock.now()}).first()
            existing = (SimpleNamespace(ref=ref, amount=amount, status=status) if written is not None  # as written
                        else conn.execute(select(TestGatewayCharge).where(
                            TestGatewayCharge.attempt_key == attempt_key)).first())
        if outcome == "timeout":
            raise GatewayUnavailable("test gateway: simulated timeout after charging")
        return self._result(existing)

    def cancel(self, *, ref, attempt_key, amount, reason):
        self._check_outage()
        row = self._row_by_ref(ref)
        if row is None or row.status == "declined":
            return GatewayResult("not_found", ref=ref, code="NOT_FOUND", message="결제 내역을 찾을 수 없습니다.")
        left = row.amount - row.cancelled_amount
        take = min(amount, left)
        with db.engine.begin() as conn:
            conn.execute(update(TestGatewayCharge).where(TestGatewayCharge.ref == ref).values(
                cancelled_amount=row.cancelled_amount + take,
                status="cancelled" if row.cancelled_amount + take >= row.amount else row.status))
        return GatewayResult("cancelled", ref=ref, amount=take, code="CANCELLED", message="결제가 취소되었습니다.")

    def lookup(self, *, attempt_key, ref=None):
        self._check_outage()
        row = self._row(attempt_key)
        if row is None:
            return GatewayResult("not_found", code="NOT_FOUND", message="결제 내역이 없습니다.")
        return self._result(row)

    @staticmethod
    def _result(row) -> GatewayResult:
        if row.status == "declined":
            return GatewayResult("declined", ref=row.ref, amount=row.amount, code="DECLINED",
                                 message="카드사에서 결제를 거절했습니다.")
        if row.status == "cancelled":
            return GatewayResult("cancelled", ref=row.ref, amount=row.amount, code="CANCELLED")
        return GatewayResult("approved", ref=row.ref, amount=row.amount, code="APPROVED", message="결제 승인")

    @staticmethod
    def _row(attempt_key):
        with db.engine.connect() as conn:
            return conn.execute(select(TestGatewayCharge).where(
                TestGatewayCharge.attempt_key == attempt_key)).first()

    @staticmethod
    def _row_by_ref(ref):
        with db.engine.connect() as conn:
            return conn.execute(select(TestGatewayCharge).where(TestGatewayCharge.ref == ref)).first()
