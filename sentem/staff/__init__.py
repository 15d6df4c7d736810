"""What every staff screen stands on: the ``admin`` blueprint, staff accounts, roles and guards.

Features add their staff screens to ``bp`` (endpoints ``admin.*``) from their own
``admin.py``; the ``admin`` edge registers the blueprint at ``/admin`` after every
feature added its screens, behind its blueprint-wide gate.
"""
from flask import Blueprint

bp = Blueprint("admin", __name__)
