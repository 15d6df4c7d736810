"""The live-member destruction proofs' scenario (SQLite and PostgreSQL): a member who never
withdraws logs in and asks a question that staff answer. Backups taken before the answer
and after it, restored past each record's retain-until + 6 days and opened with every
secret the shop then holds, show nothing of the record — while the member's profile, who
stays, still opens. (The withdrawn-member proofs are ``proofkit``/``test_proof_*``.)
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.security import aead, expiring
from tests.retention import attacker, proofkit

LIVER = {"login_id": "proofstays99", "name": "남아있는회원", "email": "proof-stays-99@example.com",
         "mobile": "010-7777-9753"}
IP, AGENT = "203.0.113.199", "ProofAgent/99 (만료증명 브라우저)"
QUESTION = ("만료증명 문의 제목", "만료증명 문의 본문: 교환 가능한가요")
ANSWER = "만료증명 답변: 교환 가능합니다"
INQUIRY_NEEDLES = [*QUESTION, ANSWER]
LOGIN_NEEDLES = [IP, AGENT]


def populate() -> dict:
    """The member, a login and an unanswered inquiry (committed)."""
    from sentem.accounts import history
    from tests.builders import make_member
    from tests.support.builders import make_inquiry

    member = make_member(**LIVER)
    login = history.record("login", member, ip=IP, user_agent=AGENT)
    inquiry = make_inquiry(member, title=QUESTION[0], body=QUESTION[1])
    db.session.commit()
    return {"member_id": member.id, "key_id": member.data_key_id, "inquiry_id": inquiry.id,
            "login_day_key": login.day_key_id, "open_day_key": inquiry.day_key_id}


def answer(facts: dict) -> None:
    """Staff answer the inquiry: its 3 years start, and it moves to that end's day key."""
    from sentem.support import inquiries
    from sentem.support.models import Inquiry

    inquiry = db.session.get(Inquiry, facts["inquiry_id"])
    inquiries.answer(inquiry, ANSWER, staff_id=None)
    assert inquiry.day_key_id != facts["open_day_key"]
    assert aead.key_id(inquiry.body_ct) == f"x{inquiry.day_key_id}.k{facts['key_id']}"
    facts["inquiry_day_key"] = inquiry.day_key_id
    facts["inquiry_until"] = inquiries_end(inquiry)


def inquiries_end(inquiry) -> _dt.date:
    from sentem.support.models import RETENTION

    return clock.to_kst(RETENTION.until(clock.as_utc(inquiry.answered_at))).date()


def login_end(facts: dict) -> _dt.date:
    from sentem.security.keystore import DataKey

    label = db.session.execute(select(DataKey.label).where(DataKey.id == facts["login_day_key"])).scalar_one()
    kind, day = expiring.parse_label(label)
    assert kind == expiring.UNTIL
    return day


def readable() -> list[str]:
    """Every value of the main database that opens with the app's keys now."""
    return proofkit.readable_plaintexts((None,))


def member_reads(plaintexts) -> bool:
    """The staying member's profile still opens (the keys the proof kills are only the days')."""
    return LIVER["name"] in plaintexts and LIVER["email"] in plaintexts


def assert_only_day_keys_dead(tokens, day_keys, member_key, roots, masters) -> None:
    """No day key comes back from the harvested ``tokens`` with the shop's secrets of today,
    while the staying member's own key still does (only the days' keys were killed)."""
    for key_id in day_keys:
        assert attacker.recover(tokens, key_id, roots, masters) is None
    assert attacker.recover(tokens, member_key, roots, masters)


def read_copy(open_copy, needles) -> list[str]:
    """One restored copy, opened with its own key store and then with today's
    (``open_copy(keys_today)`` gives the context): none of ``needles`` reads either way, the
    member's profile reads with today's keys. Returns what it read with today's keys."""
    still = []
    for keys_today in (False, True):
        with open_copy(keys_today):
            plaintexts = readable()
            assert proofkit.hits(plaintexts, needles) == []
            if keys_today:
                assert member_reads(plaintexts)
                still.extend(plaintexts)
    return still
