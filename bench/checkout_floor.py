"""The floor under the checkout goal: the bare order flow plus only the duties Sentem must do.

``checkout_bare`` is the minimal correct order. This app does the same three requests
(``GET /checkout``, ``POST /checkout`` → 303, ``GET /orders/<no>``) with nothing of
Sentem's code, templates or ORM — plain SQLAlchemy Core like the bare app — but with
each duty the policy or a lesson of ours sets on a checkout, in its cheapest form:

* a server-side session, looked up on every request (a member can be signed out
  everywhere at once: the suspension and deletion rights) — in Redis when
  ``BENCH_FLOOR_REDIS_URL`` is set, as the shop keeps them in production, else in a table;
* the member's data key read from a separate key store and unwrapped, and the
  recipient and address sealed with AES-256-GCM (encrypted personal data);
* a one-time form token claimed in the database (a double click makes one order);
* the order, its line, its payment and a history row committed *before* the gateway is
  called (a lost answer cannot lose or double a charge), the gateway's own write (the
  test gateway's charge row), then the payment and the order marked paid, compare-and-set,
  with a second history row;
* the order page opens the sealed recipient again.

It is not a shop (no cart, no delivery request, no layout): what it measures is how
fast any implementation of these duties can be on this machine and database. The bench
prints its ratio to the bare flow next to the shop's, so the distance between the shop
and the goal splits into what the duties cost and what Sentem's own code costs.
``BENCH_BARE_DATABASE_URL`` holds its tables (``floor_*``), ``BENCH_FLOOR_KEYS_URL`` its key
store (a second database, as the shop's).
"""
from __future__ import annotations

import hashlib
import os
import secrets

import redis
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, abort, redirect, request, session
from markupsafe import escape
from sqlalchemy import (Column, Integer, LargeBinary, MetaData, String, Table, insert, select, update)
from sqlalchemy.dialects import postgresql, sqlite

from bench.checkout_bare import engine_for, products

metadata = MetaData()
sessions = Table("floor_sessions", metadata, Column("id_hash", String(64), primary_key=True),
                 Column("member_id", Integer, nullable=False))
tokens = Table("floor_tokens", metadata, Column("token", String(64), primary_key=True))
orders = Table("floor_orders", metadata, Column("id", Integer, primary_key=True),
               Column("order_no", String(32), nullable=False, unique=True),
               Column("member_id", Integer, nullable=False), Column("status", String(20), nullable=False),
               Column("total", Integer, nullable=False), Column("recipient", LargeBinary, nullable=False),
               Column("address", LargeBinary, nullable=False))
lines = Table("floor_order_lines", metadata, Column("id", Integer, primary_key=True),
              Column("order_id", Integer, nullable=False), Column("product_id", Integer, nullable=False),
              Column("quantity", Integer, nullable=False))
payments = Table("floor_payments", metadata, Column("id", Integer, primary_key=True),
                 Column("order_id", Integer, nullable=False), Column("attempt_key", String(40), nullable=False),
                 Column("status", String(20), nullable=False), Column("amount", Integer, nullable=False))
events = Table("floor_order_events", metadata, Column("id", Integer, primary_key=True),
               Column("order_id", Integer, nullable=False), Column("to_status", String(20), nullable=False))
charges = Table("floor_gateway_charges", metadata, Column("attempt_key", String(40), primary_key=True),
                Column("amount", Integer, nullable=False))
keys_metadata = MetaData()
keys = Table("floor_keys", keys_metadata, Column("id", Integer, primary_key=True),
             Column("wrapped", LargeBinary, nullable=False))
ROOT_KEY = hashlib.sha256(b"bench-only floor root key").digest()


def setup(url: str, keys_url: str, members: int) -> None:
    """Fresh floor tables, and a wrapped data key for members 1..``members``."""
    for meta, target in ((metadata, url), (keys_metadata, keys_url)):
        engine = engine_for(target)
        meta.drop_all(engine)
        meta.create_all(engine)
        engine.dispose()
    root = AESGCM(ROOT_KEY)
    engine = engine_for(keys_url)
    with engine.begin() as conn:
        conn.execute(insert(keys), [{"id": i, "wrapped": _seal(root, AESGCM.generate_key(256), f"key:{i}")}
                                    for i in range(1, members + 1)])
    engine.dispose()


