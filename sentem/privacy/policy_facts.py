"""The facts the policy text itself states: purposes, officer, entrustment.

Source: ``shared/seed/privacy-policy.ko.txt`` (§1 purposes, §4 entrustment, §7 officer).
"""
from .registry import Declarations, Entrustee, Officer, Purpose

DECLARE = Declarations()  # applied by the package's init_app

for _p in (
    Purpose("join", "가입 의사 확인", "Confirming the intent to join"),
    Purpose("identify", "본인 식별·인증", "Identifying and authenticating members"),
    Purpose("member_mgmt", "회원관리(민원 처리, 고지사항 전달)", "Member management (complaints, notices)"),
    Purpose("marketing", "마케팅 및 광고(이벤트 등 광고성 정보 전달)", "Marketing and advertising"),
    Purpose("payment", "물품 또는 서비스 공급에 따른 금액 결제", "Payment for goods and services"),
    Purpose("supply", "물품 또는 서비스의 공급", "Supplying goods and services"),
    Purpose("delivery", "배송", "Delivery"),
    Purpose("contract", "서비스 제공에 관한 계약 이행 및 요금 정산", "Contract performance and settlement"),
    Purpose("statistics", "접속 빈도 파악 및 서비스 이용 통계", "Access frequency and usage statistics"),
    Purpose("security", "부정 이용 방지 및 접속기록 보관", "Preventing misuse; keeping access records"),
):
    DECLARE.purpose(_p)

DECLARE.officer(Officer(
    name="정다진",
    title="대표이사",
    phone="1544-2755",
    department="경영지원팀",
    department_contact="정다진",
    department_phone="1544-7058",
))

DECLARE.entrustee(Entrustee(
    name="sentem",
    tasks_ko="아이디, 이름, 비밀번호, 연락처(이메일, 휴대전화 번호)",
    tasks_en="Login ID, name, password, contact details (email, mobile number)",
    period_ko="회원 탈퇴 시까지",
    period_en="Until withdrawal",
))
