"""Order life cycle and the orders API of the other features.

Other features (delivery's shipment workflow, the staff screens, jobs) find, lock
and list orders here and move them only through ``transition``, with the allowed
status edges, each change stamped with time and actor; they never import the
models. Every transition is a compare-and-set in the database (``UPDATE orders …
WHERE id = :id AND status = :expected``, row count checked): of two requests that
move one order at once, exactly one wins, on SQLite and PostgreSQL alike, and the
loser gets ``OrderChanged`` before it has written anything else. Checkout, payment
and cancellation live beside this module (``checkout.py``, ``payments.py``,
``cancellation.py``); this one stays small because everyone imports it.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy import Select, bindparam, func, select, text, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..privacy import labels
from ..extensions import db
from . import history
from .models import STATUSES, Order, OrderEvent, OrderLine

# from → the statuses it may move to. Anything else raises InvalidTransition.
ALLOWED: dict[str, frozenset[str]] = {
    "pending_payment": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"preparing", "cancelled"}),
    "preparing": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset({"completed", "return_requested"}),
    "completed": frozenset({"return_requested"}),
    # A return request may be withdrawn or refused (back to delivered) or received.
    "return_requested": frozenset({"returned", "delivered"}),
    "returned": frozenset({"refunded"}),
    "cancelled": frozenset(),
    "refunded": frozenset(),
}

# The timestamp column each arrival sets (first time only).
_STAMPS = {"paid": "paid_at", "shipped": "shipped_at", "delivered": "delivered_at",
           "completed": "completed_at", "cancelled": "cancelled_at"}

# Before shipment an order can be cancelled outright; after, only returned.
CANCELLABLE = frozenset({"pending_payment", "paid", "preparing"})


class InvalidTransition(ValueError):
    """The order cannot move from its status to the one asked for."""

    def __init__(self, order: Order, to_status: str):
        self.order_no = order.order_no
        self.from_status = order.status
        self.to_status = to_status
        super().__init__(f"주문 {order.order_no}: '{labels.korean('order', order.status)}'에서 "
                         f"'{labels.korean('order', to_status)}'(으)로 바꿀 수 없습니다.")


class OrderChanged(InvalidTransition):
    """Another request moved the order first (the compare-and-set found another status)."""

    MESSAGE = "이미 처리된 주문입니다. 주문 상태를 확인해 주세요."

    def __init__(self, order: Order, to_status: str):
        super().__init__(order, to_status)
        self.args = (self.MESSAGE,)
        self.message = self.MESSAGE

    def __str__(self) -> str:
        return self.MESSAGE


def can_transition(order: Order, to_status: str) -> bool:
    """Whether ``to_status`` is an allowed next status for ``order``."""
    return to_status in ALLOWED.get(order.status, frozenset())


def transition(order: Order, to_status: str, *, actor: str, note: str | None = None) -> OrderEvent:
    """Move ``order`` from the status it has in memory to ``to_status``, recording who and when.

    A compare-and-set: the UPDATE matches only while the row still holds the status the
    caller read, so a stale read loses with ``OrderChanged`` instead of doubling a change.
    ``actor`` names who did it: ``member:<id>``, ``staff:<id>``, ``system`` or a job name.
    Writes at once, does not commit: the caller's transaction decides (and rolls back on a loss).
    """
    if to_status not in STATUSES:
        raise InvalidTransition(order, to_status)
    if not can_transition(order, to_status):
        raise InvalidTransition(order, to_status)
    now = clock.now()
    from_status = order.status
    values = {"status": to_status, "updated_at": now}
    stamp = _STAMPS.get(to_status)
    if stamp and getattr(order, stamp) is None:
        values[stamp] = now
    won = db.session.execute(_compare_and_set(tuple(values)), {
        "b_id": order.id, "b_from": from_status, **{f"v_{k}": v for k, v in values.items()}}).rowcount
    if won != 1:
        raise OrderChanged(order, to_status)
    for key, value in values.items():  # the row has them already: no second UPDATE at flush
        set_committed_value(order, key, value)
    return _history(order, from_status=from_status, to_status=to_status, actor=str(actor)[:40],
                    note=(note or None) and note[:200], at=now)


@functools.cache
def _compare_and_set(columns: tuple[str, ...]):
    # One statement per set of columns written, built once: every payment and status change
    # sends one, and building it costs more than running it.
    return (update(Order).where(Order.id == bindparam("b_id"), Order.status == bindparam("b_from"))
            .values({c: bindparam(f"v_{c}") for c in columns}).execution_options(synchronize_session=False))


def transition_from(order: Order, allowed, to_status: str, *, actor: str, note: str | None = None,
                    attempts: int = 3) -> OrderEvent | None:
    """``transition`` from whichever of the ``allowed`` statuses the order holds *now*.

    Re-reads the status before each compare-and-set, so an order another request moved
    between two allowed statuses (paid → preparing) is still moved; returns None, having
    written nothing, when the order is in none of them. Writes at once, does not commit.
    """
    for _ in range(attempts):
        refresh_status(order)
        if order.status not in allowed:
            return None
        try:
            return transition(order, to_status, actor=actor, note=note)
        except OrderChanged:
            continue
    return None


def refresh_status(order: Order) -> Order:
    """Re-read the order's status, stamps and stock flag from the database (not the session's copy)."""
    db.session.refresh(order, ["status", "stock_reserved", *_STAMPS.values()])
    return order


def record_creation(order: Order, *, actor: str) -> OrderEvent:
    """The first history entry of a new order (status ``pending_payment``)."""
    return _history(order, from_status=None, to_status=order.status, actor=str(actor)[:40], note="주문 접수",
                    at=clock.now())


def _history(order: Order, **values) -> OrderEvent:
    """One history row of ``order``, written now (``history.write``), flushed if it went
    through the ORM."""
    event = history.write(order, **values)
    if event in db.session:
        db.session.flush()
    return event


def find_for_member(order_no: str, member_id: int, *options) -> Order | None:
    """The member's own order by number, or None (others' orders are invisible).

    ``options``: loader options (what the page shows comes in the same query)."""
    return db.session.execute(_member_order_query(options), {"order_no": order_no, "member_id": member_id}
                              ).unique().scalar_one_or_none()


@functools.lru_cache(maxsize=16)
def _member_order_query(options: tuple):
    # Per set of loader options (module constants of the pages), built once: every order page asks.
    return (select(Order).where(Order.order_no == bindparam("order_no"), Order.member_id == bindparam("member_id"))
            .options(*options))


def find(order_no: str) -> Order | None:
    """Any order by number (staff and jobs)."""
    return db.session.execute(db.select(Order).filter_by(order_no=order_no)).scalar_one_or_none()


def lock(*, order_id: int | None = None, order_no: str | None = None) -> Order | None:
    """Load an order with its row locked for the rest of this transaction (None if absent).

    PostgreSQL: SELECT … FOR UPDATE. SQLite has no row locks and starts its transaction
    only at the first write, so a no-op write comes first: it takes the database's write
    lock, and the read that follows cannot be stale when another request changes the order.
    This lock orders actions whose checks read more than the order row (the parcel, the
    address); the order's own status changes are compare-and-sets in any case
    (``transition``), so callers that do not lock cannot double them.
    """
    where = {"id": order_id} if order_id is not None else {"order_no": (order_no or "").strip()}
    if db.session.get_bind(mapper=Order).dialect.name == "sqlite":
        column = "id" if order_id is not None else "order_no"
        db.session.execute(text(f"UPDATE orders SET status = status WHERE {column} = :v"),
                           {"v": next(iter(where.values()))})
    return db.session.execute(select(Order).filter_by(**where).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def in_statuses(statuses: Iterable[str], limit: int) -> list[Order]:
    """Orders in ``statuses`` with their lines, oldest payment first (what to ship next comes first)."""
    return list(db.session.execute(select(Order).where(Order.status.in_(list(statuses)))
                                   .options(selectinload(Order.lines))
                                   .order_by(Order.paid_at.is_(None), Order.paid_at, Order.id)
                                   .limit(limit)).scalars())


def count_in_statuses(statuses: Iterable[str]) -> int:
    """How many orders are in ``statuses``."""
    return db.session.execute(select(func.count(Order.id)).where(Order.status.in_(list(statuses)))).scalar_one()


def numbers_of_member(member_id: int) -> dict[int, str]:
    """{order id: order number} of every order of the member."""
    rows = db.session.execute(select(Order.id, Order.order_no).filter_by(member_id=member_id)).all()
    return {order_id: order_no for order_id, order_no in rows}


def ids_by_number(order_nos: Iterable[str]) -> list[int]:
    """The ids of the orders with these numbers (unknown numbers are left out)."""
    order_nos = sorted(set(order_nos))
    if not order_nos:
        return []
    return list(db.session.execute(select(Order.id).where(Order.order_no.in_(order_nos))).scalars())


# Orders that are no sale (yet, or any more): left out of sales statistics.
NOT_SOLD = ("pending_payment", "cancelled", "refunded")


def sold_lines() -> Select:
    """A SELECT of (order_id, member_id, paid_at, product_id, quantity, line_total) of every line
    of a paid order not cancelled or refunded (statistics job; set-based, no personal data)."""
    return (select(Order.id.label("order_id"), Order.member_id, Order.paid_at, OrderLine.product_id,
                   OrderLine.quantity, OrderLine.line_total)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.paid_at.is_not(None), Order.status.not_in(NOT_SOLD)))


def changed_orders(since) -> Select:
    """A SELECT of (member_id, paid_at) of every order written at or after ``since`` — placed,
    paid, cancelled or refunded (statistics job: what a night must recompute)."""
    return select(Order.member_id, Order.paid_at).where(Order.updated_at >= since)
