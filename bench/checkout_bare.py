"""The bare order flow the checkout bench compares Sentem with: the minimal correct order.

A plain Flask app (served by the same gunicorn settings) with three requests, like a
member's checkout: ``GET /checkout`` (a form with a one-time token kept in the signed
session cookie), ``POST /checkout`` (one transaction: conditional stock decrement,
order row, line row; 303 to the order) and ``GET /orders/<no>``. ``GET /login/<id>``
puts a member id in the session (the bench logs in before it measures). Its tables
live in ``BENCH_BARE_DATABASE_URL`` (same kind of database as the shop's run).
"""
from __future__ import annotations

import os
import secrets

from flask import Flask, abort, redirect, request, session
from markupsafe import escape
from sqlalchemy import (Column, ForeignKey, Integer, MetaData, String, Table, create_engine, insert, select,
                        update)

metadata = MetaData()
products = Table("bare_products", metadata, Column("id", Integer, primary_key=True),
                 Column("title", String(120), nullable=False), Column("price", Integer, nullable=False),
                 Column("stock", Integer, nullable=False))
orders = Table("bare_orders", metadata, Column("id", Integer, primary_key=True),
               Column("order_no", String(32), nullable=False, unique=True),
               Column("member_id", Integer, nullable=False), Column("total", Integer, nullable=False),
               Column("recipient", String(200), nullable=False), Column("address", String(400), nullable=False))
lines = Table("bare_order_lines", metadata, Column("id", Integer, primary_key=True),
              Column("order_id", Integer, ForeignKey("bare_orders.id"), nullable=False),
              Column("product_id", Integer, nullable=False), Column("quantity", Integer, nullable=False))


def engine_for(url: str):
    opts = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {"pool_size": 10}
    return create_engine(url, **opts)


def setup(url: str, stock_by_product: list[int]) -> list[int]:
    """Fresh bare tables with one product per entry of ``stock_by_product``; returns their ids."""
    engine = engine_for(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        ids = [conn.execute(insert(products).values(title=f"벤치 상품 {i}", price=10000, stock=s)).inserted_primary_key[0]
               for i, s in enumerate(stock_by_product)]
    engine.dispose()
    return ids


def sold(url: str) -> dict[int, int]:
    """Units sold per product."""
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(select(lines.c.product_id, lines.c.quantity)).all()
    engine.dispose()
    out: dict[int, int] = {}
    for pid, qty in rows:
        out[pid] = out.get(pid, 0) + qty
    return out


app = Flask("bare_checkout")
app.secret_key = os.environ.get("BENCH_BARE_SECRET", "bench-only-secret")
_engine = None


def _db():
    global _engine
    if _engine is None:
        _engine = engine_for(os.environ["BENCH_BARE_DATABASE_URL"])
    return _engine


@app.get("/login/<int:member_id>")
def login(member_id: int):
    session["m"], session["p"] = member_id, int(request.args["product"])
    return "ok"


@app.get("/checkout")
def checkout_form():
    if "m" not in session:
        abort(403)
    session["t"] = token = secrets.token_urlsafe(16)
    return (f'<form method="post"><input type="hidden" name="checkout_token" value="{token}">'
            '<input name="recipient_name"><input name="address1"><button>결제</button></form>')


@app.post("/checkout")
def checkout_submit():
    if "m" not in session or request.form.get("checkout_token") != session.pop("t", None):
        abort(400)
    with _db().begin() as conn:
        taken = conn.execute(update(products).where(products.c.id == session["p"], products.c.stock >= 1)
                             .values(stock=products.c.stock - 1)).rowcount
        if taken != 1:
            return "품절", 409
        order_no = secrets.token_hex(8)
        order_id = conn.execute(insert(orders).values(
            order_no=order_no, member_id=session["m"], total=10000, recipient=request.form["recipient_name"],
            address=request.form["address1"])).inserted_primary_key[0]
        conn.execute(insert(lines).values(order_id=order_id, product_id=session["p"], quantity=1))
    return redirect(f"/orders/{order_no}", code=303)


@app.get("/orders/<order_no>")
def order_page(order_no: str):
    with _db().connect() as conn:
        row = conn.execute(select(orders).where(orders.c.order_no == order_no,
                                                orders.c.member_id == session.get("m"))).first()
    if row is None:
        abort(404)
    return f"<h1>주문 {escape(row.order_no)}</h1><p>{escape(row.recipient)} {row.total:,}원</p>"
