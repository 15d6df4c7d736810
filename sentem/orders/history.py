"""History rows of an order or a payment (``OrderEvent``, ``PaymentEvent``), written at once.

Nobody reads a history row back in the request that writes it, so it goes in with a plain
INSERT rather than through the unit of work — unless this session has the parent's
``events`` loaded: then the row is added to that list through the ORM, and the list stays
what the database holds. The INSERT is built once per table: building a statement and its
cache key costs several times what running it does (``bench/checkout_cpu.py``).
"""
from __future__ import annotations

import functools

from sqlalchemy import inspect, insert

from ..extensions import db


def write(parent, **values):
    """Write one row of ``parent.events`` (an ``Order`` or a ``Payment`` with its id) now;
    returns the row written (in the session only when the list was loaded). No flush."""
    relation = type(parent).events.property
    model = relation.mapper.class_
    if "events" not in inspect(parent).unloaded:
        row = model(**values)
        parent.events.append(row)
        return row
    values[next(iter(relation.remote_side)).key] = parent.id
    db.session.execute(_insert(model.__table__), values)
    return model(**values)


@functools.cache
def _insert(table):
    return insert(table)
