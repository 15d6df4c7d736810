"""The privacy policy pages, rendered from the registry, and its versions."""
from flask import Blueprint

bp = Blueprint("policy", __name__)
