"""Address book, delivery requests, shipments and tracking."""
from flask import Blueprint

bp = Blueprint("delivery", __name__)
