"""Demo shoppers for ``flask demo seed``: members, consents, visits and eight weeks of orders.

Without them the staff statistics (issue 20) have nothing to show: every cell under 5
members is suppressed. The shoppers are spread over four regions and four age bands so
that most cells pass the threshold; a few decline marketing (left out, as the law wants),
which the job's ledger shows. Orders and visits are placed on past days by moving
``sentem.clock`` for each one, so the daily and weekly charts have a history.

Refused in production: invented members would enter real audits and statistics.
"""
from __future__ import annotations

import datetime as _dt
import random

from .. import clock
from ..accounts import history
from ..accounts import services as accounts
from ..extensions import db
from ..orders import checkout
from ..shop import cart
from ..shop.models import Product

COUNT = 48
DAYS = 56  # eight weeks of history
PASSWORD = "demo-shopper-2026!"  # one shared password, printed by the command
REGIONS = (("서울특별시 마포구 월드컵로 10", "03900"), ("경기도 성남시 분당구 판교로 20", "13487"),
           ("부산광역시 해운대구 센텀로 30", "48058"), ("대구광역시 수성구 달구벌대로 40", "42100"))
DECADES = (1998, 1988, 1978, 1968)  # 20대, 30대, 40대, 50대 in 2026
SURNAMES = "김이박최정강조윤장임한오서신권황안송"
GIVEN = ("민준", "서연", "도윤", "하은", "시우", "지민", "예준", "수아", "주원", "지우", "하준")
DECLINES_EVERY = 8  # every 8th shopper declines marketing (and so statistics)
REFUSED_IN_PRODUCTION = ("운영 환경(SENTEM_ENV=production)에서는 데모 회원을 만들지 않습니다. "
                         "(Refused in production: no invented members in real data.)")


def login_id(n: int) -> str:
    return f"demoshopper{n:02d}"


def seed_shoppers(count: int = COUNT, seed: int = 2026) -> int:
    """Create the missing demo shoppers with their history; returns how many were added."""
    rng = random.Random(seed)  # the same demo every time
    products = Product.query.filter_by(active=True).order_by(Product.id).all()
    added = 0
    for n in range(1, count + 1):
        if accounts.find_by_login_id(login_id(n)) is not None:
            continue
        member = _sign_up(n, days_ago=DAYS + rng.randrange(0, 120))
        for days_ago in sorted(rng.sample(range(1, DAYS), rng.randint(2, 6)), reverse=True):
            _visit_and_maybe_buy(member, products, days_ago, rng)
        added += 1
    return added


def _at(days_ago: int, rng: random.Random) -> _dt.datetime:
    start = clock.start_of_day(clock.today() - _dt.timedelta(days=days_ago))
    return start + _dt.timedelta(hours=rng.randint(9, 22), minutes=rng.randint(0, 59))


def _sign_up(n: int, days_ago: int):
    address, postcode = REGIONS[n % len(REGIONS)]
    year = DECADES[(n // len(REGIONS)) % len(DECADES)] - n % 7
    data = {"login_id": login_id(n), "password": PASSWORD, "password_confirm": PASSWORD,
            "name": SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)], "email": f"{login_id(n)}@example.com",
            "mobile": f"010-5{n:03d}-{7000 + n:04d}", "birth_date": f"{year}-0{1 + n % 9}-1{n % 9}",
            "postcode": postcode, "address1": address, "address2": f"{100 + n}호"}
    agreed = n % DECLINES_EVERY != 0
    consents = {"terms": True, "privacy": True, "marketing_email": agreed, "marketing_sms": agreed and n % 2 == 0}
    with clock.frozen_at(clock.start_of_day(clock.today() - _dt.timedelta(days=days_ago))):
        member = accounts.register(data, consents, ip="127.0.0.1", user_agent="demo seed", screen="demo")
        member.email_verified_at = clock.now()  # demo mail is never read: mark the address verified
        db.session.commit()
    return member


def _visit_and_maybe_buy(member, products, days_ago: int, rng: random.Random) -> None:
    with clock.frozen_at(_at(days_ago, rng)):
        history.record("login", member, ip="127.0.0.1", user_agent="demo seed")
        db.session.commit()
        if not products or rng.random() < 0.35:
            return  # a visit without a purchase
        for product in rng.sample(products, min(len(products), rng.randint(1, 2))):
            cart.add(member.id, product.id, 1)
        result = checkout.place_order(member, token=checkout.issue_token(member.id),
                                      delivery={"recipient_name": member.name, "recipient_phone": member.mobile,
                                                "postcode": member.postcode, "address1": member.address1,
                                                "address2": member.address2, "delivery_memo": ""},
                                      payment_method="test", payment_params={"test_outcome": "approve"})
        if result.outcome != "paid":
            raise RuntimeError(f"demo order was not paid: {result.message}")
