"""Notices board and consultation board pages (thin: services do the work)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from . import bp, inquiries, notices, records
from .forms import InquiryForm


@bp.get("/notices")
def notice_list():
    return render_template("support/notices.html", notices=notices.latest(100))


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

    from ..privacy.registry import REGISTRY

    if not current_user.is_authenticated:
        return render_template("support/contacts.html", officer=REGISTRY.officer)
    return render_template("support/inquiries.html", inquiries=inquiries.for_member(current_user.id),
                           labels=records.CATEGORY_LABELS, statuses=records.STATUS_LABELS)


@bp.route("/support/new", methods=["GET", "POST"])
@login_required
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
    return render_template("support/new.html", form=form, errors=errors), (400 if errors else 200)


@bp.get("/support/<int:inquiry_id>")
@login_required
def support_detail(inquiry_id: int):
    from flask_login import current_user

    inquiry = inquiries.get_for_member(current_user.id, inquiry_id)
    if inquiry is None:
        abort(404)
    return render_template("support/inquiry.html", inquiry=inquiry, labels=records.CATEGORY_LABELS,
                           statuses=records.STATUS_LABELS)
