"""The published aggregates, rebuilt every run from the records and the profiles, in SQL.

Sales per KST day and category (amounts, no members), visits and distinct visiting members
per day (counted members only), member counts per age band, region and signup month, and
the three figures behind the repeat-purchase rate. Each is one INSERT … SELECT … GROUP BY.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import case, delete, func, insert, literal, select

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..orders import services as orders
from ..shop import catalog
from . import sqlfns
from .models import StatCell, StatProfile, StatSalesDaily, StatVisitsDaily
from .profiles import counted_link

WINDOW_DAYS = 400  # daily tables cover this many days back (a year and a bit, for week-on-week)
DIMENSIONS = ("age_band", "region", "signup_month")


def sales() -> None:
    """``stat_sales_daily`` over the window: orders, quantity and amount per day and category."""
    since = clock.now() - _dt.timedelta(days=WINDOW_DAYS)
    lines = orders.sold_lines()
    sold = lines.where(lines.selected_columns.paid_at >= since).subquery()
    products = catalog.product_categories().subquery()
    day, cat = sqlfns.kst_day(sold.c.paid_at), func.coalesce(products.c.category_id, 0)
    db.session.execute(delete(StatSalesDaily))
    db.session.execute(insert(StatSalesDaily).from_select(
        ["day", "category_id", "orders", "quantity", "amount"],
        select(day, cat, func.count(func.distinct(sold.c.order_id)), func.sum(sold.c.quantity),
               func.sum(sold.c.line_total))
        .outerjoin(products, products.c.product_id == sold.c.product_id).group_by(day, cat)))


def visits() -> None:
    """``stat_visits_daily`` over the window: logins and distinct members of counted profiles."""
    since = clock.now() - _dt.timedelta(days=WINDOW_DAYS)
    link = counted_link()
    logins = accounts.statistics_logins().subquery()
    vday = sqlfns.kst_day(logins.c.at)
    db.session.execute(delete(StatVisitsDaily))
    db.session.execute(insert(StatVisitsDaily).from_select(
        ["day", "visits", "members"],
        select(vday, func.count(), func.count(func.distinct(link.c.member_id)))
        .join(logins, logins.c.member_id == link.c.member_id)
        .join(StatProfile, StatProfile.pseudonym == link.c.pseudonym)
        .where(logins.c.at >= since).group_by(vday)))


def cells() -> int:
    """``stat_cells``: members per value of each dimension, and the figures; returns the count."""
    db.session.execute(delete(StatCell))
    for dim in DIMENSIONS:
        col = getattr(StatProfile, dim)
        db.session.execute(insert(StatCell).from_select(
            ["dimension", "value", "members"], select(literal(dim), col, func.count()).group_by(col)))
    buyers = case((StatProfile.orders_count >= 1, 1), else_=0)
    repeat = case((StatProfile.orders_count >= 2, 1), else_=0)
    figures = db.session.execute(select(func.count(), func.coalesce(func.sum(buyers), 0),
                                        func.coalesce(func.sum(repeat), 0)).select_from(StatProfile)).one()
    db.session.execute(insert(StatCell), [{"dimension": "figure", "value": k, "members": int(v or 0)}
                                          for k, v in zip(("counted", "buyers", "repeat"), figures)])
    return int(figures[0])
