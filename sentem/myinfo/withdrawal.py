"""Withdrawal (회원 탈퇴): refused or deferred while a debt is open, otherwise done at once.

Done means, in one transaction: a withdrawal record (rights request), marketing
consents withdrawn in the ledger, status ``withdrawn`` with its time, and the
retention engine's durable duty (``schedule_withdrawal``). The confirmation is
sent when that transaction commits — before the retention engine destroys the
contact details it needs.

Two things come before the withdrawal itself. An unanswered rights request or privacy
inquiry is an open obligation like an unsettled order: the withdrawal waits, pending,
until staff answer it (its 10-day clock keeps running; the member is told which one).
And a delivered order still inside its return window (청약철회) makes the member
confirm first that the return right ends with the account (``returns_ack``).

Each step starts with a compare-and-set of the member's status (``UPDATE members …
WHERE id = :id AND status IN (:expected)``, row count checked): of two withdrawals
submitted at once, or a member's "cancel" racing the job that completes a pending
withdrawal, one wins and writes its records, notices and duty; the other is told,
having written nothing.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..notify import outbox
from ..orders import cancellation
from ..privacy import consent
from ..privacy.registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY
from ..privacy.retention import services as retention
from .models import RightsRequest
from .services import RightsError, answered_now, marketing_kinds, record_consent

DEBT_BASIS = ("개인정보 처리방침 제2조: 채권·채무관계가 남아 있는 경우 그 정산 시까지 보유 "
              "(전자상거래 등에서의 소비자보호에 관한 법률)")


class Refused(RightsError):
    """Withdrawal must wait: ``reasons`` lists what is open."""

    def __init__(self, reasons: list[str]):
        super().__init__("진행 중인 거래가 있어 지금은 탈퇴할 수 없습니다.")
        self.reasons = reasons


def check(member, password: str, confirm: str) -> None:
    """The form's own conditions; raises RightsError with a message for the member."""
    if member.status == "withdrawn":
        raise RightsError("이미 탈퇴한 회원입니다.")
    if member.status == "withdrawal_pending":
        raise RightsError("이미 탈퇴를 신청하셨습니다. 진행 중인 거래가 끝나면 자동으로 탈퇴 처리됩니다.")
    if (confirm or "").strip().lower() != "yes":
        raise RightsError("탈퇴 안내를 확인했다는 항목에 체크해 주세요.")
    if not password:
        raise RightsError("비밀번호를 입력해 주세요.")
    if not accounts.check_password(member, password):
        db.session.commit()  # membership may count the failure
        raise RightsError("비밀번호가 올바르지 않습니다.")


class ReturnRightEnds(RightsError):
    """Orders still returnable: the member must confirm that withdrawing ends that right."""

    def __init__(self, orders: list):
        super().__init__("반품(청약철회) 기간이 남은 주문이 있습니다. 탈퇴하면 반품을 신청할 수 없게 됩니다. "
                         "확인 항목에 체크한 뒤 다시 시도해 주세요.")
        self.orders = orders


def returnable(member) -> list:
    """(order number, last day) of the member's orders whose return window is still open."""
    return cancellation.returnable_orders(member.id)


def withdraw(member, password: str, confirm: str, *, anyway: bool = False, returns_ack: bool = False) -> str:
    """Withdraw the member. Returns ``"withdrawn"`` or ``"pending"``; raises Refused, ReturnRightEnds
    or RightsError."""
    check(member, password, confirm)
    if not returns_ack and (orders := returnable(member)):
        raise ReturnRightEnds(orders)
    reasons = REGISTRY.open_obligations(member.id)
    if reasons and not anyway:
        # The refusal is an answer too: recorded with its basis, then reported to the member.
        answered_now(member, "withdrawal", "refused", legal_basis=DEBT_BASIS,
                     answer="진행 중인 거래가 있어 지금은 탈퇴할 수 없습니다: " + "; ".join(reasons))
        db.session.commit()
        raise Refused(reasons)
    if reasons:
        if not _move(member, ("active",), "withdrawal_pending"):
            raise _lost(member)
        _stop_marketing(member)
        # Answered at once ("deferred", with its basis); completion later keeps that answer time.
        now = clock.now()
        req = RightsRequest(member_id=member.id, data_key_id=member.data_key_id, kind="withdrawal",
                            status="pending", outcome="deferred", channel="online", received_at=now,
                            due_at=RightsRequest.due_from(now), answered_at=now, legal_basis=DEBT_BASIS)
        req.detail = "진행 중인 거래 정산 후 탈퇴: " + "; ".join(reasons)
        req.answer = "진행 중인 거래가 끝나면 자동으로 탈퇴 처리합니다."
        db.session.add(req)
        _notify(member, "회원 탈퇴 신청 접수",
                "회원 탈퇴 신청을 접수했습니다. 진행 중인 거래가 끝나면 자동으로 탈퇴 처리되고 다시 알려 드립니다.")
        db.session.commit()
        return "pending"
    if not complete(member, expected=("active",)):
        raise _lost(member)
    db.session.commit()
    return "withdrawn"


