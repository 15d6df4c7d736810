"""Pages read every period and deadline from the registry: none is typed into a template."""
from __future__ import annotations

import pathlib
import re

from flask import render_template_string

from sentem.privacy.registry import DESTRUCTION_DEADLINE_DAYS, REFUND_BUSINESS_DAYS, REGISTRY
from tests.builders import login_as, make_member

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"
# A number followed by a Korean or English unit of time.
PERIOD = re.compile(r"\d+\s*(?:일|년|개월|영업일)|\b\d+\s+(?:days?|years?|months?|business days?)\b", re.I)

# Numbers with a unit of time that are not periods (template, exact phrase, why).
ALLOWED = {
    # The day of the month the access-log review opens (its schedule entry fires on the 1st),
    # a calendar date rather than a length of time.
    ("admin/reviews/list.html", "1일"),
}


def _hits() -> set[tuple[str, str]]:
    found = set()
    for path in TEMPLATES.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".txt", ".j2", ".jinja"):
            for m in PERIOD.finditer(path.read_text(encoding="utf-8")):
                found.add((path.relative_to(TEMPLATES).as_posix(), re.sub(r"\s+", "", m.group(0))))
    return found


def test_no_period_is_typed_into_a_template():
    assert _hits() - ALLOWED == set(), "read these from `periods` (sentem/privacy/periods.py)"


def test_the_allow_list_has_no_stale_entries():
    assert ALLOWED <= _hits()


def test_periods_come_from_the_registry_and_the_settings(app):
    app.config["SENTEM_RETURN_WINDOW_DAYS"] = 14
    with app.test_request_context():
        text = render_template_string(
            "{{ periods.destruction_days }}|{{ periods.refund_business_days }}|{{ periods.return_window_days }}|"
            "{{ periods.retention('staff_access_log') }}|{{ periods.retention('orders', 'en') }}")
    assert text == (f"{DESTRUCTION_DEADLINE_DAYS}|{REFUND_BUSINESS_DAYS}|14|"
                    f"{REGISTRY.record_class('staff_access_log').retention.describe('ko')}|5 years")


def test_withdrawal_page_states_the_registry_deadlines_in_both_languages(client):
    login_as(client, make_member())
    page = client.get("/me/withdraw").get_data(as_text=True)
    assert f"개인정보는 {DESTRUCTION_DEADLINE_DAYS}일 이내에 파기합니다" in page
    assert "보존 기간(5년)" in page
    client.set_cookie("lang", "en")
    page = client.get("/me/withdraw").get_data(as_text=True)
    assert f"destroyed within {DESTRUCTION_DEADLINE_DAYS} days" in page and "(5 years)" in page
