"""200 buyers at once for 50 units, each paying through the Toss sandbox's window over HTTP."""
import threading

from sentem.extensions import db
from sentem.orders import checkout as co
from sentem.orders import pgflow
from sentem.orders.models import Order
from sentem.orders.stock import SoldOut
from sentem.shop.models import Product
from tests.orders.builders import DELIVERY, buyers_with_one_in_cart, make_product
from tests.orders.toss_flow import SHOP, come_back

BUYERS, UNITS = 200, 50


def test_200_buyers_for_50_units_through_the_pg(app, toss):
    # The suite's 2-second PG timeout tests lost answers elsewhere; here 200 confirms queue at one
    # sandbox on a shared CI machine, and a slow answer is not what this test is about.
    app.config["SENTEM_TOSS_TIMEOUT"] = 60
    product = make_product(title="한정판 토스 머그", stock=UNITS, price=60000)  # free delivery: 60,000 each
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
                started = co.place_order(member, token=token, delivery=dict(DELIVERY), payment_method="toss")
                window = pgflow.window_for(started.order, success_url=f"{SHOP}/payments/toss/success",
                                           fail_url=f"{SHOP}/payments/toss/fail")
                answer = come_back(member, toss.decide(window)).outcome
            except SoldOut:
                answer = "sold_out"
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
        t.join(timeout=600)

    assert [o for o in outcomes if o not in ("paid", "sold_out")] == []
    assert outcomes.count("paid") == UNITS and outcomes.count("sold_out") == BUYERS - UNITS
    db.session.expire_all()
    assert db.session.get(Product, product_id).stock == 0  # never below: nothing oversold
    assert Order.query.filter_by(status="paid").count() == Order.query.count() == UNITS
    done = [p for p in toss.ledger.payments.values() if p.status == "DONE"]
    assert len(done) == len(toss.ledger.payments) == toss.ledger.confirm_calls == UNITS  # the rest never reached the PG
    assert sum(p.balance for p in done) == UNITS * 60000
