"""A member's /cart, /orders and /me from the per-session copy (``web.member_pages``,
``web.private_pages``, ``web.member_revs``): every table those pages read is covered by a
bump trigger or by the products' revisions, and whoever changes what the pages show — a
service, staff, a job, raw SQL, another browser — the next GET shows it at once."""
import re

import pytest
from sqlalchemy import event, text

from sentem import clock
from sentem.extensions import db
from sentem.web import member_revs
from sentem.web.member_pages import MemberPages
from tests.builders import make_member
from tests.orders.builders import checkout, make_paid_order, make_product
from tests.shop.test_member_pagecache import TOKEN, _get, _post
from tests.shop.test_member_pagecache import _logged_in as _log_in

PAGES = ("/cart", "/orders", "/me")
READ_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)', re.I)


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # the tokens the copies get must pass the real check


def _logged_in(app, member):
    client = _log_in(app, member)
    _get(app, client, "/")  # the login's own message, shown once (a page with a message is never kept)
    return client


def _layer(app) -> MemberPages:
    wsgi = app.wsgi_app
    while not isinstance(wsgi, MemberPages):
        wsgi = wsgi.wsgi_app
    return wsgi


def _kept(app, path: str) -> list:
    return [k for k in _layer(app).private.entries if k[4].startswith(path + "?")]


def _twice(app, client, path: str) -> str:
    """The page, asked for twice: the second answer comes from the copy."""
    first = _get(app, client, path)
    assert first[0] == 200 and _kept(app, path), path
    second = _get(app, client, path)
    assert TOKEN.sub("", second[1]) == TOKEN.sub("", first[1])
    return second[1]


def test_every_table_the_pages_read_is_covered_by_a_trigger_or_a_revision(app):
    """The proof: a page that starts reading a new table fails here until it is covered."""
    member = make_member()
    order = make_paid_order(member)
    checkout(member, [(make_product(title="취소할 머그"), 1)])
    from sentem.shop import cart

    cart.add(member.id, make_product(title="담긴 머그").id, 2)
    db.session.commit()
    db.session.execute(text("INSERT INTO cancellations (order_id, member_id, kind, reason_code, status, "
                            "refund_amount, requested_at, refund_failures) SELECT id, member_id, 'cancel', "
                            "'changed_mind', 'requested', 0, created_at, 0 FROM orders WHERE id = :id"),
                       {"id": order.id})
    db.session.commit()
    client = _logged_in(app, member)
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engines = list(db.engines.values())
    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        for path in PAGES:
            for _ in range(2):
                assert _get(app, client, path)[0] == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)
    read = {t.lower() for sql in seen if sql.lstrip()[:6].upper() == "SELECT"
            for t in READ_TABLES.findall(sql)}
    covered = set(member_revs.MEMBER_TABLES) | set(member_revs.SHARED_TABLES) | set(member_revs.CHECKED_TABLES)
    assert {"cart_items", "orders", "order_lines", "members"} <= read
    assert read <= covered, f"read but not covered: {sorted(read - covered)}"


def _triggers(app) -> set[str]:
    engine = db.engine
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return {r[0] for r in conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}
        return {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}


def test_the_migrated_database_has_a_trigger_on_every_covered_table(app):
    names = _triggers(app)
    for table in member_revs.MEMBER_TABLES:
        assert any(n.startswith(f"mpr_{table}") for n in names), table
    for table in member_revs.SHARED_TABLES:
        assert f"mpr_{table}_revision" in names, table


