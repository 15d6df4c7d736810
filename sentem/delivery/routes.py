"""Member pages: the address book (``/me/addresses``) and an order's address change."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import inputs
from ..accounts.services import member_required
from ..orders import services as orders
from . import addressbook, bp, services

ADDRESS_FIELDS = ("label", "recipient_name", "recipient_phone", "postcode", "address1", "address2")
ORDER_FIELDS = ("recipient_name", "recipient_phone", "postcode", "address1", "address2", "delivery_memo")


def _form(fields) -> dict:
    values = {f: request.form.get(f, "") for f in fields}
    values["is_default"] = bool(request.form.get("is_default"))
    return values


@bp.get("/me/addresses")
@member_required
def addresses():
    return render_template("delivery/addresses.html", entries=addressbook.entries(current_user.id),
                           limit=addressbook.MAX_ENTRIES)


@bp.route("/me/addresses/new", methods=["GET", "POST"])
@member_required
def address_new():
    values, errors = {f: "" for f in ADDRESS_FIELDS}, {}
    if request.method == "POST":
        values = _form(ADDRESS_FIELDS)
        try:
            addressbook.add(current_user, values, make_default=values["is_default"])
        except services.DeliveryInputError as exc:
            errors = exc.errors
        else:
            flash(_("배송지를 저장했습니다."), "success")
            return redirect(url_for("delivery.addresses"))
    return render_template("delivery/address_form.html", values=values, errors=errors, entry=None), \
        (400 if errors else 200)


def _own_entry(entry_id: int):
    try:
        return addressbook.get(current_user.id, entry_id)
    except LookupError:
        abort(404)


@bp.route("/me/addresses/<int:entry_id>/edit", methods=["GET", "POST"])
@member_required
def address_edit(entry_id):
    entry = _own_entry(entry_id)
    errors = {}
    if request.method == "POST":
        values = _form(ADDRESS_FIELDS)
        try:
            addressbook.edit(current_user, entry_id, values, make_default=values["is_default"])
        except services.DeliveryInputError as exc:
            errors = exc.errors
        else:
            flash(_("배송지를 수정했습니다."), "success")
            return redirect(url_for("delivery.addresses"))
    else:
        values = {f: getattr(entry, f) or "" for f in ADDRESS_FIELDS}
        values["is_default"] = entry.is_default
    return render_template("delivery/address_form.html", values=values, errors=errors, entry=entry), \
        (400 if errors else 200)


@bp.post("/me/addresses/<int:entry_id>/delete")
@member_required
def address_delete(entry_id):
    _own_entry(entry_id)
    addressbook.remove(current_user, entry_id)
    flash(_("배송지를 삭제했습니다."), "success")
    return redirect(url_for("delivery.addresses"))


@bp.post("/me/addresses/<int:entry_id>/default")
@member_required
def address_default(entry_id):
    _own_entry(entry_id)
    addressbook.set_default(current_user, entry_id)
    flash(_("기본 배송지를 바꿨습니다."), "success")
    return redirect(url_for("delivery.addresses"))


@bp.route("/orders/<order_no>/address", methods=["GET", "POST"])
@member_required
def order_address(order_no):
    order = orders.find_for_member(order_no, current_user.id)
    if order is None:
        abort(404)
    req = services.request_for(order)
    allowed = order.status in services.ADDRESS_CHANGE_STATUSES
    errors, status = {}, 200
    if request.method == "POST":
        values = _form(ORDER_FIELDS)
        if request.form.get("entry_id"):
            values = _from_book(request.form.get("entry_id"), req)
        try:
            services.change_address(order, actor=f"member:{current_user.id}", **values)
        except services.AddressChangeRefused:
            allowed, status = False, 409
        except services.DeliveryInputError as exc:
            errors, status = exc.errors, 400
        else:
            flash(_("배송지를 변경했습니다."), "success")
            return redirect(f"/orders/{order.order_no}")
    else:
        values = {"recipient_name": req.recipient_name, "recipient_phone": req.recipient_phone,
                  "postcode": req.postcode, "address1": req.address1, "address2": req.address2 or "",
                  "delivery_memo": req.memo or ""} if req else {f: "" for f in ORDER_FIELDS}
    book = addressbook.entries(current_user.id) if allowed else []
    return render_template("delivery/order_address.html", order=order, values=values, errors=errors,
                           allowed=allowed, book=book), status


def _from_book(entry_id: str, req) -> dict:
    """The fields of one of the member's saved addresses (another member's id: 404); memo kept."""
    number = inputs.parse_int(entry_id, lo=1)
    try:
        entry = addressbook.get(current_user.id, number) if number is not None else abort(404)
    except LookupError:
        abort(404)
    return {"recipient_name": entry.recipient_name, "recipient_phone": entry.recipient_phone,
            "postcode": entry.postcode, "address1": entry.address1, "address2": entry.address2 or "",
            "delivery_memo": (req.memo or "") if req else ""}
