"""Catalog and cart."""
from flask import Blueprint

bp = Blueprint("shop", __name__)