def cancel_pending(member) -> None:
    """The member changed their mind before the open items settled; commits.

    Marketing consents withdrawn with the request stay withdrawn: only a new consent restores them.
    """
    if not _move(member, ("withdrawal_pending",), "active"):
        db.session.rollback()
        raise RightsError("대기 중인 탈퇴 신청이 없습니다.")
    now = clock.now()
    for req in db.session.execute(select(RightsRequest).filter_by(member_id=member.id, kind="withdrawal",
                                                                  status="pending")).scalars():
        req.status, req.outcome = "answered", "cancelled"
        req.answer = f"{clock.to_kst(now):%Y-%m-%d %H:%M} 회원의 요청으로 탈퇴 신청을 취소했습니다."
    db.session.commit()


def complete(member, *, expected=("active", "withdrawal_pending")) -> bool:
    """Finish a withdrawal (no commit): mark withdrawn, record, stop marketing, schedule destruction.

    False, having written nothing, when the member's status is no longer one of ``expected``.
    """
    now = clock.now()
    if not _move(member, tuple(expected), "withdrawn", withdrawn_at=now):
        return False
    pending = db.session.execute(select(RightsRequest).filter_by(member_id=member.id, kind="withdrawal",
                                                                 status="pending")).scalars().all()
    answer = (f"회원 탈퇴를 완료했습니다. 개인정보는 {DESTRUCTION_DEADLINE_DAYS}일 이내에 파기하며, "
              "법령에 따라 보관해야 하는 거래 기록은 분리 보관 후 보존 기간이 끝나면 파기합니다.")
    if pending:
        for req in pending:
            req.status, req.outcome = "answered", "done"
            req.answer = f"{clock.to_kst(now):%Y-%m-%d %H:%M} {answer}"
    else:
        answered_now(member, "withdrawal", "done", answer=answer)
    _stop_marketing(member)
    _notify(member, "회원 탈퇴 완료", answer)  # captured now, sent on commit: before any destruction
    retention.schedule_withdrawal(member.id)
    db.session.flush()
    return True


def complete_pending() -> int:
    """Complete every pending withdrawal whose open items have settled; commits each. Returns count."""
    done = 0
    ids = db.session.execute(accounts.ids_with_status("withdrawal_pending")).scalars().all()
    for member_id in ids:
        member = accounts.get(member_id)
        if member is None or member.status != "withdrawal_pending" or REGISTRY.open_obligations(member_id):
            continue
        if not complete(member, expected=("withdrawal_pending",)):  # cancelled or done meanwhile
            db.session.rollback()
            continue
        db.session.commit()
        accounts.logout_everywhere(member_id)
        done += 1
    return done


def _move(member, expected: tuple, status: str, **values) -> bool:
    """Compare-and-set the member's status (no commit). False: another request moved it first."""
    model = type(member)
    values = {"status": status, **values}
    won = db.session.execute(update(model).where(model.id == member.id, model.status.in_(expected))
                             .values(**values).execution_options(synchronize_session=False)).rowcount
    if won == 1:
        for key, value in values.items():
            set_committed_value(member, key, value)
    return won == 1


def _lost(member) -> RightsError:
    """The answer for a withdrawal that another request of the member's handled first (rolls back)."""
    db.session.rollback()
    try:
        db.session.refresh(member, ["status"])
    except InvalidRequestError:  # already destroyed by the retention sweep
        return RightsError("이미 탈퇴한 회원입니다.")
    if member.status == "withdrawn":
        return RightsError("이미 탈퇴한 회원입니다.")
    if member.status == "withdrawal_pending":
        return RightsError("이미 탈퇴를 신청하셨습니다. 진행 중인 거래가 끝나면 자동으로 탈퇴 처리됩니다.")
    return RightsError("이미 처리된 요청입니다. 탈퇴 상태를 확인해 주세요.")


def _stop_marketing(member) -> None:
    current = consent.current(member.id)
    for kind in marketing_kinds():
        if current.get(kind):
            record_consent(member.id, kind, False, screen="/me/withdraw")


def _notify(member, subject: str, body: str) -> None:
    email, mobile, member_id = member.email, member.mobile, member.id
    shop = current_app.config.get("SHOP_NAME", "")

    def _send():
        for send in (lambda: outbox.send_email(email, f"[{shop}] {subject}", body, category="withdrawal",
                                               member_id=member_id),
                     lambda: outbox.send_sms(mobile, f"[{shop}] {subject}", category="withdrawal",
                                             member_id=member_id)):
            try:
                send()
            except outbox.OutboxError:
                current_app.logger.warning("withdrawal notice to member %s not delivered", member_id)

    outbox.after_commit(db.session, _send, member_id=member_id)
