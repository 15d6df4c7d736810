"""The nightly statistics job: every aggregate rebuilt from the records, set-based.

Order of a run, and why:

1. take the lease (compare-and-set on ``stat_lease``): two schedulers never build at once;
2. this year's pseudonym key (older ones shredded, ``pseudonyms``);
3. every member classified (``subjects``), pseudonymised, and staged in a temporary
   table (member id, pseudonym, reason) that lives only in this transaction's
   connection: it is what lets SQL join orders and logins to pseudonyms, and it is
   dropped before the commit, so no member id is ever stored in a statistics table;
4. the ledger counts who the previous run counted and this one leaves out, and why;
5. profiles, sales, visits and cells rebuilt with INSERT … SELECT … GROUP BY, in the
   same transaction: readers see the old figures or the new ones, never a mix.
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import Column, Integer, MetaData, String, Table, case, delete, func, insert, literal, select, text
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..jobs import job
from ..orders import services as orders
from ..shop import catalog
from . import pseudonyms, sqlfns, subjects
from .models import (StatCell, StatLease, StatProfile, StatProfileCategory, StatRun, StatSalesDaily,
                     StatVisitsDaily)

log = logging.getLogger("sentem.statistics")
WINDOW_DAYS = 400  # daily tables cover this many days back (a year and a bit, for week-on-week)
LEASE = _dt.timedelta(hours=2)
_CHUNK = 10_000  # counted members decrypted per chunk
DIMENSIONS = ("age_band", "region", "signup_month")

LINK = Table("tmp_stat_link", MetaData(), Column("member_id", Integer, primary_key=True),
             Column("pseudonym", String(32), nullable=False), Column("reason", String(12)),
             prefixes=["TEMPORARY"])


def run() -> StatRun | None:
    """Rebuild every statistic now; returns the ledger row (None when another run holds the lease)."""
    now = clock.now()
    row = StatRun(started_at=now, status="running")
    db.session.add(row)
    db.session.flush()
    if not _take_lease(row.id, now):
        db.session.rollback()
        log.info("statistics: another run is building; skipped")
        return None
    db.session.commit()
    try:
        _build(row)
    except Exception as exc:
        db.session.rollback()
        _finish(row.id, "failed", error=f"{type(exc).__name__}: {exc}"[:300])
        log.exception("statistics run %s failed", row.id)
        raise
    return db.session.get(StatRun, row.id)


@job
def nightly_job() -> int | None:
    """Job wrapper of ``run`` (the schedule's nightly entry); returns the run id."""
    row = run()
    return row.id if row else None


def _take_lease(run_id: int, now: _dt.datetime) -> bool:
    if db.session.get(StatLease, 1) is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(StatLease).values(id=1))
        except IntegrityError:  # another process made the row first
            pass
    taken = db.session.execute(
        StatLease.__table__.update()
        .where(StatLease.id == 1, (StatLease.until.is_(None)) | (StatLease.until < now))
        .values(run_id=run_id, until=now + LEASE)).rowcount
    return taken == 1


def _finish(run_id: int, status: str, **values) -> None:
    db.session.execute(StatRun.__table__.update().where(StatRun.id == run_id)
                       .values(status=status, finished_at=clock.now(), **values))
    db.session.execute(StatLease.__table__.update().where(StatLease.id == 1, StatLease.run_id == run_id)
                       .values(run_id=None, until=None))
    db.session.commit()


def _build(row: StatRun) -> None:
    year = pseudonyms.current_year()
    pseudonyms.shred_old(year)
    raw = pseudonyms.key(year)
    people = subjects.classify(raw)
    conn = db.session.connection()
    conn.execute(text("DROP TABLE IF EXISTS tmp_stat_link"))
    LINK.create(conn)
    sqlfns.bulk_insert(LINK, ("member_id", "pseudonym", "reason"), (p[:3] for p in people))
    excluded = {r: 0 for r in subjects.REASONS}
    for p in people:
        if p[2]:
            excluded[p[2]] += 1
    left = _left_since_last(year)
    counted = [p for p in people if p[2] is None]
    del people
    _rebuild_profiles(counted, year)
    _rebuild_aggregates()
    conn.execute(text("DROP TABLE tmp_stat_link"))
    _finish(row.id, "done", key_year=year, counted=len(counted),
            **{f"excluded_{r}": n for r, n in excluded.items()},
            **{f"left_{r}": left.get(r, 0) for r in (*subjects.REASONS, "gone")})


