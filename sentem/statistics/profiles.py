"""The pseudonymised profiles, kept up to date between runs instead of rebuilt from scratch.

A profile (``StatProfile``) holds what the aggregates and segments need of one counted
member. Each run first re-keys the kept profiles of counted members from the previous run's
pseudonyms to its own (``rekey``: the staging table holds both) and drops every other. The age band and region come from the encrypted
birth date and address, and decrypting a million members costs minutes of CPU; so a run
decrypts only the counted members who have no profile yet (new, consenting again), whose
birth date or address changed since the last run, or whose band changes this month (a 10th
birthday). Orders, last visit and the categories bought from are recomputed in SQL for the
members in ``SCOPE`` — the decrypted ones and those with an order or a login written since
the last run (everyone on a full run, ``build``) — and written only where they differ.
"""
from __future__ import annotations

from sqlalchemy import delete, exists, func, insert, literal, or_, select, text, update

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..orders import services as orders
from ..shop import catalog
from . import changes, sqlfns, staging, subjects
from .models import StatProfile

_CHUNK = 10_000  # members decrypted per chunk

L, D, F, P, S, B = staging.LINK, staging.DEMO, staging.FACTS, staging.PAIRS, staging.SCOPE, staging.BOUGHT


def counted_link():
    """The staged (member id, pseudonym) of counted members, as a subquery."""
    return select(L.c.member_id, L.c.pseudonym).where(L.c.reason.is_(None)).subquery()


def left_since_last() -> dict[str, int]:
    """Profiles of the previous run that this run leaves out, by reason ("gone": no member row).

    Profiles are matched by the previous key's pseudonym; without that key (none yet) nothing is compared.
    """
    p = StatProfile.__table__
    reason = func.coalesce(L.c.reason, literal("gone"))
    rows = db.session.execute(
        select(reason, func.count()).select_from(p.outerjoin(L, L.c.old_pseudonym == p.c.pseudonym))
        .where((L.c.reason.is_not(None)) | (L.c.member_id.is_(None)))
        .group_by(reason)).all()
    return {r: n for r, n in rows}


def rekey() -> None:
    """Move the profiles of counted members to this run's pseudonyms; every
    other profile goes (no longer counted, or no previous key to match it by).

    Every row changes its key, so the tables are rewritten rather than updated: the re-keyed rows
    are copied aside, the table emptied (TRUNCATE on PostgreSQL) and refilled in key order. At
    1,000,000 members an UPDATE of the keys took minutes (each row a new index entry at a random
    place). Readers of the table wait for the run's commit meanwhile (03:30 KST).
    """
    names = []
    for model in (StatProfile,):
        t = model.__table__
        rest = [c.name for c in t.columns if c.name != "pseudonym"]
        copy = f"tmp_rekey_{t.name}"
        db.session.execute(text(f"DROP TABLE IF EXISTS {copy}"))
        db.session.execute(text(
            f"CREATE TEMPORARY TABLE {copy} AS SELECT {L.name}.pseudonym AS pseudonym, "
            + ", ".join(f"t.{c}" for c in rest)
            + f" FROM {t.name} t JOIN {L.name} ON t.pseudonym = {L.name}.old_pseudonym"
            f" WHERE {L.name}.reason IS NULL"))
        names.append((t, copy, ["pseudonym", *rest]))
    if sqlfns.is_postgresql():
        db.session.execute(text("TRUNCATE " + ", ".join(t.name for t, _, _ in names)))
    else:
        for t, _, _ in names:
            db.session.execute(text(f"DELETE FROM {t.name}"))
    for t, copy, columns in names:
        order = ", ".join(c.name for c in t.primary_key.columns)
        listed = ", ".join(columns)
        db.session.execute(text(f"INSERT INTO {t.name} ({listed}) SELECT {listed} FROM {copy} ORDER BY {order}"))
        db.session.execute(text(f"DROP TABLE {copy}"))


