"""The order, payment, cancellation and guest-request codes this feature stores, and their
Korean labels (English in the catalog): its domains of the one label table (``sentem.privacy.labels``)."""
from __future__ import annotations

from ..privacy.labels import Declarations, _l
from .models import PAYMENT_FAILED

DECLARE_LABELS = Declarations()  # applied by the package's init_app

DECLARE_LABELS.domain("order", {
    "pending_payment": _l("결제 대기"), "paid": _l("결제 완료"), "preparing": _l("상품 준비 중"),
    "shipped": _l("배송 중"), "delivered": _l("배송 완료"), "completed": _l("구매 확정"),
    "cancelled": _l("주문 취소"), "return_requested": _l("반품(청약철회) 요청"), "returned": _l("반품 도착"),
    "refunded": _l("환불 완료"), PAYMENT_FAILED: _l("결제 실패"),
})
DECLARE_LABELS.domain("payment", {
    "pending": _l("결제 대기"), "approved": _l("승인"), "declined": _l("결제 거절"), "unknown": _l("결과 확인 중"),
    "failed": _l("결제 실패"), "cancelled": _l("승인 취소"), "refunded": _l("환불"),
    "refund_requested": _l("환불 요청"), "refund_failed": _l("환불 실패"),
})
DECLARE_LABELS.domain("payment_method", {
    "test": _l("테스트 결제"), "toss": _l("토스페이먼츠 (카드·간편결제)"), "card": _l("신용·체크카드")})
DECLARE_LABELS.domain("gateway", {"test": _l("테스트 결제대행"), "toss": _l("토스페이먼츠")})
DECLARE_LABELS.domain("cancel_kind", {"cancel": _l("주문 취소"), "return": _l("반품(청약철회)"), "partial": _l("부분 환불")})
DECLARE_LABELS.domain("cancel_status", {
    "requested": _l("접수"), "received": _l("반품 도착"), "refunded": _l("환불 완료"), "failed": _l("환불 대기"),
    "refunding": _l("환불 진행 중"), "refused": _l("반품 거절"),
})
DECLARE_LABELS.domain("cancel_reason", {
    "change_of_mind": _l("단순 변심"), "wrong_order": _l("주문 실수"), "defective": _l("상품 불량·파손"),
    "wrong_item": _l("다른 상품 배송"), "late": _l("배송 지연"), "other": _l("기타"),
})
# A guest (비회원) may ask for a copy of the order's data or its deletion; staff answer done/refused.
DECLARE_LABELS.domain("guest_request_kind", {"access": _l("열람(사본 받기)"), "deletion": _l("삭제")})
DECLARE_LABELS.domain("guest_request_outcome", {"done": _l("처리 완료"), "refused": _l("거절")})
