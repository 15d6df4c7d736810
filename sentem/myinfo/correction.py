"""Correction (정정) and deletion (삭제) of my own data.

Corrections go through membership's ``update_profile``, the same door signup uses,
so a value that signup would refuse is refused here too, and changing the login ID,
email or mobile number needs the current password. Each change leaves a
``CorrectionEvent`` (item and time — never the old value) and a rights request
answered at once.
"""
from __future__ import annotations

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..privacy.registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY
from .access import PROFILE
from .models import CorrectionEvent
from .services import RightsError, answered_now, notify

EDITABLE = accounts.PROFILE_FIELDS


def current_values(member) -> dict:
    """The member's editable items as they are now ('' for blank)."""
    return accounts.current_values(member)


def correct(member, raw: dict, password: str | None) -> tuple[list[str], dict]:
    """Apply the member's corrections; commits. Returns (changed item keys, {field: message})."""
    now = clock.now()

    def record(key: str, action: str) -> None:
        db.session.add(CorrectionEvent(member_id=member.id, item_key=key, at=now, action=action))

    try:
        # Fields not sent stay as they are: a partial post never blanks (deletes) an item.
        changed = accounts.update_profile(member, {k: v for k, v in raw.items() if k in EDITABLE},
                                          actor="member", password=password, record=record)
    except accounts.ProfileError as exc:  # refused before anything was written
        return [], exc.errors
    if not changed:
        return [], {}
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
