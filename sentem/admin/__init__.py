"""The staff area, gated once for the whole blueprint."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
