"""Registry entries for member data (policy §6①: encrypted items; collected-items list)."""
from ..privacy.registry import Item, RecordClass, Retention, register_item, register_record_class

_PROFILE = "member_profile"
for _item in (
    Item("login_id", "로그인 ID", "Login ID", ("identify",), required=True, policy_encrypted=True),
    Item("password", "비밀번호", "Password", ("identify",), required=True, encrypted=False, hashed=True),
    Item("name", "이름", "Name", ("join", "identify", "member_mgmt"), required=True, policy_encrypted=True),
    Item("email", "이메일", "Email", ("join", "member_mgmt"), required=True, policy_encrypted=True),
    Item("mobile", "휴대전화 번호", "Mobile number", ("identify", "member_mgmt"), required=True,
         policy_encrypted=True),
    Item("birth_date", "생년월일", "Date of birth", ("identify",)),
    Item("home_phone", "자택전화번호", "Home phone", ("member_mgmt",)),
    Item("postcode", "우편번호", "Postcode", ("delivery",)),
    Item("address1", "자택 주소", "Home address", ("delivery",)),
    Item("address2", "상세 주소", "Address details", ("delivery",)),
    Item("company_name", "회사명", "Company name", ("member_mgmt",), policy_encrypted=True),
    Item("company_phone", "회사 전화번호", "Company phone", ("member_mgmt",), policy_encrypted=True),
    Item("sns_account", "SNS 계정", "SNS account", ("member_mgmt",), policy_encrypted=True),
):
    register_item(_item)

register_record_class(RecordClass(
    key=_PROFILE,
    label_ko="회원 정보",
    label_en="Member profile",
    items=("login_id", "password", "name", "email", "mobile", "birth_date", "home_phone", "postcode",
           "address1", "address2", "company_name", "company_phone", "sns_account"),
    legal_basis_ko="정보주체의 동의 (개인정보 보호법 제15조 제1항 제1호)",
    legal_basis_en="Consent of the data subject (PIPA Art. 15(1)1)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    order=10,
))
