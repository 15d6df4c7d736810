"""HEAD changes nothing: mail scanners, link previews and uptime checkers send HEAD to any
link they see, and Flask answers HEAD with the GET view.

The view still runs (so the status and headers are those of GET), but on a session whose
``commit`` only flushes; everything it wrote is rolled back when the request ends, and
mail queued for after a commit is never sent. Views that change state belong on POST;
this is the net under the GET views that log an access or touch a timestamp."""
from flask import request

from ..extensions import db
from . import bp

_FLAG = "sentem_head_request"


@bp.before_app_request
def reads_only_for_head():
    if request.method == "HEAD":
        session = db.session()
        session.info[_FLAG] = True
        session.commit = session.flush  # instance attribute: the class's commit comes back below


@bp.teardown_app_request
def roll_back_head(_exc=None):
    session = db.session()
    if session.info.pop(_FLAG, False):
        try:
            session.rollback()
        finally:
            session.__dict__.pop("commit", None)
