"""The published aggregates, rebuilt every run from the records and the profiles, in SQL.

Sales per KST day and category (amounts, no members), visits and distinct visiting members
per day (counted members only), member counts per age band, region and signup month, and
the three figures behind the repeat-purchase rate. Each is one INSERT … SELECT … GROUP BY.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import case, delete, func, insert, literal, select, union

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..orders import services as orders
from ..shop import catalog
from . import changes, sqlfns
from .models import StatCell, StatProfile, StatSalesDaily, StatVisitsDaily
from .profiles import counted_link
from .staging import DAYS, GONE_DAYS, MOVED

WINDOW_DAYS = 400  # daily tables cover this many days back (a year and a bit, for week-on-week)
DIMENSIONS = ("age_band", "region", "signup_month")


def sales(since: _dt.datetime | None) -> None:
    """``stat_sales_daily`` over the window: orders, quantity and amount per KST day and category.

    ``since`` None: every day rebuilt. Otherwise only the days of the orders written at or after
    ``since`` (placed, paid, cancelled, refunded — a refund changes the day the order was paid)
    of the paid orders deleted since the last run (``deletions``) and every day on which a product
    that moved to another category sold (``changes``) are rebuilt, and days that
    left the window are deleted: no other day can have changed.
    """
    first = clock.to_kst(clock.now()).date() - _dt.timedelta(days=WINDOW_DAYS)
    low, high = clock.start_of_day(first), None
    if since is None:
        db.session.execute(delete(StatSalesDaily))
    else:
        changed = orders.changed_orders(since).subquery()
        parts = [select(sqlfns.kst_day(changed.c.paid_at).label("day")).where(changed.c.paid_at >= low),
                 select(GONE_DAYS.c.day).where(GONE_DAYS.c.day >= first)]  # paid orders deleted (``deletions``)
        if changes.moved_any():  # every day a product moved to another category sold on
            sold = orders.sold_lines().subquery()
            parts.append(select(sqlfns.kst_day(sold.c.paid_at)).where(
                sold.c.paid_at >= low, sold.c.product_id.in_(select(MOVED.c.product_id))))
        days = union(*parts).subquery()
        db.session.execute(insert(DAYS).from_select(["day"], select(days.c.day)))
        db.session.execute(delete(StatSalesDaily).where(
            StatSalesDaily.day.in_(select(DAYS.c.day)) | (StatSalesDaily.day < first)))
        bounds = db.session.execute(select(func.min(DAYS.c.day), func.max(DAYS.c.day))).one()
        if bounds[0] is None:
            return
        # The changed days' paid_at range, so that only their orders are read and joined.
        low, high = clock.start_of_day(_as_date(bounds[0])), clock.start_of_day(_as_date(bounds[1]) + _dt.timedelta(days=1))
    lines = orders.sold_lines()
    paid_at = lines.selected_columns.paid_at
    sold = lines.where(paid_at >= low, *(() if high is None else (paid_at < high,))).subquery()
    products = catalog.product_categories().subquery()
    day, cat = sqlfns.kst_day(sold.c.paid_at), func.coalesce(products.c.category_id, 0)
    rebuilt = (select(day, cat, func.count(func.distinct(sold.c.order_id)), func.sum(sold.c.quantity),
                      func.sum(sold.c.line_total))
               .outerjoin(products, products.c.product_id == sold.c.product_id))
    if since is not None:
        rebuilt = rebuilt.where(day.in_(select(DAYS.c.day)))
    db.session.execute(insert(StatSalesDaily).from_select(
        ["day", "category_id", "orders", "quantity", "amount"], rebuilt.group_by(day, cat)))


def _as_date(value) -> _dt.date:
    """A day as the database returned it (SQLite: an ISO string)."""
    return value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value))


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
