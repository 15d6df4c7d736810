"""The internal management plan (내부관리계획): versioned contents, acknowledgements."""
from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..privacy import access_log
from ..staff import bp, guard
from ..staff import services as staff_services
from ..staff.models import PlanAcknowledgement, PlanVersion
from .plan_content import SECTION_KEYS, default_sections


def current_version() -> PlanVersion | None:
    return db.session.execute(select(PlanVersion).order_by(PlanVersion.version.desc()).limit(1)).scalar_one_or_none()


def unacknowledged_banner(staff) -> str | None:
    """The staff-page banner asking ``staff`` to read a plan version they have not acknowledged."""
    if staff is None:
        return None
    version = current_version()
    if version is None:
        return None
    seen = db.session.query(PlanAcknowledgement).filter_by(staff_id=staff.id, version_id=version.id).first()
    return None if seen else (f"내부관리계획 {version.version}판을 아직 확인하지 않았습니다. "
                              "'내부관리계획' 메뉴에서 읽고 확인해 주세요.")


def ensure_first_version() -> None:
    """``flask init`` step: the plan's first version, built from the permission table."""
    if current_version() is None:
        db.session.add(PlanVersion(version=1, sections_json=json.dumps(default_sections(), ensure_ascii=False),
                                   effective_on=clock.today(), created_at=clock.now()))
        db.session.flush()


def publish(sections: list[dict], *, staff_id: int) -> PlanVersion:
    """A new version (committed); everyone must acknowledge it again."""
    latest = current_version()
    row = PlanVersion(version=(latest.version if latest else 0) + 1, created_by_id=staff_id,
                      sections_json=json.dumps(sections, ensure_ascii=False), effective_on=clock.today(),
                      created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    access_log.record("plan.publish", staff_id=staff_id, detail=f"내부관리계획 {row.version}판")
    db.session.commit()
    return row


def acknowledge(staff, version: PlanVersion) -> None:
    """Record that ``staff`` read ``version`` (idempotent, committed)."""
    exists = db.session.execute(select(PlanAcknowledgement).filter_by(staff_id=staff.id, version_id=version.id)
                                ).scalar_one_or_none()
    if exists is None:
        db.session.add(PlanAcknowledgement(staff_id=staff.id, version_id=version.id, at=clock.now()))
        access_log.record("plan.ack", staff_id=staff.id, detail=f"내부관리계획 {version.version}판 확인")
        db.session.commit()


def last_acks() -> dict[int, tuple]:
    """staff id → (last acknowledgement time, version number)."""
    rows = db.session.execute(select(PlanAcknowledgement.staff_id, func.max(PlanAcknowledgement.at))
                              .group_by(PlanAcknowledgement.staff_id)).all()
    out = {}
    for staff_id, at in rows:
        version = db.session.execute(select(PlanVersion.version).join(
            PlanAcknowledgement, PlanAcknowledgement.version_id == PlanVersion.id).where(
            PlanAcknowledgement.staff_id == staff_id).order_by(PlanVersion.version.desc()).limit(1)).scalar()
        out[staff_id] = (at, version)
    return out


def _ensure_current() -> PlanVersion:
    version = current_version()
    if version is None:
        ensure_first_version()
        db.session.commit()
        version = current_version()
    return version


@bp.route("/plan")
@guard.require("plan.view")
def plan():
    version = _ensure_current()
    return _render(version)


def _render(version: PlanVersion, status: int = 200):
    me = guard.current_staff()
    acks = last_acks()
    mine = db.session.execute(select(PlanAcknowledgement).filter_by(staff_id=me.id, version_id=version.id)
                              ).scalar_one_or_none()
    versions = db.session.execute(select(PlanVersion).order_by(PlanVersion.version.desc())).scalars().all()
    return render_template("admin/plan/show.html", version=version, sections=json.loads(version.sections_json),
                           acks=acks, mine=mine, staff_list=staff_services.all_staff(), versions=versions,
                           latest=versions[0] if versions else version), status


@bp.route("/plan/versions/<int:number>")
@guard.require("plan.view")
def plan_version(number: int):
    version = db.session.execute(select(PlanVersion).filter_by(version=number)).scalar_one_or_none()
    if version is None:
        abort(404)
    return _render(version)


@bp.route("/plan/ack", methods=["POST"])
@guard.require("plan.view")
def plan_ack():
    version = _ensure_current()
    acknowledge(guard.current_staff(), version)
    flash(f"내부관리계획 {version.version}판을 확인했습니다.", "success")
    return redirect(url_for("admin.plan"))


@bp.route("/plan/edit", methods=["GET", "POST"])
@guard.require("plan.edit")
def plan_edit():
    version = _ensure_current()
    current = {s["key"]: s for s in json.loads(version.sections_json)}
    errors: dict[str, str] = {}
    if request.method == "POST":
        sections = []
        for key, title in SECTION_KEYS:
            body = (request.form.get(key) or "").strip()
            if not body:
                errors[key] = "내용을 입력해 주세요."
            sections.append({"key": key, "title": title, "body": body})
        if not errors:
            row = publish(sections, staff_id=guard.current_staff().id)
            flash(f"내부관리계획 {row.version}판을 게시했습니다. 모든 직원이 다시 확인해야 합니다.", "success")
            return redirect(url_for("admin.plan"))
        current = {s["key"]: s for s in sections}
    return render_template("admin/plan/edit.html", version=version, keys=SECTION_KEYS, current=current,
                           errors=errors), (400 if errors else 200)
