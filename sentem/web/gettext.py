"""Template translations without Flask-Babel's lookups on every string.

Flask-Babel's template ``gettext`` finds the app context, the domain, the locale (and
its name) again for each ``{{ _('…') }}`` — a page has forty of them. These versions
look the translations up once per template render (kept on Jinja's render context,
which lives for that render only) and then behave exactly as Jinja's new-style
``gettext``/``ngettext``: autoescaped, always %-formatted with the keyword arguments.
"""
from __future__ import annotations

from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup

_KEY = "_sentem_translations"


def _translations(context):
    found = context.__dict__.get(_KEY)
    if found is None:
        found = get_translations()
        setattr(context, _KEY, found)
    return found


@pass_context
def gettext(__context, __string: str, **variables) -> str:
    """``_('…')`` and ``gettext('…')`` in templates."""
    rv = _translations(__context).ugettext(__string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_context
def ngettext(__context, __singular: str, __plural: str, __num: int, **variables) -> str:
    """``ngettext('…', '…', n)`` in templates (``num`` is ``n`` unless given)."""
    variables.setdefault("num", __num)
    rv = _translations(__context).ungettext(__singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def install(app) -> None:
    """Replace the template callables Flask-Babel installed (``babel.init_app`` ran before)."""
    app.jinja_env.globals.update(gettext=gettext, ngettext=ngettext)
