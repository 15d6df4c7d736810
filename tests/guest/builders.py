"""Builders for guest-order tests: a visitor's cart and the guest checkout form."""
from __future__ import annotations

from tests.orders.builders import DELIVERY

ORDERER = {"orderer_name": "손님김", "orderer_phone": "010-9876-5432", "orderer_email": "guest@example.com"}
ORDER_PASSWORD = "guest-pw-77"


def guest_form(token: str, **over) -> dict:
    """A complete guest checkout form (test gateway, approve) with ``over`` replacing fields."""
    form = {**DELIVERY, **ORDERER, "order_password": ORDER_PASSWORD, "order_password_confirm": ORDER_PASSWORD,
            "consent_guest_privacy": "yes", "payment_method": "test", "test_outcome": "approve",
            "checkout_token": token}
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


def fill_cart(client, *products_qty) -> None:
    """Add ``(product, qty)`` pairs to the visitor's cart of ``client``."""
    for product, qty in products_qty:
        assert client.post("/cart/add", data={"product_id": product.id, "quantity": qty}).status_code == 302


def checkout_token(client) -> str:
    """The one-time token of the visitor's checkout form."""
    import re

    page = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="checkout_token" value="([^"]+)"', page).group(1)


def order_as_guest(client, *products_qty, **over):
    """Fill the cart and check out as a guest; returns the response of the submit."""
    fill_cart(client, *products_qty)
    return client.post("/checkout", data=guest_form(checkout_token(client), **over))
