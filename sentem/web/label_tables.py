"""The label tables only the privacy core knows — consents and suspensions of processing, and
record classes, labelled in both languages — handed to the ground label table
(``sentem.privacy.labels``) at start-up."""
from __future__ import annotations

from ..i18n import current_lang
from ..privacy import consent, suspension
from ..privacy.registry import REGISTRY


class Bilingual:
    """A label that reads Korean or English by the request's language when shown."""

    def __init__(self, ko: str, en: str):
        self.ko, self.en = ko, en

    def __str__(self) -> str:
        return self.en if current_lang() == "en" else self.ko


def registry_tables() -> dict[str, dict[str, Bilingual]]:
    """{'consent': ledger kind (registry consents, processing suspensions) → label, 'record_class': key → label}."""
    consents = {consent.kind_for(c.key): Bilingual(c.label_ko, c.label_en) for c in REGISTRY.consents.values()}
    consents.update({kind: Bilingual(ko, en) for kind, (ko, en) in suspension.LABELS.items()})
    record_classes = {rc.key: Bilingual(rc.label_ko, rc.label_en) for rc in REGISTRY.record_classes.values()}
    return {"consent": consents, "record_class": record_classes}
