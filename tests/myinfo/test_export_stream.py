"""The JSON export is sent piece by piece, one item or record per line, and reads back as the
same document ``access.export`` builds; the order and payment rows read as plain columns are
the rows the order models describe (issue 19 part 5)."""
from __future__ import annotations

import json

from sentem.extensions import db
from sentem.myinfo import access
from sentem.orders import cancellation, exports
from sentem.orders import records as order_records
from tests.builders import login_as
from tests.myinfo.builders import full_member
from tests.orders.builders import make_paid_order


def test_the_streamed_export_is_the_export_one_record_per_line(client):
    member = full_member("stream")
    make_paid_order(member)
    cancellation.cancel(make_paid_order(member), actor="member")
    login_as(client, member)
    resp = client.get("/me/export.json")
    assert resp.status_code == 200 and resp.is_streamed
    text = resp.get_data(as_text=True)
    data = json.loads(text)
    expected = json.loads(json.dumps(access.export(member.id), ensure_ascii=False))
    expected["record_classes"]["export_download"]["rows"] = data["record_classes"]["export_download"]["rows"]
    assert data == expected
    lines = text.splitlines()
    orders = data["record_classes"]["orders"]["rows"]
    assert len(orders) == 2
    for row in orders:  # each record on a line of its own: readable, and diffable
        assert json.dumps(row, ensure_ascii=False) in [line.strip().rstrip(",") for line in lines]
    assert access.export_json(member.id).startswith("{\n")


def test_order_and_payment_rows_match_the_models(app):
    member = full_member("rows")
    make_paid_order(member)
    cancellation.cancel(make_paid_order(member), actor="member")
    db.session.expire_all()
    assert exports.order_rows(member.id) == [order_records._order_row(o) for o in order_records._orders(member.id)]
    payments = exports.payment_rows(member.id)
    assert [p["주문번호"] for p in payments] == [o.order_no for o in order_records._orders(member.id)]
    assert all(p["상태 변경"] for p in payments)


def test_an_empty_export_is_still_one_json_document(app):
    data = {"format": access.FORMAT, "items": [], "record_classes": {"x": {"label_ko": "엑스", "rows": []}}}
    assert json.loads("".join(access.json_chunks(data))) == data
