"""The rights-request codes (kind, status, proxy relation, outcome) this feature stores, and their Korean labels
(English in the catalog): its domains of the one label table (``sentem.privacy.labels``)."""
from __future__ import annotations

from ..privacy.labels import Declarations, _l

DECLARE_LABELS = Declarations()  # applied by the package's init_app

DECLARE_LABELS.domain("rights_kind", {
    "access": _l("열람"), "correction": _l("정정"), "deletion": _l("삭제"), "suspension": _l("처리정지"),
    "withdrawal": _l("회원 탈퇴"), "other": _l("기타"),
})
DECLARE_LABELS.domain("rights_status", {"received": _l("접수"), "pending": _l("대기(미결 거래)"), "answered": _l("답변 완료")})
# How a request reached the shop (staff record requests made by phone, mail or a proxy).
DECLARE_LABELS.domain("rights_channel", {"online": _l("온라인"), "staff": _l("회원(직원 접수)"), "proxy": _l("법정대리인")})
DECLARE_LABELS.domain("rights_relation", {"parent": _l("법정대리인(부모)"), "guardian": _l("후견인"),
                                         "delegate": _l("위임받은 대리인")})
DECLARE_LABELS.domain("rights_outcome", {
    "done": _l("처리 완료"), "partly_done": _l("일부 처리"), "refused": _l("거절"), "deferred": _l("보류"),
    "cancelled": _l("취소"),
})
