"""URL converters: an ``<int:…>`` part beyond what an id column holds is no page (404).

Werkzeug's own ``int`` converter takes any run of digits, and a 23-digit id reached the
database as a Python int no driver could bind (500)."""
from werkzeug.routing import IntegerConverter

from ..inputs import INT_MAX


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` limited to 0…``INT_MAX`` (a larger number matches no rule: 404)."""

    def __init__(self, map, fixed_digits=0, min=0, max=INT_MAX, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install(app) -> None:
    """Make ``<int:…>`` bounded for every rule added from now on (before the features' routes)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
