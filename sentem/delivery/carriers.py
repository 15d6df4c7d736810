"""Korean parcel carriers: names, tracking-number formats and tracking-page URLs.

The list is configurable (``SENTEM_CARRIERS``: a list of dicts with ``code``,
``name``, optional ``pattern`` — a regular expression the digits must match —
and optional ``url`` with ``{no}``). Tracking URLs are only ever put in a link the
member's own browser opens; the server never fetches them.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    pattern: str | None = None  # full-match regex on the digits-only number
    url: str | None = None  # with "{no}"
    hint: str = ""  # the format, said in Korean, for error messages

    def tracking_url(self, tracking_no: str) -> str | None:
        if not self.url:
            return None
        return self.url.replace("{no}", quote(tracking_no, safe=""))


DEFAULT_CARRIERS = (
    Carrier("cj", "CJ대한통운", r"\d{10,12}",
            "https://trace.cjlogistics.com/next/tracking.html?wblNo={no}", "숫자 10~12자리"),
    Carrier("hanjin", "한진택배", r"\d{10,12}",
            "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={no}",
            "숫자 10~12자리"),
    Carrier("lotte", "롯데택배", r"\d{12}",
            "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={no}", "숫자 12자리"),
    Carrier("epost", "우체국택배", r"\d{13}",
            "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={no}", "숫자 13자리"),
    Carrier("logen", "로젠택배", r"\d{11}",
            "https://www.ilogen.com/web/personal/trace/{no}", "숫자 11자리"),
)

# Carriers put hyphens and spaces in printed numbers; the number itself is the digits.
_SEPARATORS = re.compile(r"[\s-]")
_GENERIC = re.compile(r"[A-Za-z0-9]{6,30}")


class TrackingError(ValueError):
    """Unknown carrier or a tracking number that does not fit the carrier's format."""


def carriers() -> tuple[Carrier, ...]:
    """The configured carriers (``SENTEM_CARRIERS`` setting, or that environment variable as a
    JSON list), else the default five."""
    configured = current_app.config.get("SENTEM_CARRIERS")
    if not configured and os.environ.get("SENTEM_CARRIERS"):
        configured = json.loads(os.environ["SENTEM_CARRIERS"])
    if not configured:
        return DEFAULT_CARRIERS
    return tuple(c if isinstance(c, Carrier) else Carrier(**c) for c in configured)


def get(code: str | None) -> Carrier | None:
    """The carrier with ``code``, or None."""
    for carrier in carriers():
        if carrier.code == code:
            return carrier
    return None


def name_of(code: str | None) -> str:
    """Display name of a carrier code (the code itself if no longer configured)."""
    carrier = get(code)
    return carrier.name if carrier else (code or "")


def normalise_tracking(carrier_code: str | None, tracking_no: str | None) -> tuple[Carrier, str]:
    """Check carrier and number; returns the carrier and the number without separators.

    Raises TrackingError with a Korean message saying what is wrong.
    """
    carrier = get((carrier_code or "").strip())
    if carrier is None:
        raise TrackingError("알 수 없는 택배사입니다. 목록에서 택배사를 선택해 주세요.")
    number = _SEPARATORS.sub("", tracking_no or "")
    if not number:
        raise TrackingError("송장번호를 입력해 주세요.")
    if carrier.pattern:
        if not re.fullmatch(carrier.pattern, number):
            raise TrackingError(f"{carrier.name} 송장번호는 {carrier.hint or '정해진 형식'}여야 합니다.")
    elif not _GENERIC.fullmatch(number):
        raise TrackingError("송장번호는 영문자와 숫자 6~30자여야 합니다.")
    return carrier, number
