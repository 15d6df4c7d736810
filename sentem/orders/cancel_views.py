"""The cancel and return requests of an order page, shared by members' and guests' routes:
the same service call, the same messages; each route only finds the order and redirects."""
from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _

from .. import formats
from ..privacy.registry import REFUND_BUSINESS_DAYS
from . import cancellation


def cancel_and_tell(order, actor: str) -> None:
    """Cancel ``order`` for ``actor`` with the form's reason, and flash what happened."""
    try:
        record = cancellation.cancel(order, actor=actor, reason_code=request.form.get("reason", "change_of_mind"))
    except cancellation.CancelRefused as exc:
        flash(exc.message, "error")
        return
    if record.status == "refunded" and record.refund_amount:
        flash(_("주문을 취소하고 %(amount)s을 환불했습니다.", amount=formats.won(record.refund_amount)), "success")
    elif record.status == "refunded":
        flash(_("주문을 취소했습니다."), "success")
    else:
        flash(_("주문을 취소했습니다. 환불은 결제대행사 응답을 기다리는 중이며 %(days)s영업일 안에 처리됩니다.",
                days=REFUND_BUSINESS_DAYS), "info")


def return_and_tell(order, actor: str) -> None:
    """Ask to return ``order`` for ``actor`` with the form's reason, and flash what happened."""
    try:
        cancellation.request_return(order, actor=actor, reason_code=request.form.get("reason", "change_of_mind"))
    except cancellation.CancelRefused as exc:
        flash(exc.message, "error")
        return
    flash(_("반품(청약철회)을 신청했습니다. 상품이 도착하면 %(days)s영업일 안에 환불합니다.", days=REFUND_BUSINESS_DAYS),
          "success")
