"""Builders for statistics tests: members who agreed (or not), their logins, and a run."""
from __future__ import annotations

from sentem.extensions import db
from tests.builders import make_member
from tests.support.builders import grant, verify_email


def subscriber(birth_date: str | None = "1990-05-01", address1: str | None = "서울특별시 강남구 테헤란로 1",
               consent: bool = True, **kw):
    """A verified member with the given birth date and address who agreed to marketing email."""
    member = make_member(birth_date=birth_date, address1=address1, **kw)
    verify_email(member)
    if consent:
        grant(member, "marketing_email")
    return member


def visit(member, times: int = 1) -> None:
    """Record ``times`` logins of ``member`` now (login history, committed)."""
    from sentem.accounts import history

    for _ in range(times):
        history.record("login", member, ip="127.0.0.1", user_agent="pytest")
    db.session.commit()


def run():
    """Run the statistics job now; returns its ledger row."""
    from sentem.statistics import build

    row = build.run()
    assert row is not None and row.status == "done"
    return row


def cells(dimension: str) -> dict[str, int]:
    """The raw (unsuppressed) member counts of one dimension, as the job stored them."""
    from sentem.statistics.models import StatCell

    return {c.value: c.members for c in StatCell.query.filter_by(dimension=dimension)}


def figures(member_ids) -> dict:
    """Every figure the statistics hold, members named by id (pseudonyms change every run)."""
    from sentem.statistics import pseudonyms
    from sentem.statistics.models import StatCell, StatProfile, StatSalesDaily, StatVisitsDaily

    db.session.expire_all()
    profiles = {}
    for member_id in member_ids:
        p = db.session.get(StatProfile, pseudonyms.of_member(member_id))
        profiles[member_id] = p and (p.age_band, p.region, p.signup_month, p.orders_count, str(p.last_visit_on),
                                frozenset(c for c in p.categories.split(",") if c))
    return {"profiles": profiles,
            "sales": {(str(s.day), s.category_id): (s.orders, s.quantity, s.amount) for s in StatSalesDaily.query},
            "visits": {str(v.day): (v.visits, v.members) for v in StatVisitsDaily.query},
            "cells": {(c.dimension, c.value): c.members for c in StatCell.query}}


def full_run():
    """A run that recomputes everything from the records (as if no run had finished before)."""
    from sqlalchemy import update

    from sentem.statistics.models import StatRun

    db.session.execute(update(StatRun).where(StatRun.status == "done").values(status="failed"))
    db.session.commit()
    row = run()
    assert row.full
    return row
