"""Security headers on every response, and no caching of what a signed-in person sees."""
from flask import current_app, g

from ..security import signed_in
from . import bp

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@bp.after_app_request
def security_headers(response):
    h = response.headers
    # A view whose form leads to another site (the PG's payment window) names it in g.
    targets = " ".join(g.get("csp_form_targets", ()))
    h.setdefault("Content-Security-Policy", CSP.replace("form-action 'self'", f"form-action 'self' {targets}")
                 if targets else CSP)
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if "Cache-Control" not in h and signed_in.now():
        # Pages for a member or staff carry personal data: no browser, proxy or shared
        # machine may keep a copy (a view that sets its own Cache-Control keeps it).
        h["Cache-Control"] = "no-store"
    if current_app.config["SENTEM_ENV"] == "production":
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response

