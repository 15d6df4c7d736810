"""No overselling: 200 concurrent checkouts for 50 units give exactly 50 paid orders.

Each thread has its own app context (its own session and connection), as separate
requests would. Runs on SQLite (busy timeout) and on PostgreSQL when the suite does.
"""
import threading

from sentem.extensions import db
from sentem.orders import checkout as co
from sentem.orders.models import Order
from sentem.orders.stock import SoldOut
from sentem.shop import cart
from sentem.shop.models import Product
from tests.builders import make_member
from tests.orders.builders import DELIVERY, buyers_with_one_in_cart, make_product

BUYERS, UNITS = 200, 50


def test_200_concurrent_checkouts_for_50_units(app):
    product = make_product(title="한정판 머그", stock=UNITS, price=10000)
    buyers = buyers_with_one_in_cart(product, BUYERS)
    product_id = product.id
    db.session.remove()

    barrier = threading.Barrier(BUYERS)
    outcomes, lock = [], threading.Lock()

    def buy(member_id, token):
        with app.app_context():
            from sentem.accounts.models import Member

            try:
                member = db.session.get(Member, member_id)
                member.data_key_id  # loaded now, so the session can give its connection back
                db.session.commit()
                barrier.wait(timeout=120)
                result = co.place_order(member, token=token, delivery=dict(DELIVERY), payment_method="test",
                                        payment_params={"test_outcome": "approve"})
                answer = result.outcome
            except SoldOut as exc:
                answer = "sold_out" if "품절" in exc.message else "bad"
            except Exception as exc:  # recorded, so the assertion names it
                answer = f"error:{type(exc).__name__}:{exc}"[:200]
            finally:
                db.session.remove()
            with lock:
                outcomes.append(answer)

    threads = [threading.Thread(target=buy, args=b) for b in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)

    errors = [o for o in outcomes if o not in ("paid", "sold_out")]
    assert errors == []
    assert outcomes.count("paid") == UNITS
    assert outcomes.count("sold_out") == BUYERS - UNITS
    db.session.expire_all()
    assert db.session.get(Product, product_id).stock == 0
    assert Order.query.filter_by(status="paid").count() == UNITS
    assert Order.query.count() == UNITS  # sold-out attempts wrote nothing


def test_double_submit_of_one_form_makes_one_order_and_one_charge(app):
    from sentem.orders.gateways.testgateway import TestGatewayCharge

    product = make_product(stock=10)
    member = make_member()
    cart.add(member.id, product.id, 1)
    token = co.issue_token(member.id)
    member_id = member.id
    db.session.remove()
    barrier = threading.Barrier(4)
    landed, lock = [], threading.Lock()

    def submit():
        with app.app_context():
            from sentem.accounts.models import Member

            m = db.session.get(Member, member_id)
            m.data_key_id
            db.session.commit()
            barrier.wait(timeout=60)
            try:
                result = co.place_order(m, token=token, delivery=dict(DELIVERY), payment_method="test",
                                        payment_params={"test_outcome": "approve"})
                answer = (result.outcome, result.order.order_no)
            except Exception as exc:
                answer = (f"error:{type(exc).__name__}", None)
            finally:
                db.session.remove()
            with lock:
                landed.append(answer)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len({no for _, no in landed}) == 1 and None not in {no for _, no in landed}
    assert sorted(o for o, _ in landed).count("paid") == 1
    assert Order.query.count() == 1 and TestGatewayCharge.query.count() == 1
