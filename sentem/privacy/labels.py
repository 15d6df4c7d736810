"""One label table: every status, event, request, payment-method and screen code the shop
stores → the words a customer or a staff member reads (Korean; English through the catalogs).

The table is per app and filled at start-up: each feature declares its domains (namespaces)
in a module-level ``DECLARE_LABELS = labels.Declarations()`` — ``DECLARE_LABELS.domain("order",
{"paid": _l("결제 완료"), …})`` — and applies it in its ``init_app``, like registry entries.
No module keeps a code → label dict of its own (tests/foundation/test_label_table.py).

Codes are grouped by namespace because some collide (``cancelled`` is an order, a payment and a
rights-request outcome; ``requested`` a delivery and a return). Templates use the ``label``
filter (``order.status|label('order')``), Python code ``label(code, namespace)`` or, for texts
that are Korean by contract, ``korean(namespace, code)``; a code no table knows is shown as it
is. The rendered-page scan (tests/myinfo/test_labels_scan.py) fails when a page shows a code
of these tables instead of its label.

The registry's own codes (consents, record classes) are labelled by the registry itself; the
web edge hands them in as extra tables (``install``) once every feature has declared its entries.
The table lives in the privacy core because the core's audit and access log show labels too and
the core never imports a higher layer.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, has_app_context
from flask_babel import gettext

EXTENSION = "sentem_labels"


def _l(msgid: str) -> str:
    """Marks a Korean label (the catalog msgid); ``label`` translates it when shown."""
    return msgid


class Declarations:
    """One module's label domains, kept until its package's ``init_app`` applies them to the app
    (importing a module changes nothing global)."""

    def __init__(self) -> None:
        self._domains: dict[str, dict[str, str]] = {}

    def domain(self, namespace: str, codes: dict[str, str]) -> None:
        """Declare ``namespace``: code → Korean label (the catalog msgid)."""
        self._domains[namespace] = dict(codes)

    def apply(self, app) -> None:
        """Put every declared domain in ``app``'s table."""
        for namespace, codes in self._domains.items():
            add(app, namespace, codes)


def _slot(app) -> dict:
    return app.extensions.setdefault(EXTENSION, {"declared": {}, "provider": None, "tables": None})


def add(app, namespace: str, codes: dict[str, str]) -> None:
    """Add one domain to ``app``'s table; declaring a namespace twice with other labels is a bug."""
    slot = _slot(app)
    known = slot["declared"].get(namespace)
    if known is not None and known != codes:
        raise ValueError(f"label namespace {namespace!r} is declared twice with different labels")
    slot["declared"][namespace] = dict(codes)
    slot["tables"] = None


def install(app, provider: Callable[[], dict[str, dict[str, object]]]) -> None:
    """Give ``app`` the tables only a higher layer knows (the registry's consents, record classes).

    ``provider`` is called on first use, once every feature has declared its registry entries."""
    slot = _slot(app)
    slot["provider"], slot["tables"] = provider, None


def tables() -> dict[str, dict[str, object]]:
    """The app's table (namespace → code → label): the declared domains and what was installed."""
    slot = current_app.extensions.get(EXTENSION) if has_app_context() else None
    if slot is None:
        return {}
    if slot["tables"] is None:
        slot["tables"] = {**slot["declared"], **(slot["provider"]() if slot["provider"] else {})}
    return slot["tables"]


def label(code, namespace: str | None = None) -> str:
    """``code``'s label in ``namespace`` (or in whichever namespace knows it); unknown codes as they are."""
    if code is None or code == "":
        return ""
    known = tables()
    if namespace is not None:
        found = known.get(namespace, {}).get(code)
        return _shown(found) if found is not None else str(code)
    for table in known.values():
        if code in table:
            return _shown(table[code])
    return str(code)


def _shown(found) -> str:
    # A table's Korean msgid through the catalogs; the registry's labels choose their language themselves.
    return gettext(found) if isinstance(found, str) and has_app_context() else str(found)


def korean(namespace: str, code) -> str:
    """The Korean label itself (the catalog msgid), whatever the request's language: for stored
    texts and messages that are Korean by contract. Unknown codes as they are."""
    found = tables().get(namespace, {}).get(code)
    if found is None:
        return "" if code is None else str(code)
    return found if isinstance(found, str) else getattr(found, "ko", str(found))


def codes(namespace: str) -> tuple[str, ...]:
    """The codes of ``namespace`` in declaration order (what a form may accept)."""
    return tuple(tables().get(namespace, {}))


def choices(namespace: str) -> list[tuple[str, str]]:
    """(code, label in the request's language) pairs of ``namespace``, for select boxes."""
    return [(code, label(code, namespace)) for code in codes(namespace)]


def all_codes() -> set[str]:
    """Every code of every table (the scan test looks for them on rendered pages)."""
    return {code for table in tables().values() for code in table}
