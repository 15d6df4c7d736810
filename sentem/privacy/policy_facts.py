"""The facts the policy text itself states: purposes, officer, entrustment, remedies, cookies.

Source: ``shared/seed/privacy-policy.ko.txt`` (§1 purposes and the later "수집 및 이용목적"
list, §4 entrustment, §7 officer). The remedy bodies are the four every policy following
the PIPC guideline names; the cookies are the ones the shop itself sets.
"""
from .disclosures import Cookie, Remedy
from .registry import Declarations, Entrustee, Officer, Purpose

DECLARE = Declarations()  # applied by the package's init_app

for _p in (
    Purpose("join", "가입 의사 확인", "Confirming the intent to join",
            "고객 가입 의사 확인", "confirming a customer's intent to join"),
    Purpose("identify", "본인 식별·인증", "Identifying and authenticating members",
            "고객에 대한 서비스 제공에 따른 본인 식별·인증, 회원제 서비스 이용에 따른 본인확인, 개인식별",
            "identifying and authenticating customers we serve; identity checks for members-only services"),
    Purpose("member_mgmt", "회원관리(민원 처리, 고지사항 전달)", "Member management (complaints, notices)",
            "불만 처리 등 민원처리, 고지사항 전달", "handling complaints and other requests; delivering notices"),
    Purpose("marketing", "마케팅 및 광고(이벤트 등 광고성 정보 전달)", "Marketing and advertising",
            "마케팅 수신 동의에 따른 이벤트 등 광고성 정보 전달, 신규 서비스(제품) 개발 및 특화, "
            "인구통계학적 특성에 따른 서비스 제공 및 광고 게재",
            "sending event and other advertising information to those who consented to receive marketing; "
            "developing and specialising new services (products); providing services and placing "
            "advertisements according to demographic characteristics"),
    Purpose("payment", "물품 또는 서비스 공급에 따른 금액 결제", "Payment for goods and services",
            "구매 및 요금 결제", "purchases and payment"),
    Purpose("supply", "물품 또는 서비스의 공급", "Supplying goods and services",
            "콘텐츠 제공", "providing content"),
    Purpose("delivery", "배송", "Delivery", "물품 배송 또는 청구지 등 발송",
            "delivering goods or sending to the billing address"),
    Purpose("contract", "서비스 제공에 관한 계약 이행 및 요금 정산", "Contract performance and settlement",
            "서비스 제공에 관한 계약 이행 및 서비스 제공에 따른 요금 정산",
            "performing the service contract and settling its charges"),
    Purpose("statistics", "접속 빈도 파악 및 서비스 이용 통계", "Access frequency and usage statistics",
            "접속 빈도 파악 또는 회원의 서비스 이용에 대한 통계",
            "measuring access frequency; statistics on members' use of the service"),
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

for _r in (
    Remedy("개인정보분쟁조정위원회", "Personal Information Dispute Mediation Committee",
           "개인정보 분쟁 조정", "mediation of personal-data disputes", "1833-6972", "www.kopico.go.kr"),
    Remedy("개인정보침해신고센터", "Personal Information Infringement Report Center (KISA)",
           "개인정보 침해 신고·상담", "reports of and advice on infringements", "118", "privacy.kisa.or.kr"),
    Remedy("대검찰청", "Supreme Prosecutors' Office", "사이버 범죄 수사", "investigation of cyber crime",
           "1301", "www.spo.go.kr"),
    Remedy("경찰청", "Korean National Police Agency", "사이버 범죄 신고·수사", "reports and investigation of cyber crime",
           "182", "ecrm.police.go.kr"),
):
    DECLARE.remedy(_r)

# The cookies the shop sets (the shell's own; a feature that adds one declares it in its init).
DECLARE.cookie(Cookie("session", "로그인 유지와 보안(위조 요청 방지 토큰)",
                      "keeping you logged in; security (forged-request token)"))
DECLARE.cookie(Cookie("lang", "선택한 화면 언어 기억", "remembering the language you chose", max_age_days=365))
