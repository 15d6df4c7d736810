"""The processors the configuration names, as entrustment rows (개인정보 처리 위탁, PIPA Art. 26).

Carriers (``SENTEM_CARRIERS``) receive the recipient's name, phone and address; the
payment gateway (``SENTEM_PAYMENT_GATEWAY``: ``toss`` → 토스페이먼츠(주); ``test`` → none)
receives payment data; an outside mail service (``SENTEM_OUTBOX=smtp``: the provider
named by ``SENTEM_MAIL_PROVIDER``, else the SMTP host) receives email addresses. A
local relay (loopback host) hands nothing to anyone. ``registers.sync_configured``
turns these into register rows, so a configuration change drafts a policy version.
"""
from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from flask import current_app

from ..delivery.carriers import carriers
from ..privacy.registry import REGISTRY, Declarations, Entrustee

DECLARE = Declarations()  # applied by the package's init_app

GATEWAYS = {"toss": "토스페이먼츠(주)"}
_DELIVERY_ITEMS = ("recipient_name", "recipient_phone", "delivery_postcode", "delivery_address1",
                   "delivery_address2", "delivery_memo")
_UNTIL_END_KO = "위탁계약 종료 시까지 (관계 법령에 따라 보존할 기록은 해당 기간까지)"
_UNTIL_END_EN = "Until the entrustment contract ends (records the law requires: for the period it sets)"


def _labels(keys, lang: str) -> str:
    items = [REGISTRY.items[k] for k in keys if k in REGISTRY.items]
    return ", ".join(i.label_en if lang == "en" else i.label_ko for i in items)


def carrier_rows() -> list[Entrustee]:
    """One row per configured carrier."""
    return [Entrustee(name=c.name, tasks_ko="상품 배송", tasks_en="Delivering orders",
                      items_ko=_labels(_DELIVERY_ITEMS, "ko"), items_en=_labels(_DELIVERY_ITEMS, "en"),
                      period_ko="배송 완료 시까지", period_en="Until delivery is complete",
                      source=f"config:carrier:{c.code}") for c in carriers()]


def gateway() -> str:
    """The configured payment gateway (``test`` unless set)."""
    return (current_app.config.get("SENTEM_PAYMENT_GATEWAY") or os.environ.get("SENTEM_PAYMENT_GATEWAY")
            or "test").strip().lower()


def gateway_rows() -> list[Entrustee]:
    """The payment gateway, unless it is the built-in test gateway (which hands data to nobody)."""
    name = GATEWAYS.get(gateway())
    if name is None:
        return []
    return [Entrustee(name=name, tasks_ko="결제 처리", tasks_en="Payment processing",
                      items_ko="결제 수단 정보, 결제 금액, 주문 번호, 상품명",
                      items_en="Payment method details, amount, order number, product name",
                      period_ko=_UNTIL_END_KO, period_en=_UNTIL_END_EN, source="config:payment")]


def mail_sender() -> str | None:
    """Who sends the shop's email, when it is someone else: provider name or SMTP host."""
    cfg = current_app.config
    if (cfg.get("SENTEM_OUTBOX") or "files") != "smtp":
        return None
    provider = (cfg.get("SENTEM_MAIL_PROVIDER") or os.environ.get("SENTEM_MAIL_PROVIDER") or "").strip()
    if provider:
        return provider
    host = urlsplit(cfg.get("SENTEM_SMTP_URL") or "").hostname or ""
    if not host or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return host


def mail_rows() -> list[Entrustee]:
    """The outside mail service, if any."""
    name = mail_sender()
    if name is None:
        return []
    return [Entrustee(name=name, tasks_ko="이메일 발송 (가입 확인, 주문·배송 안내, 동의 처리 결과 안내, 공지)",
                      tasks_en="Sending email (signup confirmation, order and delivery updates, consent "
                               "confirmations, notices)",
                      items_ko=_labels(("email",), "ko"), items_en=_labels(("email",), "en"),
                      period_ko="발송 완료 시까지", period_en="Until the message is sent", source="config:mail")]


for _source in (carrier_rows, gateway_rows, mail_rows):
    DECLARE.entrustee_source(_source)
