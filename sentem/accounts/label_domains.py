"""The member, login-history and consent-screen codes this feature stores, and their Korean
labels (English in the catalog): its domains of the one label table (``sentem.privacy.labels``)."""
from __future__ import annotations

from ..privacy.labels import Declarations, _l

DECLARE_LABELS = Declarations()  # applied by the package's init_app

DECLARE_LABELS.domain("member_status", {"active": _l("이용 중"), "withdrawal_pending": _l("탈퇴 대기"), "withdrawn": _l("탈퇴")})
DECLARE_LABELS.domain("login_event", {
    "login": _l("로그인"), "failure": _l("로그인 실패"), "locked": _l("잠금 중 로그인 시도"), "logout": _l("로그아웃"),
    "reset_request": _l("비밀번호 찾기 요청"), "reset_done": _l("비밀번호 재설정"), "password_change": _l("비밀번호 변경"),
})
# Where a consent was given or withdrawn (the consent ledger's ``screen``).
DECLARE_LABELS.domain("screen", {
    "signup": _l("회원가입"), "/me/consents": _l("동의 관리"), "/me/withdraw": _l("회원 탈퇴"),
    "/notices/alerts": _l("공지 알림 설정"), "marketing_opt_out": _l("광고 수신 거부 링크"),
    "unknown": _l("알 수 없음"), "checkout": _l("주문서"),
})
