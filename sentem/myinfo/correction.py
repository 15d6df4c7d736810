"""Correction (정정) and deletion (삭제) of my own data.

Corrections are checked by membership's own signup rules (``accounts.validation``),
so a value that signup would refuse is refused here too. Changing the login ID,
email or mobile number needs the current password. Each change leaves a
``CorrectionEvent`` (item and time — never the old value) and a rights request
answered at once.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..accounts import services as accounts
from ..accounts import validation, verification
from ..accounts.models import Member
from ..extensions import db
from ..privacy.registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY
from ..security import blind_index
from .access import PROFILE
from .models import CorrectionEvent
from .services import RightsError, answered_now, notify

EDITABLE = ("login_id", "name", "email", "mobile", "birth_date", "home_phone", "postcode", "address1",
            "address2", "company_name", "company_phone", "sns_account")
NEEDS_PASSWORD = ("login_id", "email", "mobile")
INDEXED = {"login_id": "login_id", "email": "email", "mobile": "mobile"}
# A stand-in that passes the signup password rule, so that signup's own checker can be reused whole.
_STAND_IN_PASSWORD = "Stand-in-Passw0rd!"


def current_values(member) -> dict:
    """The member's editable items as they are now ('' for blank)."""
    return {key: getattr(member, key) or "" for key in EDITABLE}


def validate(raw: dict) -> tuple[dict, dict]:
    """Clean every editable field exactly as signup does; returns (values, {field: message})."""
    data = {key: raw.get(key, "") for key in EDITABLE}
    data.update(password=_STAND_IN_PASSWORD, password_confirm=_STAND_IN_PASSWORD)
    clean, errors = validation.signup_data(data)
    errors.pop("password", None)
    errors.pop("password_confirm", None)
    return {k: clean.get(k, "") for k in EDITABLE}, errors


def _taken(member, key: str, value: str) -> bool:
    column = getattr(Member, f"{key}_bidx")
    other = db.session.execute(select(Member.id).where(column == blind_index.compute(key, value),
                                                       Member.id != member.id)).first()
    return other is not None


def correct(member, raw: dict, password: str | None) -> tuple[list[str], dict]:
    """Apply the member's corrections; commits. Returns (changed item keys, {field: message})."""
    before = current_values(member)
    # Fields not sent stay as they are: a partial post never blanks (deletes) an item.
    clean, errors = validate({**before, **{k: v for k, v in raw.items() if k in EDITABLE}})
    if errors:
        return [], errors
    changed = [k for k in EDITABLE if clean[k] != before[k]]
    if not changed:
        return [], {}
    if any(k in NEEDS_PASSWORD for k in changed) and not accounts.check_password(member, password or ""):
        return [], {"current_password": "아이디·이메일·휴대전화 번호를 바꾸려면 현재 비밀번호를 정확히 입력해 주세요."}
    for key, message in (("login_id", "이미 사용 중인 아이디입니다."), ("email", "이미 가입된 이메일입니다.")):
        if key in changed and _taken(member, key, clean[key]):
            errors[key] = message
    if errors:
        return [], errors
    now = clock.now()
    for key in changed:
        setattr(member, key, clean[key] or None)
        if key in INDEXED:
            setattr(member, f"{key}_bidx", blind_index.compute(INDEXED[key], clean[key]))
        db.session.add(CorrectionEvent(member_id=member.id, item_key=key, at=now,
                                       action="delete" if not clean[key] else "correct"))
    if "email" in changed:
        member.email_verified_at = None  # the new address must be proved again
        verification.queue_link(member)
    labels = ", ".join(REGISTRY.items[k].label_ko for k in changed if k in REGISTRY.items)
    answered_now(member, "correction", "done", subject=",".join(changed)[:64],
                 answer=f"정정 완료: {labels}")
    notify(member, "회원 정보 정정 완료", f"요청하신 회원 정보 정정을 처리했습니다. 정정한 항목: {labels}")
    db.session.commit()
    return changed, {}


def deletable_items() -> list:
    """Optional profile items the member may delete at once."""
    return [i for i in REGISTRY.items_of(PROFILE) if not i.required and not i.hashed and i.key in EDITABLE]


def delete_item(member, key: str) -> None:
    """Delete one optional item at once; commits. Required items cannot be deleted while a member."""
    item = REGISTRY.items.get(key)
    if item is None or item not in deletable_items():
        raise RightsError("필수 항목은 삭제할 수 없습니다. 정정하거나 회원 탈퇴를 이용해 주세요.")
    if not getattr(member, key):
        return
    setattr(member, key, None)
    if key == "address1" and member.address2:  # details without an address mean nothing
        member.address2 = None
        db.session.add(CorrectionEvent(member_id=member.id, item_key="address2", action="delete",
                                       at=clock.now()))
    db.session.add(CorrectionEvent(member_id=member.id, item_key=key, action="delete", at=clock.now()))
    answered_now(member, "deletion", "done", subject=key, answer=f"삭제 완료: {item.label_ko}")
    notify(member, "개인정보 삭제 완료", f"요청하신 항목을 삭제했습니다: {item.label_ko}")
    db.session.commit()


def retention_dates(rc, member_id: int) -> list[tuple[str | None, str]]:
    """(order number, last day kept) for the member's records of a law-kept class."""
    if rc.collect_archive is None or rc.retention.years is None and rc.retention.days is None:
        return []
    out = []
    for item in rc.collect_archive(member_id):
        until = rc.retention.until(item.occurred_at)
        if until is not None:
            out.append((item.order_no, clock.to_kst(until).date().isoformat()))
    return sorted(set(out), key=lambda pair: (pair[1], pair[0] or ""))


def ask_delete_record(member, rc_key: str):
    """A deletion request for records the law makes us keep: answered at once, naming the law
    and the date they will be destroyed; commits. Returns the request."""
    rc = REGISTRY.record_classes.get(rc_key)
    if rc is None or rc.key == PROFILE:
        raise RightsError("삭제를 요청할 수 없는 기록입니다.")
    if rc.retention.years is None and rc.retention.days is None:
        when = f"회원 탈퇴 후 {DESTRUCTION_DEADLINE_DAYS}일 이내에 파기합니다."
    else:
        dates = retention_dates(rc, member.id)
        if dates:
            last = dates[-1][1]
            listed = ", ".join(f"{no or '-'}: {day}" for no, day in dates[:10])
            when = (f"보존 기간({rc.retention.describe('ko')})이 끝나는 {last}까지 보관한 뒤 "
                    f"{DESTRUCTION_DEADLINE_DAYS}일 이내에 파기합니다. (기록별 보존 만료일 — {listed})")
        else:
            when = (f"기록 발생일로부터 {rc.retention.describe('ko')} 동안 보관한 뒤 "
                    f"{DESTRUCTION_DEADLINE_DAYS}일 이내에 파기합니다.")
    answer = f"'{rc.label_ko}'은(는) 법령에 따라 보관해야 하므로 지금 삭제할 수 없습니다. {when}"
    req = answered_now(member, "deletion", "refused", subject=rc.key, legal_basis=rc.legal_basis_ko,
                       answer=answer)
    notify(member, "삭제 요청에 대한 답변", f"{answer}\n법적 근거: {rc.legal_basis_ko}")
    db.session.commit()
    return req
