"""Who may see or do what in the staff area: the one permission table.

Least privilege (PIPA Art. 29; safety-measures standard): each role gets only what
its work needs. Admin views name one permission each; the blueprint-wide gate and
the per-view check both read this table.
"""
from __future__ import annotations

ROLES = {
    "privacy_officer": ("개인정보보호책임자", "Privacy officer"),
    "privacy_handler": ("개인정보취급자", "Privacy handler"),
    "order_staff": ("주문 담당", "Order staff"),
    "shipping_staff": ("배송 담당", "Shipping staff"),
    "support_staff": ("상담 담당", "Support staff"),
    "auditor": ("감사(읽기 전용)", "Auditor (read-only)"),
    "marketing_staff": ("마케팅 담당", "Marketing staff"),
    "catalog_staff": ("상품 담당", "Catalog staff"),
}

PERMISSIONS = {
    "dashboard.view": "대시보드 보기",
    "members.view": "회원 목록(마스킹) 보기",
    "members.unmask": "회원 개인정보 마스킹 해제",
    "members.download": "회원 목록 내려받기",
    "orders.view": "주문·환불 보기",
    "orders.manage": "주문 상태 변경, 반품 확인, 환불",
    "orders.download": "주문 목록 내려받기",
    "shipping.view": "배송 목록 보기(배송 단계의 수령인 정보)",
    "shipping.manage": "배송 처리(준비, 발송, 완료, 실패, 재발송)",
    "rights.view": "권리 행사 요청 보기",
    "rights.answer": "권리 행사 요청 처리",
    "inquiries.view": "상담 문의 보기",
    "inquiries.answer": "상담 문의 답변",
    "inquiries.privacy": "개인정보 문의 처리",
    "notices.post": "공지사항 게시",
    "policy.view": "처리방침 버전 보기",
    "policy.publish": "처리방침 게시",
    "registers.edit": "위탁·제3자 제공 등록부 수정",
    "marketing.send": "광고성 정보 발송",
    "catalog.manage": "상품·분류·재고·이미지 관리",
    "statistics.view": "이용 통계 보기(가명·5명 미만 비공개)",
    "statistics.download": "이용 통계 내려받기",
    "statistics.run": "이용 통계 즉시 집계",
    "archive.view": "분리보관 기록 열람",
    "retention.view": "파기 관리대장·보존 의무 보기",
    "accesslog.view": "접속기록 보기",
    "reviews.view": "월간 점검 보기",
    "reviews.signoff": "월간 점검 승인",
    "audit.view": "자체 감사 보고서 보기",
    "audit.run": "자체 감사 실행",
    "staff.manage": "직원 계정·권한 관리",
    "plan.view": "내부관리계획 보기",
    "plan.edit": "내부관리계획 개정",
}

_ALL = frozenset(PERMISSIONS)
_READ_ONLY = frozenset({"dashboard.view", "members.view", "orders.view", "shipping.view", "rights.view",
                        "inquiries.view", "policy.view", "retention.view", "accesslog.view",
                        "reviews.view", "audit.view", "plan.view"})

GRANTS: dict[str, frozenset[str]] = {
    "privacy_officer": _ALL,
    "privacy_handler": frozenset({"dashboard.view", "members.view", "members.unmask", "orders.view",
                                  "rights.view", "rights.answer", "inquiries.view", "inquiries.answer",
                                  "inquiries.privacy", "policy.view", "archive.view", "retention.view",
                                  "plan.view"}),
    "order_staff": frozenset({"dashboard.view", "orders.view", "orders.manage", "orders.download",
                              "inquiries.view", "inquiries.answer", "plan.view"}),
    "shipping_staff": frozenset({"dashboard.view", "shipping.view", "shipping.manage", "plan.view"}),
    "support_staff": frozenset({"dashboard.view", "inquiries.view", "inquiries.answer", "notices.post",
                                "plan.view"}),
    # Statistics and campaigns only: aggregates under the k = 5 floor, never a member's data.
    "marketing_staff": frozenset({"dashboard.view", "statistics.view", "statistics.download", "marketing.send",
                                  "plan.view"}),
    # Products, categories, stock and images: shop data only, never a member's.
    "catalog_staff": frozenset({"dashboard.view", "catalog.manage", "plan.view"}),
    # Read-only: sees the controls and their records, never personal data unmasked.
    "auditor": _READ_ONLY - {"members.view", "shipping.view"},
}


def allowed(role: str | None, permission: str) -> bool:
    """Whether ``role`` has ``permission``; unknown permissions are refused."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission}")
    return bool(role) and permission in GRANTS.get(role, frozenset())
