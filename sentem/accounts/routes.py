"""Signup, login, logout (membership issue fills these in)."""
from . import bp
