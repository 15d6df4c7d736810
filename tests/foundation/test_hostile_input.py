"""Zero 5xx on bad input (issue 14, part 4): every rule of the URL map, GET and POST, with
hostile URL parts, query strings and form bodies, as a visitor, a member and each staff role.

CSRF is off for the walk (the suite's default): with it on, every POST would stop at the
token check with a 400 and the walk would never reach the code that parses the fields. The
token check itself is tested where CSRF is on (browser journeys, tests/foundation/test_web.py).
"""
import pytest

from flask import g

from sentem import clock
from sentem.extensions import db
from sentem.staff import guard
from sentem.staff import sessions as staff_sessions
from sentem.staff.permissions import ROLES
from tests import hostile
from tests.builders import login_as, make_member

IDENTITIES = ("anonymous", "member", *sorted(ROLES))


def _sign_in(client, who, member, staff) -> None:
    # The fixture's app context spans the test, and Flask-Login caches the user on ``g``
    # (a logout would leave every later request anonymous): forget it between requests.
    g.pop("_login_user", None)
    with client.session_transaction() as s:
        s.clear()
    if who == "member":
        login_as(client, member)
    elif staff is not None:
        with client.session_transaction() as s:
            s[guard.SESSION_STAFF] = staff.id
            s[staff_sessions.SESSION_TOKEN] = staff_sessions.issue(staff.id, "test")
            s[guard.SESSION_SEEN] = clock.now().isoformat()
            s[guard.SESSION_REAUTH] = clock.now().isoformat()


def _rules(app, who):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        is_admin = rule.rule.startswith("/admin")
        if who == "member" and is_admin or who in ROLES and not is_admin:
            continue  # staff pages are walked by each role, the shop's by visitors and members
        yield rule


def walk(app, who, identity) -> tuple[dict, list[str]]:
    """Send every hostile request for ``who``; returns ({(method, rule): codes}, 5xx answers).

    ``identity()`` gives a fresh (member, staff) for each rule: wrong passwords sent to a
    re-authentication prompt lock an account, and the rest of the walk must stay signed in."""
    names = hostile.field_names()
    client = app.test_client()
    seen, broken = {}, []
    for rule in _rules(app, who):
        member, staff = identity()
        for method in hostile.methods(rule):
            for value in hostile.VALUES:
                _sign_in(client, who, member, staff)
                url = hostile.fill(rule, value) + "?" + hostile.body(names, value)
                data = hostile.body(names, value) if method == "POST" else None
                try:
                    code = client.open(url, method=method, data=data,
                                       content_type="application/x-www-form-urlencoded").status_code
                except Exception as exc:  # noqa: BLE001 - an escaped exception is a 500
                    db.session.rollback()
                    code = f"500 {type(exc).__name__}: {str(exc)[:160]}"
                seen.setdefault((method, rule.rule), []).append(code)
                if not isinstance(code, int) or code >= 500:
                    broken.append(f"{method} {rule.rule} [{value[:24]}] ({rule.endpoint}) → {code}")
    return seen, broken


@pytest.mark.parametrize("who", IDENTITIES)
def test_no_5xx_on_hostile_input(app, who):
    from tests.admin.builders import make_staff

    make_staff("privacy_officer")  # there is always an officer

    def identity():
        return (make_member() if who == "member" else None), (make_staff(who)[0] if who in ROLES else None)

    seen, broken = walk(app, who, identity)
    sent = sum(len(codes) for codes in seen.values())
    assert not broken, f"{len(broken)} of {sent} hostile requests as {who} answered 5xx:\n" + "\n".join(broken)
    # The walk really reached the pages behind the sign-in (a lost session would hide them).
    if who in ROLES:  # some staff page behind the gate answered (each role has its own front page)
        assert any(200 in codes for (_m, rule), codes in seen.items()
                   if rule.startswith("/admin/") and "login" not in rule), who
        return
    home = ("GET", "/me" if who == "member" else "/")
    expected = [400 if "%00" in value else 200 for value in hostile.VALUES]  # NUL: refused up front
    assert seen[home] == expected, seen[home]


def test_every_integer_url_part_is_bounded(app):
    """No rule kept Werkzeug's unbounded ``int`` (a feature registered before the shell would)."""
    from werkzeug.routing import IntegerConverter

    from sentem.web.converters import BoundedIntegerConverter

    loose = [f"{rule.rule} <{name}>" for rule in app.url_map.iter_rules()
             for name, conv in rule._converters.items()
             if isinstance(conv, IntegerConverter) and not isinstance(conv, BoundedIntegerConverter)]
    assert not loose, loose
    client = app.test_client()
    assert client.get("/notices/99999999999999999999999").status_code == 404
    assert client.get(f"/privacy/versions/{2**31}").status_code == 404


def test_out_of_range_numbers_and_dates_get_a_default_or_a_message(app):
    from sentem import inputs

    assert inputs.parse_int(str(2**64)) is None and inputs.parse_int("-1", lo=1) is None
    assert inputs.parse_int(" 42 ") == 42 and inputs.parse_int("²") is None
    assert inputs.parse_date("9999-12-31") is None and inputs.parse_date("0001-01-01") is None
    assert str(inputs.parse_date("2026.11.28")) == "2026-11-28"
    member = make_member()
    client = app.test_client()
    login_as(client, member)
    assert client.get("/orders?page=99999999999999999999999").status_code == 200


def test_nul_in_a_url_or_query_is_a_clear_400(app):
    from sentem.accounts.models import Member

    client = app.test_client()
    before = db.session.query(Member).count()
    resp = client.get("/products?q=a%00b")
    assert resp.status_code == 400 and "입력한 내용을 확인해 주세요" in resp.get_data(as_text=True)
    resp = client.post("/signup", data={"login_id": "nul\x00user", "password": "x", "name": "홍길동"})
    assert resp.status_code == 422  # a form answers beside the field
    assert db.session.query(Member).count() == before
    assert client.get("/orders/A%00B").status_code == 400
    assert client.get("/products?q=ab").status_code == 200
