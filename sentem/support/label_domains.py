"""The inquiry codes (category, status) this feature stores, and their Korean labels (English in
the catalog), and why a campaign skipped a member: its domains of the one label table (``sentem.privacy.labels``)."""
from __future__ import annotations

from ..privacy.labels import Declarations, _l

DECLARE_LABELS = Declarations()  # applied by the package's init_app

DECLARE_LABELS.domain("inquiry_category", {
    "privacy": _l("개인정보"), "order": _l("주문"), "delivery": _l("배송"), "other": _l("기타")})
DECLARE_LABELS.domain("inquiry_status", {"open": _l("답변 대기"), "answered": _l("답변 완료"), "closed": _l("종료")})
DECLARE_LABELS.domain("marketing_outcome", {"sent": "발송", "skipped": "제외"})
# Why a campaign did not reach a member (staff only; Korean).
DECLARE_LABELS.domain("marketing_skip", {
    "inactive": "탈퇴·탈퇴 대기", "suspended": "처리정지", "email_unverified": "이메일 미인증", "no_mobile": "휴대전화 번호 없음",
    "night_no_consent": "야간 수신 미동의", "send_failed": "발송 실패",
})
