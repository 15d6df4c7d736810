"""The policy page is generated from the registry and states the seed's facts."""
import re

from sentem.privacy import policy_versions
from sentem.privacy.registry import DESTRUCTION_DEADLINE_DAYS, POLICY_NOTICE_DAYS, REGISTRY


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def html_rows(html: str, label: str) -> str:
    """The retention-table row whose first cell is ``label``."""
    table = html.split('class="retention-table"')[1].split("</table>")[0]
    for row in table.split("<tr>"):
        if f"<td>{label}</td>" in row:
            return row
    return ""


def test_first_version_exists_after_init(app):
    version = policy_versions.current_version()
    assert version is not None and version.label == "v1" and version.is_published
    # idempotent: a second run adds nothing
    assert policy_versions.ensure_first_version() is None
    assert len(policy_versions.all_versions()) == 1


def test_privacy_page_states_the_seed_facts(client):
    resp = client.get("/privacy")
    assert resp.status_code == 200
    text = _text(resp.get_data(as_text=True))
    # §7 officer and department
    assert "정다진" in text and "대표이사" in text and "1544-2755" in text
    assert "경영지원팀" in text and "1544-7058" in text
    # §6① the items the policy lists under <암호화>
    for label in ("이메일", "휴대전화 번호", "로그인 ID", "이름", "회사 전화번호", "회사명", "SNS 계정"):
        assert label in text
    assert "암호화 항목으로 밝혀 온 위 항목을 포함하여" in text  # the seed's items, then the shop's (test_completeness)
    # §2 five-year e-commerce periods, §5 five-day destruction, §8 seven-day notice
    five = [rc for rc in REGISTRY.record_classes.values() if rc.retention.years == 5]
    assert five and "5년" in text
    for rc in five:  # each 5-year class appears with its period on one row
        row = html_rows(resp.get_data(as_text=True), rc.label_ko)
        assert "5년" in row and rc.legal_basis_ko in row
    assert f"{DESTRUCTION_DEADLINE_DAYS}일 이내" in text and DESTRUCTION_DEADLINE_DAYS == 5
    assert f"시행 {POLICY_NOTICE_DAYS}일 전" in text and POLICY_NOTICE_DAYS == 7
    # §3 no third-party provision; §4 entrustment from the register
    assert "제3자에게 제공하는 개인정보는 없습니다" in text
    assert "회원 탈퇴 시까지" in text and "sentem" in text
    # rights links and the cookie section the footer links to
    html = resp.get_data(as_text=True)
    for href in ("/me/data", "/me/edit", "/me/consents", "/me/requests", "/me/withdraw"):
        assert f'href="{href}"' in html
    assert 'id="cookies"' in html


def test_encrypted_items_come_from_the_registry(client):
    html = client.get("/privacy").get_data(as_text=True)
    block = html.split('class="encrypted-items"')[1].split("</ul>")[0]
    for item in REGISTRY.items.values():
        if item.policy_encrypted:
            assert item.label_ko in block
    # every record class with its retention and legal basis
    text = _text(html)
    for rc in REGISTRY.record_classes.values():
        assert rc.label_ko in text and rc.legal_basis_ko in text
        assert rc.retention.describe("ko") in text


def test_english_when_switched(client):
    client.set_cookie("lang", "en")
    text = _text(client.get("/privacy").get_data(as_text=True))
    assert "Privacy officer" in text or "privacy officer" in text.lower()
    assert "1544-2755" in text and "Email" in text


def test_templates_hold_no_retention_numbers():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates" / "policy"
    for path in root.glob("*.html"):
        body = path.read_text(encoding="utf-8")
        assert not re.search(r"\d+\s*(년|일 이내|일 전|years|days)", body), path.name


def test_english_policy_page_uses_the_catalog(client):
    client.set_cookie("lang", "en")
    text = _text(client.get("/privacy").get_data(as_text=True))
    assert "Purposes of processing personal data" in text
    assert "within 5 days" in text and "7 days before" in text
    assert "Management Support Team" in text and "1544-7058" in text
    assert "Items stored encrypted" in text and "Email" in text and "Company name" in text


def test_the_policy_says_what_a_guest_order_collects(client):
    """A guest checkout collects its own items: the policy names the screen and lists them."""
    text = _text(client.get("/privacy").get_data(as_text=True))
    assert "(비회원 주문 화면 포함)" in text
    guest = [i.label_ko for i in REGISTRY.items.values() if i.collected_via == "guest_order"]
    assert guest, "the guest order declares its items"
    line = re.search(r"비회원 주문: ([^\n]+)", text)
    assert line is not None
    for label in guest:
        assert label in line.group(1)
