"""The self-audit report reads as Korean: section titles, figure and column names in
Korean (no raw keys), times in KST, and charts whose labels never overlap — measured in
real Chromium on the rendered SVG."""
from __future__ import annotations

import re

from sentem import clock
from sentem.privacy import audit
from sentem.privacy.charts import BarChart, HorizontalBarChart
from tests.accounts.builders import register_member
from tests.a11y import screenshot, sign_in_staff

from .builders import make_staff, totp_now

QUARTER = "2026Q4"  # the frozen clock's quarter: the data below falls in it


def _visible_text(html: str) -> str:
    html = re.sub(r"<(svg|title)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _busy_quarter():
    for n in range(3):
        register_member({"marketing_email": True, "marketing_sms": bool(n % 2)})
    for role in ("order_staff", "shipping_staff", "support_staff", "auditor"):
        make_staff(role)


def test_report_has_no_raw_keys_and_kst_times(app):
    _busy_quarter()
    row = audit.build_and_store(QUARTER)
    text = _visible_text(row.html)
    raw = sorted(set(re.findall(r"\b[a-z]+[_.][a-z_.]+\b", text)))
    assert not raw, raw  # every figure, column and section name is Korean
    made = clock.to_kst(clock.now()).strftime("%Y-%m-%d %H:%M")
    assert f"작성: {made} (KST)" in text and "(UTC)" not in text
    for title in ("평문 개인정보 검사", "등록부와 데이터베이스 구조 일치", "동의 현황", "접속기록 무결성"):
        assert title in text
    consent = next(s for s in audit.build_report(QUARTER)["sections"] if s["key"] == "consent")
    assert consent["chart"] and all(re.search("[가-힣]", label) for label in consent["chart"])


def test_charts_keep_labels_apart():
    long_labels = [(f"아주 긴 이름의 항목 {n}번 (설명이 붙은 라벨)", n) for n in range(12)]
    horizontal = str(HorizontalBarChart("가로 막대", long_labels).svg())
    ys = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end"', horizontal)]
    assert len(ys) == 12 and min(b - a for a, b in zip(ys, ys[1:])) >= 20  # one row each
    vertical = str(BarChart("세로 막대", long_labels).svg())
    assert vertical.count('transform="rotate(-40') == 12  # too wide to stand side by side: turned
    short = str(BarChart("짧은 라벨", [("1월", 3), ("2월", 4)]).svg())
    assert "rotate(" not in short


def test_rendered_chart_labels_do_not_overlap(page, app):
    _busy_quarter()
    officer = make_staff("privacy_officer")
    row = audit.build_and_store(QUARTER)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_staff(page, officer, totp_now)
    page.goto(f"/admin/audit/{row.id}")
    charts = page.locator("figure.chart svg")
    assert charts.count() >= 2
    for i in range(charts.count()):
        boxes = charts.nth(i).evaluate(
            "svg => [...svg.querySelectorAll('text')].map(t => { const r = t.getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; })")
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes[a], boxes[b]
                overlap = min(r1, r2) - max(l1, l2) > 1 and min(b1, b2) - max(t1, t2) > 1
                assert not overlap, (i, a, b, boxes[a], boxes[b])
    screenshot(page, "admin-audit-report")
