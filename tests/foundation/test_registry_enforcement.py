"""The registry is the truth about personal data: every model must agree with it.

Walks every mapped model and fails when
- a ``Sealed`` column holds an item the registry does not declare;
- a declared item marked ``encrypted`` is stored in a column that is not ``Sealed``;
- a column whose name looks like personal data is neither sealed nor marked with
  ``info={"personal": item}`` (hashed or derived values) or ``info={"blind_index": item}``.
"""
from __future__ import annotations

import re

import pytest

from sentem import create_app
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.security.fields import Sealed

PERSONAL_WORDS = {"name", "phone", "mobile", "email", "address", "postcode", "birth", "ip", "recipient",
                  "sns", "company", "agent"}
PERSONAL_RE = re.compile(r"(^|_)(user_agent|address\d*|" + "|".join(sorted(PERSONAL_WORDS)) + r")(_|$|\d)")

# Columns whose names look personal but hold no personal data, each with its reason.
ALLOWED = {
    ("products", "name"): "a product's name",
    ("categories", "name"): "a category's name",
    ("job_runs", "name"): "the name of a recurring job",
    ("policy_versions", "name"): "a policy version's title",
    ("campaigns", "name"): "a marketing campaign's title",
    ("data_keys", "label"): "an archive month",
    ("retention_sweep_lease", "name"): "the name of a sweep lease",
    ("provision_register", "recipient"): "the third party receiving a provision: a business, not a person",
}
# Columns that name a table or item rather than hold a value (e.g. ``item_name``).
NOT_VALUES = re.compile(r"(_id|_at|_count|_key|_kind|_type|_status|_ref|_no|_code|_class)$")


@pytest.fixture(scope="module", autouse=True)
def all_models(tmp_path_factory):
    """Building an app imports every feature package, so every model is mapped."""
    from tests.conftest import base_config

    create_app(base_config(str(tmp_path_factory.mktemp("registry"))))


def _columns():
    for mapper in db.Model.registry.mappers:
        for table in mapper.tables:
            for column in table.columns:
                yield mapper.class_.__name__, table.name, column


def test_models_are_found():
    tables = {t for _, t, _ in _columns()}
    assert {"members", "data_keys", "job_runs"} <= tables


def test_sealed_columns_hold_declared_items():
    problems = []
    for model, table, col in _columns():
        if not isinstance(col.type, Sealed):
            continue
        item = col.info.get("personal")
        if item is None:
            if not col.info.get("archive_payload"):
                problems.append(f"{model}.{col.name}: Sealed but names no registry item "
                                "(declare it with personal('item'))")
        elif item not in REGISTRY.items:
            problems.append(f"{model}.{col.name}: item {item!r} is not declared in the registry")
    assert not problems, "\n".join(problems)


def test_encrypted_items_are_never_stored_plain():
    problems = []
    for model, table, col in _columns():
        item = col.info.get("personal")
        if item is None or isinstance(col.type, Sealed):
            continue
        declared = REGISTRY.items.get(item)
        if declared is None:
            problems.append(f"{model}.{col.name}: marked personal item {item!r}, which the registry "
                            "does not declare")
        elif declared.encrypted and not declared.hashed:
            problems.append(f"{model}.{col.name}: item {item!r} is declared encrypted but the column "
                            "is not Sealed")
    for col_model, table, col in _columns():
        bidx = col.info.get("blind_index")
        if bidx is not None and bidx not in REGISTRY.items:
            problems.append(f"{col_model}.{col.name}: blind index of undeclared item {bidx!r}")
    assert not problems, "\n".join(problems)


def test_personal_looking_columns_are_sealed_or_marked():
    problems = []
    for model, table, col in _columns():
        name = col.name
        if not PERSONAL_RE.search(name) or (table, name) in ALLOWED:
            continue
        if isinstance(col.type, Sealed) or "personal" in col.info or "blind_index" in col.info:
            continue
        if NOT_VALUES.search(name) or col.foreign_keys:
            continue  # an id, a time or a kind about personal data, not the data itself
        problems.append(f"{model}.{name} (table {table}) looks like personal data but is neither "
                        "personal(...) nor info={'personal': ...}/{'blind_index': ...}")
    assert not problems, "\n".join(problems)


def test_every_personal_item_has_a_record_class_and_purposes():
    problems = []
    for item in REGISTRY.items.values():
        if item.record_class not in REGISTRY.record_classes:
            problems.append(f"item {item.key}: record class {item.record_class!r} not registered")
        for purpose in item.purposes:
            if purpose not in REGISTRY.purposes:
                problems.append(f"item {item.key}: purpose {purpose!r} not registered")
    assert not problems, "\n".join(problems)


def test_the_checks_catch_a_violation():
    """The walker itself works: a plaintext 'phone' column would be reported."""
    assert PERSONAL_RE.search("recipient_phone") and PERSONAL_RE.search("ip")
    assert PERSONAL_RE.search("address1_ct") and PERSONAL_RE.search("user_agent")
    assert not PERSONAL_RE.search("shipping_fee") and not PERSONAL_RE.search("description")
