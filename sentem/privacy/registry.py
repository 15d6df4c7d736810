"""The privacy registry: the policy as data.

Everything the privacy policy promises is declared here once — purposes, personal
items, consents, record classes with their legal basis and retention, entrustees,
third-party provisions, the privacy officer — and everything else reads it: the
policy page, the consent screen, the retention jobs, the access-right export and
the self-audit. Feature packages register their own items and record classes
(with the functions that export, archive and destroy their records); the core
never imports the features.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Callable

from .disclosures import Cookie, Remedy
from .deadlines import (  # noqa: F401  (re-exported: features and pages read them from the registry)
    DESTRUCTION_DEADLINE_DAYS, MARKETING_NOTICE_YEARS, POLICY_NOTICE_DAYS, REFUND_BUSINESS_DAYS,
    RETURN_WINDOW_DAYS, RIGHTS_ANSWER_DAYS, Retention)


@dataclass(frozen=True)
class Purpose:
    key: str
    label_ko: str
    label_en: str
    # The uses the policy spells out under this purpose (seed wording), shown after the label.
    detail_ko: str = ""
    detail_en: str = ""


@dataclass(frozen=True)
class Item:
    """One kind of personal data."""

    key: str
    label_ko: str
    label_en: str
    purposes: tuple[str, ...]
    required: bool = False
    # Stored AES-GCM encrypted. ``policy_encrypted`` marks the items the policy text
    # itself lists under <암호화>; every other personal item is encrypted too.
    encrypted: bool = True
    policy_encrypted: bool = False
    hashed: bool = False  # one-way (passwords): never shown, never exported
    collected_via: str = "signup"  # signup | consultation | delivery | automatic
    record_class: str = "member_profile"


@dataclass(frozen=True)
class ArchiveItem:
    """One record handed to the retention engine for the archive database."""

    record_class: str
    order_no: str | None  # kept in plain so staff can find a record when the law asks
    occurred_at: _dt.datetime  # start of the retention count
    payload: dict  # everything to keep, as plain values; the engine seals it


@dataclass
class RecordClass:
    """A class of records with its legal basis, retention and end action.

    The functions a feature hands over (none commits; the retention engine does):

    - ``export(member_id) -> [ {label: value} ]``: the member's rows for /me/export.json;
    - ``collect_archive(member_id) -> [ArchiveItem]``: what moves to the archive on withdrawal;
    - ``destroy(member_id) -> int``: delete the member's rows from the main database;
    - ``expire(cutoff, held, batch_size) -> int``: records of members who never withdrew.
      The engine computes ``cutoff = retention.cutoff(as_of)`` for this class (features
      never count periods themselves) and passes ``held``, the refs of the holds in force
      on any class of the same order — this class and those joined to it by ``cascades``,
      either way (a frozenset of order numbers).
      ``expire`` deletes at most ``batch_size`` records whose start event (``retention.starts``)
      was strictly before ``cutoff`` and that no ref in ``held`` names, and returns how many
      it deleted; the engine calls it again until it returns fewer than ``batch_size``.
      It is called only for classes whose retention is ``bounded``.

    Holds (``retention.services.place_hold``): a dispute keeps a record past its period.
    A hold's ``ref`` is the record's order number — the one reference the archive keeps in
    plain — so only classes whose records carry one are ``holdable``; ``expire`` and the
    archive expiry skip held records until the hold is released, and the next sweep then
    destroys them. (The withdrawal duty itself is held under ``record_class="member"`` with
    the member id as ``ref``.)
    """

    key: str
    label_ko: str
    label_en: str
    items: tuple[str, ...]
    legal_basis_ko: str
    legal_basis_en: str
    retention: Retention
    # What happens when the member withdraws: "destroy" at once (within 5 days),
    # "archive" to the separate database until retention ends, or "keep" (records
    # not tied to the member's account, e.g. staff logs).
    on_withdrawal: str = "destroy"
    export: Callable[[int], list[dict]] | None = None  # member id -> rows of {label: value}
    collect_archive: Callable[[int], list[ArchiveItem]] | None = None  # member id -> items
    destroy: Callable[[int], int] | None = None  # member id -> rows destroyed in main db
    # (cutoff, held order numbers, batch size) -> rows destroyed; see the class docstring.
    expire: Callable[[_dt.datetime, frozenset, int], int] | None = None
    models: tuple = ()
    order: int = 100  # display order
    holdable: bool = False  # records carry an order number, so a hold can name one
    # Classes whose rows this class's ``expire`` deletes along with its own (an order's
    # payments): a hold on any of them keeps this class's record too.
    cascades: tuple[str, ...] = ()


@dataclass(frozen=True)
class Consent:
    """A consent asked for on the signup screen and managed at /me/consents."""

    key: str
    label_ko: str
    label_en: str
    required: bool
    purposes: tuple[str, ...]
    items: tuple[str, ...]
    retention_ko: str
    retention_en: str
    refusal_ko: str  # what refusing means (PIPA Art. 15②, 22)
    refusal_en: str
    channel: str | None = None  # marketing channel: email | sms | sms_night


@dataclass(frozen=True)
class Entrustee:
    name: str
    tasks_ko: str
    tasks_en: str
    period_ko: str
    period_en: str
    items_ko: str = ""
    items_en: str = ""
    source: str | None = None  # "config:<what>" for rows the configuration brings (registers.sync)


@dataclass(frozen=True)
class Officer:
    name: str
    title: str
    phone: str
    department: str
    department_contact: str
    department_phone: str


@dataclass
class Registry:
    purposes: dict[str, Purpose] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    record_classes: dict[str, RecordClass] = field(default_factory=dict)
    consents: dict[str, Consent] = field(default_factory=dict)
    entrustees: list[Entrustee] = field(default_factory=list)
    # Third-party provisions: empty. PIPA Art. 17 — none without separate consent or law.
    provisions: list = field(default_factory=list)
    officer: Officer | None = None
    remedies: list[Remedy] = field(default_factory=list)  # bodies for infringement remedies
    cookies: dict[str, Cookie] = field(default_factory=dict)  # every cookie the shop sets
    # () -> [Entrustee]: processors the configuration names (carriers, payment gateway, mailer).
    entrustee_sources: list[Callable[[], list[Entrustee]]] = field(default_factory=list)
    # member id -> human-readable reasons a withdrawal must wait (open debts).
    obligation_checks: list[Callable[[int], list[str]]] = field(default_factory=list)
    # Sections of the quarterly self-audit contributed by features: (start, end) -> dict.
    audit_sections: dict[str, Callable] = field(default_factory=dict)

    def purpose(self, key: str) -> Purpose:
        return self.purposes[key]

    def item(self, key: str) -> Item:
        return self.items[key]

    def record_class(self, key: str) -> RecordClass:
        return self.record_classes[key]

    def items_of(self, record_class: str) -> list[Item]:
        return [i for i in self.items.values() if i.record_class == record_class]

    def ordered_record_classes(self) -> list[RecordClass]:
        return sorted(self.record_classes.values(), key=lambda rc: (rc.order, rc.key))

    def open_obligations(self, member_id: int) -> list[str]:
        """Everything that keeps a member from withdrawing now (unpaid orders, refunds…)."""
        reasons: list[str] = []
        for check in self.obligation_checks:
            reasons.extend(check(member_id))
        return reasons


REGISTRY = Registry()


def register_purpose(purpose: Purpose) -> Purpose:
    REGISTRY.purposes[purpose.key] = purpose
    return purpose


def register_item(item: Item) -> Item:
    for p in item.purposes:
        if p not in REGISTRY.purposes:
            raise ValueError(f"item {item.key}: undeclared purpose {p}")
    REGISTRY.items[item.key] = item
    return item


def register_record_class(rc: RecordClass) -> RecordClass:
    if rc.on_withdrawal not in ("destroy", "archive", "keep"):
        raise ValueError(f"record class {rc.key}: on_withdrawal must be destroy, archive or keep")
    REGISTRY.record_classes[rc.key] = rc
    return rc


def register_consent(consent: Consent) -> Consent:
    REGISTRY.consents[consent.key] = consent
    return consent


def register_audit_section(name: str, section: Callable) -> None:
    """A feature's part of the quarterly self-audit: ``section(start, end) -> dict``."""
    REGISTRY.audit_sections[name] = section


