"""Carts kept in the database: a member's (every device sees it) and a visitor's (``cart_guest``).

Every function takes the cart's owner: a member id, or an ``Owner`` naming another table
(the guest cart's lines, keyed by their cart's id) — one set of rules for both.

Each action is one transaction; messages are Korean and name the product. Adding is
one upsert (``INSERT … ON CONFLICT (member_id, product_id) DO UPDATE SET quantity =
quantity + :q WHERE quantity + :q <= :limit``, SQLite and PostgreSQL alike): two adds of
the same product at once make one line holding both quantities, never a duplicate-key
error, and the limits hold however many adds race.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, delete, or_, select, update
from sqlalchemy.orm import joinedload

from .. import clock, inputs
from ..extensions import db, dialect_insert
from .models import CartItem, Product

MAX_QUANTITY = 99  # per line; a larger number is surely a typo


class CartError(ValueError):
    """A cart change was refused; the message (Korean) says why."""


@dataclass(frozen=True)
class Owner:
    """Whose cart: the lines table and the column that names the owner (unique with product_id)."""

    model: type
    key: str
    value: int

    @property
    def column(self):
        return getattr(self.model, self.key)


def owner_of(owner) -> Owner:
    """A member id stands for the member's cart; an ``Owner`` for itself."""
    return owner if isinstance(owner, Owner) else Owner(CartItem, "member_id", owner)


def parse_quantity(raw) -> int:
    """A quantity from a form: an integer 1…99, else CartError."""
    qty = inputs.parse_int(raw)
    if qty is None and str(raw if raw is not None else "").strip().isascii() \
            and str(raw).strip().isdigit():
        qty = MAX_QUANTITY + 1  # a number too large for any column is still "too many"
    if qty is None:
        raise CartError("수량은 숫자로 입력해 주세요.")
    if qty < 1:
        raise CartError("수량은 1개 이상이어야 합니다.")
    if qty > MAX_QUANTITY:
        raise CartError(f"한 번에 최대 {MAX_QUANTITY}개까지 담을 수 있습니다.")
    return qty


def parse_product_id(raw) -> int:
    value = inputs.parse_int(raw, lo=1)
    if value is None:
        raise CartError("상품을 찾을 수 없습니다.")
    return value


def items(owner) -> list[CartItem]:
    """The cart's lines with their products (one query; a product's category, which no cart
    or checkout shows, is left out of it and loads only if asked for)."""
    o = owner_of(owner)
    return list(db.session.execute(_items_query(o.model, o.key), {"owner": o.value}).scalars().unique())


# The statements every cart page and checkout sends are built once per cart kind: building
# one and its cache key costs several times what running it does (``bench/checkout_cpu.py``).
@functools.cache
def _items_query(model, key: str):
    return (select(model).where(getattr(model, key) == bindparam("owner")).order_by(model.id)
            .options(joinedload(model.product).lazyload(Product.category)))


@functools.lru_cache(maxsize=32)
def _take_statement(model, key: str, lines: int):
    # ``lines`` pairs (p0, q0), (p1, q1)…: one statement per cart size, not per cart; the
    # sizes kept are bounded (a cart may hold any number of products).
    same = or_(*(and_(model.product_id == bindparam(f"p{i}"), model.quantity == bindparam(f"q{i}"))
                 for i in range(lines)))
    return (delete(model).where(getattr(model, key) == bindparam("owner"), same)
            .execution_options(synchronize_session=False))


def count(owner) -> int:
    return sum(i.quantity for i in items(owner))


def problems(cart_items: list[CartItem]) -> list[str]:
    """What keeps these lines from being ordered now (inactive, not enough stock)."""
    out = []
    for item in cart_items:
        p = item.product
        if not p.active:
            out.append(f"'{p.title}'은(는) 판매가 중지되었습니다. 장바구니에서 빼 주세요.")
        elif p.stock <= 0:
            out.append(f"'{p.title}'은(는) 품절되었습니다.")
        elif p.stock < item.quantity:
            out.append(f"'{p.title}'의 재고가 {p.stock}개뿐입니다. 수량을 줄여 주세요.")
    return out


def _product(product_id: int) -> Product:
    p = db.session.get(Product, product_id)
    if p is None or not p.active:
        raise CartError("판매 중인 상품이 아닙니다.")
    return p


