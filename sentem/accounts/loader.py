"""Flask-Login's member loader."""
from flask import session

from ..extensions import db
from . import sessions
from .models import Member

EPOCH_KEY = "_sentem_epoch"


def load_member(member_id: str):
    if not member_id.isdigit():
        return None
    member = db.session.get(Member, int(member_id))
    if member is None or not member.is_active:
        return None
    # ``services.logout_everywhere`` bumps the epoch: sessions from before it end here.
    if session.get(EPOCH_KEY, 0) != member.session_epoch:
        return None
    # The cookie must name a live server-side session of this member (logout ends it).
    if not sessions.is_current(member.id):
        return None
    return member
