"""Every factual statement of the seed policy, and where ``/privacy`` states it.

Source: ``shared/seed/privacy-policy.ko.txt``. Each row names the seed's words, the
section of the rendered page (its ``id``) and the phrases the Korean and the English
page show there. A row whose phrases are a tuple must find them together in one table
row or list item (a period next to its record, a phone number next to its body).
``tests/policy/test_completeness.py`` renders both languages and fails on any row the
page leaves out; where the shop does more than the seed, the page says so in addition.
"""
from __future__ import annotations

from dataclasses import dataclass

Phrase = str | tuple[str, ...]


@dataclass(frozen=True)
class SeedFact:
    seed: str  # the seed's own words (as written there)
    section: str  # id of the page section that states it
    ko: Phrase
    en: Phrase
    count: int = 1  # times the seed says it (the officer and department notes)


_E_COMMERCE_KO = "전자상거래 등에서의 소비자보호에 관한 법률"
_E_COMMERCE_EN = "Consumer Protection in Electronic Commerce"

SEED_FACTS: tuple[SeedFact, ...] = (
    # §1 purposes, and the later "수집 및 이용목적" list
    SeedFact("다음의 목적 이외의 용도로는 이용하지 않습니다", "purposes",
             "다음의 목적 이외의 용도로는 이용하지 않습니다", "uses it for no other purpose"),
    SeedFact("고객 가입 의사 확인", "purposes", "고객 가입 의사 확인", "confirming a customer's intent to join"),
    SeedFact("고객에 대한 서비스 제공에 따른 본인 식별. 인증", "purposes",
             "고객에 대한 서비스 제공에 따른 본인 식별·인증", "identifying and authenticating customers we serve"),
    SeedFact("마케팅 수신 동의", "purposes", "마케팅 수신 동의", "consented to receive marketing"),
    SeedFact("물품 또는 서비스 공급에 따른 금액 결제", "purposes", "물품 또는 서비스 공급에 따른 금액 결제",
             "Payment for goods and services"),
    SeedFact("물품 또는 서비스의 공급. 배송", "purposes", "물품 또는 서비스의 공급", "Supplying goods and services"),
    SeedFact("배송", "purposes", "배송", "Delivery"),
    SeedFact("서비스 제공에 관한 계약 이행 및 서비스 제공에 따른 요금 정산", "purposes",
             "서비스 제공에 관한 계약 이행 및 서비스 제공에 따른 요금 정산",
             "performing the service contract and settling its charges"),
    SeedFact("콘텐츠 제공", "purposes", "콘텐츠 제공", "providing content"),
    SeedFact("구매 및 요금 결제", "purposes", "구매 및 요금 결제", "purchases and payment"),
    SeedFact("물품 배송 또는 청구지 등 발송", "purposes", "물품 배송 또는 청구지 등 발송",
             "delivering goods or sending to the billing address"),
    SeedFact("회원제 서비스 이용에 따른 본인확인, 개인식별", "purposes", "회원제 서비스 이용에 따른 본인확인, 개인식별",
             "identity checks for members-only services"),
    SeedFact("불만 처리 등 민원처리, 고지사항 전달", "purposes", "불만 처리 등 민원처리, 고지사항 전달",
             "handling complaints and other requests; delivering notices"),
    SeedFact("신규 서비스(제품) 개발 및 특화", "purposes", "신규 서비스(제품) 개발 및 특화",
             "developing and specialising new services (products)"),
    SeedFact("이벤트 등 광고성 정보 전달", "purposes", "이벤트 등 광고성 정보 전달",
             "sending event and other advertising information"),
    SeedFact("인구통계학적 특성에 따른 서비스 제공 및 광고 게재", "purposes",
             "인구통계학적 특성에 따른 서비스 제공 및 광고 게재",
             "providing services and placing advertisements according to demographic characteristics"),
    SeedFact("접속 빈도 파악 또는 회원의 서비스 이용에 대한 통계", "purposes",
             "접속 빈도 파악 또는 회원의 서비스 이용에 대한 통계",
             "measuring access frequency; statistics on members' use of the service"),
    # §2 retention, and the later "보유 및 이용 기간"
    SeedFact("동의 받은 개인 정보 보유 이용 기간 또는 법령에 따른 개인 정보 보유 이용 기간 내에서", "retention",
             "동의받은 보유·이용 기간 또는 법령에 따른 보유·이용 기간 내에서",
             "within the period you consented to or the period the law requires"),
    SeedFact("회원가입해 지시까지, 다만 채권채무관계 잔존 시에는 해당 채권채무관계 정산 시까지", "retention",
             "회원 탈퇴 시까지 보유하되, 채권·채무 관계가 남아 있으면 정산될 때까지",
             "kept until withdrawal, but while a debt or credit relation remains, until it is settled"),
    SeedFact("계약 청약철회 … 기록 : 5년", "retention", ("청약철회·취소·환불 기록", "5년", _E_COMMERCE_KO),
             ("Cancellation, withdrawal and refund records", "5 years", _E_COMMERCE_EN)),
    SeedFact("대금 결제 … 기록 : 5년", "retention", ("대금 결제 기록", "5년", _E_COMMERCE_KO),
             ("Payment records", "5 years", _E_COMMERCE_EN)),
    SeedFact("재화 등 공급 기록 : 5년", "retention", ("배송(재화 등의 공급) 기록", "5년", "전자상거래"),
             ("Delivery (supply of goods) records", "5 years", "E-Commerce")),
    SeedFact("보존 항목 : 서비스 이용 기록 … 보존 기간 : 5년", "retention", ("서비스 이용 기록", "5년"),
             ("service-usage record", "5 years")),
    SeedFact("원칙적으로, 개인 정보 수집 및 이용목적이 달성된 후에는 해당 정보를 지체 없이 파기합니다", "retention",
             "원칙적으로 개인정보 수집 및 이용 목적이 달성된 후에는 해당 정보를 지체 없이 파기합니다",
             "As a rule, personal data is destroyed without delay once the purposes of its collection and use are "
             "achieved"),
    SeedFact("관계법령에서 정한 일정한 기간 동안 회원정보를 보관합니다", "retention",
             "관계 법령에서 정한 일정한 기간 동안 보관합니다", "kept for the period that law sets"),
    # §3 third parties
    SeedFact("정보주체의 별도 동의, 법률의 특별한 규정 등 개인정보보호법 제17조에 해당하는 경우 외에는 … 제공하지 않습니다",
             "provision", "정보주체의 별도 동의, 법률의 특별한 규정 등 개인정보 보호법 제17조에 해당하는 경우 외에는 "
             "개인정보를 제3자에게 제공하지 않습니다",
             "except with your separate consent or under a special provision of law (PIPA Art. 17)"),
    # §4 entrustment
    SeedFact("수탁자 sentem · 아이디, 이름, 비밀번호, 연락처(이메일, 휴대전화 번호) · 회원 탈퇴 시까지", "entrustment",
             ("sentem", "아이디, 이름, 비밀번호, 연락처(이메일, 휴대전화 번호)", "회원 탈퇴 시까지"),
             ("sentem", "Login ID, name, password, contact details (email, mobile number)", "Until withdrawal")),
    SeedFact("원활한 개인 정보 업무처리를 위하여 … 위탁하고 있습니다", "entrustment",
             "원활한 개인정보 업무처리를 위하여 다음과 같이 개인정보 처리업무를 위탁하고 있습니다",
             "To handle personal data smoothly, we entrust the following processing tasks"),
    SeedFact("위탁업무 수행 목적 외 개인 정보처리 금지, 기술적․관리적 보호 조치, 재위탁 제한, 수탁자에 대한 관리․감독, "
             "손해배상 등 책임에 관한 사항을 계약서 등 문서에 명시", "entrustment",
             "위탁업무 수행 목적 외 개인정보 처리 금지, 기술적·관리적 보호조치, 재위탁 제한, 수탁자에 대한 관리·감독, "
             "손해배상 등 책임에 관한 사항을 계약서 등 문서에 명시",
             "ban on processing beyond the entrusted tasks, technical and organisational safeguards, limits on "
             "sub-entrustment, supervision of the entrustee and liability for damages"),
    SeedFact("수탁자가 개인 정보를 안전하게 처리하는지를 감독하고 있습니다", "entrustment",
             "수탁자가 개인정보를 안전하게 처리하는지를 감독", "we supervise that entrustees process personal data safely"),
    SeedFact("위탁업무의 내용이나 수탁자가 변경될 경우에는 지체 없이 … 공개", "entrustment",
             "위탁업무의 내용이나 수탁자가 변경되면 지체 없이 이 처리방침을 통하여 공개",
             "Any change of tasks or entrustees is published through this policy without delay"),
    # §4④ / §5 rights
    SeedFact("언제든지 … 권리를 행사할 수 있습니다", "rights", "언제든지 다음의 권리를 행사할 수 있습니다",
             "You may exercise the following rights at any time"),
    SeedFact("1. 개인 정보 열람 요구", "rights", "개인정보 열람 요구", "Access to your personal data"),
    SeedFact("2. 오류 등이 있을 경우 정정요구", "rights", "오류 등이 있을 경우 정정 요구", "Correction of errors"),
    SeedFact("3. 삭제 요구", "rights", "삭제 요구", "Deletion"),
    SeedFact("4. 처리정지 요구", "rights", "처리정지 요구", "Suspension of processing"),
    # §6 items, and the later "수집하는 개인 정보 항목" and "수집 방법"
    SeedFact("<암호화> 필수 항목 : 이메일, 휴대전화 번호, 로그인 ID, 이름", "items",
             ("필수 항목", "이메일", "휴대전화 번호", "로그인 ID", "이름"),
             ("Required items", "Email", "Mobile number", "Login ID", "Name")),
    SeedFact("<암호화> 선택항목 : 회사 전화번호, 회사명, SNS 계정", "items",
             ("선택 항목", "회사 전화번호", "회사명", "SNS 계정"),
             ("Optional items", "Company phone", "Company name", "SNS account")),
    SeedFact("수집하는 개인 정보 항목: 생년월일", "items", "생년월일", "Date of birth"),
    SeedFact("수집하는 개인 정보 항목: 비밀번호", "items", "비밀번호", "Password"),
    SeedFact("수집하는 개인 정보 항목: 자택전화번호", "items", "자택전화번호", "Home phone"),
    SeedFact("수집하는 개인 정보 항목: 자택 주소", "items", "자택 주소", "Home address"),
    SeedFact("수집하는 개인 정보 항목: 접속 IP 정보", "items", "접속 IP 정보", "IP address"),
    SeedFact("수집하는 개인 정보 항목: 결제 기록", "items", "결제 기록", "Payment records"),
    SeedFact("수집하는 개인 정보 항목: 서비스 이용 기록, 접속 로그, 쿠키", "cookies",
             "접속 IP 정보, 접속 로그, 서비스 이용 기록, 쿠키", "IP address, access logs, service-usage records and cookies"),
    SeedFact("개인 정보 수집 방법 : 홈페이지(회원가입, 상담 게시판) , 배송 요청", "items",
             "홈페이지(회원가입, 상담 게시판), 배송 요청", "the website (signup, support board), delivery requests"),
    # §5 destruction
    SeedFact("목적이 달성된 경우에는 지체 없이 해당 개인 정보를 파기합니다", "destruction",
             "개인정보 처리 목적이 달성되면 지체 없이 파기합니다",
             "Personal data is destroyed without delay once its purpose is achieved"),
    SeedFact("목적 달성 후 별도의 DB에 옮겨져(종이의 경우 별도의 서류)", "destruction",
             "목적 달성 후 별도의 DB(분리보관 DB)에 옮겨져(종이의 경우 별도의 서류)",
             "moves to a separate database (on paper: separate files)"),
    SeedFact("내부 방침 및 기타 관련 법령에 따라 일정 기간 저장된 후 혹은 즉시 파기됩니다", "destruction",
             "내부 방침 및 기타 관련 법령에 따라 일정 기간 저장된 후 혹은 즉시 파기됩니다",
             "destroyed after a period set by our internal policy and the relevant laws, or at once"),
    SeedFact("DB로 옮겨진 개인 정보는 법률에 의한 경우가 아니고서는 다른 목적으로 이용되지 않습니다", "destruction",
             "별도 DB로 옮겨진 개인정보는 법률에 의한 경우가 아니고서는 다른 목적으로 이용되지 않습니다",
             "Data moved to the separate database is used for no other purpose unless a law requires it"),
    SeedFact("보유기간이 경과된 경우에는 보유기간의 종료일로부터 5일 이내에", "destruction",
             "보유 기간의 종료일로부터 5일 이내에", "within 5 days after it ends"),
    SeedFact("개인 정보의 처리 목적 달성, 해당 서비스의 폐지, 사업의 종료 등 그 개인 정보가 불필요하게 되었을 때",
             "destruction", "개인정보의 처리 목적 달성, 해당 서비스의 폐지, 사업의 종료 등 그 개인정보가 불필요하게 되었을 때",
             "its purpose is achieved, the service is discontinued, the business closes or the like"),
    SeedFact("처리가 불필요한 것으로 인정되는 날로부터 5일 이내에 그 개인 정보를 파기합니다", "destruction",
             "불필요한 것으로 인정되는 날로부터 5일 이내에 그 개인정보를 파기합니다",
             "within 5 days of the day its processing is found unnecessary"),
    # §6 safety measures
    SeedFact("개인정보보호법 제29조에 따라 … 기술적/관리적 및 물리적 조치", "safety",
             "개인정보 보호법 제29조에 따라 다음과 같이 안전성 확보에 필요한 기술적·관리적 및 물리적 조치",
             "Under PIPA Art. 29 we take the following technical, organisational and physical measures"),
    SeedFact("①정기적인 자체 감사 실시 … 정기적(분기 1회)으로 자체 감사를 실시", "safety",
             "정기적(분기 1회)으로 자체 감사를 실시", "we audit ourselves regularly (once every quarter)"),
    SeedFact("②개인 정보 취급 직원의 최소화 및 교육 … 담당자에 한정시켜 최소화", "safety",
             "개인정보를 취급하는 직원을 지정하고 담당자에 한정시켜 최소화하여",
             "staff who handle personal data are designated and limited to those in charge, kept to a minimum"),
    SeedFact("③내부관리 계획의 수립 및 시행", "safety", "내부관리계획을 수립하고 시행", "established and follow an internal "
             "management plan"),
    # §7 officer and department
    SeedFact("개인 정보보호 책임자 성명 : 정다진 직급 : 대표이사", "officer", ("정다진", "대표이사"),
             ("정다진", "CEO")),
    SeedFact("개인 정보보호 책임자 연락처 : 1544-2755", "officer", "1544-2755", "1544-2755"),
    SeedFact("부서명 : 경영지원팀 담당자 : 정다진", "officer", ("경영지원팀", "담당자 정다진"),
             ("Management Support Team", "contact 정다진")),
    SeedFact("담당 부서 연락처 : 1544-7058", "officer", "1544-7058", "1544-7058"),
    SeedFact("※고객센터로 문의해 주시면 담당 부서 직원으로 연결됩니다.", "officer",
             "※고객센터로 문의해 주시면 담당 부서 직원으로 연결됩니다.",
             "Call the customer centre and you will be put through to the department's staff.", count=2),
    SeedFact("서비스(또는 사업)을 이용하시면서 발생한 모든 개인 정보보호 관련 문의, 불만 처리, 피해 구제 등에 관한 사항을 "
             "… 문의하실 수 있습니다", "officer",
             "서비스(또는 사업)를 이용하시면서 발생한 모든 개인정보 보호 관련 문의, 불만 처리, 피해 구제 등에 관한 사항",
             "For any privacy question, complaint or remedy arising while you use our service (or business)"),
    SeedFact("정보주체의 문의에 대해 지체 없이 답변 및 처리해 드릴 것입니다", "officer",
             "정보주체의 문의에 대해 지체 없이 답변 및 처리", "we answer and act on your enquiry without delay"),
    # §8 changes
    SeedFact("이 개인 정보처리 방침은 시행 일로부터 적용되며", "changes", "이 처리방침은 시행일부터 적용되며",
             "This policy applies from its effective date"),
    SeedFact("법령 및 방침에 따른 변경 내용의 추가, 삭제 및 정정이 있는 경우에는 변경사항의 시행 7일 전부터 공지사항을 "
             "통하여 고지", "changes",
             "법령 및 방침에 따른 변경 내용의 추가, 삭제 및 정정이 있는 경우에는 변경 사항의 시행 7일 전부터 공지사항을 "
             "통하여 고지",
             "any addition, deletion or correction under the law or our policy is announced on the notices board "
             "from 7 days before it takes effect"),
)

# Issue 18, part 2: the remedy bodies (not in the seed; every PIPC-guideline policy names them).
REMEDY_FACTS: tuple[SeedFact, ...] = (
    SeedFact("개인정보분쟁조정위원회 1833-6972", "remedies", ("개인정보분쟁조정위원회", "1833-6972", "www.kopico.go.kr"),
             ("Personal Information Dispute Mediation Committee", "1833-6972", "www.kopico.go.kr")),
    SeedFact("개인정보침해신고센터 118", "remedies", ("개인정보침해신고센터", "118", "privacy.kisa.or.kr"),
             ("Personal Information Infringement Report Center", "118", "privacy.kisa.or.kr")),
    SeedFact("대검찰청 1301", "remedies", ("대검찰청", "1301", "www.spo.go.kr"),
             ("Supreme Prosecutors' Office", "1301", "www.spo.go.kr")),
    SeedFact("경찰청 182", "remedies", ("경찰청", "182", "ecrm.police.go.kr"),
             ("Korean National Police Agency", "182", "ecrm.police.go.kr")),
)
