"""My info pages: thin views over the services (access, correction, deletion, suspension,
requests, withdrawal). Anonymous visitors go to /login?next=…; another member's ids are 404."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from .. import clock, inputs
from ..accounts import services as accounts
from ..accounts.services import member_required
from ..extensions import db
from ..orders import summary as order_summary
from ..privacy import consent
from ..privacy.registry import REGISTRY, RIGHTS_ANSWER_DAYS
from . import access, bp, correction, display, documents, requests as rq, services, withdrawal
from .forms import ActionForm, EditForm, RequestForm, WithdrawForm
from .services import RightsError

PAGE_SIZE = 20
TIME_COLUMNS = ("일시", "접수 일시")


def _paged(rows: list, key: str) -> tuple[list, int, int]:
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(inputs.int_arg(request.args, f"p_{key}", 1), pages)
    return rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], page, pages


def _me():
    """The logged-in Member itself (services get the model, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def _newest_first(rows: list[dict]) -> list[dict]:
    # Histories (logins, consents) carry a time column: show the recent ones on the first page.
    for column in TIME_COLUMNS:
        if rows and all(isinstance(r.get(column), str) for r in rows):
            return sorted(rows, key=lambda r: r[column], reverse=True)
    return rows


@bp.get("/me")
@member_required
def index():
    """마이페이지: a greeting, the orders by status, the latest orders and every my-info page."""
    member = _me()
    return render_template("myinfo/hub.html", member=member, counts=order_summary.counts(member.id),
                           groups=order_summary.GROUPS, latest=order_summary.latest(member.id))


@bp.get("/me/data")
@member_required
def data():
    """Everything held about me, by the registry's record classes (the export, readable)."""
    member = _me()
    groups = []
    for rc in REGISTRY.ordered_record_classes():
        if rc.export is None and rc.key != access.PROFILE:
            continue  # classes that keep nothing per member (staff accounts…) stay in the export only
        rows = _newest_first(access.rows_of(rc, member.id))
        shown, page, pages = _paged(rows, rc.key)
        shown = display.rows(rc.key, shown)
        groups.append({"rc": rc, "rows": shown, "total": len(rows), "page": page, "pages": pages,
                       "columns": list(dict.fromkeys(k for r in shown for k in r))})
    shown_classes = {g["rc"].key for g in groups}
    items = [i for i in access.items_table(member) if i["record_class"] in shown_classes]
    return render_template("myinfo/data.html", member=member, items=items,
                           groups=groups, deletable={i.key for i in correction.deletable_items()},
                           consents=consent.current(member.id),
                           suspensions=services.SUSPENSIONS, form=ActionForm())


@bp.get("/me/export.json")
@member_required
def export_json():
    # Everything is read before the response starts (a failure is an error page, not half a
    # document); the JSON text is then encoded and sent piece by piece.
    return _download("json", lambda member_id: access.json_chunks(access.export(member_id)), "application/json")


@bp.get("/me/export.zip")
@member_required
def export_zip():
    return _download("zip", access.export_zip, "application/zip")


def _download(ext: str, build, mimetype: str) -> Response:
    """Log the download, build the member's export and send it as an attachment."""
    services.log_download(_me(), ext)  # flushed first: the export includes this download
    body = build(current_user.id)
    db.session.commit()
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="sentem-my-info-{clock.today():%Y%m%d}.{ext}"',
        "Cache-Control": "no-store"})


@bp.route("/me/edit", methods=["GET", "POST"])
@member_required
def edit():
    member = _me()
    form = EditForm(data=correction.current_values(member)) if request.method == "GET" else EditForm()
    errors = {}
    if form.validate_on_submit():
        changed, errors = correction.correct(member, form.values(request.form), form.current_password.data)
        if not errors:
            flash(_("회원 정보를 정정했습니다.") if changed else _("바뀐 내용이 없습니다."), "success")
            return redirect(url_for("myinfo.edit"))
        db.session.rollback()
    elif request.method == "POST":
        errors = {"form": _("보안 토큰이 없거나 만료되었습니다. 다시 시도해 주세요.")}
    return render_template("myinfo/edit.html", form=form, errors=errors,
                           deletable=correction.deletable_items(), member=member,
                           action_form=ActionForm()), (400 if errors else 200)