def register_obligation_check(check: Callable[[int], list[str]]) -> None:
    if check not in REGISTRY.obligation_checks:
        REGISTRY.obligation_checks.append(check)


class Declarations:
    """What one module declares for the registry, kept until its package's ``init_app``.

    A module writes ``DECLARE.item(...)``, ``DECLARE.record_class(...)`` at top level:
    that only records the declaration here. ``apply()`` (called from ``init_app``)
    puts them in the registry, so importing a module changes nothing global and the
    order of registration is the one ``create_app`` chooses. Applying twice is harmless.
    """

    def __init__(self) -> None:
        self._calls: list[tuple[Callable, tuple]] = []

    def _add(self, fn: Callable, *args):
        self._calls.append((fn, args))
        return args[0]

    def purpose(self, purpose: Purpose) -> Purpose:
        return self._add(register_purpose, purpose)

    def item(self, item: Item) -> Item:
        return self._add(register_item, item)

    def record_class(self, rc: RecordClass) -> RecordClass:
        return self._add(register_record_class, rc)

    def consent(self, consent: Consent) -> Consent:
        return self._add(register_consent, consent)

    def audit_section(self, name: str, section: Callable) -> Callable:
        self._add(register_audit_section, name, section)
        return section

    def obligation_check(self, check: Callable[[int], list[str]]) -> Callable:
        return self._add(register_obligation_check, check)

    def officer(self, officer: Officer) -> Officer:
        return self._add(_set_officer, officer)

    def entrustee(self, entrustee: Entrustee) -> Entrustee:
        self._add(_add_unique, REGISTRY.entrustees, entrustee)
        return entrustee

    def remedy(self, remedy: Remedy) -> Remedy:
        self._add(_add_unique, REGISTRY.remedies, remedy)
        return remedy

    def cookie(self, cookie: Cookie) -> Cookie:
        self._add(_set_keyed, REGISTRY.cookies, cookie)
        return cookie

    def entrustee_source(self, source: Callable[[], list[Entrustee]]) -> Callable:
        self._add(_add_unique, REGISTRY.entrustee_sources, source)
        return source

    def apply(self) -> None:
        for fn, args in self._calls:
            fn(*args)


def _set_officer(officer: Officer) -> None:
    REGISTRY.officer = officer


def _add_unique(target: list, value) -> None:
    if value not in target:
        target.append(value)


def _set_keyed(target: dict, value) -> None:
    target[value.name] = value