def _seal(cipher: AESGCM, value: bytes, context: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + cipher.encrypt(nonce, value, context.encode())


def _open(cipher: AESGCM, sealed: bytes, context: str) -> bytes:
    return cipher.decrypt(sealed[:12], sealed[12:], context.encode())


app = Flask("floor_checkout")
app.secret_key = os.environ.get("BENCH_BARE_SECRET", "bench-only-secret")
_engines: dict = {}


def _db(var: str = "BENCH_BARE_DATABASE_URL"):
    if var not in _engines:
        _engines[var] = engine_for(os.environ[var])
    return _engines[var]


def _redis():
    if "redis" not in _engines:
        url = os.environ.get("BENCH_FLOOR_REDIS_URL")
        _engines["redis"] = redis.Redis.from_url(url) if url else None
    return _engines["redis"]


def _member() -> int:
    """The signed-in member, from the server-side session (403 when it is gone)."""
    sid = session.get("sid")
    if not sid:
        abort(403)
    id_hash = hashlib.sha256(sid.encode()).hexdigest()
    if _redis() is not None:
        member_id = _redis().get(f"floor:session:{id_hash}")
    else:
        with _db().connect() as conn:
            member_id = conn.execute(select(sessions.c.member_id).where(sessions.c.id_hash == id_hash)).scalar()
    if member_id is None:
        abort(403)
    return int(member_id)


def _member_key(member_id: int) -> AESGCM:
    """The member's data key, read from the key store and unwrapped under the root key."""
    with _db("BENCH_FLOOR_KEYS_URL").connect() as conn:
        wrapped = conn.execute(select(keys.c.wrapped).where(keys.c.id == member_id)).scalar_one()
    return AESGCM(_open(AESGCM(ROOT_KEY), wrapped, f"key:{member_id}"))


def _insert_ignoring_conflict(table):
    dialect = postgresql if _db().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


@app.get("/login/<int:member_id>")
def login(member_id: int):
    sid = secrets.token_urlsafe(32)
    id_hash = hashlib.sha256(sid.encode()).hexdigest()
    if _redis() is not None:
        _redis().set(f"floor:session:{id_hash}", member_id, ex=3600)
    else:
        with _db().begin() as conn:
            conn.execute(insert(sessions).values(id_hash=id_hash, member_id=member_id))
    session["sid"], session["p"] = sid, int(request.args["product"])
    return "ok"


@app.get("/checkout")
def checkout_form():
    _member()
    session["t"] = token = secrets.token_urlsafe(16)
    return (f'<form method="post"><input type="hidden" name="checkout_token" value="{token}">'
            '<input name="recipient_name"><input name="address1"><button>결제</button></form>')


@app.post("/checkout")
def checkout_submit():
    member_id = _member()
    token = request.form.get("checkout_token")
    if not token or token != session.pop("t", None):
        abort(400)
    key = _member_key(member_id)
    order_no = secrets.token_hex(8)
    attempt = f"{order_no}-1"
    with _db().begin() as conn:  # the order, committed before the gateway is called
        if conn.execute(_insert_ignoring_conflict(tokens).values(token=token).returning(tokens.c.token)).first() is None:
            abort(409)  # this form was submitted already
        if conn.execute(update(products).where(products.c.id == session["p"], products.c.stock >= 1)
                        .values(stock=products.c.stock - 1)).rowcount != 1:
            abort(409)  # sold out: the whole transaction rolls back
        order_id = conn.execute(insert(orders).values(
            order_no=order_no, member_id=member_id, status="pending_payment", total=10000,
            recipient=_seal(key, request.form["recipient_name"].encode(), f"order:{order_no}:recipient"),
            address=_seal(key, request.form["address1"].encode(), f"order:{order_no}:address"))).inserted_primary_key[0]
        conn.execute(insert(lines).values(order_id=order_id, product_id=session["p"], quantity=1))
        payment_id = conn.execute(insert(payments).values(order_id=order_id, attempt_key=attempt, status="pending",
                                                          amount=10000)).inserted_primary_key[0]
        conn.execute(insert(events).values(order_id=order_id, to_status="pending_payment"))
    with _db().begin() as conn:  # the gateway's own write
        conn.execute(_insert_ignoring_conflict(charges).values(attempt_key=attempt, amount=10000))
    with _db().begin() as conn:  # its answer, compare-and-set
        conn.execute(update(payments).where(payments.c.id == payment_id, payments.c.status == "pending")
                     .values(status="approved"))
        if conn.execute(update(orders).where(orders.c.id == order_id, orders.c.status == "pending_payment")
                        .values(status="paid")).rowcount == 1:
            conn.execute(insert(events).values(order_id=order_id, to_status="paid"))
    return redirect(f"/orders/{order_no}", code=303)


@app.get("/orders/<order_no>")
def order_page(order_no: str):
    member_id = _member()
    with _db().connect() as conn:
        row = conn.execute(select(orders).where(orders.c.order_no == order_no,
                                                orders.c.member_id == member_id)).first()
    if row is None:
        abort(404)
    recipient = _open(_member_key(member_id), row.recipient, f"order:{order_no}:recipient").decode()
    return f"<h1>주문 {escape(row.order_no)} ({row.status})</h1><p>{escape(recipient)} {row.total:,}원</p>"
