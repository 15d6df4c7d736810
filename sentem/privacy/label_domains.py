"""The privacy core's codes (access-log and ledger actions, retention duties, review findings,
self-audit keys) and their Korean labels: its domains of the one label table (``sentem.privacy.labels``).

These are read by staff only; the staff area is Korean, so they have no English catalog entries."""
from __future__ import annotations

from .labels import Declarations
from .registry import RIGHTS_ANSWER_DAYS

DECLARE_LABELS = Declarations()  # applied by the package's init_app

# What each access-log action means (the staff access log, the self-audit).
DECLARE_LABELS.domain("access_action", {
    "login": "로그인", "login_failed": "로그인 실패", "logout": "로그아웃", "reauth": "재인증",
    "reauth_failed": "재인증 실패", "forbidden": "권한 없음(거부)", "unmask": "마스킹 해제", "download": "내려받기",
    "members.list": "회원 목록 조회", "members.view": "회원 상세 조회", "accesslog.view": "접속기록 조회",
    "staff.create": "직원 생성", "staff.role": "역할 변경", "staff.revoke": "권한 말소", "staff.unlock": "잠금 해제", "staff.reset": "인증 수단 재설정",
    "review.signoff": "월간 점검 승인", "audit.run": "자체 감사 실행", "audit.download": "감사 보고서 내려받기",
    "plan.ack": "내부관리계획 확인", "plan.publish": "내부관리계획 개정",
    "shipping.view": "배송 정보 조회", "rights.list": "권리 요청 목록 조회", "rights.view": "권리 요청 조회",
    "rights.answer": "권리 요청 처리", "rights.document": "위임 서류 열람", "inquiry.view": "문의 조회",
    "inquiry.answer": "문의 답변", "policy.publish": "처리방침 게시", "registers.edit": "등록부 수정",
    "marketing.send": "광고성 정보 발송", "archive.view": "분리보관 기록 열람", "retention.hold": "파기 보류",
    "retention.release": "파기 보류 해제", "orders.view": "주문 조회", "orders.manage": "주문 처리",
})
# The destruction ledger's actions (파기 관리대장, the retention screen, the CLI report).
DECLARE_LABELS.domain("retention_action", {
    "archive_move": "분리보관 이전",
    "destroy": "파기(탈퇴)",
    "expire": "파기(보존기간 만료)",
    "archive_destroy": "분리보관 기록 파기",
    "key_shred": "회원 데이터키 파기",
    "archive_key_shred": "보관일 키 파기",
    "bucket_rekey": "버킷키 교체",
    "expiry_key_shred": "보존기한 일자 키 파기",
    "outbox_purge": "발송함 파일 삭제",
    "outbox_key_shred": "발송함 키 파기",
    "root_erase": "루트키 삭제",
    "index_key_shred": "인덱스 키 파기",
    "index_rekey": "인덱스 재계산",
})
# What a record class does when its member leaves (the registry's ``on_withdrawal``).
DECLARE_LABELS.domain("retention_on_withdrawal", {"destroy": "탈퇴 시 파기", "archive": "분리보관 후 기간 만료 시 파기", "keep": "계정과 무관(보존기간 만료 시 파기)"})
# From when a retention period counts (the registry's ``Retention.starts``).
DECLARE_LABELS.domain("retention_start", {"transaction": "거래일", "withdrawal": "탈퇴", "event": "발생일", "answer": "답변일",
             "delivery": "배송일", "resignation": "퇴직", "consent": "동의일"})
# A retention duty's status.
DECLARE_LABELS.domain("duty_status", {"pending": "대기", "held": "보류", "done": "완료"})
# A retention duty's kind.
DECLARE_LABELS.domain("duty_kind", {"withdrawal": "탈퇴 회원 파기", "archive_expiry": "분리보관 만료", "expire_sweep": "보존기간 만료 점검",
           "scrub": "삭제 공간 정리", "ledger_claim": "키 파기·교체 대장 기록"})
# What the monthly access-log review flags.
DECLARE_LABELS.domain("review_finding", {"volume": "비정상적으로 많은 조회", "off_hours": "업무시간 외 접속", "download": "내려받기",
           "unmask_burst": "마스킹 해제 집중", "withdrawn_access": "탈퇴·분리보관 회원 기록 접근"})
# The self-audit report's section titles (features' sections are declared here too).
# The figures sections report.
DECLARE_LABELS.domain("audit_figure", {
    "entries_in_quarter": "분기 중 접속기록 수", "chain": "해시 체인", "downloads": "내려받기",
    "unmasks": "마스킹 해제", "forbidden": "권한 없음(거부)", "events": "동의 변경 건수", "reviews": "점검 수",
    "unsigned": "미승인 점검", "duties_done": "완료한 보존·파기 의무", "done_on_time": "기한 내 완료",
    "done_late": "기한 후 완료", "overdue_now": "현재 기한 초과", "received": "접수", "count": "건수",
    "answered_within_10_days": f"{RIGHTS_ANSWER_DAYS}일 이내 답변", "answered_late": "기한 후 답변",
    "open_past_deadline": "기한 지난 미처리", "staff_with_access": "개인정보 접근 권한이 있는 직원",
    "unused_in_quarter": "분기 중 쓰지 않은 직원", "note": "비고", "sampled_values": "검사한 표본 값",
    "cells_scanned": "검사한 칸", "declared_not_stored": "선언했으나 저장하지 않는 항목", "error": "오류",
    "value": "값", "recipient_views": "수령인 정보 열람", "staff_who_viewed": "수령인 정보를 본 직원",
    "delivery_records_past_5_years": "보존 기간(5년) 지난 배송 기록", "holds_in_force": "유지 중인 파기 보류",
    "saved_addresses_of_withdrawn_members": "탈퇴 회원의 저장 배송지", "ledger": "파기 관리대장(분기)",
    "answered_online_at_once": "온라인으로 즉시 처리", "pending_withdrawals": "주문 정산 대기 중인 탈퇴",
    "inquiries_received": "접수한 상담 문의", "privacy_inquiries": "개인정보 문의", "campaigns": "광고성 정보 발송 횟수",
    "privacy_inquiries_late": "기한 넘긴 개인정보 문의", "marketing_sent": "광고성 정보 발송 건수",
})
# The columns sections put in their tables.
DECLARE_LABELS.domain("audit_column", {"where": "위치", "count": "건수", "problem": "문제", "record_class": "기록 분류", "action": "처리"})
DECLARE_LABELS.domain("audit_section", {**{"retention": "보존·파기 이행", "rights": f"권리 행사 요청 처리({RIGHTS_ANSWER_DAYS}일 이내)",
                  "consent": "동의 현황", "staff_access": "개인정보 취급 직원과 마지막 사용",
                  "role_changes": "권한 부여·변경·말소", "access_log": "접속기록 무결성"}, **{"plaintext_scan": "평문 개인정보 검사", "schema": "등록부와 데이터베이스 구조 일치",
                       "delivery": "배송 정보(수령인 열람·보존 기간)", "monthly_reviews": "월간 접속기록 점검",
                       "support": "상담 게시판·광고성 정보"}})
