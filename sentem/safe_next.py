"""Redirect targets limited to this site's own paths (no open redirects)."""
from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a same-site path (``/…`` but not ``//…``), else ``default``."""
    if not target or not isinstance(target, str):
        return default
    if any(c in target for c in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
