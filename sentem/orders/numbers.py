"""Human-readable order numbers: ``YYYYMMDD-XXXXXX`` (KST date, 6 unambiguous letters/digits)."""
from __future__ import annotations

import functools
import secrets

from sqlalchemy import bindparam, select

from .. import clock
from ..extensions import db

# No 0/O, 1/I/L: order numbers are read aloud on the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_order_no() -> str:
    """A fresh order number not yet used (the unique constraint is the final guard)."""
    from .models import Order

    day = clock.today().strftime("%Y%m%d")
    for _ in range(10):
        candidate = f"{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
        exists = db.session.execute(_taken(Order), {"order_no": candidate}).first()
        if not exists:
            return candidate
    raise RuntimeError("could not draw a free order number")  # 31^6 per day: practically never


@functools.cache
def _taken(order_model):
    # Built once (every checkout asks): building it costs more than running it.
    return select(order_model.id).where(order_model.order_no == bindparam("order_no"))


def is_valid(order_no: str) -> bool:
    """Letters, digits, ``-`` and ``_`` only, of a sane length (URL parameter check)."""
    return 1 <= len(order_no) <= 32 and all(c.isascii() and (c.isalnum() or c in "-_") for c in order_no)
