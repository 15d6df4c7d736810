"""The retention engine: durable duties, the archive move, destruction and crypto-shredding.

Generic over the privacy registry: it reads ``REGISTRY.record_classes`` and calls the
functions features registered (``collect_archive``, ``destroy``, ``expire``); it never
imports a feature package.
"""
from . import models  # noqa: F401  (tables)
from ...web import health as _health  # noqa: E402
from . import services as _services  # noqa: E402

# Fails loudly (/healthz 503) while any duty is past its deadline.
_health.register("retention", _services.health_check)
from . import audit as _audit  # noqa: E402,F401  (self-audit section)
