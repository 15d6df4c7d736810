"""The first version of the internal management plan (내부관리계획), built from the
permission table and the registry so it states what the software actually does."""
from __future__ import annotations

from ..privacy.registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY
from ..staff.permissions import GRANTS, PERMISSIONS, ROLES

SECTION_KEYS = (
    ("roles", "1. 역할과 책임"),
    ("training", "2. 개인정보 보호 교육"),
    ("access_control", "3. 접근 권한 관리와 접근 통제"),
    ("encryption", "4. 개인정보의 암호화"),
    ("logs", "5. 접속기록의 보관과 점검"),
    ("incident", "6. 개인정보 유출 사고 대응"),
)


def _roles_text() -> str:
    lines = ["개인정보보호책임자는 이 계획의 수립·시행, 직원 권한 부여, 월간 점검 승인, 분기 자체 감사를 맡는다.",
             "각 역할은 업무에 필요한 최소한의 권한만 가진다:"]
    for key, (ko, _en) in ROLES.items():
        perms = ", ".join(PERMISSIONS[p] for p in sorted(GRANTS[key]))
        lines.append(f"- {ko}: {perms}")
    return "\n".join(lines)


def default_sections() -> list[dict]:
    """The plan's first version; every period is read from the registry."""
    role_changes = REGISTRY.record_class("staff_role_changes").retention.describe()
    access_log = REGISTRY.record_class("staff_access_log").retention.describe()
    body = {
        "roles": _roles_text(),
        "training": ("개인정보취급자는 채용 시와 매년 1회 이상 개인정보 보호 교육을 받는다. 이 계획이 개정되면 "
                     "모든 직원이 관리 화면에서 새 버전을 읽고 '확인' 버튼을 누른다. 확인 일자가 교육·고지 기록이 된다."),
        "access_control": ("관리 화면은 비밀번호와 2단계 인증(TOTP)으로만 들어올 수 있다. 5회 실패하면 30분간 잠기고, "
                           "30분 동안 쓰지 않으면 자동으로 로그아웃된다. 마스킹 해제·내려받기·권한 변경 전에는 다시 인증한다. "
                           f"권한의 부여·변경·말소는 사유와 함께 기록하여 {role_changes}간 보관하며, 퇴직·전보 시 지체 없이 말소한다."),
        "encryption": ("로그인 ID, 이름, 이메일, 휴대전화 번호 등 모든 개인정보는 회원별 데이터 키로 AES-GCM 암호화하여 "
                       "저장하고, 비밀번호는 argon2id로 일방향 암호화한다. 데이터 키는 별도 키 저장소에 버킷 키로 감싸 "
                       "보관하고, 버킷 키는 파기 때마다 바뀌는 루트 키로 감싼다. 탈퇴 시 데이터 키를 파기하고 이전 루트 "
                       f"키를 {DESTRUCTION_DEADLINE_DAYS}일 안에 지운다. 검색은 블라인드 인덱스로만 한다."),
        "logs": ("개인정보 열람·마스킹 해제·변경·내려받기는 직원, 일시, 접속 IP, 대상 회원, 행위, 사유와 함께 "
                 f"해시 체인 접속기록에 남기고 {access_log}간 보관한다. 매월 1회 이상 접속기록을 점검하여 이상 징후(과다 조회, "
                 "업무시간 외 접속, 내려받기, 마스킹 해제 집중, 탈퇴 회원 기록 접근)를 확인하고 책임자가 승인한다. "
                 "분기마다 자체 감사 보고서를 작성·보관한다."),
        "incident": ("유출을 알게 되면 즉시 확산을 막고, 72시간 이내에 정보주체에게 알리며, 1천 명 이상이거나 민감정보·"
                     "고유식별정보가 포함되면 개인정보보호위원회 또는 한국인터넷진흥원에 신고한다. 원인과 조치를 기록하고 "
                     "재발 방지 대책을 이 계획에 반영한다."),
    }
    return [{"key": k, "title": t, "body": body[k]} for k, t in SECTION_KEYS]
