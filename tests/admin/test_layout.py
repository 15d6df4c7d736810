"""Where the staff area's parts live: each feature's screens sit next to the feature, under the
one gate; the staff package stands below the features, and the privacy core reaches neither.

The import checks walk the source (imports inside functions count too): a lower layer
importing a higher one would bring back the cycles that hid duties behind lazy imports.
"""
import ast
from pathlib import Path

import pytest

from sentem.staff import nav

SENTEM = Path(__file__).resolve().parents[2] / "sentem"
GROUND = {"clock", "config", "extensions", "db_types", "security", "jobs", "notify", "init_steps", "health",
          "i18n", "safe_next", "inputs", "labels", "formats", "korean"}  # as tests/foundation/import_graph.py


def _imported_packages(path: Path) -> set[str]:
    """Top-level ``sentem`` packages that ``path`` imports, anywhere in the file."""
    parts = path.relative_to(SENTEM.parent).with_suffix("").parts
    here = list(parts[:-1])  # the package this module is in
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            target = base + (node.module.split(".") if node.module else [])
            names = [target] if node.module else [target + [a.name] for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        out.update(n[1] for n in names if len(n) > 1 and n[0] == "sentem")
    return out


def _modules(package: str):
    return sorted((SENTEM / package).rglob("*.py"))


def test_nothing_below_the_edge_imports_the_admin_package():
    offenders = [f"{p.relative_to(SENTEM.parent)}" for p in SENTEM.rglob("*.py")
                 if p.parent != SENTEM and "admin" in _imported_packages(p)
                 and p.relative_to(SENTEM).parts[0] not in ("admin", "cli")]
    assert not offenders, "modules that import the admin edge: " + ", ".join(offenders)


def test_staff_package_imports_only_the_ground_and_the_privacy_core():
    allowed = GROUND | {"privacy", "staff"}
    offenders = {f"{p.relative_to(SENTEM.parent)} → {sorted(_imported_packages(p) - allowed)}"
                 for p in _modules("staff") if _imported_packages(p) - allowed}
    assert not offenders, offenders


def test_privacy_core_imports_no_staff_area():
    offenders = [f"{p.relative_to(SENTEM.parent)}" for p in _modules("privacy")
                 if _imported_packages(p) & {"admin", "staff"}]
    assert not offenders, "privacy modules importing the staff area: " + ", ".join(offenders)


@pytest.mark.parametrize("endpoint, module", [
    ("admin.members", "sentem.accounts.admin"),
    ("admin.orders", "sentem.orders.admin"),
    ("admin.refunds", "sentem.orders.admin"),
    ("admin.download_orders", "sentem.orders.admin"),
    ("admin.shipping", "sentem.delivery.admin"),
    ("admin.rights", "sentem.myinfo.admin"),
    ("admin.inquiries", "sentem.support.admin"),
    ("admin.notices", "sentem.support.admin"),
    ("admin.marketing", "sentem.support.admin_marketing"),
    ("admin.policy", "sentem.policy.admin"),
    ("admin.retention", "sentem.admin.privacy.retention"),
    ("admin.accesslog", "sentem.admin.privacy.accesslog"),
    ("admin.reviews", "sentem.admin.privacy.reviews"),
    ("admin.audit_reports", "sentem.admin.privacy.audit"),
    ("admin.staff", "sentem.admin.staff"),
])
def test_each_screen_lives_next_to_what_it_manages(app, endpoint, module):
    view = app.view_functions[endpoint]
    assert view.__module__ == module
    assert view.required_permission  # still behind the one gate's permission check


def test_every_feature_menu_entry_names_a_view_of_this_app(app):
    endpoints = {e.endpoint for e in nav.entries(app)}
    assert {"admin.members", "admin.orders", "admin.shipping", "admin.rights", "admin.inquiries",
            "admin.policy", "admin.retention", "admin.staff", "admin.plan"} <= endpoints
    nav.register_nav(app, "admin.nowhere", "없는 화면", "dashboard.view")
    with pytest.raises(RuntimeError, match="admin.nowhere"):
        nav.check(app)
    with pytest.raises(KeyError):
        nav.register_nav(app, "admin.dashboard", "대시보드", "no.such.permission")
