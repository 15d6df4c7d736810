"""Flask-Login's member loader: on every request of a logged-in member."""
from flask import session

from . import sessions
from .models import Member

EPOCH_KEY = "_sentem_epoch"


def load_member(member_id: str):
    if not member_id.isdigit():
        return None
    # The cookie must name a live server-side session of this member (logout ends it); the
    # session and the member's row come in one query.
    member = sessions.current_owner(Member)
    if member is None or member.id != int(member_id) or not member.is_active:
        return None
    # ``services.logout_everywhere`` bumps the epoch: sessions from before it end here.
    if session.get(EPOCH_KEY, 0) != member.session_epoch:
        return None
    return member
