"""The delivery event, shipment, pickup and failure codes this feature stores, and their Korean
labels (English in the catalog): its domains of the one label table (``sentem.privacy.labels``)."""
from __future__ import annotations

from ..privacy.labels import Declarations, _l

DECLARE_LABELS = Declarations()  # applied by the package's init_app

# ShipmentEvent.kind: what happened to a delivery (the order page's and staff's history).
DECLARE_LABELS.domain("delivery", {
    "requested": _l("배송 요청 접수"), "address_changed": _l("배송지 변경"), "preparing": _l("상품 준비 중"),
    "shipped": _l("발송 완료"), "failed": _l("배송 실패"), "resent": _l("재발송"), "delivered": _l("배송 완료"),
    "return_requested": _l("반품 회수 요청"), "return_picked_up": _l("반품 회수 완료"),
    "return_received": _l("반품 입고 완료"),
})
DECLARE_LABELS.domain("shipment_status", {"shipped": _l("배송 중"), "delivered": _l("배송 완료"), "failed": _l("배송 실패")})
DECLARE_LABELS.domain("pickup", {"requested": _l("회수 요청"), "picked_up": _l("회수 완료"), "received": _l("입고 완료")})
DECLARE_LABELS.domain("delivery_failure", {
    "absent": _l("수취인 부재"), "wrong_address": _l("주소 불명"), "refused": _l("수취 거부"), "damaged": _l("파손·분실"),
    "other": _l("기타"),
})
