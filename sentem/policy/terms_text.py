"""The terms of use (이용약관), article by article, in Korean and English.

Written for this shop after the structure of the 전자상거래 표준약관 (KFTC standard terms
for e-commerce). Every number that the shop configures or the registry keeps is a
``{placeholder}`` filled by ``sentem.policy.terms.snapshot``; the periods fixed by the
statute itself (전자상거래법 제17조③: 3 months / 30 days) are written out.
"""
from __future__ import annotations

# (title_ko, title_en, [paragraphs_ko], [paragraphs_en]); article numbers follow the order.
ARTICLES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    ("목적", "Purpose", [
        "이 약관은 {business}(이하 \"회사\")가 운영하는 인터넷 쇼핑몰 {shop}(sentem.co.kr, 이하 \"몰\")에서 "
        "제공하는 전자상거래 관련 서비스를 이용할 때 회사와 이용자의 권리·의무 및 책임사항을 정함을 목적으로 합니다.",
    ], [
        "These terms set out the rights, duties and responsibilities of {business} (\"the company\") and its users "
        "when they use the e-commerce services of the online shop {shop} (sentem.co.kr, \"the shop\").",
    ]),
    ("정의", "Definitions", [
        "① \"몰\"이란 회사가 재화를 이용자에게 제공하기 위하여 정보통신설비를 이용하여 재화를 거래할 수 있도록 "
        "설정한 가상의 영업장을 말합니다.",
        "② \"이용자\"란 몰에 접속하여 이 약관에 따라 몰이 제공하는 서비스를 받는 회원 및 비회원을 말합니다.",
        "③ \"회원\"이란 몰에 회원등록을 한 자로서 몰이 제공하는 서비스를 계속하여 이용할 수 있는 자를 말하며, "
        "\"비회원\"이란 회원에 가입하지 않고 몰이 제공하는 서비스를 이용하는 자를 말합니다.",
    ], [
        "① \"The shop\" is the virtual place of business the company set up on information and communication "
        "equipment to sell goods to users.",
        "② A \"user\" is a member or non-member who visits the shop and receives its services under these terms.",
        "③ A \"member\" has registered with the shop and may use its services continuously; a \"non-member\" uses "
        "the shop's services without registering.",
    ]),
    ("약관의 명시와 개정", "Display and amendment of these terms", [
        "① 회사는 이 약관의 내용과 상호, 대표자, 주소, 전화번호, 전자우편주소, 사업자등록번호, 통신판매업 신고번호, "
        "개인정보 보호책임자를 이용자가 쉽게 알 수 있도록 몰의 화면에 게시합니다.",
        "② 회사는 관련 법령을 위배하지 않는 범위에서 이 약관을 개정할 수 있으며, 개정할 때에는 적용일자와 개정 사유를 "
        "밝혀 현행 약관과 함께 적용일자 {notice_days}일 전부터 공지사항으로 알립니다. 다만 이용자에게 불리하게 "
        "변경하는 경우에는 적용일자 {disadvantage_days}일 전부터 알립니다.",
        "③ 개정 약관은 적용일자 이후에 체결되는 계약에만 적용되며, 그 전에 체결된 계약에는 개정 전의 약관이 적용됩니다. "
        "이전 약관은 약관 버전 목록에서 볼 수 있습니다.",
    ], [
        "① The company shows these terms and its trade name, representative, address, telephone number, email "
        "address, business registration number, mail-order business report number and privacy officer on the "
        "shop's pages where users can easily find them.",
        "② The company may amend these terms within the law. It announces an amendment, with its effective date "
        "and reasons, on the notice board together with the current terms from {notice_days} days before the "
        "effective date; an amendment that disadvantages users is announced {disadvantage_days} days before.",
        "③ Amended terms apply only to contracts made on or after their effective date; earlier contracts keep "
        "the terms in force when they were made. Earlier versions are listed on the terms versions page.",
    ]),
    ("서비스의 제공", "Services", [
        "① 회사는 재화에 대한 정보 제공과 구매계약의 체결, 구매계약이 체결된 재화의 배송, 그 밖에 회사가 정하는 "
        "업무를 수행합니다.",
        "② 재화의 품절이나 기술적 사양의 변경 등으로 제공할 재화의 내용을 바꾸는 경우에는 그 사유를 즉시 공지합니다.",
    ], [
        "① The company provides information on goods, makes purchase contracts, delivers the goods purchased and "
        "performs other services it sets.",
        "② When goods sell out or their specification changes, the company announces the change and its reason "
        "at once.",
    ]),
    ("회원가입과 탈퇴", "Joining and leaving", [
        "① 이용자는 가입 양식에 회원정보를 기입하고 이 약관과 개인정보 수집·이용에 동의한다는 의사표시를 함으로써 "
        "회원가입을 신청하며, 회사는 등록 내용에 허위, 기재누락, 오기가 없는 한 회원으로 등록합니다.",
        "② 회원은 언제든지 회원 탈퇴 화면에서 탈퇴를 요청할 수 있으며, 회사는 즉시 처리합니다. 다만 결제, 배송 또는 "
        "환불이 끝나지 않은 주문이 있으면 정산될 때까지 탈퇴가 미뤄집니다.",
        "③ 탈퇴한 회원의 개인정보는 개인정보 처리방침에 따라 {destruction_days}일 이내에 파기하며, 법령에 따라 보존해야 "
        "하는 거래 기록은 분리하여 보관합니다.",
        "④ 회원이 다른 사람의 이용을 방해하거나 정보를 도용하는 등 전자상거래 질서를 위협하면 회사는 회원자격을 "
        "제한하거나 정지할 수 있습니다.",
    ], [
        "① A user applies to join by filling in the signup form and agreeing to these terms and to the collection "
        "and use of personal data; the company registers the user unless the entries are false, incomplete or "
        "mistaken.",
        "② A member may leave at any time on the withdrawal page and the company acts on it at once; while an "
        "order still awaits payment, delivery or refund, leaving waits until it is settled.",
        "③ A former member's personal data is destroyed within {destruction_days} days under the privacy policy; "
        "transaction records the law requires are kept apart.",
        "④ The company may restrict or suspend a member who obstructs others' use of the shop, misuses others' "
        "information or otherwise threatens the order of e-commerce.",
    ]),
    ("구매신청", "Ordering", [
        "이용자는 재화를 선택하고, 받는 분의 이름, 주소, 전화번호를 입력하고, 이 약관과 청약철회가 제한되는 경우, "
        "배송료 등의 비용 부담을 확인한 뒤 결제 방법을 선택하여 구매를 신청합니다. 비회원도 주문 비밀번호를 정하여 "
        "구매를 신청할 수 있습니다.",
    ], [
        "A user orders by choosing goods, entering the recipient's name, address and telephone number, "
        "confirming these terms, the cases in which withdrawal is limited and costs such as the delivery fee, and "
        "choosing a payment method. Non-members may order with an order password.",
    ]),
    ("계약의 성립", "Formation of the contract", [
        "① 회사는 신청 내용에 허위, 기재누락, 오기가 있거나 재고가 없는 경우 구매신청을 승낙하지 않을 수 있습니다.",
        "② 회사의 승낙이 주문 완료 화면과 결제 완료 안내로 이용자에게 도달한 때에 계약이 성립합니다.",
    ], [
        "① The company may decline an order whose entries are false, incomplete or mistaken, or when the goods "
        "are out of stock.",
        "② The contract is formed when the company's acceptance reaches the user as the order-complete page and "
        "the payment confirmation.",
    ]),
    ("지급방법", "Payment", [
        "재화의 대금은 결제 화면에서 안내하는 방법(신용카드 등)으로 지급합니다. 회사는 결제에 필요한 정보 외에는 "
        "요구하지 않으며, 결제 처리를 위탁한 경우 그 수탁자는 개인정보 처리방침에 밝힙니다.",
    ], [
        "Goods are paid for by the methods shown on the payment page (credit card and others). The company asks "
        "for nothing beyond what payment needs; a payment processor it entrusts is named in the privacy policy.",
    ]),
    ("배송", "Delivery", [
        "① 회사는 결제가 확인된 주문의 재화를 택배사를 통하여 배송합니다.",
        "② 배송료는 주문당 {shipping_fee}원이며, 주문 금액이 {free_over}원 이상이면 무료입니다.",
        "③ 배송 상태와 송장번호는 주문 내역에서 확인할 수 있습니다.",
    ], [
        "① The company ships paid orders through parcel carriers.",
        "② Delivery costs KRW {shipping_fee} per order and is free for orders of KRW {free_over} or more.",
        "③ Delivery status and tracking numbers are shown in your orders.",
    ]),
    ("환급", "Refunds", [
        "회사는 구매신청한 재화를 품절 등의 사유로 공급할 수 없을 때에는 지체 없이 그 사유를 알리고, 대금을 이미 받은 "
        "경우에는 대금을 받은 날부터 {refund_days}영업일 이내에 환급하거나 환급에 필요한 조치를 합니다.",
    ], [
        "When ordered goods cannot be supplied (sold out or otherwise), the company tells the user at once and, "
        "if it was already paid, refunds the payment or takes the steps a refund needs within {refund_days} "
        "business days of receiving it.",
    ]),
    ("청약철회", "Withdrawal (cooling-off)", [
        "① 이용자는 재화를 배송받은 날부터 {return_days}일 이내에 청약을 철회할 수 있으며, 주문 내역에서 반품을 "
        "신청합니다.",
        "② 이용자의 책임 있는 사유로 재화가 멸실·훼손된 경우(내용 확인을 위한 포장 훼손은 제외), 사용 또는 일부 "
        "소비로 재화의 가치가 현저히 감소한 경우, 시간이 지나 재판매가 곤란할 정도로 가치가 감소한 경우에는 청약을 "
        "철회할 수 없습니다.",
        "③ 재화의 내용이 표시·광고와 다르거나 계약과 다르게 이행된 경우에는 재화를 공급받은 날부터 3개월 이내, "
        "그 사실을 안 날 또는 알 수 있었던 날부터 30일 이내에 청약을 철회할 수 있습니다.",
        "④ 회사는 반환된 재화를 돌려받은 날부터 {refund_days}영업일 이내에 대금을 환급합니다. 단순 변심에 의한 반환 "
        "비용은 이용자가, 표시·광고나 계약과 다른 경우의 반환 비용은 회사가 부담합니다.",
    ], [
        "① A user may withdraw from a purchase within {return_days} days of receiving the goods, by requesting a "
        "return in their orders.",
        "② Withdrawal is not possible when the goods were lost or damaged through the user's fault (opening the "
        "packaging to check the contents excepted), when use or partial consumption markedly reduced their value, "
        "or when time reduced their value so that they can no longer be resold.",
        "③ When the goods differ from their description or advertising, or the contract was performed otherwise, "
        "the user may withdraw within 3 months of receiving them and within 30 days of learning, or being able "
        "to learn, of it.",
        "④ The company refunds within {refund_days} business days of receiving the returned goods. The user bears "
        "the cost of returning goods for a change of mind; the company bears it when the goods differ from their "
        "description or the contract.",
    ]),
    ("개인정보보호", "Personal data", [
        "회사는 이용자의 개인정보를 개인정보 보호법 등 관련 법령과 개인정보 처리방침에 따라 처리하며, 구매계약의 "
        "이행에 필요한 최소한의 정보만 수집합니다. 수집 항목, 보유 기간, 위탁, 정보주체의 권리는 개인정보 처리방침에서 "
        "정합니다.",
    ], [
        "The company processes users' personal data under the Personal Information Protection Act and other laws "
        "and under its privacy policy, and collects only what performing the purchase contract needs. The items, "
        "retention periods, entrustment and data subjects' rights are set out in the privacy policy.",
    ]),
    ("분쟁해결", "Dispute resolution", [
        "① 회사는 이용자의 의견이나 불만을 반영하고 피해를 보상처리하기 위하여 상담 게시판과 고객센터({phone})를 "
        "운영합니다.",
        "② 회사와 이용자 사이의 전자상거래 분쟁에 관하여 이용자가 피해구제를 신청한 경우에는 공정거래위원회 또는 "
        "시·도지사가 의뢰하는 분쟁조정기관의 조정에 따를 수 있습니다.",
    ], [
        "① The company runs the support board and a customer centre ({phone}) to hear users' opinions and "
        "complaints and to compensate damage.",
        "② When a user applies for relief in an e-commerce dispute with the company, the dispute may be settled "
        "by the mediation body the Fair Trade Commission or a provincial governor refers it to.",
    ]),
    ("재판권 및 준거법", "Jurisdiction and governing law", [
        "① 회사와 이용자 사이의 전자상거래 분쟁에 관한 소송은 제소 당시 이용자의 주소에 의하고, 주소가 없으면 거소를 "
        "관할하는 지방법원의 전속관할로 합니다. 주소나 거소가 분명하지 않거나 외국 거주자인 경우에는 민사소송법상의 "
        "관할법원에 제기합니다.",
        "② 회사와 이용자 사이의 전자상거래 소송에는 대한민국 법을 적용합니다.",
    ], [
        "① A lawsuit over an e-commerce dispute between the company and a user falls under the exclusive "
        "jurisdiction of the district court of the user's address when the suit is filed (or, without one, of "
        "their residence); when neither is clear, or the user lives abroad, it is filed with the court the Civil "
        "Procedure Act designates.",
        "② The laws of the Republic of Korea govern e-commerce lawsuits between the company and users.",
    ]),
)
