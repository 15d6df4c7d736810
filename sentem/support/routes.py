"""Notices board and consultation board pages (thin: services do the work)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.services import member_required
from ..extensions import csrf
from ..i18n import current_lang
from ..privacy.registry import REGISTRY
from . import bp, inquiries, notices, records
from .forms import InquiryForm


@bp.get("/notices")
def notice_list():
    return render_template("support/notices.html", notices=notices.latest(100))


@bp.route("/notices/alerts", methods=["GET", "POST"])
@member_required
def notice_alerts():
    """Members turn email alerts for new notices on or off (the optional ``notices`` consent)."""
    from flask_login import current_user
    from flask_wtf import FlaskForm

    if request.method == "POST":
        if not FlaskForm().validate():
            abort(400)
        on = request.form.get("alerts") == "on"
        notices.set_alerts(current_user.id, on, ip=request.remote_addr,
                           user_agent=request.headers.get("User-Agent", "")[:512])
        flash(_("공지 알림을 받습니다.") if on else _("공지 알림을 받지 않습니다."), "success")
        return redirect(url_for("support.notice_alerts"))
    return render_template("support/alerts.html", on=notices.alerts_on(current_user.id))


@bp.get("/notices/<int:notice_id>")
def notice_detail(notice_id: int):
    notice = notices.get(notice_id)
    if notice is None:
        abort(404)
    return render_template("support/notice.html", notice=notice)


@bp.route("/support", methods=["GET"])
def support_home():
    """Members see their inquiries; visitors see whom to contact and a login link."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return render_template("support/contacts.html", officer=REGISTRY.officer)
    return render_template("support/inquiries.html", inquiries=inquiries.for_member(current_user.id))


@bp.route("/support/new", methods=["GET", "POST"])
@member_required
def support_new():
    from flask_login import current_user

    form = InquiryForm()
    errors = {}
    if request.method == "POST":
        if not form.validate():  # CSRF only: the service checks the fields
            errors = {"form": _("보안 토큰이 없거나 만료되었습니다. 다시 시도해 주세요.")}
        else:
            try:
                inquiry = inquiries.open_inquiry(current_user, form.category.data or "", form.title.data or "",
                                                 form.body.data or "", dispute=form.dispute.data)
            except inquiries.InquiryError as exc:
                errors = {k: _(v) for k, v in exc.errors.items()}
            else:
                flash(_("문의가 접수되었습니다."), "success")
                return redirect(url_for("support.support_detail", inquiry_id=inquiry.id))
    return render_template("support/new.html", form=form, errors=errors,
                           retention=records.RETENTION.describe(current_lang())), (400 if errors else 200)


@bp.get("/support/<int:inquiry_id>")
@member_required
def support_detail(inquiry_id: int):
    from flask_login import current_user

    inquiry = inquiries.get_for_member(current_user.id, inquiry_id)
    if inquiry is None:
        abort(404)
    return render_template("support/inquiry.html", inquiry=inquiry)


@bp.route("/marketing/opt-out/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click POST from mail clients carries no CSRF token; the signed token guards it
def marketing_opt_out(token: str):
    """No login, free: GET (and HEAD) only asks, POST withdraws the consent the link was sent for.

    Mail scanners and link previews open every link in a message, so opening the link
    must change nothing; the page's button, or a mail client's RFC 8058 one-click POST
    (body ``List-Unsubscribe=One-Click``), does the withdrawal."""
    from . import marketing

    found = marketing.read_opt_out_token(token)
    if found is None:
        return render_template("support/opt_out.html", ok=False, channel=None), 400
    member_id, channel = found
    if request.method != "POST":
        return render_template("support/opt_out.html", ok=True, confirm=True, channel=channel)
    marketing.opt_out(member_id, channel, ip=request.remote_addr,
                      user_agent=request.headers.get("User-Agent", "")[:512])
    return render_template("support/opt_out.html", ok=True, channel=channel)