def _left_since_last(year: int) -> dict[str, int]:
    """Pseudonyms the previous run counted that this run leaves out, by reason ("gone": no row)."""
    p, link = StatProfile.__table__, LINK
    reason = func.coalesce(link.c.reason, literal("gone"))
    rows = db.session.execute(
        select(reason, func.count()).select_from(p.outerjoin(link, link.c.pseudonym == p.c.pseudonym))
        .where(p.c.key_year == year, (link.c.reason.is_not(None)) | (link.c.member_id.is_(None)))
        .group_by(reason)).all()
    return {r: n for r, n in rows}


def _counted_link():
    return select(LINK.c.member_id, LINK.c.pseudonym).where(LINK.c.reason.is_(None)).subquery()


def _rebuild_profiles(counted: list[tuple], year: int) -> None:
    link = _counted_link()
    logins = accounts.statistics_logins().subquery()
    last_visit = dict(db.session.execute(
        select(link.c.pseudonym, func.max(logins.c.at)).join(logins, logins.c.member_id == link.c.member_id)
        .group_by(link.c.pseudonym)).all())
    sold = orders.sold_lines().subquery()
    bought = dict(db.session.execute(
        select(link.c.pseudonym, func.count(func.distinct(sold.c.order_id)))
        .join(sold, sold.c.member_id == link.c.member_id).group_by(link.c.pseudonym)).all())
    db.session.execute(delete(StatProfileCategory))
    db.session.execute(delete(StatProfile))
    today = clock.today()
    columns = ("pseudonym", "key_year", "age_band", "region", "signup_month", "orders_count", "last_visit_on")
    for start in range(0, len(counted), _CHUNK):
        chunk = counted[start:start + _CHUNK]
        demo = subjects.demographics([p[0] for p in chunk], today)  # before the COPY: one connection
        rows = []
        for member_id, pseudonym, _reason, month in chunk:
            if member_id not in demo:  # became inactive meanwhile: not counted
                continue
            band, region = demo[member_id]
            seen = last_visit.get(pseudonym)
            rows.append((pseudonym, year, band, region, month, bought.get(pseudonym, 0),
                         clock.to_kst(seen).date() if seen else None))
        sqlfns.bulk_insert(StatProfile.__table__, columns, rows)
    products = catalog.product_categories().subquery()
    cat = func.coalesce(products.c.category_id, 0)
    db.session.execute(insert(StatProfileCategory).from_select(
        ["pseudonym", "category_id"],
        select(link.c.pseudonym, cat).join(sold, sold.c.member_id == link.c.member_id)
        .outerjoin(products, products.c.product_id == sold.c.product_id)
        .join(StatProfile, StatProfile.pseudonym == link.c.pseudonym)
        .group_by(link.c.pseudonym, cat)))


def _rebuild_aggregates() -> None:
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
    link = _counted_link()
    logins = accounts.statistics_logins().subquery()
    vday = sqlfns.kst_day(logins.c.at)
    db.session.execute(delete(StatVisitsDaily))
    db.session.execute(insert(StatVisitsDaily).from_select(
        ["day", "visits", "members"],
        select(vday, func.count(), func.count(func.distinct(link.c.pseudonym)))
        .join(logins, logins.c.member_id == link.c.member_id)
        .join(StatProfile, StatProfile.pseudonym == link.c.pseudonym)
        .where(logins.c.at >= since).group_by(vday)))
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
