"""Staff area: advertising campaigns (permission marketing.send).

The screen shows who the campaign would reach and why others are left out; sending
runs as a job (in-process in the embedded mode) and records each member's outcome.
"""
from __future__ import annotations

from collections import Counter

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..jobs import enqueue
from ..privacy import access_log
from ..staff import bp, guard
from ..support import marketing as services

REASONS = {"inactive": "탈퇴·탈퇴 대기", "suspended": "처리정지", "email_unverified": "이메일 미인증",
           "no_mobile": "휴대전화 번호 없음", "night_no_consent": "야간 수신 미동의", "send_failed": "발송 실패"}


class CampaignForm(FlaskForm):
    channel = SelectField("발송 수단", choices=[SelectChoice("email", "이메일"), SelectChoice("sms", "문자")], validate_choice=False)
    subject = StringField("제목 (이메일)")
    body = TextAreaField("내용")


def _summary() -> dict:
    out = {}
    for channel in services.CHANNELS:
        reasons = Counter(reason for _, reason in services.audience(channel))
        out[channel] = {"reach": reasons.pop(None, 0), "skipped": {REASONS.get(k, k): v for k, v in reasons.items()}}
    return out


@bp.route("/marketing", methods=["GET", "POST"])
@guard.require("marketing.send")
def marketing():
    form = CampaignForm()
    errors = {}
    if request.method == "POST":
        if not form.validate():
            errors["body"] = "보안 토큰이 만료되었습니다. 다시 시도해 주세요."
        else:
            try:
                campaign = services.create_campaign(form.channel.data, form.subject.data, form.body.data,
                                                    staff_id=guard.current_staff().id)
            except services.CampaignError as exc:
                errors = exc.errors
            else:
                access_log.record("marketing.send", staff_id=guard.current_staff().id,
                                  detail=f"광고 {campaign.id} ({campaign.channel}) 발송 요청")
                db.session.commit()
                enqueue(services.send_campaign_job, campaign.id)
                flash("발송을 요청했습니다. 수신 동의·처리정지·야간 규칙에 맞는 회원에게만 보냅니다.", "success")
                return redirect(url_for("admin.marketing"))
    return render_template("admin/marketing/index.html", form=form, errors=errors, summary=_summary(),
                           campaigns=services.campaigns(), night=services.is_night(),
                           reasons=REASONS), (400 if errors else 200)
