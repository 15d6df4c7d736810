"""The consents asked for at signup (PIPA Art. 15②, 22; 정보통신망법 제50조).

Each is shown with its purpose, items, retention, the right to refuse and what
refusing means. Form field ``consent_<key>``; ledger kind ``consent.kind_for(key)``.
Consents other features register later appear on the signup screen by themselves.
"""
from ..privacy.registry import Consent, Declarations

DECLARE = Declarations()  # applied by the package's init_app

_UNTIL_WITHDRAWAL_KO = "회원 탈퇴 시까지 (관계 법령에 따라 보존할 기록은 해당 기간까지)"
_UNTIL_WITHDRAWAL_EN = "Until withdrawal (records the law requires are kept for the period it sets)"

DECLARE.consent(Consent(
    key="terms",
    label_ko="이용약관 동의 (필수)",
    label_en="Terms of use (required)",
    required=True,
    purposes=("join",),
    items=(),
    retention_ko=_UNTIL_WITHDRAWAL_KO,
    retention_en=_UNTIL_WITHDRAWAL_EN,
    refusal_ko="동의를 거부할 권리가 있습니다. 다만 동의하지 않으면 회원가입을 할 수 없습니다.",
    refusal_en="You may refuse, but without this consent you cannot join.",
))
DECLARE.consent(Consent(
    key="privacy",
    label_ko="개인정보 수집·이용 동의 (필수)",
    label_en="Collection and use of personal data (required)",
    required=True,
    purposes=("join", "identify", "member_mgmt"),
    items=("login_id", "password", "name", "email", "mobile"),
    retention_ko=_UNTIL_WITHDRAWAL_KO,
    retention_en=_UNTIL_WITHDRAWAL_EN,
    refusal_ko=("동의를 거부할 권리가 있습니다. 다만 필수 항목 수집에 동의하지 않으면 회원가입을 할 수 없습니다. "
                "선택 항목(생년월일, 자택전화, 주소, 회사명, 회사 전화, SNS 계정)은 입력하지 않아도 가입할 수 있습니다."),
    refusal_en=("You may refuse, but without the required items you cannot join. Optional items (birth date, "
                "home phone, address, company, company phone, SNS account) may be left blank."),
))
DECLARE.consent(Consent(
    key="marketing_email",
    label_ko="마케팅 정보 이메일 수신 동의 (선택)",
    label_en="Marketing by email (optional)",
    required=False,
    purposes=("marketing",),
    items=("email",),
    retention_ko="동의 철회 또는 회원 탈퇴 시까지",
    retention_en="Until you withdraw this consent or leave",
    refusal_ko=("동의하지 않아도 회원가입과 서비스 이용에 제한이 없습니다. 이벤트·혜택 정보를 이메일로 받지 못하며, "
                "동의는 '내 정보'에서 언제든 철회할 수 있습니다."),
    refusal_en=("Refusing does not limit joining or using the shop; you will not receive offers by email. "
                "You can withdraw at any time in My info."),
    channel="email",
))
DECLARE.consent(Consent(
    key="marketing_sms",
    label_ko="마케팅 정보 문자(SMS) 수신 동의 (선택)",
    label_en="Marketing by SMS (optional)",
    required=False,
    purposes=("marketing",),
    items=("mobile",),
    retention_ko="동의 철회 또는 회원 탈퇴 시까지",
    retention_en="Until you withdraw this consent or leave",
    refusal_ko=("동의하지 않아도 회원가입과 서비스 이용에 제한이 없습니다. 이벤트·혜택 정보를 문자로 받지 못하며, "
                "동의는 '내 정보'에서 언제든 철회할 수 있습니다."),
    refusal_en=("Refusing does not limit joining or using the shop; you will not receive offers by SMS. "
                "You can withdraw at any time in My info."),
    channel="sms",
))
