"""A small browser for benches: keeps cookies and one keep-alive connection, reads forms.

Enough for the form flows (log in, check out) with ``http.client``; no redirects are
followed unless asked, so a bench sees each request it times.
"""
from __future__ import annotations

import http.client
import re
import urllib.parse
from http.cookies import SimpleCookie

INPUT = re.compile(r"<input\b[^>]*>")
ATTR = re.compile(r'(\w+)="([^"]*)"')


class Browser:
    def __init__(self, base_url: str, headers: dict | None = None):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body)."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):  # the server closed a kept-alive connection
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        for header in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        location = urllib.parse.urlsplit(resp.headers.get("Location") or "").path
        return resp.status, location, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)

    @staticmethod
    def hidden(html: str) -> dict:
        """The hidden inputs of a page (CSRF and checkout tokens), whatever their attribute order."""
        found = {}
        for tag in INPUT.findall(html):
            attrs = dict(ATTR.findall(tag))
            if attrs.get("type") == "hidden" and "name" in attrs:
                found[attrs["name"]] = attrs.get("value", "")
        return found

    def close(self) -> None:
        self.conn.close()