def stage_scope(since) -> None:
    """``SCOPE``: the counted members whose facts and categories are recomputed — those just
    decrypted, those with an order or a login written at or after ``since``, those marked
    because some were deleted (``deletions``: marked under the previous key) and the buyers of
    the products that moved to another category (``changes``); everyone
    counted when ``since`` is None (a full run)."""
    counted = select(L.c.member_id, L.c.pseudonym, exists().where(D.c.pseudonym == L.c.pseudonym))
    if since is not None:
        changed = orders.changed_orders(since).subquery()
        logins = accounts.statistics_logins().subquery()
        reasons = [exists().where(D.c.pseudonym == L.c.pseudonym),
                   L.c.member_id.in_(select(changed.c.member_id).where(changed.c.member_id.is_not(None))),
                   L.c.member_id.in_(select(logins.c.member_id).where(logins.c.at >= since)),
                   L.c.old_pseudonym.in_(select(staging.GONE.c.pseudonym))]  # orders or logins deleted
        if changes.moved_any():  # (only then: the buyers of moved products are a read of all sold lines)
            sold = orders.sold_lines().subquery()
            reasons.append(L.c.member_id.in_(select(sold.c.member_id).where(
                sold.c.product_id.in_(select(staging.MOVED.c.product_id)))))
        counted = counted.where(or_(*reasons))
    db.session.execute(insert(S).from_select(["member_id", "pseudonym", "fresh"],
                                             counted.where(L.c.reason.is_(None))))
    staging.describe(S, "fresh")


def stage_bought() -> None:
    """``BOUGHT``: (member, order, category) of every sold line of the members in ``SCOPE`` —
    the one read of the orders that their facts and their categories share."""
    sold = orders.sold_lines().subquery()
    products = catalog.product_categories().subquery()
    db.session.execute(insert(B).from_select(
        ["member_id", "order_id", "category_id"],
        select(S.c.member_id, sold.c.order_id, func.coalesce(products.c.category_id, 0))
        .join(sold, sold.c.member_id == S.c.member_id)
        .outerjoin(products, products.c.product_id == sold.c.product_id)))


def stage_facts() -> None:
    """``FACTS``: signup month, paid orders and last visit (KST day) of every member in ``SCOPE``."""
    bought = (select(B.c.member_id, func.count(func.distinct(B.c.order_id)).label("n"))
              .group_by(B.c.member_id).subquery())
    logins = accounts.statistics_logins().subquery()
    seen = (select(S.c.member_id, func.max(logins.c.at).label("at"))
            .join(logins, logins.c.member_id == S.c.member_id).group_by(S.c.member_id).subquery())
    db.session.execute(insert(F).from_select(
        ["pseudonym", "signup_month", "orders_count", "last_visit_on"],
        select(S.c.pseudonym, L.c.signup_month, func.coalesce(bought.c.n, 0), sqlfns.kst_day(seen.c.at))
        .select_from(S.join(L, L.c.member_id == S.c.member_id)
                     .outerjoin(bought, bought.c.member_id == S.c.member_id)
                     .outerjoin(seen, seen.c.member_id == S.c.member_id))))


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


def write() -> None:
    """Profiles from ``DEMO`` (new or replaced) and ``FACTS`` (changed values only)."""
    p = StatProfile.__table__
    db.session.execute(delete(p).where(exists().where(D.c.pseudonym == p.c.pseudonym)))
    db.session.execute(insert(p).from_select(
        ["pseudonym", "age_band", "band_recheck", "region", "signup_month", "orders_count", "last_visit_on"],
        select(D.c.pseudonym, D.c.age_band, D.c.band_recheck, D.c.region, F.c.signup_month,
               F.c.orders_count, F.c.last_visit_on).join(F, F.c.pseudonym == D.c.pseudonym)))
    db.session.execute(
        update(p).where(p.c.pseudonym == F.c.pseudonym,
                        or_(p.c.orders_count != F.c.orders_count, p.c.signup_month != F.c.signup_month,
                            p.c.last_visit_on.is_distinct_from(F.c.last_visit_on)))
        .values(orders_count=F.c.orders_count, signup_month=F.c.signup_month, last_visit_on=F.c.last_visit_on))


def write_categories() -> None:
    """The categories each profile in ``SCOPE`` bought from (",3,7,"), staged, then written."""
    pairs = (select(S.c.pseudonym, B.c.category_id).join(B, B.c.member_id == S.c.member_id)
             .where(exists().where(StatProfile.pseudonym == S.c.pseudonym))  # (decrypted: still active)
             .distinct().subquery())
    db.session.execute(insert(P).from_select(
        ["pseudonym", "categories"],
        select(pairs.c.pseudonym, sqlfns.id_list(pairs.c.category_id)).group_by(pairs.c.pseudonym)))
    p = StatProfile.__table__
    db.session.execute(update(p).where(p.c.pseudonym == P.c.pseudonym, p.c.categories != P.c.categories)
                       .values(categories=P.c.categories))
    db.session.execute(update(p).where(exists().where(S.c.pseudonym == p.c.pseudonym), p.c.categories != "",
                                       ~exists().where(P.c.pseudonym == p.c.pseudonym))
                       .values(categories=""))
