"""A guest's rights about their order (PIPA Art. 35, 36): a copy at once, deletion where the law allows.

The copy (``copy``) is everything held about the order, decrypted, like a member's
export. Deletion (``request_deletion``) destroys the orderer and shreds the order's key at
once when no transaction record must be kept (the order was never paid); otherwise the
request waits in the staff rights queue, answered within ``RIGHTS_ANSWER_DAYS`` — as a
rule refused under 전자상거래법 시행령 §6 until the 5 years end, when the retention
sweep destroys the data anyway. Answering is a compare-and-set.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from ..privacy.registry import REGISTRY, RIGHTS_ANSWER_DAYS
from ..privacy.retention.ledger import METHODS, new_run_id
from ..privacy.retention.models import DestructionLedger
from ..security import datakeys
from . import fulfilment, records
from .guest_models import GuestOrder, GuestRequest
from .guest_records import GUEST_ORDER
from .models import Order

# How staff may answer a deletion request (labels: the ``guest_request_outcome`` domain).
OUTCOMES = ("done", "refused")
KEEP_BASIS = "전자상거래 등에서의 소비자보호에 관한 법률 제6조 및 같은 법 시행령 제6조(거래 기록 5년 보존)"


class RequestError(ValueError):
    """A request or answer was refused; the message (Korean) says why."""


def copy(order: Order, orderer: GuestOrder | None) -> dict:
    """Everything held about a guest order, labelled and decrypted; records the access (commits)."""
    now = clock.now()
    db.session.add(GuestRequest(order_no=order.order_no, kind="access", status="answered", outcome="done",
                                received_at=now, due_at=now, answered_at=now))
    db.session.commit()
    items = REGISTRY.items
    out = {"주문": records._order_row(order),
           "결제": [{"수단": p.method, "금액": p.amount, "환불 금액": p.refunded_amount, "상태": p.status}
                  for p in order.payments],
           "취소·환불": [{"구분": c.kind, "사유": c.reason_label, "상태": c.status, "환불 금액": c.refund_amount}
                     for c in order.cancellations]}
    if orderer is not None:
        out[REGISTRY.record_classes[GUEST_ORDER].label_ko] = {
            items["guest_orderer_name"].label_ko: orderer.orderer_name,
            items["guest_orderer_phone"].label_ko: orderer.orderer_phone,
            items["guest_orderer_email"].label_ko: orderer.orderer_email,
            "개인정보 수집·이용 동의": clock.to_kst(orderer.consented_at).isoformat(),
        }
    delivery = fulfilment.port().export(order)
    if delivery:
        out["배송"] = delivery
    return out


def _never_paid(order: Order) -> bool:
    return order.status == "cancelled" and not any(p.approved_at for p in order.payments)


def destroy_orderer(order: Order, *, job: str) -> bool:
    """Delete the orderer and shred the order's data key now, with a ledger row (no commit)."""
    row = db.session.execute(select(GuestOrder).filter_by(order_id=order.id)).scalar_one_or_none()
    if row is None:
        return False
    db.session.delete(row)
    datakeys.shred(order.data_key_id)
    run = new_run_id()
    for action in ("destroy", "key_shred"):
        db.session.add(DestructionLedger(run_id=run, record_class=GUEST_ORDER, action=action, count=1,
                                         method=METHODS[action], job=job, at=clock.now()))
    return True


def request_deletion(order: Order) -> GuestRequest:
    """Delete now where the law allows, else queue for staff; commits."""
    open_one = db.session.execute(select(GuestRequest).filter_by(order_no=order.order_no, kind="deletion",
                                                                 status="received")).scalar_one_or_none()
    if open_one is not None:
        raise RequestError("이미 접수된 삭제 요청이 있습니다. 답변을 기다려 주세요.")
    now = clock.now()
    req = GuestRequest(order_no=order.order_no, kind="deletion", status="received", received_at=now,
                       due_at=now + _dt.timedelta(days=RIGHTS_ANSWER_DAYS))
    if _never_paid(order):
        destroy_orderer(order, job="guest-deletion")
        req.status, req.outcome, req.answered_at = "answered", "done", now
    db.session.add(req)
    db.session.commit()
    return req


def of_order(order_no: str) -> list[GuestRequest]:
    """The order's requests, newest first (shown on the guest's order page)."""
    return list(db.session.execute(select(GuestRequest).filter_by(order_no=order_no)
                                   .order_by(GuestRequest.id.desc())).scalars())


def queue(*, open_only: bool = True) -> list[GuestRequest]:
    """Guest requests for staff (deletions), oldest deadline first."""
    stmt = select(GuestRequest).where(GuestRequest.kind == "deletion")
    if open_only:
        stmt = stmt.where(GuestRequest.status == "received")
    return list(db.session.execute(stmt.order_by(GuestRequest.due_at, GuestRequest.id)).scalars())


def get(request_id: int) -> GuestRequest | None:
    return db.session.get(GuestRequest, request_id)


def answer(req: GuestRequest, *, staff_id: int, outcome: str, legal_basis: str = "") -> GuestRequest:
    """Close a deletion request: ``done`` destroys the orderer now, ``refused`` names its legal basis; commits."""
    legal_basis = (legal_basis or "").strip()[:300]
    if outcome not in OUTCOMES:
        raise RequestError("처리 결과를 선택해 주세요.")
    if outcome == "refused" and not legal_basis:
        raise RequestError("거절에는 법적 근거를 적어야 합니다.")
    won = db.session.execute(
        update(GuestRequest).where(GuestRequest.id == req.id, GuestRequest.status == "received")
        .values(status="answered", outcome=outcome, legal_basis=legal_basis or None, answered_at=clock.now(),
                answered_by=staff_id).execution_options(synchronize_session=False)).rowcount
    if won != 1:
        db.session.rollback()
        raise RequestError("이미 답변한 요청입니다.")
    if outcome == "done":
        order = db.session.execute(select(Order).filter_by(order_no=req.order_no)).scalar_one_or_none()
        if order is not None:
            destroy_orderer(order, job=f"staff:{staff_id}")
    db.session.commit()
    db.session.refresh(req)
    return req
