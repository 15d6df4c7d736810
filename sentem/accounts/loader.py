"""Flask-Login's member loader."""
from ..extensions import db, login_manager
from .models import Member


@login_manager.user_loader
def load_member(member_id: str):
    if not member_id.isdigit():
        return None
    member = db.session.get(Member, int(member_id))
    return member if member is not None and member.is_active else None