def test_create_all_makes_the_triggers_too(app, tmp_path):
    """Schemas built from the models without migrations (benches, throwaway databases)."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path}/fresh.db")
    try:
        db.metadata.create_all(engine)
        with engine.connect() as conn:
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    finally:
        engine.dispose()
    assert {f"mpr_{t}_{op}" for t in member_revs.MEMBER_TABLES for op in ("insert", "update", "delete")} <= names


def test_raw_sql_on_each_member_table_bumps_the_members_revision(app):
    from sentem.shop import cart

    member = make_member()
    order = make_paid_order(member)
    cart.add(member.id, make_product().id, 1)
    db.session.commit()

    def rev():
        return db.session.execute(text("SELECT rev FROM member_page_revs WHERE member_id = :m"),
                                  {"m": member.id}).scalar() or 0

    for sql in ("UPDATE members SET failed_logins = failed_logins WHERE id = :m",
                "UPDATE orders SET status = status WHERE member_id = :m",
                "UPDATE order_lines SET quantity = quantity WHERE order_id = :o",
                "DELETE FROM cart_items WHERE member_id = :m"):
        before = rev()
        db.session.execute(text(sql), {"m": member.id, "o": order.id})
        db.session.commit()
        assert rev() > before, sql
    # A raw UPDATE of a product that forgets its revision gets one all the same.
    product = make_product()
    was = product.revision
    db.session.execute(text("UPDATE products SET price = price + 1 WHERE id = :p"), {"p": product.id})
    db.session.commit()
    db.session.expire_all()
    assert product.revision > was


def test_changes_by_anyone_show_on_the_next_get(app):
    """Another browser, raw SQL on a product, a staff status change, a profile edit."""
    from sentem.accounts import profile
    from sentem.delivery import shipping

    member = make_member(name="김원래")
    order = make_paid_order(member, product=make_product(title="주문한 머그"))
    mug = make_product(title="장바구니 머그", price=10000, stock=5)
    browser = _logged_in(app, member)
    other = _logged_in(app, member)  # the same member on a second device
    assert "장바구니 머그" not in _twice(app, browser, "/cart")
    token = TOKEN.search(_get(app, other, "/products")[1]).group(1)
    assert _post(app, other, "/cart/add", {"product_id": mug.id, "quantity": 1, "csrf_token": token}).status_code == 302
    assert "장바구니 머그" in _get(app, browser, "/cart")[1]
    assert "10,000원" in _twice(app, browser, "/cart")
    db.session.execute(text("UPDATE products SET price = 13000 WHERE id = :p"), {"p": mug.id})
    db.session.commit()
    assert "13,000원" in _get(app, browser, "/cart")[1]

    assert "결제 완료" in _twice(app, browser, "/orders")
    shipping.mark_preparing(order.order_no, actor="staff:1")
    db.session.commit()
    assert "상품 준비 중" in _get(app, browser, "/orders")[1]
    db.session.execute(text("UPDATE orders SET status = 'shipped' WHERE id = :o"), {"o": order.id})
    db.session.commit()
    assert "상품 준비 중" not in _get(app, browser, "/orders")[1]

    assert "김원래" in _twice(app, browser, "/me")
    db.session.expire_all()
    profile.update_profile(db.session.get(type(member), member.id), {"name": "이새이름"}, actor="member")
    db.session.commit()
    page = _get(app, browser, "/me")[1]
    assert "이새이름" in page and "김원래" not in page


def test_a_job_settling_a_payment_shows_at_once(app):
    from sentem.orders.jobs import payment_recovery_job

    member = make_member()
    result = checkout(member, [(make_product(stock=3, title="늦은 머그"), 1)], outcome="timeout")
    assert result.outcome == "unknown"
    clock.advance(minutes=31)
    client = _logged_in(app, member)
    assert "결제 완료" not in _twice(app, client, "/orders")
    assert payment_recovery_job()["recovered_payments"] == 1
    assert "결제 완료" in _get(app, client, "/orders")[1]


def test_two_members_alternating_see_only_their_own_pages_and_tokens(app):
    first, second = make_member(name="가나다"), make_member(name="라마바")
    make_paid_order(first, product=make_product(title="첫째 머그"))
    make_paid_order(second, product=make_product(title="둘째 머그"))
    a, b = _logged_in(app, first), _logged_in(app, second)
    tokens = {a: set(), b: set()}
    for _ in range(3):
        for client, mine, theirs in ((a, ("가나다", "첫째 머그"), ("라마바", "둘째 머그")),
                                     (b, ("라마바", "둘째 머그"), ("가나다", "첫째 머그"))):
            for path, shown in (("/me", 0), ("/orders", 1)):
                html = _get(app, client, path)[1]
                assert mine[shown] in html and theirs[shown] not in html
                tokens[client] |= set(TOKEN.findall(html))
    assert len(_layer(app).private.entries) >= 4
    assert not tokens[a] & tokens[b]
    # The token in a copy is the session's own: it passes the real CSRF check.
    token = next(iter(tokens[a]))
    assert _post(app, a, "/logout", {"csrf_token": token}).status_code == 302


def test_copies_keep_flasks_headers_skip_messages_and_go_at_logout(app):
    member = make_member()
    mug = make_product(title="헤더 머그", stock=5)
    client = _logged_in(app, member)
    with app.app_context():
        first = client.get("/me")
    with app.app_context():
        again = client.get("/me")
    assert _kept(app, "/me")
    for name in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Content-Type", "Vary"):
        assert again.headers.get(name) == first.headers.get(name), name
    assert again.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in again.headers
    # A flashed message is shown once, by Flask, and never kept.
    token = TOKEN.search(_get(app, client, "/cart")[1]).group(1)
    _post(app, client, "/cart/add", {"product_id": mug.id, "quantity": 1, "csrf_token": token})
    assert "장바구니에 담았습니다" in _get(app, client, "/cart")[1]
    assert "장바구니에 담았습니다" not in _get(app, client, "/cart")[1]
    # Logging out drops the session's copies; the pages then ask for a login.
    token = TOKEN.search(_get(app, client, "/me")[1]).group(1)
    assert _post(app, client, "/logout", {"csrf_token": token}).status_code == 302
    assert not _layer(app).private.entries
    with app.app_context():
        assert client.get("/me").status_code == 302
