"""With the retention engine: a withdrawn member's orders move to the archive and leave the main database."""
from sentem.extensions import db
from sentem.orders.models import Cancellation, Order, Payment
from sentem.orders.services import transition
from sentem.privacy.registry import REGISTRY
from tests.builders import make_member
from tests.orders.builders import make_paid_order


def test_withdrawal_archives_and_destroys_order_records(app):
    from sentem.privacy.retention.models import ArchivedRecord
    from sentem.privacy.retention.services import schedule_withdrawal
    from sentem.privacy.retention.sweep import sweep

    member = make_member()
    order = make_paid_order(member)
    for status in ("preparing", "shipped", "delivered", "completed"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    order_no = order.order_no
    assert REGISTRY.open_obligations(member.id) == []
    member.status = "withdrawal_pending"
    schedule_withdrawal(member.id)
    db.session.commit()
    sweep()
    db.session.expire_all()
    assert Order.query.filter_by(order_no=order_no).count() == 0
    assert Payment.query.count() == 0 and Cancellation.query.count() == 0
    archived = {(r.record_class, r.order_no) for r in ArchivedRecord.query.all()}
    assert {("orders", order_no), ("payments", order_no)} <= archived
