"""Stock: taken atomically, released only by the order that took it.

Each line is a conditional update of the product's stock (``shop.inventory.take``);
a refusal means sold out. All lines of an order run in the caller's one
transaction, so an order takes either all its stock or none. Releasing is a
compare-and-set too: the order's ``stock_reserved`` flag is cleared by ``UPDATE …
WHERE stock_reserved`` first, and only the request that cleared it gives the units
back — two cancellations racing release once.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..shop import inventory
from .models import Order


class SoldOut(Exception):
    """Some products lack stock; ``titles`` names them for the message."""

    def __init__(self, titles: list[str]):
        self.titles = titles
        super().__init__("품절: " + ", ".join(titles))

    @property
    def message(self) -> str:
        return "품절되었습니다: " + ", ".join(self.titles) + ". 장바구니에서 수량을 확인해 주세요."


def take(order) -> None:
    """Take every line's quantity or raise SoldOut (the caller rolls back)."""
    short = []
    for line in sorted(order.lines, key=lambda ln: ln.product_id or 0):  # fixed order: no deadlocks
        if not inventory.take(line.product_id, line.quantity):
            short.append(line.product_title)
    if short:
        raise SoldOut(short)
    order.stock_reserved = True


def release(order) -> bool:
    """Give back what ``order`` took, once (no commit). Returns whether this call released it."""
    if order.id is None:
        return False
    claimed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.stock_reserved.is_(True)).values(stock_reserved=False)
        .execution_options(synchronize_session=False)).rowcount
    set_committed_value(order, "stock_reserved", False)
    if claimed != 1:
        return False
    for line in sorted(order.lines, key=lambda ln: ln.product_id or 0):
        if line.product_id is not None:
            inventory.give_back(line.product_id, line.quantity)
    return True
