"""One label table: every status, event, request, payment-method and screen code the shop
stores → the words a customer or a staff member reads (Korean; English through the catalogs).

Codes are grouped by namespace because some collide (``cancelled`` is an order, a payment and a
rights-request outcome; ``requested`` a delivery and a return). Templates use the ``label``
filter (``order.status|label('order')``); a code no table knows is shown as it is. The
rendered-page scan (tests/myinfo/test_labels_scan.py) fails when a page shows a code of these
tables instead of its label.

The registry's own codes (consents, record classes) are labelled by the registry, in the
privacy core above this module: the web edge hands them in as ``extra`` tables (``install``).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, has_app_context
from flask_babel import gettext


def _l(msgid: str) -> str:
    """Marks a Korean label (the catalog msgid); ``label`` translates it when shown."""
    return msgid


PAYMENT_FAILED = "payment_failed"  # an order whose payment was declined: never a sale, never "주문 취소"

TABLE: dict[str, dict[str, str]] = {
    "order": {
        "pending_payment": _l("결제 대기"), "paid": _l("결제 완료"), "preparing": _l("상품 준비 중"),
        "shipped": _l("배송 중"), "delivered": _l("배송 완료"), "completed": _l("구매 확정"),
        "cancelled": _l("주문 취소"), "return_requested": _l("반품(청약철회) 요청"), "returned": _l("반품 도착"),
        "refunded": _l("환불 완료"), PAYMENT_FAILED: _l("결제 실패"),
    },
    "payment": {
        "pending": _l("결제 대기"), "approved": _l("승인"), "declined": _l("결제 거절"), "unknown": _l("결과 확인 중"),
        "failed": _l("결제 실패"), "cancelled": _l("승인 취소"), "refunded": _l("환불"),
        "refund_requested": _l("환불 요청"), "refund_failed": _l("환불 실패"),
    },
    "payment_method": {"test": _l("테스트 결제"), "toss": _l("토스페이먼츠 (카드·간편결제)"), "card": _l("신용·체크카드")},
    "gateway": {"test": _l("테스트 결제대행"), "toss": _l("토스페이먼츠")},
    "cancel_kind": {"cancel": _l("주문 취소"), "return": _l("반품(청약철회)"), "partial": _l("부분 환불")},
    "cancel_status": {
        "requested": _l("접수"), "received": _l("반품 도착"), "refunded": _l("환불 완료"), "failed": _l("환불 대기"),
        "refunding": _l("환불 진행 중"), "refused": _l("반품 거절"),
    },
    "cancel_reason": {
        "change_of_mind": _l("단순 변심"), "wrong_order": _l("주문 실수"), "defective": _l("상품 불량·파손"),
        "wrong_item": _l("다른 상품 배송"), "late": _l("배송 지연"), "other": _l("기타"),
    },
    "delivery": {
        "requested": _l("배송 요청 접수"), "address_changed": _l("배송지 변경"), "preparing": _l("상품 준비 중"),
        "shipped": _l("발송 완료"), "failed": _l("배송 실패"), "resent": _l("재발송"), "delivered": _l("배송 완료"),
        "return_requested": _l("반품 회수 요청"), "return_picked_up": _l("반품 회수 완료"),
        "return_received": _l("반품 입고 완료"),
    },
    "pickup": {"requested": _l("회수 요청"), "picked_up": _l("회수 완료"), "received": _l("입고 완료")},
    "rights_kind": {
        "access": _l("열람"), "correction": _l("정정"), "deletion": _l("삭제"), "suspension": _l("처리정지"),
        "withdrawal": _l("회원 탈퇴"), "other": _l("기타"),
    },
    "rights_status": {"received": _l("접수"), "pending": _l("대기(미결 거래)"), "answered": _l("답변 완료")},
    "rights_outcome": {
        "done": _l("처리 완료"), "partly_done": _l("일부 처리"), "refused": _l("거절"), "deferred": _l("보류"),
        "cancelled": _l("취소"),
    },
    "inquiry_status": {"open": _l("답변 대기"), "answered": _l("답변 완료"), "closed": _l("종료")},
    "inquiry_category": {"privacy": _l("개인정보"), "order": _l("주문"), "delivery": _l("배송"), "other": _l("기타")},
    "member_status": {"active": _l("이용 중"), "withdrawal_pending": _l("탈퇴 대기"), "withdrawn": _l("탈퇴")},
    "login_event": {
        "login": _l("로그인"), "failure": _l("로그인 실패"), "locked": _l("계정 잠김"), "logout": _l("로그아웃"),
        "reset_request": _l("비밀번호 재설정 요청"), "reset_done": _l("비밀번호 재설정"),
        "password_change": _l("비밀번호 변경"),
    },
    # Where a consent was given or withdrawn (the ledger's ``screen``).
    "screen": {
        "signup": _l("회원가입"), "/me/consents": _l("동의 관리"), "/me/withdraw": _l("회원 탈퇴"),
        "/notices/alerts": _l("공지 알림 설정"), "marketing_opt_out": _l("광고 수신 거부 링크"),
        "unknown": _l("알 수 없음"), "checkout": _l("주문서"),
    },
}


def install(app, provider: Callable[[], dict[str, dict[str, object]]]) -> None:
    """Give ``app`` the tables only a higher layer knows (the registry's consents, record classes).

    ``provider`` is called on first use, once every feature has declared its registry entries."""
    app.extensions["sentem_labels"] = {"provider": provider, "tables": None}


def tables() -> dict[str, dict[str, object]]:
    """The static table merged with what the app installed (namespace → code → label)."""
    slot = current_app.extensions.get("sentem_labels") if has_app_context() else None
    if slot is None:
        return TABLE
    if slot["tables"] is None:
        slot["tables"] = {**TABLE, **slot["provider"]()}
    return slot["tables"]


def label(code, namespace: str | None = None) -> str:
    """``code``'s label in ``namespace`` (or in whichever namespace knows it); unknown codes as they are."""
    if code is None or code == "":
        return ""
    known = tables()
    if namespace is not None:
        found = known.get(namespace, {}).get(code)
        return _shown(found) if found is not None else str(code)
    for table in known.values():
        if code in table:
            return _shown(table[code])
    return str(code)


def _shown(found) -> str:
    # A table's Korean msgid through the catalogs; the registry's labels choose their language themselves.
    return gettext(found) if isinstance(found, str) and has_app_context() else str(found)


def korean(namespace: str, code: str) -> str:
    """The Korean label itself (the catalog msgid), whatever the request's language: for stored
    texts and messages that are Korean by contract."""
    return TABLE[namespace][code]


def all_codes() -> set[str]:
    """Every code of every table (the scan test looks for them on rendered pages)."""
    return {code for table in tables().values() for code in table}
