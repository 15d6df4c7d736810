"""Publishing a version of the privacy policy or the terms: snapshot, notice on the board, notice rule.

Policy §8: a change takes effect no sooner than POLICY_NOTICE_DAYS after its notice.
The terms follow the same rule, and a change marked as disadvantaging members waits
TERMS_DISADVANTAGE_NOTICE_DAYS (전자상거래 표준약관 제3조).
"""
from __future__ import annotations

import datetime as _dt

from .. import clock
from ..extensions import db
from ..privacy import policy_versions, registers
from ..privacy.deadlines import TERMS_DISADVANTAGE_NOTICE_DAYS
from ..privacy.policy_versions import PRIVACY, PUBLISHED, TERMS, TITLES, PolicyVersion
from ..privacy.registry import POLICY_NOTICE_DAYS
from ..support import notices
from . import terms

PAGES = {PRIVACY: "/privacy", TERMS: "/terms"}


class PublishError(ValueError):
    """The version cannot be published as asked; the message states the rule."""


def live_content(document: str = PRIVACY) -> dict:
    """What ``document`` says now: the registry and registers, or the terms with today's numbers."""
    return terms.snapshot() if document == TERMS else policy_versions.snapshot()


def notice_days(document: str = PRIVACY, disadvantageous: bool = False) -> int:
    """Days of notice a change needs: 30 for terms that disadvantage members, else 7."""
    return TERMS_DISADVANTAGE_NOTICE_DAYS if document == TERMS and disadvantageous else POLICY_NOTICE_DAYS


def earliest_effective_date(notice_day: _dt.date | None = None, document: str = PRIVACY,
                            disadvantageous: bool = False) -> _dt.date:
    """The first day a version noticed on ``notice_day`` (default today, KST) may take effect."""
    return (notice_day or clock.today()) + _dt.timedelta(days=notice_days(document, disadvantageous))


def check_effective_date(effective: _dt.date | None, document: str = PRIVACY, disadvantageous: bool = False) -> None:
    """Raise PublishError unless ``effective`` leaves the notice period the change needs."""
    if effective is None:
        raise PublishError("시행일을 입력해 주세요.")
    days = notice_days(document, disadvantageous)
    earliest = earliest_effective_date(document=document, disadvantageous=disadvantageous)
    if effective < earliest:
        what = "회원에게 불리한 약관 변경" if days != POLICY_NOTICE_DAYS else f"{TITLES[document]} 변경"
        raise PublishError(f"시행일은 공지일({clock.today().isoformat()})로부터 {days}일 이후여야 합니다 "
                           f"({what}은 시행 {days}일 전부터 공지). 가장 빠른 시행일: {earliest.isoformat()}")


def publish(effective: _dt.date | None, summary: str | None = None, *, staff_id: int | None = None,
            document: str = PRIVACY, disadvantageous: bool = False) -> PolicyVersion:
    """Publish ``document``'s current content as a new version and post its notice now. Commits.

    Uses the open draft (prepared by a register or configuration change) when there is one.
    """
    check_effective_date(effective, document, disadvantageous)
    now = clock.now()
    content = live_content(document)  # before adding a row, so autoflush sees no half-made version
    version = policy_versions.open_draft(document)
    if version is None:
        version = PolicyVersion(document=document, label=policy_versions.next_label(document), created_at=now,
                                content=content)
        db.session.add(version)
    title = TITLES[document]
    version.summary = (summary or "").strip() or version.summary or f"{title} 개정"
    version.content = content
    version.status = PUBLISHED
    version.disadvantageous = bool(disadvantageous)
    version.notice_posted_at = now
    version.published_at = now
    version.effective_date = effective
    version.notice_title = f"{title} 변경 안내 ({version.label}, {effective.isoformat()} 시행)"
    version.notice_body = notice_body(version)
    db.session.flush()
    notices.post(version.notice_title, version.notice_body, kind="policy" if document == PRIVACY else "terms",
                 staff_id=staff_id, policy_version_id=version.id)
    db.session.commit()
    return version


def notice_body(version: PolicyVersion) -> str:
    """The notice text: what changes, when it takes effect, where to read the old and new text."""
    title = TITLES[version.document]
    worse = "\n이번 변경에는 회원에게 불리한 내용이 포함되어 있습니다." if version.disadvantageous else ""
    return (f"{title}이 {version.effective_date.isoformat()}부터 다음과 같이 변경됩니다.\n\n"
            f"{version.summary}{worse}\n\n"
            f"변경 전후의 내용은 {PAGES[version.document]}/versions/{version.id} 에서 확인하실 수 있습니다. "
            f"시행일 전까지는 현재 {title}이 적용됩니다.\n"
            "문의: 상담 게시판 또는 개인정보 보호책임자")


def live_differs_from_current(document: str = PRIVACY) -> bool:
    """Whether the live content says something the version in force does not."""
    current = policy_versions.current_version(document=document)
    return current is None or current.content != live_content(document)


def revision_needed(document: str = PRIVACY) -> bool:
    """Whether a new version is due: a draft waits, the configuration names processors the
    register does not hold yet (before ``flask policy sync``), or the live content differs
    from every published version (a version already announced for later counts as done)."""
    if policy_versions.open_draft(document) is not None:
        return True
    if document == PRIVACY and registers.configured_differs():
        return True
    latest = policy_versions.latest_published(document)
    return latest is None or latest.content != live_content(document)


SYNC_LINES = {PRIVACY: "- 처리방침에 적힌 내용(레지스트리) 변경",
              TERMS: "- 약관에 적힌 설정값(배송료, 청약철회 기간 등) 변경"}


def sync() -> list[str]:
    """Draft new versions for what configuration changed (``flask init``, ``flask policy sync``). Commits.

    The entrustment register follows the configured processors (a change drafts a policy
    version); a document whose live content differs from its newest published version
    (changed numbers in the terms, a changed registry) gets its draft brought up to date.
    Pages keep showing the versions in force until a draft is published. Returns the change lines.
    """
    changes = registers.sync_configured()
    for document in (PRIVACY, TERMS):
        latest = policy_versions.latest_published(document)
        live = live_content(document)
        if latest is None or latest.content == live:
            continue
        draft = policy_versions.open_draft(document)
        if draft is None:
            policy_versions.prepare_draft(SYNC_LINES[document], document, live)
            changes.append(SYNC_LINES[document])
        elif draft.content != live:
            draft.content = live
    db.session.commit()
    return changes


def ensure_first_terms() -> PolicyVersion | None:
    """Init step: publish terms v1, effective at install. Idempotent."""
    return policy_versions.publish_first(TERMS, terms.snapshot())
