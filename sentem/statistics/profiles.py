"""The pseudonymised profiles, kept up to date between runs instead of rebuilt from scratch.

A profile (``StatProfile``) holds what the aggregates and segments need of one counted
member. The age band and region come from the encrypted birth date and address, and
decrypting a million members costs minutes of CPU; so a run decrypts only the counted
members who have no profile under this year's pseudonym yet (new, consenting again, or a
new key year), whose birth date or address changed since the last run, or whose band
changes this month (a 10th birthday). Everything else of a profile — signup month, orders,
last visit, the categories bought from — is recomputed in SQL every run and written only
where it differs. Profiles of members no longer counted are deleted first.
"""
from __future__ import annotations

from sqlalchemy import and_, delete, exists, func, insert, literal, or_, select, update

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..orders import services as orders
from ..shop import catalog
from . import sqlfns, staging, subjects
from .models import StatProfile, StatProfileCategory

_CHUNK = 10_000  # members decrypted per chunk

L, D, F, P = staging.LINK, staging.DEMO, staging.FACTS, staging.PAIRS


def counted_link():
    """The staged (member id, pseudonym) of counted members, as a subquery."""
    return select(L.c.member_id, L.c.pseudonym).where(L.c.reason.is_(None)).subquery()


def left_since_last(year: int) -> dict[str, int]:
    """Profiles of this key year that this run leaves out, by reason ("gone": no member row)."""
    p = StatProfile.__table__
    reason = func.coalesce(L.c.reason, literal("gone"))
    rows = db.session.execute(
        select(reason, func.count()).select_from(p.outerjoin(L, L.c.pseudonym == p.c.pseudonym))
        .where(p.c.key_year == year, (L.c.reason.is_not(None)) | (L.c.member_id.is_(None)))
        .group_by(reason)).all()
    return {r: n for r, n in rows}


def drop_uncounted() -> None:
    """Delete the profiles (and their categories) of everyone this run does not count."""
    for model in (StatProfileCategory, StatProfile):
        counted = exists().where(L.c.pseudonym == model.pseudonym, L.c.reason.is_(None))
        db.session.execute(delete(model).where(~counted))


def stage_facts() -> None:
    """``FACTS``: signup month, paid orders and last visit (KST day) of every counted member."""
    sold = orders.sold_lines().subquery()
    bought = (select(sold.c.member_id, func.count(func.distinct(sold.c.order_id)).label("n"))
              .group_by(sold.c.member_id).subquery())
    logins = accounts.statistics_logins().subquery()
    seen = select(logins.c.member_id, func.max(logins.c.at).label("at")).group_by(logins.c.member_id).subquery()
    db.session.execute(insert(F).from_select(
        ["pseudonym", "signup_month", "orders_count", "last_visit_on"],
        select(L.c.pseudonym, L.c.signup_month, func.coalesce(bought.c.n, 0), sqlfns.kst_day(seen.c.at))
        .select_from(L.outerjoin(bought, bought.c.member_id == L.c.member_id)
                     .outerjoin(seen, seen.c.member_id == L.c.member_id))
        .where(L.c.reason.is_(None))))


def decrypt_due() -> int:
    """Decrypt the counted members whose band or region may be new (see the module) into ``DEMO``;
    returns how many."""
    month = clock.to_kst(clock.now()).strftime("%Y-%m")
    p = StatProfile.__table__
    due = list(db.session.execute(
        select(L.c.member_id, L.c.pseudonym).select_from(L.outerjoin(p, p.c.pseudonym == L.c.pseudonym))
        .where(L.c.reason.is_(None), or_(p.c.pseudonym.is_(None), L.c.changed.is_(True), p.c.band_recheck <= month))
        .order_by(L.c.member_id)).all())
    today, done = clock.today(), 0
    for start in range(0, len(due), _CHUNK):
        chunk = due[start:start + _CHUNK]
        demo = subjects.demographics([member_id for member_id, _ in chunk], today)  # before the COPY
        rows = [(pseudonym, *demo[member_id]) for member_id, pseudonym in chunk if member_id in demo]
        sqlfns.bulk_insert(D, ("pseudonym", "age_band", "band_recheck", "region"), rows)
        done += len(rows)
    return done


def write(year: int) -> None:
    """Profiles from ``DEMO`` (new or replaced) and ``FACTS`` (changed values only)."""
    p = StatProfile.__table__
    db.session.execute(delete(p).where(exists().where(D.c.pseudonym == p.c.pseudonym)))
    db.session.execute(insert(p).from_select(
        ["pseudonym", "key_year", "age_band", "band_recheck", "region", "signup_month", "orders_count",
         "last_visit_on"],
        select(D.c.pseudonym, literal(year), D.c.age_band, D.c.band_recheck, D.c.region, F.c.signup_month,
               F.c.orders_count, F.c.last_visit_on).join(F, F.c.pseudonym == D.c.pseudonym)))
    db.session.execute(
        update(p).where(p.c.pseudonym == F.c.pseudonym,
                        or_(p.c.orders_count != F.c.orders_count, p.c.signup_month != F.c.signup_month,
                            p.c.last_visit_on.is_distinct_from(F.c.last_visit_on)))
        .values(orders_count=F.c.orders_count, signup_month=F.c.signup_month, last_visit_on=F.c.last_visit_on))


def write_categories() -> None:
    """The categories each profile bought from: staged, then only the differences written."""
    sold = orders.sold_lines().subquery()
    products = catalog.product_categories().subquery()
    cat = func.coalesce(products.c.category_id, 0)
    db.session.execute(insert(P).from_select(
        ["pseudonym", "category_id"],
        select(L.c.pseudonym, cat).join(sold, sold.c.member_id == L.c.member_id)
        .outerjoin(products, products.c.product_id == sold.c.product_id)
        .where(L.c.reason.is_(None),
               exists().where(StatProfile.pseudonym == L.c.pseudonym))  # (decrypted: still active)
        .group_by(L.c.pseudonym, cat)))
    c = StatProfileCategory.__table__
    same = and_(P.c.pseudonym == c.c.pseudonym, P.c.category_id == c.c.category_id)
    db.session.execute(delete(c).where(~exists().where(same)))
    db.session.execute(insert(c).from_select(["pseudonym", "category_id"],
                                             select(P.c.pseudonym, P.c.category_id).where(~exists().where(same))))
