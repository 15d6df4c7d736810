"""What orders need from whoever delivers them: a port that the delivery feature installs.

Orders come first and delivery builds on them: delivery rows hang off orders (a
foreign key to ``orders.id``), the shipping workflow moves an order only through
``services.transition``, and delivery finds and locks orders through ``services``.
Orders reach back at five moments only — the delivery request taken inside the
checkout transaction, the pickup asked with a return, the checkout form's prefill,
the tracking on the order page, and the destruction of an order, which takes its
delivery rows along — and they do it through this port, so this package imports
(or names) nothing of delivery. No port installed is an error, not a shop
that silently ships nowhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import current_app

EXTENSION = "sentem_fulfilment"


class FulfilmentInputError(ValueError):
    """The delivery part of a checkout was refused; ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Fulfilment:
    """Implemented by the delivery feature (``delivery.services``).

    ``validate(**fields)``: field errors of the checkout's delivery fields (empty when fine).
    ``request(order, **fields)``: record the delivery request, in the caller's transaction;
    raises :class:`FulfilmentInputError` and writes nothing when input is refused.
    ``return_pickup(order, actor=)``: arrange the pickup of a return (no commit).
    ``prefill(member_id)``: the member's default delivery address as form values, or None.
    ``tracking(order)``: what the order page shows about the delivery, or None.
    ``forget(order_ids)``: delete every delivery row of these orders, which are being
    destroyed (no commit; the foreign keys cascade too, but no setting may leave rows behind).
    ``export(order)``: the order's delivery record as labelled values (a guest's copy), or None.
    """

    validate: Callable[..., dict]
    request: Callable[..., object]
    return_pickup: Callable[..., object]
    prefill: Callable[[int], dict | None]
    tracking: Callable[[object], dict | None]
    forget: Callable[[list[int]], int]
    export: Callable[[object], dict | None] = lambda _order: None


def install(app, fulfilment: Fulfilment) -> None:
    """Let ``app``'s orders be delivered by ``fulfilment`` (``delivery.init_app`` calls this)."""
    app.extensions[EXTENSION] = fulfilment


def port() -> Fulfilment:
    """The current app's fulfilment; raises when no delivery feature installed one."""
    installed = current_app.extensions.get(EXTENSION)
    if installed is None:
        raise RuntimeError("orders have no fulfilment port: delivery.init_app(app) installs it")
    return installed
