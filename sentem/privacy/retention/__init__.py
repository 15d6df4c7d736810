"""The retention engine: durable duties, the archive move, destruction and crypto-shredding.

Generic over the privacy registry: it reads ``REGISTRY.record_classes`` and calls the
functions features registered (``collect_archive``, ``destroy``, ``expire``); it never
imports a feature package.
"""
