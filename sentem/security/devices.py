"""A coarse device family of a user agent, the only thing a login session keeps about the device."""
from __future__ import annotations

import re

_FAMILIES = (("Edg/", "Edge"), ("Whale/", "Whale"), ("SamsungBrowser/", "Samsung Internet"), ("OPR/", "Opera"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_family(user_agent: str | None) -> str:
    """A coarse device family of a user agent ("Chrome · Windows"); never the string itself."""
    ua = user_agent or ""
    browser = next((name for mark, name in _FAMILIES if mark in ua), "")
    system = next((name for mark, name in _SYSTEMS if re.search(re.escape(mark), ua)), "")
    return " · ".join(p for p in (browser, system) if p) or "?"
