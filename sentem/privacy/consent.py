"""The consent ledger: append-only, one row per grant or withdrawal.

Each row says who (member), what (consent kind), granted or withdrawn, when, from
where (IP and user agent, sealed under the member's data key), the privacy-policy
and terms-of-use versions in force (the terms version accepted, on a ``terms`` grant)
and the screen it came from. The current state of a consent is the
latest row of that kind — rows are never updated; a change is a new row. Every
change is confirmed to the member by email the same day (정보통신망법 제50조 ⑦
allows 14 days; the confirmation goes out when the change commits).

The ledger does not import the member feature: it asks the core's members port
(``privacy.members``, installed by ``accounts``) for a member's data key and address.
"""
from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..notify import outbox
from ..security.fields import personal
from . import members, policy_versions
from .members import MemberContact
from .registry import REGISTRY, Declarations, Item, RecordClass, Retention

DECLARE = Declarations()  # applied by the package's init_app

RECORD_CLASS = "consent_record"


class LedgerError(RuntimeError):
    """The ledger refuses an edit: rows are append-only."""


class ConsentEvent(db.Model):
    """One grant or withdrawal of one consent by one member. Never updated."""

    __tablename__ = "consent_events"
    __table_args__ = (db.Index("ix_consent_events_member_kind", "member_id", "kind", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    # No foreign key: the retention engine destroys record classes in any order.
    member_id = db.Column(db.Integer, nullable=False)
    data_key_id = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(40), nullable=False)
    granted = db.Column(db.Boolean, nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    ip = personal("consent_ip")
    user_agent = personal("consent_user_agent")
    policy_version = db.Column(db.String(40), nullable=True)
    terms_version = db.Column(db.String(40), nullable=True)
    screen = db.Column(db.String(40), nullable=False)


@event.listens_for(Session, "after_soft_rollback")
def _drop_confirmations(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop("sentem_consent_confirmations", None)


@event.listens_for(ConsentEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise LedgerError("consent ledger rows are append-only; record a new event instead")


def record(member_id: int, kind: str, granted: bool, *, ip: str | None, user_agent: str | None,
           screen: str) -> ConsentEvent:
    """Append a grant or withdrawal (flushed, committed by the caller) and queue its confirmation."""
    contact = _contact(member_id)
    row = ConsentEvent(member_id=member_id, data_key_id=contact.data_key_id, kind=kind,
                       granted=bool(granted), at=clock.now(), policy_version=_policy_version(),
                       terms_version=_policy_version(policy_versions.TERMS), screen=(screen or "unknown")[:40])
    row.ip = (ip or "")[:64]
    row.user_agent = (user_agent or "")[:512]
    db.session.add(row)
    db.session.flush()
    _queue_confirmation(member_id, contact, kind, bool(granted))
    return row


def current(member_id: int) -> dict[str, bool]:
    """kind -> granted, from the latest ledger row of each kind."""
    latest = (select(func.max(ConsentEvent.id)).where(ConsentEvent.member_id == member_id)
              .group_by(ConsentEvent.kind))
    rows = db.session.execute(select(ConsentEvent.kind, ConsentEvent.granted)
                              .where(ConsentEvent.id.in_(latest))).all()
    return {kind: granted for kind, granted in rows}


def history(member_id: int) -> list[ConsentEvent]:
    """Every ledger row of a member, oldest first."""
    return list(db.session.execute(select(ConsentEvent).where(ConsentEvent.member_id == member_id)
                                   .order_by(ConsentEvent.at, ConsentEvent.id)).scalars())


def granted_ids(kind: str):
    """A SELECT of the ids of members whose latest ``kind`` row is a grant (any member status)."""
    latest = (select(func.max(ConsentEvent.id)).where(ConsentEvent.kind == kind)
              .group_by(ConsentEvent.member_id))
    return select(ConsentEvent.member_id).where(ConsentEvent.id.in_(latest), ConsentEvent.granted.is_(True))


def member_ids_with(kind: str) -> list[int]:
    """Ids of members whose latest ``kind`` row is a grant (e.g. who may get marketing email)."""
    latest = (select(func.max(ConsentEvent.id)).where(ConsentEvent.kind == kind)
              .group_by(ConsentEvent.member_id))
    ids = db.session.execute(select(ConsentEvent.member_id).where(ConsentEvent.id.in_(latest),
                                                                   ConsentEvent.granted.is_(True))
                             .order_by(ConsentEvent.member_id)).scalars()
    ids = list(ids)
    active = members.active_ids(ids)
    return [i for i in ids if i in active]


def active_members(member_ids: list[int]) -> set[int]:
    """The subset of ``member_ids`` that are active members, through the members port."""
    return members.active_ids(member_ids)


def _contact(member_id: int) -> MemberContact:
    contact = members.contact(member_id)
    if contact is None:
        raise LookupError(f"no member {member_id} to record a consent for")
    return contact


def _policy_version(document: str = policy_versions.PRIVACY) -> str | None:
    """The label of the ``document`` version in force (None only before ``flask init`` published v1)."""
    version = policy_versions.current_version(document=document)
    return version.label[:40] if version is not None else None


def _queue_confirmation(member_id: int, contact: MemberContact, kind: str, granted: bool) -> None:
    """Collect this transaction's changes per member; one message goes out on commit."""
    if not contact.email:
        return
    pending = db.session.info.setdefault("sentem_consent_confirmations", {})
    first = member_id not in pending
    pending.setdefault(member_id, (contact.email, []))[1].append((kind, granted))
    if first:
        day = clock.today().isoformat()
        changes = pending[member_id][1]

        def send(member_id=member_id, email=contact.email, changes=changes, day=day):
            db.session.info.get("sentem_consent_confirmations", {}).pop(member_id, None)
            outbox.send_email(email, "[왓플래닛] 수신·이용 동의 처리 결과 안내",
                              confirmation_body(changes, day), category="consent_confirmation",
                              member_id=member_id)

        outbox.after_commit(db.session(), send, member_id=member_id)


def confirmation_body(changes: list[tuple[str, bool]], day: str) -> str:
    """The confirmation text: which consents changed and when; nothing else about the member."""
    lines = [f"{day} 처리된 동의 내역을 알려 드립니다.", ""]
    for kind, granted in changes:
        lines.append(f"- {_label(kind)}: {'동의' if granted else '동의 철회'}")
    lines += ["", "변경을 원하시면 로그인 후 '내 정보 > 동의 관리'에서 언제든 바꾸실 수 있습니다.",
              "왓플래닛 (센템)"]
    return "\n".join(lines)


# Ledger kinds whose registry key (and form field ``consent_<key>``) differ.
KIND_OF_KEY = {"privacy": "privacy_required"}


def kind_for(key: str) -> str:
    """The ledger kind of registry consent ``key`` (``privacy`` -> ``privacy_required``)."""
    return KIND_OF_KEY.get(key, key)


def key_for(kind: str) -> str:
    """The registry consent key (and form field suffix) of ledger kind ``kind``."""
    for key, value in KIND_OF_KEY.items():
        if value == kind:
            return key
    return kind


def _label(kind: str) -> str:
    consent = REGISTRY.consents.get(key_for(kind))
    return consent.label_ko if consent else kind


# --- registry: the ledger's own items and record class --------------------------------------------

DECLARE.item(Item("consent_ip", "동의 시 접속 IP", "IP address at consent", ("join", "security"),
                   collected_via="automatic", record_class=RECORD_CLASS))
DECLARE.item(Item("consent_user_agent", "동의 시 브라우저 정보", "Browser at consent", ("join", "security"),
                   collected_via="automatic", record_class=RECORD_CLASS))


def export(member_id: int) -> list[dict]:
    """The member's ledger, decrypted and labelled."""
    return [{
        "동의 항목": _label(row.kind),
        "동의 종류": row.kind,
        "동의 여부": "동의" if row.granted else "동의 철회",
        "일시": clock.to_kst(row.at).strftime("%Y-%m-%d %H:%M:%S"),
        "동의 시 접속 IP": row.ip or "",
        "동의 시 브라우저 정보": row.user_agent or "",
        "처리방침 버전": row.policy_version or "",
        "이용약관 버전": row.terms_version or "",
        "화면": row.screen,
    } for row in history(member_id)]


def destroy(member_id: int) -> int:
    """Delete the member's ledger rows (no commit; the retention engine commits)."""
    return db.session.execute(db.delete(ConsentEvent).where(ConsentEvent.member_id == member_id)).rowcount


def expire(cutoff, held: frozenset[str], batch_size: int) -> int:
    """Kept until withdrawal: nothing expires while the member stays."""
    return 0


DECLARE.record_class(RecordClass(
    key=RECORD_CLASS,
    label_ko="동의 기록",
    label_en="Consent records",
    items=("consent_ip", "consent_user_agent"),
    legal_basis_ko="개인정보 보호법 제22조 (동의를 받는 방법), 정보통신망법 제50조 (광고성 정보 수신 동의)",
    legal_basis_en="PIPA Art. 22 (obtaining consent); Network Act Art. 50 (consent to advertising)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export,
    collect_archive=lambda member_id: [],
    destroy=destroy,
    expire=expire,
    models=(ConsentEvent,),
    order=20,
))


def _consent_label(kind: str) -> str:
    """The registry's Korean name of a ledger kind (the kind itself if the registry lost it)."""
    consent = REGISTRY.consents.get(key_for(kind))
    return consent.label_ko if consent else kind


def audit_section(start, end) -> dict:
    """The self-audit's consent section: consent changes in the quarter, by kind."""
    rows = db.session.execute(select(ConsentEvent.kind, ConsentEvent.granted, func.count()).where(
        ConsentEvent.at >= start, ConsentEvent.at < end).group_by(ConsentEvent.kind, ConsentEvent.granted)).all()
    chart = {f"{_consent_label(kind)} {'동의' if granted else '철회'}": n for kind, granted, n in rows}
    return {"title": "동의 현황", "events": sum(n for *_x, n in rows), "chart": chart}


DECLARE.audit_section("consent", audit_section)
