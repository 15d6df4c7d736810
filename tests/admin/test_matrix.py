"""The authorisation matrix: every admin route × every role (and anonymous, and a member)
answers as the permission table says; refusals are logged; nothing answers 500."""
import pytest

from sentem import clock
from sentem.admin.gate import PUBLIC_ENDPOINTS
from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from sentem.staff import guard
from sentem.staff import sessions as staff_sessions
from sentem.staff.permissions import PERMISSIONS, ROLES, allowed
from tests.builders import login_as, make_member

from .builders import make_staff

SAMPLE = {"int": "1", "string": "x", "path": "x", "default": "x"}


def _admin_routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.rule
        for arg in rule.arguments:
            conv = type(rule._converters[arg]).__name__.lower()
            kind = "int" if "integer" in conv else "string"
            url = url.replace(f"<int:{arg}>", SAMPLE[kind]).replace(f"<{arg}>", SAMPLE[kind])
            url = url.replace(f"<path:{arg}>", SAMPLE["path"]).replace(f"<string:{arg}>", SAMPLE["string"])
        method = "GET" if "GET" in rule.methods else "POST"
        out.append((rule.endpoint, url, method))
    return sorted(set(out))


def _as_staff(client, staff):
    """A fully authenticated staff session (as the login + TOTP forms leave it), re-auth fresh."""
    with client.session_transaction() as s:
        for k in guard.STAFF_KEYS:
            s.pop(k, None)
        s[guard.SESSION_STAFF] = staff.id
        s[staff_sessions.SESSION_TOKEN] = staff_sessions.issue(staff.id, "test")
        s[guard.SESSION_SEEN] = clock.now().isoformat()
        s[guard.SESSION_REAUTH] = clock.now().isoformat()


def _call(client, method, url):
    try:
        return client.open(url, method=method, data={}).status_code
    except Exception as exc:  # noqa: BLE001 - a crash is a 500 for the matrix
        db.session.rollback()
        return f"500 ({type(exc).__name__}: {exc})"


def test_every_admin_view_declares_a_known_permission(app):
    missing = []
    for endpoint, _url, _m in _admin_routes(app):
        perm = getattr(app.view_functions[endpoint], "required_permission", None)
        if perm is None or (perm != guard.ANY_STAFF and perm not in PERMISSIONS):
            missing.append(f"{endpoint}: {perm!r}")
    assert not missing, "admin views without a (known) permission:\n" + "\n".join(missing)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_matrix(app, role):
    make_staff("privacy_officer")  # there is always an officer (keeps self-service checks meaningful)
    staff, _pw, _secret = make_staff(role)
    client = app.test_client()
    problems, refused = [], 0
    for endpoint, url, method in _admin_routes(app):
        perm = app.view_functions[endpoint].required_permission
        may = perm == guard.ANY_STAFF or allowed(role, perm)
        _as_staff(client, staff)
        code = _call(client, method, url)
        if isinstance(code, str) or code >= 500:
            problems.append(f"{method} {url} ({endpoint}) → {code}")
        elif may and code == 403:
            problems.append(f"{method} {url} ({endpoint}) refused although {role} has {perm}")
        elif not may and code != 403:
            problems.append(f"{method} {url} ({endpoint}) answered {code} although {role} lacks {perm}")
        elif not may:
            refused += 1
    assert not problems, f"role {role}:\n" + "\n".join(problems)
    logged = db.session.query(AccessLogEntry).filter_by(action="forbidden", staff_id=staff.id).count()
    assert logged == refused


def test_anonymous_is_sent_to_login(app):
    client = app.test_client()
    problems = []
    for endpoint, url, method in _admin_routes(app):
        resp = client.open(url, method=method, data={})
        if resp.status_code != 302 or "/admin/login" not in resp.headers.get("Location", ""):
            problems.append(f"{method} {url} ({endpoint}) → {resp.status_code}")
    assert not problems, "\n".join(problems)


def test_member_session_is_refused(app):
    client = app.test_client()
    login_as(client, make_member())
    problems = []
    for endpoint, url, method in _admin_routes(app):
        code = client.open(url, method=method, data={}).status_code
        if code != 403:
            problems.append(f"{method} {url} ({endpoint}) → {code}")
    assert not problems, "\n".join(problems)


def test_public_admin_pages_answer_everyone(app):
    client = app.test_client()
    assert client.get("/admin/login").status_code == 200
    assert client.get("/admin/login/totp").status_code == 302  # no password step yet
    assert client.get("/admin/login/enrol").status_code == 302


def test_sensitive_actions_need_fresh_reauth(app):
    """Every view marked ``reauth_required`` sends a permitted but stale session to /admin/reauth."""
    officer, _pw, _s = make_staff("privacy_officer")
    client = app.test_client()
    sensitive = [(e, u, m) for e, u, m in _admin_routes(app)
                 if getattr(app.view_functions[e], "requires_reauth", False)]
    assert {"admin.member_unmask", "admin.members_download", "admin.staff_change_role"} <= {e for e, _, _ in sensitive}
    problems = []
    for endpoint, url, method in sensitive:
        _as_staff(client, officer)
        with client.session_transaction() as s:
            s[guard.SESSION_REAUTH] = (clock.now() - guard.REAUTH_WINDOW * 2).isoformat()
        resp = client.open(url, method=method, data={"reason": "사유"})
        if resp.status_code != 302 or "/admin/reauth" not in resp.headers.get("Location", ""):
            problems.append(f"{method} {url} ({endpoint}) → {resp.status_code}")
    assert not problems, "\n".join(problems)
