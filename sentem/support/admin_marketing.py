"""Staff area: advertising campaigns (permission marketing.send).

The screen shows who the campaign would reach and why others are left out; sending
runs as a job (in-process in the embedded mode) and records each member's outcome.
Segment filters (``statistics.segments``) narrow the audience; "대상 확인" shows the
segment's size under the k = 5 floor before anything is sent.
"""
from __future__ import annotations

from collections import Counter

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..privacy import labels
from ..extensions import db
from ..jobs import enqueue
from ..privacy import access_log
from ..shop import catalog
from ..staff import bp, guard
from ..statistics import segments, subjects
from ..support import marketing as services



class CampaignForm(FlaskForm):
    channel = SelectField("발송 수단", choices=[SelectChoice("email", "이메일"), SelectChoice("sms", "문자")], validate_choice=False)
    subject = StringField("제목 (이메일)")
    body = TextAreaField("내용")
    age_band = SelectField("연령대", validate_choice=False)
    region = SelectField("지역(시/도)", validate_choice=False)
    category_id = SelectField("구매 분류", validate_choice=False)
    visited_days = SelectField("최근 방문", validate_choice=False)


def _segment_choices(form: CampaignForm) -> set[int]:
    """Fill the segment selects; returns the category ids offered."""
    cats = catalog.categories()
    form.age_band.choices = [SelectChoice("", "전체")] + [SelectChoice(b, b) for b in subjects.AGE_BANDS]
    form.region.choices = [SelectChoice("", "전체")] + [SelectChoice(r, r) for r in subjects.REGION_NAMES]
    form.category_id.choices = [SelectChoice("", "전체")] + [SelectChoice(str(c.id), c.title) for c in cats]
    form.visited_days.choices = [SelectChoice("", "전체")] + [SelectChoice(str(d), f"{d}일 이내")
                                                            for d in segments.VISIT_WINDOWS]
    return {c.id for c in cats}


def _segment_size(channel: str, segment) -> str:
    """The segment's audience on ``channel`` (members the campaign may reach), floored at 5."""
    reachable = [mid for mid, reason in services.audience(channel) if reason is None]
    return segments.audience_size(segment, reachable).text


def _summary() -> dict:
    out = {}
    for channel in services.CHANNELS:
        reasons = Counter(reason for _, reason in services.audience(channel))
        out[channel] = {"reach": reasons.pop(None, 0), "skipped": {labels.korean("marketing_skip", k): v for k, v in reasons.items()}}
    return out


@bp.route("/marketing", methods=["GET", "POST"])
@guard.require("marketing.send")
def marketing():
    form = CampaignForm()
    category_ids = _segment_choices(form)
    errors, preview = {}, None
    if request.method == "POST":
        if not form.validate():
            errors["body"] = "보안 토큰이 만료되었습니다. 다시 시도해 주세요."
        else:
            try:
                segment = segments.parse(request.form, category_ids)
                if request.form.get("action") == "preview":
                    channel = form.channel.data if form.channel.data in services.CHANNELS else "email"
                    preview = _segment_size(channel, segment)
                    return render_template("admin/marketing/index.html", form=form, errors={}, preview=preview,
                                           summary=_summary(), campaigns=services.campaigns(),
                                           night=services.is_night())
                campaign = services.create_campaign(form.channel.data, form.subject.data, form.body.data,
                                                    staff_id=guard.current_staff().id, segment=segment)
            except (services.CampaignError, segments.SegmentError) as exc:
                errors = exc.errors
            else:
                access_log.record("marketing.send", staff_id=guard.current_staff().id,
                                  detail=f"광고 {campaign.id} ({campaign.channel}) 발송 요청")
                db.session.commit()
                enqueue(services.send_campaign_job, campaign.id)
                flash("발송을 요청했습니다. 수신 동의·처리정지·야간 규칙에 맞는 회원에게만 보냅니다.", "success")
                return redirect(url_for("admin.marketing"))
    return render_template("admin/marketing/index.html", form=form, errors=errors, preview=preview, summary=_summary(),
                           campaigns=services.campaigns(), night=services.is_night()), (400 if errors else 200)