@bp.post("/me/items/<key>/delete")
@member_required
def delete_item(key):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        correction.delete_item(_me(), key)
    except RightsError as exc:
        flash(_(str(exc)), "error")
    else:
        flash(_("삭제했습니다."), "success")
    return redirect(url_for("myinfo.edit"))


@bp.post("/me/records/<key>/delete")
@member_required
def delete_record(key):
    if not ActionForm().validate_on_submit():
        abort(400)
    if key not in REGISTRY.record_classes:
        abort(404)
    try:
        req = correction.ask_delete_record(_me(), key)
    except RightsError as exc:
        flash(_(str(exc)), "error")
        return redirect(url_for("myinfo.data"))
    return redirect(url_for("myinfo.request_detail", request_id=req.id))


@bp.route("/me/consents", methods=["GET", "POST"])
@member_required
def consents():
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        kind, on = request.form.get("kind", ""), request.form.get("value") == "on"
        try:
            if kind in services.SUSPENSIONS:
                services.set_suspension(_me(), kind, on)
            else:
                services.set_marketing(_me(), kind, on)
        except RightsError as exc:
            flash(_(str(exc)), "error")
        else:
            flash(_("바로 반영했습니다."), "success")
        return redirect(url_for("myinfo.consents"))
    marketing = [c for c in REGISTRY.consents.values() if c.channel]
    return render_template("myinfo/consents.html", form=form, marketing=marketing, kind_for=consent.kind_for,
                           current=consent.current(current_user.id),
                           suspensions=services.SUSPENSIONS, consent_label=services.consent_label,
                           history=consent.history(current_user.id))


@bp.route("/me/requests", methods=["GET", "POST"])
@member_required
def requests_page():
    form = RequestForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            data = documents.read_upload(request.files.get("document"))
            req = rq.file_request(_me(), form.kind.data, form.detail.data or "",
                                  proxy_name=form.proxy_name.data or "",
                                  proxy_relation=form.proxy_relation.data or "", document=data)
        except (RightsError, documents.DocumentRejected) as exc:
            db.session.rollback()
            error = _(str(exc))
        else:
            flash(_("요청을 접수했습니다. %(days)s일 이내에 답변드립니다.", days=RIGHTS_ANSWER_DAYS), "success")
            return redirect(url_for("myinfo.request_detail", request_id=req.id))
    return render_template("myinfo/requests.html", form=form, error=error,
                           requests=services.requests_of(current_user.id),
                           answer_days=RIGHTS_ANSWER_DAYS), (400 if error else 200)


@bp.get("/me/requests/<int:request_id>")
@member_required
def request_detail(request_id):
    req = services.request_of(current_user.id, request_id)
    if req is None:
        abort(404)
    return render_template("myinfo/request_detail.html", req=req)


@bp.route("/me/withdraw", methods=["GET", "POST"])
@member_required
def withdraw():
    form = WithdrawForm()
    error, reasons = None, []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            outcome = withdrawal.withdraw(_me(), request.form.get("password", ""),
                                          request.form.get("confirm", ""),
                                          anyway=request.form.get("anyway") == "yes",
                                          returns_ack=request.form.get("returns_ack") == "yes")
        except withdrawal.Refused as exc:
            db.session.rollback()
            error, reasons = _(str(exc)), exc.reasons
        except RightsError as exc:
            db.session.rollback()
            error = _(str(exc))
        else:
            if outcome == "pending":
                flash(_("탈퇴 신청을 접수했습니다. 진행 중인 거래가 끝나면 자동으로 탈퇴 처리됩니다."), "success")
                return redirect(url_for("myinfo.requests_page"))
            member_id = current_user.id
            logout_user()
            accounts.logout_everywhere(member_id)
            return render_template("myinfo/withdrawn.html")
    return render_template("myinfo/withdraw.html", form=form, error=error, reasons=reasons, action_form=ActionForm(),
                           returnable=withdrawal.returnable(_me()),
                           pending=current_user.status == "withdrawal_pending"), (400 if error else 200)


@bp.post("/me/withdraw/cancel")
@member_required
def withdraw_cancel():
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        withdrawal.cancel_pending(_me())
    except RightsError as exc:
        flash(_(str(exc)), "error")
    else:
        flash(_("탈퇴 신청을 취소했습니다."), "success")
    return redirect(url_for("myinfo.withdraw"))
