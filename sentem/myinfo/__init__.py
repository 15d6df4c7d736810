"""My info: the four rights (access, correction, deletion, suspension) and withdrawal."""
from flask import Blueprint

bp = Blueprint("myinfo", __name__)
