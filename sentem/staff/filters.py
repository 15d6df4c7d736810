"""Template helpers of the staff area: the current instant, pager links, and who did
something (an actor such as ``staff:4`` shown as that staff member's name). Times: ``sentem.formats``."""
from __future__ import annotations

from flask import g

from .. import clock
from ..privacy import labels
from . import bp, people
from .services import all_staff

# Who acts without being a person at a screen: the automatic jobs and the command line.
# (Staff screens are Korean: these labels have no English catalog entries.)
DECLARE_LABELS = labels.Declarations()  # applied by the package's init_app
DECLARE_LABELS.domain("system_actor", {"payment-recovery": "결제 확인 작업", "refund-retry": "환불 재시도 작업",
                                       "toss-webhook": "결제사 알림"})
DECLARE_LABELS.domain("role_change", {"grant": "부여", "change": "변경", "revoke": "말소"})
DECLARE_LABELS.domain("actor_kind", {"cli": "관리 명령(CLI)", "signup": "회원가입 화면", "member": "회원", "system": "자동 처리"})


def reject_key(mapping: dict, *keys: str) -> dict:
    """A copy of ``mapping`` without ``keys`` (for pager links that keep the filters)."""
    return {k: v for k, v in mapping.items() if k not in keys}


def _staff_names() -> dict[int, str]:
    if "staff_actor_names" not in g:
        g.staff_actor_names = {s.id: s.display_name for s in all_staff()}
    return g.staff_actor_names


def actor(value) -> str:
    """``staff:4`` → the staff member's name, ``member:1`` → 김*수 (회원 1번), ``system:…`` → the job's
    Korean name; what is not an actor code is shown as it is."""
    kind, _, ref = str(value or "").partition(":")
    if kind == "staff" and ref.isdigit():
        return _staff_names().get(int(ref)) or f"직원 #{ref}(삭제됨)"
    if kind == "member" and ref.isdigit():
        return people.member_text(int(ref))
    if kind == "system":
        return f"자동 처리({labels.korean('system_actor', ref)})" if ref else labels.korean("actor_kind", "system")
    if kind in labels.codes("actor_kind") and not ref:
        return labels.korean("actor_kind", kind)
    return str(value or "")


@bp.record_once
def _install(state):
    env = state.app.jinja_env
    env.globals.setdefault("now_utc", clock.now)
    env.filters.setdefault("reject_key", reject_key)
    env.filters.setdefault("actor", actor)
    env.globals.setdefault("member_ref", people.member_ref)
    env.globals.setdefault("guest_ref", people.guest_text)
