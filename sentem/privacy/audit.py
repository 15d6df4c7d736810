"""The quarterly self-audit (분기 1회 자체 감사, policy §6).

``build_report(quarter)`` gathers the sections: the privacy core's own checks
(plaintext scan of the databases, registry-to-schema consistency) and every section
features contributed with ``register_audit_section(name, fn(start, end) -> dict)``
(retention compliance, rights requests, consent statistics, staff access, role
changes, the access-log chain…). ``build_and_store`` renders it to HTML and CSV and
keeps it as an ``AuditReport`` row; ``quarterly_report_job`` runs it on schedule.

Section dict conventions (all optional): ``title`` (Korean heading), ``ok`` (bool:
the check passed), ``rows`` (list of flat dicts shown as a table), ``chart``
(``{label: int}`` drawn as bars); every other scalar key is shown as a figure.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import logging
import re

from .. import clock
from . import labels
from ..extensions import db
from ..jobs import job
from . import audit_checks
from .audit_models import AuditReport
from .charts import HorizontalBarChart
from .registry import REGISTRY

log = logging.getLogger("sentem.audit")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")




def quarter_bounds(quarter: str) -> tuple[_dt.datetime, _dt.datetime]:
    """UTC instants of the start of ``YYYYQn`` (KST) and of the next quarter."""
    m = QUARTER_RE.match((quarter or "").strip().upper())
    if not m:
        raise ValueError("분기는 YYYYQn 형식이어야 합니다 (예: 2026Q3).")
    year, q = int(m.group(1)), int(m.group(2))
    if not clock.DATE_MIN.year <= year <= clock.DATE_MAX.year:
        raise ValueError(f"분기의 연도는 {clock.DATE_MIN.year}…{clock.DATE_MAX.year} 사이여야 합니다.")
    start = _dt.date(year, 3 * q - 2, 1)
    end = _dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return clock.start_of_day(start), clock.start_of_day(end)


def previous_quarter(today: _dt.date | None = None) -> str:
    """The quarter that ended most recently before ``today`` (KST)."""
    today = today or clock.today()
    q = (today.month - 1) // 3 + 1
    return f"{today.year - 1}Q4" if q == 1 else f"{today.year}Q{q - 1}"


def _run_section(name: str, fn, start, end) -> dict:
    try:
        data = fn(start, end) or {}
        if not isinstance(data, dict):
            data = {"value": data}
    except Exception as exc:  # noqa: BLE001 - one broken section must not sink the audit
        db.session.rollback()
        log.exception("audit section %s failed", name)
        data = {"ok": False, "error": f"{type(exc).__name__}: 이 항목을 계산하지 못했습니다"}
    data.setdefault("title", labels.korean("audit_section", name))
    return {"key": name, **data}


def build_report(quarter: str) -> dict:
    """Everything the quarterly report says, as plain data (JSON-serialisable)."""
    start, end = quarter_bounds(quarter)
    quarter = quarter.strip().upper()
    chosen = dict(REGISTRY.audit_sections)
    sections = [_run_section(name, fn, start, end) for name, fn in sorted(chosen.items())]
    sections.append(_run_section("plaintext_scan", lambda s, e: audit_checks.scan_plaintext(), start, end))
    sections.append(_run_section("schema", lambda s, e: audit_checks.schema_consistency(), start, end))
    ok = all(s.get("ok", True) is not False for s in sections)
    return {"quarter": quarter, "start": start.isoformat(), "end": end.isoformat(),
            "first_day": clock.to_kst(start).date().isoformat(),
            "last_day": (clock.to_kst(end).date() - _dt.timedelta(days=1)).isoformat(),
            "generated_at": clock.now().isoformat(), "ok": ok,
            "sections": json.loads(json.dumps(sections, ensure_ascii=False, default=str))}


def to_csv(report: dict) -> str:
    """One row per figure: section, key, value (tables flattened as key[i].column)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(["분기", "항목", "키", "값"])
    for s in report["sections"]:
        for key, value in s.items():
            if key in ("key", "title"):
                continue
            if key == "rows" and isinstance(value, list):
                for i, row in enumerate(value):
                    for k, v in (row.items() if isinstance(row, dict) else [("value", row)]):
                        w.writerow([report["quarter"], s["title"], f"rows[{i}].{k}", v])
            elif isinstance(value, dict):
                for k, v in value.items():
                    w.writerow([report["quarter"], s["title"], f"{key}.{k}", v])
            else:
                w.writerow([report["quarter"], s["title"], key, value])
    return buf.getvalue()


def render_context(report: dict) -> dict:
    """What the report template needs: the report, its charts, Korean labels, KST times."""
    made = _dt.datetime.fromisoformat(report["generated_at"])
    return {"report": report, "charts": charts_for(report), "labels": labels.tables().get("audit_figure", {}),
            "columns": labels.tables().get("audit_column", {}), "titles": labels.tables().get("audit_section", {}), "generated_kst": clock.to_kst(made).strftime("%Y-%m-%d %H:%M")}


def to_html(report: dict) -> str:
    """The report as a stand-alone HTML document (charts as inline SVG, no scripts)."""
    from flask import current_app

    body = current_app.jinja_env.get_template("admin/audit/_report_body.html").render(**render_context(report))
    return ("<!doctype html><html lang=\"ko\"><head><meta charset=\"utf-8\">"
            f"<title>{report['quarter']} 개인정보 자체 감사 보고서</title></head><body>{body}</body></html>")


def charts_for(report: dict) -> dict:
    """Bar charts of the sections that carry a ``chart`` mapping."""
    out = {}
    for s in report["sections"]:
        chart = s.get("chart")
        if isinstance(chart, dict) and chart:
            bars = [(str(k), int(v)) for k, v in chart.items() if isinstance(v, (int, float))]
            out[s["key"]] = HorizontalBarChart(labels.tables().get("audit_section", {}).get(s["key"]) or s["title"], bars)
    return out


def build_and_store(quarter: str, *, staff_id: int | None = None):
    """Build, render and keep the report (committed). Returns the AuditReport row."""
    report = build_report(quarter)
    row = AuditReport(quarter=report["quarter"], created_at=clock.now(), created_by_id=staff_id,
                      summary_json=json.dumps(report, ensure_ascii=False), html=to_html(report),
                      csv=to_csv(report), ok=report["ok"])
    db.session.add(row)
    db.session.commit()
    return row


def summary_lines(row) -> list[str]:
    """One line per section: title and whether it passed."""
    report = json.loads(row.summary_json)
    return [f"{'OK ' if s.get('ok', True) is not False else 'NG '} {s['title']}" for s in report["sections"]]


@job
def quarterly_report_job(quarter: str | None = None) -> int:
    """Scheduled at the start of each quarter: the report of the quarter just ended."""
    return build_and_store(quarter or previous_quarter()).id
