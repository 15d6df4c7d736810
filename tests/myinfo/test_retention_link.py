"""After withdrawal the retention engine archives rights requests and destroys corrections,
using the functions my info registered (no knowledge of its tables on the engine's side)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.myinfo.models import CorrectionEvent, ProxyDocument, RightsRequest
from sentem.privacy.registry import REGISTRY
from sentem.privacy.retention.expiry import expire_batch
from tests.myinfo.builders import PASSWORD, PDF, full_member, make_rights_request


def test_sweep_moves_requests_to_archive_and_destroys_corrections(app):
    from sentem.myinfo import correction, requests, withdrawal
    from sentem.privacy.retention.models import ArchivedRecord
    from sentem.privacy.retention.sweep import sweep

    m = full_member("ret")
    req = make_rights_request(m, proxy_name="김대리", proxy_relation="parent", document=PDF)
    requests.answer_request(req, staff_id=1, outcome="done", answer="처리했습니다.")  # an open one holds a withdrawal
    correction.delete_item(m, "sns_account")
    withdrawal.withdraw(m, PASSWORD, "yes")
    member_id = m.id
    sweep()
    db.session.expire_all()
    for model in (RightsRequest, ProxyDocument, CorrectionEvent):
        assert not db.session.execute(select(model).filter_by(member_id=member_id)).first(), model
    archived = db.session.execute(select(ArchivedRecord).filter_by(record_class="rights_request")).scalars().all()
    assert len(archived) == 3  # the staff request, the deletion, the withdrawal


def test_expire_destroys_requests_three_years_after_their_answer(app):
    from sentem.myinfo import services

    m = full_member("exp")
    services.set_suspension(m, "suspend_statistics", True)
    rc = REGISTRY.record_class("rights_request")
    assert expire_batch(rc, clock.now(), 100) == 0
    later = clock.add_years(clock.now(), 3)
    assert expire_batch(rc, later, 100) == 0  # exactly three years: still kept
    assert expire_batch(rc, later + dt.timedelta(days=1), 100) == 1
    db.session.commit()
    assert not db.session.execute(select(RightsRequest).filter_by(member_id=m.id)).first()
