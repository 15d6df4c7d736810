"""Per-member page revisions, kept by the database itself (for ``web.member_pages``).

A member's ``/cart``, ``/orders`` and ``/me`` are cached per session and served while
nothing they show has changed. "Nothing changed" is proved by the database, not by the
code that writes: every INSERT, UPDATE and DELETE of a table those pages read about one
member (``MEMBER_TABLES``) bumps that member's row in ``member_page_revs`` through a
trigger — services, staff screens, RQ jobs, set-based sweeps and raw SQL alike. On
PostgreSQL the trigger is deferred to commit (it never holds the member's row lock while
the transaction waits on other rows, so it adds no deadlock) and ``TRUNCATE`` bumps every
member; SQLite's writers are serial, its triggers run at once.

What is the same for every member (a product's price, stock, title; its category) is
shared: the cart page's key holds the sum of the revisions of the products in the cart
and of their categories (``SHARED_TABLES``). The ORM bumps a product's revision on each
change; a trigger does it for any UPDATE that did not, so raw SQL is caught too.

The triggers are created from here for ``create_all`` (an ``after_create`` event on the
metadata) and by ``migrations/env.py`` after every upgrade (``apply``); both are
idempotent. ``tests/shop/test_member_private_pages.py`` checks that every table the three
pages read is in one of these lists.
"""
from __future__ import annotations

from sqlalchemy import event, inspect

from ..extensions import db

TABLE = "member_page_revs"

# table -> SELECT of the member ids (column ``mid``) a change of row ``{row}`` (NEW/OLD) concerns.
MEMBER_TABLES = {
    "members": "SELECT {row}.id AS mid",
    "cart_items": "SELECT {row}.member_id AS mid",
    "orders": "SELECT {row}.member_id AS mid",
    "order_lines": "SELECT member_id AS mid FROM orders WHERE id = {row}.order_id",
    "cancellations": "SELECT member_id AS mid FROM orders WHERE id = {row}.order_id "
                     "UNION SELECT {row}.member_id AS mid",
}
# Tables shared by all members whose every UPDATE raises ``revision`` (read in the cart's key).
SHARED_TABLES = ("products", "categories")
# Read by the pages but decided elsewhere: the layer checks the session on every request and
# the key holds it; a member's data key turns the ``members`` row's ciphertext into the name
# (it is shredded only for a withdrawn or destroyed member, whose status the layer checks;
# re-wrapping leaves the plaintext as it was).
CHECKED_TABLES = ("login_sessions", "data_keys", "key_buckets", "member_page_revs")


class MemberPageRev(db.Model):
    """A member's page revision: raised by triggers on any change of what their pages show."""

    __tablename__ = TABLE
    # No foreign key: a deleted member's row stays (a counter, never reused at a lower value).
    member_id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    rev = db.Column(db.BigInteger, nullable=False, default=0)


def _bump(select: str, *rows: str) -> str:
    # One statement for the old and the new row (an UPDATE usually concerns one member);
    # DISTINCT and ORDER BY: one update per member (PostgreSQL refuses two in one statement),
    # always in the same order. The first bump of a member creates the row.
    union = " UNION ".join(select.format(row=row) for row in rows)
    return (f"INSERT INTO {TABLE} (member_id, rev) SELECT DISTINCT t.mid, 1 FROM ({union}) t "
            f"WHERE t.mid IS NOT NULL ORDER BY t.mid ON CONFLICT (member_id) DO UPDATE SET rev = {TABLE}.rev + 1")


def sqlite_ddl() -> list[str]:
    """The SQLite triggers (DROP + CREATE: applying twice leaves one of each)."""
    out = []
    for table, select in MEMBER_TABLES.items():
        for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            name = f"mpr_{table}_{op.lower()}"
            body = _bump(select, *rows) + ";"
            out += [f"DROP TRIGGER IF EXISTS {name}",
                    f"CREATE TRIGGER {name} AFTER {op} ON {table} FOR EACH ROW BEGIN {body} END"]
    for table in SHARED_TABLES:
        name = f"mpr_{table}_revision"
        out += [f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW WHEN NEW.revision <= OLD.revision "
                f"BEGIN UPDATE {table} SET revision = OLD.revision + 1 WHERE id = NEW.id; END"]
    return out


def postgresql_ddl() -> list[str]:
    """The PostgreSQL functions and triggers (CREATE OR REPLACE / DROP IF EXISTS: idempotent)."""
    out = []
    for table, select in MEMBER_TABLES.items():
        fn = f"mpr_{table}_bump"
        out += [f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'INSERT' THEN {_bump(select, 'NEW')}; "
                f"ELSIF TG_OP = 'DELETE' THEN {_bump(select, 'OLD')}; "
                f"ELSE {_bump(select, 'OLD', 'NEW')}; END IF; RETURN NULL; END $$",
                f"DROP TRIGGER IF EXISTS mpr_{table} ON {table}",
                f"CREATE CONSTRAINT TRIGGER mpr_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {fn}()",
                f"DROP TRIGGER IF EXISTS mpr_{table}_truncate ON {table}",
                f"CREATE TRIGGER mpr_{table}_truncate AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION mpr_bump_all()"]
    out.insert(0, f"CREATE OR REPLACE FUNCTION mpr_bump_all() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                  f"UPDATE {TABLE} SET rev = rev + 1; RETURN NULL; END $$")
    for table in SHARED_TABLES:
        fn = f"mpr_{table}_revision"
        out += [f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.revision <= OLD.revision THEN NEW.revision := OLD.revision + 1; END IF; "
                f"RETURN NEW; END $$",
                f"DROP TRIGGER IF EXISTS {fn} ON {table}",
                f"CREATE TRIGGER {fn} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}()"]
    return out


def apply(connection) -> list[str]:
    """Create (or re-create) the triggers on ``connection``'s database; returns the statements.

    Only where the member tables are (the main database, not the archive or key store)."""
    tables = set(MEMBER_TABLES) | set(SHARED_TABLES) | {TABLE}
    if not tables <= set(inspect(connection).get_table_names()):
        return []
    statements = postgresql_ddl() if connection.dialect.name == "postgresql" else sqlite_ddl()
    for sql in statements:
        connection.exec_driver_sql(sql)
    return statements


def _after_create(metadata, connection, **kw) -> None:
    apply(connection)


def install() -> None:
    """Let ``create_all`` create the triggers too (once per process, whatever the apps)."""
    if not event.contains(db.metadata, "after_create", _after_create):
        event.listen(db.metadata, "after_create", _after_create)


_REV = f"coalesce((SELECT rev FROM {TABLE} WHERE member_id = m.id), 0)"
# Revisions only grow (the triggers above), so the sum grows with any change of a product in
# the cart or of its category; a change of what is in the cart bumps the member's revision.
_CART = (", (SELECT coalesce(sum(p.revision), 0) + coalesce(sum(k.revision), 0) FROM cart_items c "
         "JOIN products p ON p.id = c.product_id LEFT JOIN categories k ON k.id = p.category_id "
         "WHERE c.member_id = m.id)")


def columns(path: str) -> str:
    """The SELECT list (over ``members m``) of what ``path``'s cached copy depends on."""
    return _REV + _CART if path == "/cart" else _REV
