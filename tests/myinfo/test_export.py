"""Access (열람): /me and the exports cover everything the registry declares and the database
holds for the member — and nothing of anyone else."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from tests.builders import login_as
from tests.myinfo.builders import PDF, full_member, login_history, make_rights_request
from tests.myinfo.walker import held_values
from tests.orders.builders import make_paid_order


def _inquiry(member, body):
    from sentem.support import inquiries

    inq = inquiries.open_inquiry(member, "privacy", "문의 제목", body)
    db.session.commit()
    return inq


@pytest.fixture
def two_members(app):
    alpha = full_member("alpha")
    beta = full_member("beta")
    from sentem.delivery import addressbook
    from sentem.orders import cancellation
    from sentem.support import inquiries

    for m, tag in ((alpha, "alpha"), (beta, "beta")):
        make_paid_order(m)
        cancellation.cancel(make_paid_order(m), actor="member")
        inq = _inquiry(m, f"{tag} 배송 문의 내용입니다")
        inquiries.answer(inq, f"{tag} 문의에 대한 답변입니다", staff_id=None)
        addressbook.add(m, {"label": f"{tag} 회사", "recipient_name": "받는이", "recipient_phone": "010-5555-6666",
                            "postcode": "04524", "address1": f"서울 중구 {tag}로 1", "address2": f"{tag} 빌딩"})
        make_rights_request(m, detail=f"{tag} 요청 내용", proxy_name=f"{tag}대리", proxy_relation="parent",
                            document=PDF)
        login_history(m, ip=f"198.51.100.{1 if tag == 'alpha' else 2}", user_agent=f"{tag}-agent/1.0")
    return alpha, beta


def test_export_covers_every_item_held_and_nothing_of_others(client, two_members):
    alpha, beta = two_members
    login_as(client, alpha)
    resp = client.get("/me/export.json")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    text = resp.get_data(as_text=True)
    data = json.loads(text)
    assert data["format"] == "sentem-export/1"
    # Grouped by every record class of the registry, with labels.
    assert set(data["record_classes"]) == set(REGISTRY.record_classes)
    for key, group in data["record_classes"].items():
        assert group["label_ko"] == REGISTRY.record_classes[key].label_ko
    # Every item the registry declares appears in the item list.
    assert {i["key"] for i in data["items"]} == set(REGISTRY.items)

    held = held_values(alpha.id)
    # The walk reached the profile, the ledger, orders/delivery, inquiries, requests, login history.
    for item in ("name", "email", "mobile", "login_id", "birth_date", "home_phone", "address1", "company_name",
                 "company_phone", "sns_account", "consent_ip", "login_ip", "rights_request_detail", "proxy_name", "recipient_name",
                 "delivery_address1", "address_address1", "inquiry_body"):
        assert item in held, item
    missing = {item: v for item, values in held.items() for v in values
               if item in REGISTRY.items and v not in text and item != "proxy_document"}
    assert not missing, missing
    # Rows kept without a member id of their own (answers, order lines) come through their record class.
    assert "alpha 문의에 대한 답변입니다" in text

    # Nothing of the other member: every value beta holds that alpha does not is absent.
    others = {v for values in held_values(beta.id).values() for v in values}
    mine = {v for values in held.values() for v in values}
    leaked = [v for v in others - mine if v in text]
    assert not leaked, leaked
    for value in (beta.email, beta.mobile, beta.login_id, beta.company_name, "beta 요청 내용"):
        assert value not in text


def test_profile_values_are_decrypted_and_labelled(client, app):
    m = full_member("gamma")
    login_as(client, m)
    data = client.get("/me/export.json").get_json()
    items = {i["key"]: i for i in data["items"]}
    assert items["email"]["value"] == m.email
    assert items["email"]["label_ko"] == "이메일"
    assert items["password"]["value"] == ""  # one-way hashed: never exported
    assert items["email"]["retention_ko"]
    assert items["email"]["purposes"]
    assert m.password_hash not in json.dumps(data, ensure_ascii=False)


def test_zip_has_one_csv_per_record_class_with_bom(client, two_members):
    alpha, beta = two_members
    login_as(client, alpha)
    resp = client.get("/me/export.zip")
    assert resp.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(resp.data))
    names = zf.namelist()
    assert len(names) == len(REGISTRY.record_classes) + 1
    for key in REGISTRY.record_classes:
        assert any(n.endswith(f"_{key}.csv") for n in names), key
    profile = next(n for n in names if n.endswith("_member_profile.csv"))
    raw = zf.read(profile)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    flat = " ".join(" ".join(r) for r in rows)
    assert alpha.email in flat and alpha.name in flat
    everything = b"".join(zf.read(n) for n in names).decode("utf-8-sig", errors="replace")
    assert beta.email not in everything and beta.mobile not in everything


def test_me_page_lists_items_purposes_retention_and_records(client, two_members):
    alpha, _ = two_members
    login_as(client, alpha)
    html = client.get("/me/data").get_data(as_text=True)
    for item in REGISTRY.items.values():
        if REGISTRY.record_classes[item.record_class].export is not None:
            assert item.label_ko in html
    for rc in REGISTRY.record_classes.values():
        if rc.export is not None:
            assert rc.label_ko in html
    assert alpha.sns_account in html and alpha.company_name in html
    # The item table itself carries each profile value beside its label.
    import re

    row = re.search(r'<tr data-item="email">(.*?)</tr>', html, re.S).group(1)
    assert alpha.email in row
    assert "회원 탈퇴 시까지" in html  # profile retention from the registry


def test_login_history_is_paged(client, app):
    m = full_member("paged")
    from sentem import clock

    for n in range(45):
        clock.advance(minutes=1)
        login_history(m, ip=f"192.0.2.{n}")
    login_as(client, m)
    first = client.get("/me/data").get_data(as_text=True)
    assert "1 / 3" in first
    assert "192.0.2.44<" in first and "192.0.2.0<" not in first  # the most recent first
    third = client.get("/me/data?p_login_history=3").get_data(as_text=True)
    assert "3 / 3" in third and "192.0.2.0<" in third


def test_export_downloads_are_logged_without_filing_rights_requests(client, app):
    from sentem.myinfo.records import export_downloads
    from sentem.myinfo.services import requests_of

    m = full_member("acc")
    login_as(client, m)
    before = len(requests_of(m.id))
    for _ in range(3):
        assert client.get("/me/export.json").status_code == 200
    data = client.get("/me/export.zip")
    assert data.status_code == 200
    assert len(requests_of(m.id)) == before  # no staff register flooded by self-service downloads
    log = export_downloads(m.id)
    assert [row["형식"] for row in log] == ["ZIP", "JSON", "JSON", "JSON"]
    assert client.head("/me/export.json").status_code == 200
    assert len(export_downloads(m.id)) == 4  # HEAD downloads nothing, so logs nothing
    exported = client.get("/me/export.json").get_json()
    rows = exported["record_classes"]["export_download"]["rows"]  # the member sees their own download log
    assert len(rows) == 5 and rows[0]["형식"] == "JSON"


@pytest.mark.parametrize("path", ["/me", "/me/export.json", "/me/export.zip", "/me/edit", "/me/consents",
                                  "/me/requests", "/me/withdraw"])
def test_anonymous_goes_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=" + path)


def test_pages_switch_to_english(client, app):
    m = full_member("eng")
    login_as(client, m)
    client.set_cookie("lang", "en")
    html = client.get("/me/withdraw").get_data(as_text=True)
    assert "I have read the above and withdraw" in html and "View my info" in html
    html = client.get("/me/data").get_data(as_text=True)
    assert "Download as JSON" in html and "Personal data items" in html
