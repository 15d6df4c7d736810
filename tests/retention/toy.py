"""A test-only record class for the retention engine: a Core table outside the app's
metadata (so no other test sees it) and registry entries removed after each test."""
from __future__ import annotations

import datetime as _dt

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, insert, select

from sentem import clock
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY, ArchiveItem, RecordClass, Retention
from sentem.security import datakeys

META = MetaData()
TOY = Table("h6_toy_orders", META,
            Column("id", Integer, primary_key=True),
            Column("member_id", Integer, nullable=False, index=True),
            Column("order_no", String(32), nullable=False),
            Column("data_key_id", Integer, nullable=False),
            Column("recipient_ct", Text, nullable=False),
            Column("created_at", DateTime, nullable=False))
KEY = "toy_order"


def add_order(member, order_no: str, recipient: str, at: _dt.datetime | None = None) -> None:
    """A toy order row whose recipient is sealed under the member's data key (committed)."""
    at = at or clock.now()
    db.session.execute(insert(TOY).values(
        member_id=member.id, order_no=order_no, data_key_id=member.data_key_id,
        recipient_ct=datakeys.seal(member.data_key_id, recipient, "recipient"),
        created_at=at.replace(tzinfo=None)))
    db.session.commit()


def rows_of(member_id: int) -> list:
    return db.session.execute(select(TOY).where(TOY.c.member_id == member_id)).all()


def _collect(member_id: int) -> list[ArchiveItem]:
    out = []
    for row in rows_of(member_id):
        recipient = datakeys.open_token(row.recipient_ct, "recipient").decode()
        out.append(ArchiveItem(KEY, row.order_no, row.created_at.replace(tzinfo=_dt.timezone.utc),
                               {"주문번호": row.order_no, "수령인": recipient}))
    return out


def _destroy(member_id: int) -> int:
    return db.session.execute(delete(TOY).where(TOY.c.member_id == member_id)).rowcount


def _expire(cutoff: _dt.datetime, held: frozenset[str], batch: int) -> int:
    # As the features do: the engine passes this class's own cut-off and its held order numbers.
    query = select(TOY.c.id).where(TOY.c.created_at < cutoff.replace(tzinfo=None))
    if held:
        query = query.where(TOY.c.order_no.notin_(sorted(held)))
    ids = query.order_by(TOY.c.id).limit(batch)
    return db.session.execute(delete(TOY).where(TOY.c.id.in_(ids))).rowcount


@pytest.fixture
def toy(app):
    """Register the toy class (5 years from the transaction, archived on withdrawal)."""
    META.create_all(db.engine)
    REGISTRY.record_classes[KEY] = _toy_class()
    yield TOY
    REGISTRY.record_classes.pop(KEY, None)
    db.session.rollback()
    META.drop_all(db.engine)


def register_for_cli() -> None:
    """In a ``flask`` child process of a test: register the toy class as the fixture does."""
    import os

    if os.environ.get("SENTEM_RETENTION_TEST_TOY") != "1":
        return
    REGISTRY.record_classes[KEY] = _toy_class()


def _toy_class() -> RecordClass:
    return RecordClass(
        key=KEY, label_ko="시험 주문", label_en="Toy order", items=(),
        legal_basis_ko="전자상거래법 제6조(시험)", legal_basis_en="E-Commerce Act Art. 6 (test)",
        retention=Retention(years=5, starts="transaction"), on_withdrawal="archive",
        collect_archive=_collect, destroy=_destroy, expire=_expire, order=500, holdable=True)
