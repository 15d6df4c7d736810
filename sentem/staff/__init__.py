"""What every staff screen stands on, below the features: the ``admin`` blueprint, staff
accounts and their roles, the permission table, the per-view guard and the menu registry.

Layers: this package imports the ground floor and the privacy core only; features import
it to add their staff screens (``sentem/orders/admin.py`` adds ``admin.orders`` to ``bp``
and its menu entry with ``nav.register_nav``), so no feature imports the ``admin`` edge.
The ``admin`` edge owns the blueprint-wide gate (before every view: a fully signed-in,
active, not idle staff session; a view that declared no permission is refused), staff
sign-in, the staff-account and plan screens and the dashboard, and registers ``bp`` at
``/admin`` once every feature added its screens.

Modules: ``models`` (Staff, RoleChange, the management plan's versions and
acknowledgements), ``permissions`` (roles and the one permission table), ``guard``
(``current_staff``, ``require``, ``reauth_required``, ``refuse``), ``nav`` (menu and
banners), ``services`` (staff accounts: creation, sign-in checks, roles, lockout),
``downloads`` and ``forms`` (justified CSV downloads), ``filters`` (template filters),
``records`` and ``audit`` (the registry entries and self-audit sections of staff data).
"""
from flask import Blueprint

from ..security import signed_in

bp = Blueprint("admin", __name__)


def init_app(app) -> None:
    """Staff tables, template filters, the registry entries of staff data and their audit sections."""
    from . import audit, filters, guard, models, records  # noqa: F401  (tables, filters on bp)

    records.DECLARE.apply()
    filters.DECLARE_LABELS.apply(app)
    audit.DECLARE.apply()
    signed_in.add(app, guard.SESSION_STAFF)  # a staff member's screens are private
