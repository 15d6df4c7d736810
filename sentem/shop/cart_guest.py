"""A visitor's cart (비회원 장바구니): server-side, named by a random cookie, 14 days.

The cookie holds a random token; the database keeps only its SHA-256, so neither a copy
of the database nor a log line names a browser's cart. A cart lives
``REGISTRY.cookies[COOKIE].max_age_days`` after its last add (the cookie as long): an
expired cart is no cart, whether or not the hourly job (``expire_job``) has removed it yet.

At login the visitor's lines move into the member's cart (``merge``): one
``DELETE … RETURNING`` takes them, so two logins racing with the same cookie move them
once, and each merged quantity is capped by the product's stock and the per-line limit.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import re
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from ..extensions import db
from ..jobs import job
from ..privacy.disclosures import Cookie
from ..privacy.registry import REGISTRY, Declarations
from . import cart
from .cart_models import GuestCart, GuestCartItem
from .models import Product

COOKIE = "guest_cart"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
log = logging.getLogger("sentem.shop")

DECLARE = Declarations()  # applied by the package's init_app
DECLARE.cookie(Cookie(COOKIE, "비회원 장바구니 기억(로그인하면 회원 장바구니로 옮겨짐)",
                      "remembering a visitor's cart (moved into the member's cart at login)", max_age_days=14))


# The owner of no cart at all (a visitor whose cookie names none): every line query finds nothing.
NOBODY = cart.Owner(GuestCartItem, "cart_id", 0)


def lifetime() -> _dt.timedelta:
    """How long a guest cart (and its cookie) lives after its last add: the declared cookie period."""
    return _dt.timedelta(days=REGISTRY.cookies[COOKIE].max_age_days)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _valid(token) -> bool:
    return isinstance(token, str) and bool(_TOKEN.match(token))


def owner(guest_cart: GuestCart) -> cart.Owner:
    """The ``cart`` functions' owner for this guest cart's lines."""
    return cart.Owner(GuestCartItem, "cart_id", guest_cart.id)


def find(token) -> GuestCart | None:
    """The unexpired guest cart the cookie ``token`` names, or None."""
    if not _valid(token):
        return None
    return db.session.execute(select(GuestCart).where(GuestCart.token_hash == _hash(token),
                                                      GuestCart.expires_at > clock.now())).scalar_one_or_none()


def open_cart(token) -> tuple[GuestCart, str]:
    """The cookie's cart with its life renewed, or a new one with a new token; flushed, no commit.

    The caller's change commits it (``cart.add`` commits on success and rolls back on a
    refusal, so a refused first add leaves no empty cart behind).
    """
    now = clock.now()
    found = find(token)
    if found is not None:
        db.session.execute(update(GuestCart).where(GuestCart.id == found.id)
                           .values(expires_at=now + lifetime()).execution_options(synchronize_session=False))
        return found, token
    token = secrets.token_urlsafe(32)
    fresh = GuestCart(token_hash=_hash(token), created_at=now, expires_at=now + lifetime())
    db.session.add(fresh)
    db.session.flush()
    return fresh, token


def add(token, product_id, quantity) -> tuple[GuestCartItem, str]:
    """Add to the visitor's cart (made on the first add); commits. Returns the line and the cookie token."""
    guest_cart, token = open_cart(token)
    return cart.add(owner(guest_cart), product_id, quantity), token


def merge(token, member_id: int) -> int:
    """Move the guest cart's lines into the member's cart and delete it; commits.

    Each product's quantity is added to the member's line and capped by its stock and
    ``cart.MAX_QUANTITY``; inactive or sold-out products are dropped. Returns how many lines
    moved (0 when the cookie names no live cart, or a racing login moved them first).
    """
    if not _valid(token):
        return 0
    live = select(GuestCart.id).where(GuestCart.token_hash == _hash(token), GuestCart.expires_at > clock.now())
    try:
        taken = db.session.execute(
            delete(GuestCartItem).where(GuestCartItem.cart_id.in_(live))
            .returning(GuestCartItem.product_id, GuestCartItem.quantity)
            .execution_options(synchronize_session=False)).all()
        db.session.execute(delete(GuestCart).where(GuestCart.token_hash == _hash(token))
                           .execution_options(synchronize_session=False))
        lines = {pid: qty for pid, qty in taken}
        stock = dict(db.session.execute(select(Product.id, Product.stock).where(
            Product.id.in_(lines), Product.active.is_(True))).all()) if lines else {}
        moving = {pid: qty for pid, qty in lines.items() if stock.get(pid, 0) > 0}
        cart.restore(member_id, moving, caps=stock)
        db.session.commit()
    except SQLAlchemyError:
        # The login itself must not fail for a cart: the guest cart stays until it expires.
        db.session.rollback()
        log.exception("guest cart not merged into member %s", member_id)
        return 0
    return len(moving)


def purge_expired() -> int:
    """Delete guest carts past their life, with their lines; commits. Returns how many carts."""
    expired = select(GuestCart.id).where(GuestCart.expires_at <= clock.now())
    db.session.execute(delete(GuestCartItem).where(GuestCartItem.cart_id.in_(expired))
                       .execution_options(synchronize_session=False))
    n = db.session.execute(delete(GuestCart).where(GuestCart.expires_at <= clock.now())
                           .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return n


@job
def expire_job() -> dict:
    """Remove expired guest carts (hourly; idempotent)."""
    return {"expired_guest_carts": purge_expired()}
