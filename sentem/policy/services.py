"""Publishing a policy version: snapshot, notice on the board, and the 7-day rule (policy §8)."""
from __future__ import annotations

import datetime as _dt

from .. import clock
from ..extensions import db
from ..privacy import policy_versions
from ..privacy.policy_versions import PUBLISHED, PolicyVersion
from ..privacy.registry import POLICY_NOTICE_DAYS
from ..support import notices


class PublishError(ValueError):
    """The version cannot be published as asked; the message states the rule."""


def earliest_effective_date(notice_day: _dt.date | None = None) -> _dt.date:
    """The first day a version noticed on ``notice_day`` (default today, KST) may take effect."""
    return (notice_day or clock.today()) + _dt.timedelta(days=POLICY_NOTICE_DAYS)


def check_effective_date(effective: _dt.date | None) -> None:
    """Raise PublishError unless ``effective`` is at least POLICY_NOTICE_DAYS after today's notice."""
    if effective is None:
        raise PublishError("시행일을 입력해 주세요.")
    earliest = earliest_effective_date()
    if effective < earliest:
        raise PublishError(
            f"시행일은 공지일({clock.today().isoformat()})로부터 {POLICY_NOTICE_DAYS}일 이후여야 합니다 "
            f"(처리방침 변경은 시행 {POLICY_NOTICE_DAYS}일 전부터 공지). "
            f"가장 빠른 시행일: {earliest.isoformat()}")


def publish(effective: _dt.date | None, summary: str | None = None, *, staff_id: int | None = None) -> PolicyVersion:
    """Publish the registry's current content as a new version and post its notice now. Commits.

    Uses the open draft (prepared by a register change) when there is one.
    """
    check_effective_date(effective)
    now = clock.now()
    content = policy_versions.snapshot()  # before adding a row, so autoflush sees no half-made version
    version = policy_versions.open_draft()
    if version is None:
        version = PolicyVersion(label=policy_versions.next_label(), created_at=now, content=content)
        db.session.add(version)
    summary = (summary or "").strip() or version.summary or "개인정보 처리방침 개정"
    version.summary = summary
    version.content = content
    version.status = PUBLISHED
    version.notice_posted_at = now
    version.published_at = now
    version.effective_date = effective
    version.notice_title = f"개인정보 처리방침 변경 안내 ({version.label}, {effective.isoformat()} 시행)"
    version.notice_body = notice_body(version)
    db.session.flush()
    notices.post(version.notice_title, version.notice_body, kind="policy", staff_id=staff_id,
                 policy_version_id=version.id)
    db.session.commit()
    return version


def notice_body(version: PolicyVersion) -> str:
    """The notice text: what changes, when it takes effect, where to read the old and new text."""
    return (f"개인정보 처리방침이 {version.effective_date.isoformat()}부터 다음과 같이 변경됩니다.\n\n"
            f"{version.summary}\n\n"
            f"변경 전후의 내용은 /privacy/versions/{version.id} 에서 확인하실 수 있습니다. "
            f"시행일 전까지는 현재 처리방침이 적용됩니다.\n"
            "문의: 상담 게시판 또는 개인정보 보호책임자")


def live_differs_from_current() -> bool:
    """Whether the registry now says something the version in force does not (a new version is due)."""
    current = policy_versions.current_version()
    return current is None or current.content != policy_versions.snapshot()