def add(owner, product_id, quantity) -> CartItem:
    """Add ``quantity`` of a product (adding to a line already there); commits."""
    o = owner_of(owner)
    pid, qty = parse_product_id(product_id), parse_quantity(quantity)
    product = _product(pid)
    if product.stock <= 0:
        raise CartError(f"'{product.title}'은(는) 품절되었습니다.")
    limit = min(MAX_QUANTITY, product.stock)
    if qty <= limit:
        now = clock.now()
        table = o.model.__table__
        insert = dialect_insert(CartItem)(table).values(**{o.key: o.value}, product_id=pid, quantity=qty,
                                                 added_at=now, updated_at=now)
        total = table.c.quantity + insert.excluded.quantity
        stmt = insert.on_conflict_do_update(index_elements=[o.key, "product_id"],
                                            set_={"quantity": total, "updated_at": now}, where=total <= limit)
        # RETURNING, not the row count: drivers disagree on an upsert's count; no row = limit reached.
        if db.session.execute(stmt.returning(table.c.id)).first() is not None:
            db.session.commit()
            return _line(o, pid)
    db.session.rollback()
    line = _line(o, pid)
    if qty + (line.quantity if line else 0) > MAX_QUANTITY:
        raise CartError(f"한 상품은 최대 {MAX_QUANTITY}개까지 담을 수 있습니다.")
    raise CartError(f"'{product.title}'의 재고가 {product.stock}개뿐입니다.")


def _line(o: Owner, product_id: int) -> CartItem | None:
    """The cart's line of a product as the database has it now."""
    return db.session.execute(select(o.model).where(o.column == o.value, o.model.product_id == product_id)
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def set_quantity(owner, product_id, quantity) -> CartItem:
    """Change a line's quantity; commits."""
    o = owner_of(owner)
    pid, qty = parse_product_id(product_id), parse_quantity(quantity)
    item = _line(o, pid)
    if item is None:
        raise CartError("장바구니에 없는 상품입니다.")
    if qty > item.product.stock:
        raise CartError(f"'{item.product.title}'의 재고가 {item.product.stock}개뿐입니다.")
    changed = db.session.execute(
        update(o.model).where(o.column == o.value, o.model.product_id == pid)
        .values(quantity=qty, updated_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    if changed != 1:  # removed meanwhile (another tab, or bought)
        db.session.rollback()
        raise CartError("장바구니에 없는 상품입니다.")
    db.session.commit()
    return _line(o, pid)


def remove(owner, product_id) -> bool:
    """Take a product out of the cart; commits. Returns whether it was there."""
    o = owner_of(owner)
    pid = parse_product_id(product_id)
    n = db.session.execute(delete(o.model).where(o.column == o.value, o.model.product_id == pid)).rowcount
    db.session.commit()
    return bool(n)


def take(owner, lines: dict[int, int]) -> bool:
    """Empty the cart of exactly ``lines`` (product id → quantity) for an order; no commit.

    One ``DELETE … WHERE (product_id, quantity) = …`` whose row count must equal the
    lines: False when any of them changed or went meanwhile (another tab's checkout took
    them first, or the member changed a quantity) — the caller rolls back, so one cart
    never becomes two orders.
    """
    if not lines:
        return False
    o = owner_of(owner)
    params = {"owner": o.value}
    for i, (pid, qty) in enumerate(lines.items()):
        params[f"p{i}"], params[f"q{i}"] = pid, qty
    taken = db.session.execute(_take_statement(o.model, o.key, len(lines)), params).rowcount
    return taken == len(lines)


def restore(owner, lines: dict[int, int], caps: dict[int, int] | None = None) -> None:
    """Put an unpaid order's lines back in the cart so the member can retry; no commit.

    Adds to a line the member has added meanwhile (up to ``MAX_QUANTITY``, or a product's
    entry in ``caps`` when lower: a guest cart merged at login is capped by stock); stock and
    availability are checked again at the next checkout, as for any cart.
    """
    o = owner_of(owner)
    now = clock.now()
    table = o.model.__table__
    for pid, qty in lines.items():
        cap = min(MAX_QUANTITY, (caps or {}).get(pid, MAX_QUANTITY))
        if cap < 1:
            continue
        insert = dialect_insert(CartItem)(table).values(**{o.key: o.value}, product_id=pid, quantity=min(qty, cap),
                                                 added_at=now, updated_at=now)
        total = table.c.quantity + insert.excluded.quantity
        db.session.execute(insert.on_conflict_do_update(
            index_elements=[o.key, "product_id"],
            set_={"quantity": case((total > cap, cap), else_=total), "updated_at": now}))


def total(cart_items: list[CartItem]) -> int:
    return sum(i.product.price * i.quantity for i in cart_items)
