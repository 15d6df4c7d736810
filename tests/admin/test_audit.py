"""The quarterly self-audit: sections, plaintext scan, schema check, storage, screens, CLI."""
import json

from sentem.extensions import db
from sentem.privacy import audit, audit_checks
from sentem.privacy.audit import quarterly_report_job
from sentem.privacy.audit_models import AuditReport
from sentem.privacy.registry import REGISTRY, register_audit_section
from tests.builders import make_member

from .builders import make_staff, staff_login


def _section(report, key):
    return next(s for s in report["sections"] if s["key"] == key)


def test_report_has_core_and_staff_sections(app):
    make_member()
    make_staff("privacy_handler")
    report = audit.build_report("2026Q4")
    keys = {s["key"] for s in report["sections"]}
    assert {"staff_access", "role_changes", "access_log", "plaintext_scan", "schema"} <= keys
    assert _section(report, "plaintext_scan")["ok"] is True
    assert _section(report, "plaintext_scan")["sampled_values"] > 0
    schema = _section(report, "schema")
    assert schema["ok"] is True, schema["rows"]
    assert _section(report, "access_log")["ok"] is True
    assert _section(report, "role_changes")["count"] == 1
    assert _section(report, "staff_access")["staff_with_access"] == 1


def test_plaintext_scan_finds_a_leaked_value(app):
    m = make_member(email="leaky@example.com")
    from sentem.privacy.access_review import MonthlyReview

    # A careless feature writes the email in plain text into some text column.

    db.session.add(MonthlyReview(month="2026-10", findings_json="[]", comment=f"문의: {m.email}"))
    db.session.commit()
    result = audit_checks.scan_plaintext()
    assert result["ok"] is False
    assert any("staff_monthly_reviews.comment" in f["where"] for f in result["rows"])
    assert all("leaky" not in json.dumps(f) for f in result["rows"])


def test_feature_sections_are_included_and_failures_contained(app):
    register_audit_section("zz_test_ok", lambda s, e: {"title": "시험", "answered": 3, "chart": {"a": 1}})
    register_audit_section("zz_test_broken", lambda s, e: 1 / 0)
    try:
        report = audit.build_report("2026Q3")
        assert _section(report, "zz_test_ok")["answered"] == 3
        assert _section(report, "zz_test_broken")["ok"] is False
        assert report["ok"] is False
    finally:
        REGISTRY.audit_sections.pop("zz_test_ok")
        REGISTRY.audit_sections.pop("zz_test_broken")


def test_job_stores_previous_quarter_and_cli(app, runner):
    rid = quarterly_report_job()
    row = db.session.get(AuditReport, rid)
    assert row.quarter == "2026Q3" and "<svg" in row.html and "분기" in row.csv
    res = runner.invoke(args=["audit", "report", "--quarter", "2026Q2"])
    assert res.exit_code == 0, res.output
    assert db.session.query(AuditReport).filter_by(quarter="2026Q2").count() == 1
    assert runner.invoke(args=["audit", "report", "--quarter", "2026-2"]).exit_code != 0


def test_admin_views_and_downloads(client):
    officer = make_staff("privacy_officer")
    staff_login(client, officer)
    r = client.post("/admin/audit/run", data={"quarter": "2026q4"})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "자체 감사 보고서" in page and "<svg" in page
    rid = db.session.query(AuditReport).one().id
    html = client.get(f"/admin/audit/{rid}/download.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    csv = client.get(f"/admin/audit/{rid}/download.csv")
    assert csv.mimetype == "text/csv"
    assert client.get(f"/admin/audit/{rid}/download.exe").status_code == 404
    r = client.post("/admin/audit/run", data={"quarter": "nonsense"})
    assert r.status_code == 302
    assert "YYYYQn" in client.get("/admin/audit").get_data(as_text=True)


def test_retention_rights_consent_sections_are_present(app):
    make_member()
    report = audit.build_report("2026Q4")
    for key in ("retention", "rights", "consent"):
        section = _section(report, key)
        assert "error" not in section, section
