"""Issue 18, part 5: the terms of use at /terms, versioned like the policy, with the shop's numbers."""
from __future__ import annotations

import datetime as dt

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.policy import services, terms
from sentem.policy.terms_text import ARTICLES
from sentem.privacy import policy_versions
from sentem.privacy.deadlines import REFUND_BUSINESS_DAYS
from sentem.privacy.policy_versions import TERMS
from sentem.support.models import Notice
from tests.policy import pagetext

# The 전자상거래 표준약관 structure the terms follow (issue 18), in order.
STRUCTURE_KO = ["목적", "정의", "약관의 명시와 개정", "서비스의 제공", "회원가입과 탈퇴", "구매신청", "계약의 성립",
                "지급방법", "배송", "환급", "청약철회", "개인정보보호", "분쟁해결", "재판권 및 준거법"]
# What the terms must say in each language, with the configured numbers (fee 3,000; free from 50,000).
NUMBERS = {
    "ko": ["배송받은 날부터 7일 이내에 청약을 철회", f"{REFUND_BUSINESS_DAYS}영업일 이내에 환급",
           "배송료는 주문당 3,000원", "50,000원 이상이면 무료", "적용일자 7일 전부터", "적용일자 30일 전부터",
           "센템", "왓플래닛", "1544-2755"],
    "en": ["within 7 days of receiving the goods", f"within {REFUND_BUSINESS_DAYS} business days",
           "KRW 3,000 per order", "KRW 50,000 or more", "from 7 days before the effective date",
           "announced 30 days before", "센템", "왓플래닛", "1544-2755"],
}


def _terms(client, lang="ko", url="/terms") -> str:
    if lang == "en":
        client.set_cookie("lang", "en")
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_the_structure_follows_the_standard_terms():
    assert [a[0] for a in ARTICLES] == STRUCTURE_KO


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_terms_page_shows_every_article_and_the_shops_numbers(client, lang):
    page = _terms(client, lang)
    text = pagetext.text(page)
    for no, (title_ko, title_en, _ko, _en) in enumerate(ARTICLES, start=1):
        heading = f"Article {no} ({title_en})" if lang == "en" else f"제{no}조 ({title_ko})"
        assert heading in text
    for phrase in NUMBERS[lang]:
        assert phrase in text, phrase
    assert "v1" in text and "/terms/versions" in page


def test_versions_page_and_first_version(client):
    listing = _terms(client, url="/terms/versions")
    v1 = policy_versions.current_version(document=TERMS)
    assert v1.label == "v1" and f"/terms/versions/{v1.id}" in listing and "시행 중" in listing
    page = _terms(client, url=f"/terms/versions/{v1.id}")
    assert "최초 버전" in page and "제1조 (목적)" in page
    # a privacy version is not a terms version, and the other way round
    privacy_v1 = policy_versions.current_version()
    assert client.get(f"/terms/versions/{privacy_v1.id}").status_code == 404
    assert client.get(f"/privacy/versions/{v1.id}").status_code == 404


def test_a_changed_fee_drafts_new_terms_and_the_page_keeps_the_version_in_force(app, client, runner):
    app.config["SENTEM_SHIPPING_FEE"] = 2500
    assert services.revision_needed(TERMS) and not services.revision_needed()
    result = runner.invoke(args=["policy", "sync"])
    assert result.exit_code == 0 and "terms: draft v2" in result.output
    assert "3,000원" in _terms(client) and "2,500원" not in _terms(client)
    effective = clock.today() + dt.timedelta(days=7)
    version = services.publish(effective, "배송료 변경", document=TERMS)
    assert version.label == "v2" and not version.disadvantageous
    notice = db.session.query(Notice).filter_by(policy_version_id=version.id).one()
    assert notice.kind == "terms" and "이용약관" in notice.title and f"/terms/versions/{version.id}" in notice.body
    page = _terms(client)
    assert f"/terms/versions/{version.id}" in page and "3,000원" in page  # announced, not yet in force
    diff = _terms(client, url=f"/terms/versions/{version.id}")
    added = diff.split('class="diff-added"')[1].split("</ul>")[0]
    assert "2,500원" in added
    clock.freeze(effective)
    assert "2,500원" in _terms(client)
    assert policy_versions.current_version().label == "v1"  # the privacy policy did not move


def test_a_disadvantageous_change_needs_thirty_days(app, runner):
    day29 = (clock.today() + dt.timedelta(days=29)).isoformat()
    result = runner.invoke(args=["policy", "publish", "--document", "terms", "--disadvantageous",
                                 "--effective", day29])
    assert result.exit_code != 0 and "30일" in result.output and "불리한" in result.output
    day30 = (clock.today() + dt.timedelta(days=30)).isoformat()
    result = runner.invoke(args=["policy", "publish", "--document", "terms", "--disadvantageous",
                                 "--effective", day30, "--summary", "반품 배송비 부담 변경"])
    assert result.exit_code == 0, result.output
    version = policy_versions.latest_published(TERMS)
    assert version.disadvantageous and "불리한" in version.notice_body
    # the privacy policy keeps its own 7-day rule and refuses the flag
    assert runner.invoke(args=["policy", "publish", "--disadvantageous", "--effective", day30]).exit_code != 0


def test_admin_publishes_terms_with_the_notice_rule(client):
    from tests.admin.builders import make_staff, staff_login

    staff_login(client, make_staff("privacy_officer"))
    page = client.get("/admin/policy").get_data(as_text=True)
    assert "이용약관" in page and "회원에게 불리한 변경" in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.startswith("처리방침·공지 · ") and "<" not in title  # no page section inside the title
    assert page.count('id="terms-effective"') == 1 and page.count('action="/admin/policy/terms/publish"') == 1
    day10 = (clock.today() + dt.timedelta(days=10)).isoformat()
    refused = client.post("/admin/policy/terms/publish", data={"effective": day10, "disadvantageous": "y"})
    assert refused.status_code == 400 and "30일" in refused.get_data(as_text=True)
    assert client.post("/admin/policy/terms/publish", data={"effective": day10}).status_code == 302
    assert policy_versions.latest_published(TERMS).label == "v2"


def test_terms_snapshot_reads_the_configuration(app):
    app.config.update(SENTEM_SHIPPING_FEE=4000, SENTEM_FREE_SHIPPING_OVER=70000, SENTEM_RETURN_WINDOW_DAYS=14)
    facts = terms.snapshot()["facts"]
    assert (facts["shipping_fee"], facts["free_over"], facts["return_days"]) == ("4,000", "70,000", 14)
    text = " ".join(p for a in terms.snapshot()["articles"] for p in a["paragraphs_ko"])
    assert "14일 이내에 청약을 철회" in text and "4,000원" in text and "70,000원" in text
