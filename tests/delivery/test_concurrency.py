"""Two staff shipping the same order at once: exactly one parcel, one refusal."""
import threading

from sentem.delivery import shipping
from sentem.delivery.models import Shipment
from sentem.extensions import db
from tests.builders import make_member
from tests.orders.builders import make_paid_order


def test_same_order_shipped_twice_at_once(app):
    order = make_paid_order(make_member())
    order_no = order.order_no
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(number):
        with app.app_context():
            barrier.wait()
            try:
                shipping.mark_shipped(order_no, "cj", number, actor="staff:9")
                outcomes.append("ok")
            except shipping.ShippingError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("1111111111", "2222222222")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count()).select_from(Shipment)).scalar() == 1
