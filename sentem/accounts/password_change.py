"""Password change on the member's own page (``/me/password``), and the notice every change sends.

The current password proves it is the member (wrong guesses count towards the login lock, as
at the login form); the new one follows the password rules and must differ from the current
one. The hash is written, the change recorded in the login history, the member's other sessions end
(``sessions.end_member_sessions``, keeping the one that made the change), and a notice without any secret goes to the
member's email and mobile once the change commits.
"""
from __future__ import annotations

from .. import clock
from ..extensions import db
from ..notify import outbox
from ..security import passwords
from . import history, sessions, validation
from .models import Member
from .profile import ProfileError, check_password

WRONG = "현재 비밀번호가 올바르지 않습니다."
LOCKED = "비밀번호를 여러 번 잘못 입력하여 잠시 변경할 수 없습니다. %(t)s 이후 다시 시도해 주세요."
SAME = "현재 비밀번호와 다른 비밀번호를 입력해 주세요."


def notify_changed(member: Member) -> None:
    """Queue "비밀번호가 변경되었습니다" to the member's email and mobile (sent after commit)."""
    when = clock.to_kst(clock.now()).strftime("%Y-%m-%d %H:%M")
    email, mobile, member_id = member.email, member.mobile, member.id
    body = (f"[왓플래닛] 비밀번호가 변경되었습니다 ({when}).\n"
            "본인이 변경하지 않았다면 로그인 화면의 '비밀번호 찾기'로 비밀번호를 다시 정하고 고객센터에 알려 주세요.")
    outbox.after_commit(db.session(), lambda: outbox.send_email(
        email, "[왓플래닛] 비밀번호가 변경되었습니다", body, category="password_changed", member_id=member_id),
        member_id=member_id)
    outbox.after_commit(db.session(), lambda: outbox.send_sms(
        mobile, f"[왓플래닛] 비밀번호가 변경되었습니다 ({when}).", category="password_changed",
        member_id=member_id), member_id=member_id)


def change_password(member: Member, current: str, new: str, confirm: str, *, ip: str | None = None,
                    user_agent: str | None = None) -> None:
    """Change the member's password; commits. Raises ProfileError with messages for
    ``current_password``, ``new_password`` or ``new_password_confirm`` (nothing changed)."""
    if member.locked_until is not None and member.locked_until > clock.now():
        until = clock.to_kst(member.locked_until).strftime("%H:%M")
        raise ProfileError({"current_password": validation.Message(LOCKED, t=until)})
    chosen, problems = validation.password_data({"password": new, "password_confirm": confirm}, member.login_id)
    errors = {"new_" + k: v for k, v in problems.items()}
    if not current:
        errors["current_password"] = "현재 비밀번호를 입력해 주세요."
    elif not check_password(member, current):  # counted towards the login lock (profile.check_password)
        raise ProfileError({"current_password": WRONG, **errors})
    if errors:
        raise ProfileError(errors)
    if new == current:
        raise ProfileError({"new_password": SAME})
    member.password_hash = passwords.hash_password(chosen["password"])
    member.failed_logins = 0
    history.record("password_change", member, ip=ip, user_agent=user_agent)
    notify_changed(member)
    db.session.commit()
    # Whoever else is signed in (perhaps whoever knew the old password) is out; the session that
    # made the change stays. Without a request (a script) every session ends.
    sessions.end_member_sessions(member.id, keep_current=True)
