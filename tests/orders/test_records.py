"""Registry: the three record classes, their export/archive/destroy/expire, and withdrawal blocks."""

from sentem import clock
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.models import Cancellation, Order, OrderLine, Payment, PaymentEvent
from sentem.orders.services import transition
from sentem.privacy.registry import REGISTRY
from sentem.privacy.retention.expiry import expire_batch
from tests.builders import make_member
from tests.orders.builders import make_paid_order

KEYS = ("orders", "payments", "cancellations_refunds")


def test_record_classes_declared_with_five_years():
    for key in KEYS:
        rc = REGISTRY.record_class(key)
        assert rc.retention.years == 5 and rc.retention.starts == "transaction"
        assert rc.on_withdrawal == "archive"
        assert "전자상거래 등에서의 소비자보호에 관한 법률 제6조" in rc.legal_basis_ko and "시행령 제6조" in rc.legal_basis_ko
        assert all((rc.export, rc.collect_archive, rc.destroy, rc.expire))


def test_export_and_archive_cover_the_members_orders_only(app):
    member, other = make_member(), make_member()
    order = make_paid_order(member, quantity=2)
    cancellation.cancel(order, actor=f"member:{member.id}")
    make_paid_order(other)
    rows = REGISTRY.record_class("orders").export(member.id)
    assert [r["주문번호"] for r in rows] == [order.order_no]
    assert "× 2" in rows[0]["주문 상품"] and rows[0]["상태"] == "주문 취소"
    pays = REGISTRY.record_class("payments").export(member.id)
    assert pays[0]["주문번호"] == order.order_no and pays[0]["환불 금액"] == order.total_amount
    cans = REGISTRY.record_class("cancellations_refunds").export(member.id)
    assert cans[0]["구분"] == "주문 취소" and cans[0]["상태"] == "refunded"
    for key in KEYS:
        items = REGISTRY.record_class(key).collect_archive(member.id)
        assert [i.order_no for i in items] == [order.order_no]
        assert items[0].occurred_at == order.created_at and items[0].record_class == key


def test_destroy_deletes_every_row_of_the_member(app):
    member, other = make_member(), make_member()
    order = make_paid_order(member)
    keep = make_paid_order(other)
    cancellation.cancel(order, actor="member:1")
    for key in ("cancellations_refunds", "payments", "orders"):
        REGISTRY.record_class(key).destroy(member.id)
    db.session.commit()
    assert Order.query.filter_by(member_id=member.id).count() == 0
    assert Payment.query.filter_by(member_id=member.id).count() == 0
    assert Cancellation.query.count() == 0
    assert OrderLine.query.count() == 1 and PaymentEvent.query.count() == 1
    assert db.session.get(Order, keep.id) is not None


def test_expire_only_settled_orders_older_than_five_years(app):
    member = make_member()
    old_done = make_paid_order(member)
    for status in ("preparing", "shipped", "delivered", "completed"):
        transition(old_done, status, actor="staff:1")
    old_open = make_paid_order(member)
    db.session.commit()
    clock.advance(days=365 * 5 + 2)
    fresh = make_paid_order(member)
    cutoff = clock.now()
    assert expire_batch(REGISTRY.record_class("orders"), cutoff, 100) == 1
    db.session.commit()
    remaining = {o.id for o in Order.query.all()}
    assert remaining == {old_open.id, fresh.id}


def test_open_orders_block_withdrawal_with_korean_reasons(app):
    member = make_member()
    assert REGISTRY.open_obligations(member.id) == []
    order = make_paid_order(member)
    reasons = REGISTRY.open_obligations(member.id)
    assert any(order.order_no in r and "배송" in r for r in reasons)
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    assert not [r for r in REGISTRY.open_obligations(member.id) if order.order_no in r]
    cancellation.request_return(order, actor="member:1")
    assert any(order.order_no in r and "반품" in r for r in REGISTRY.open_obligations(member.id))


def test_vat_is_rounded_integer_of_total_over_eleven(app):
    order = Order(total_amount=44000)
    assert order.vat_amount == 4000
    assert Order(total_amount=10005).vat_amount == 910  # 909.5 → 910
    assert Order(total_amount=10004).vat_amount == 909
    assert isinstance(Order(total_amount=1).vat_amount, int)
