"""Consultation board (상담 게시판) and notices."""
from flask import Blueprint

bp = Blueprint("support", __name__)
