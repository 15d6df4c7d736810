"""Accessibility checks for browser journeys: axe-core (from the pinned
axe-playwright-python package, which ships axe.min.js) injected into the page under
test, failing on any WCAG 2.x A/AA violation; and the screenshot folder for CI."""
from __future__ import annotations

import json
import pathlib
from importlib import resources

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ARTIFACTS = pathlib.Path(__file__).resolve().parent / "artifacts"
_AXE_SOURCE: list[str] = []


def axe_source() -> str:
    """The axe-core script, read once from the installed package."""
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8"))
    return _AXE_SOURCE[0]


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its WCAG A/AA violations (compact)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())  # needs a context with bypass_csp=True
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                           " resultTypes: ['violations']})", WCAG_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5],
             "summary": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else ""}
            for v in result["violations"]]


def assert_accessible(page, where: str = "") -> None:
    """Fail with a readable list when axe-core finds any WCAG A/AA violation."""
    found = axe_violations(page)
    assert not found, f"axe-core on {where or page.url}:\n" + json.dumps(found, ensure_ascii=False, indent=1)


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under tests/artifacts/ (git-ignored; CI keeps it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_overflow(page) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of the page: the first must not exceed the second."""
    return tuple(page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]"))



def sign_in_member(page, member, password: str) -> None:
    """Log ``member`` in through the real login form."""
    page.goto("/login")
    page.fill("#login_id", member.login_id)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def sign_in_staff(page, staff_tuple, totp_code) -> None:
    """Sign a staff member in (password, then TOTP enrolment); ``totp_code(secret)`` gives the code."""
    staff, password, secret = staff_tuple
    page.goto("/admin/login")
    page.fill("#login_id", staff.login_id)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector("#code")
    page.fill("#code", totp_code(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/admin/login" not in url)
