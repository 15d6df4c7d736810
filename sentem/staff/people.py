"""Members as staff screens show them: the masked name and the member number ("김*수 (회원 12번)"),
linked to the member page for roles that may see members, plain text for the others.

The name is masked by the name field's declared rule (the privacy core's members port) and read
for a whole page at once: a list view calls ``load(ids)`` before rendering, and ``member_ref``
reads what was loaded (a single id it was not given is loaded alone). A member who withdrew (or
whose key was shredded) reads "탈퇴 회원 (회원 N번)"; a guest order reads "비회원" and the
orderer's masked name.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import request, url_for
from markupsafe import Markup, escape

from ..privacy import members, suspension
from . import guard

WITHDRAWN = "탈퇴 회원"
GUEST = "비회원"
MEMBER_PAGE = "admin.member_detail"
SEE_MEMBERS = "members.view"


def _names() -> dict[int, str | None]:
    # Kept on the request, not on ``g``: tests share one app context across requests.
    names = getattr(request, "_sentem_people", None)
    if names is None:
        names = request._sentem_people = {}
    return names


def load(member_ids: Iterable) -> None:
    """Read the masked names of ``member_ids`` (None and repeats are skipped) in one go."""
    names = _names()
    wanted = {int(i) for i in member_ids if i is not None} - names.keys()
    if not wanted:
        return
    found = members.masked_names(wanted)
    for member_id in _withheld(found):
        found[member_id] = suspension.MARKER
    names.update({member_id: found.get(member_id) for member_id in wanted})


def _withheld(found: dict[int, str]) -> set[int]:
    # Processing suspension withholds the optional items only; the name is a required item, so
    # this asks the registry rather than assuming (and costs no query while that holds).
    if not found or "name" not in suspension.optional_items():
        return set()
    return suspension.suspended_members(suspension.OPTIONAL, found)


def member_text(member_id) -> str:
    """"김*수 (회원 12번)", "탈퇴 회원 (회원 12번)", or "비회원" for no member."""
    if member_id is None or member_id == "":
        return GUEST
    member_id = int(member_id)
    load([member_id])
    return f"{_names().get(member_id) or WITHDRAWN} (회원 {member_id}번)"


def member_ref(member_id) -> Markup:
    """``member_text`` linked to the member page when the staff member may see members (and the
    member is still there)."""
    shown = member_text(member_id)
    if member_id is None or member_id == "" or not _names().get(int(member_id)) \
            or not guard.has_permission(SEE_MEMBERS):
        return escape(shown)
    return Markup('<a href="{}">{}</a>').format(url_for(MEMBER_PAGE, member_id=int(member_id)), shown)


def guest_text(masked_name: str | None) -> str:
    """A guest order's orderer: "비회원 김*수" (just "비회원" once the orderer was destroyed)."""
    return f"{GUEST} {masked_name}" if masked_name else GUEST
