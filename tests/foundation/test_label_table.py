"""One label table (issue 16): every code a page shows is labelled through ``sentem.privacy.labels``.

Features declare their domains at start-up (``labels.Declarations``, applied in ``init_app``);
no module keeps a code → label dict of its own, and what members read has English words."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import refresh

from sentem.privacy import labels

SENTEM = Path(__file__).resolve().parents[2] / "sentem"
_CODE = re.compile(r"^[a-z][a-z0-9_./:-]*$")
_HANGUL = re.compile(r"[가-힣]")
_SUSPECT_NAME = re.compile(r"(LABELS|_KO|TITLES)$")

# Dicts that look like code → Korean text but are not labels of stored codes.
ALLOWED = {
    # The register editor's form-field captions, keyed by form field names: never a stored code
    # and never shown as a code (the form prints the caption beside its own input).
    ("policy/admin.py", "LABELS"), ("policy/admin.py", "ENTRUSTMENT_LABELS"),
    # The permission table itself: a permission's description is part of its definition.
    ("staff/permissions.py", "PERMISSIONS"),
    # The destruction ledger's "method" column: a sentence stored in each ledger row (a legal
    # record that must not change when a label does), not a label looked up when shown.
    ("privacy/retention/ledger.py", "METHODS"),
    # Form fields → the "already in use" message of the signup check: messages, not labels.
    ("accounts/services.py", "IN_USE"),
    # Definitions whose label is one part beside behaviour: the hub's status groups (label and
    # the order statuses a group gathers), the product list's sorts (label and ORDER BY), the
    # role table (Korean/English role names beside the permission grants), the published
    # documents' titles and the 상품정보제공고시 presets (field captions per category kind).
    ("orders/summary.py", "GROUPS"), ("shop/catalog.py", "SORTS"), ("staff/permissions.py", "ROLES"),
    ("privacy/policy_versions.py", "TITLES"), ("shop/notices.py", "PRESETS"),
    # The suspension kinds' Korean and English labels, kept beside the kinds like the registry's
    # consents keep theirs: the source ``web.label_tables`` hands to the table's "consent" domain.
    ("privacy/suspension.py", "LABELS"),
}

# Domains members read (the rest are staff screens, which are Korean only).
MEMBER_DOMAINS = ("order", "payment", "payment_method", "cancel_kind", "cancel_status", "cancel_reason",
                  "guest_request_kind", "guest_request_outcome", "delivery", "shipment_status", "pickup",
                  "delivery_failure", "rights_kind", "rights_status", "rights_outcome", "rights_relation", "inquiry_category",
                  "inquiry_status", "member_status", "login_event", "screen")


def _text(node) -> str | None:
    """A string constant, or the string inside ``_l("…")``/``gettext("…")``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return node.args[0].value if isinstance(node.args[0].value, str) else None
    if isinstance(node, ast.Tuple) and node.elts:
        return _text(node.elts[0])
    return None


def _looks_like_labels(value) -> bool:
    if isinstance(value, ast.DictComp):
        return True
    if not isinstance(value, ast.Dict) or len(value.keys) < 2:
        return False
    keys = [k.value if isinstance(k, ast.Constant) else None for k in value.keys]
    texts = [_text(v) for v in value.values]
    return (all(isinstance(k, str) and _CODE.match(k) for k in keys)
            and all(t is not None and _HANGUL.search(t) for t in texts))


def own_label_dicts(root: Path = SENTEM) -> set[tuple[str, str]]:
    """(module, name) of every module-level code → label dict outside sentem/privacy/labels.py."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel == "privacy/labels.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) else []
            for target in targets:
                if not isinstance(target, ast.Name) or node.value is None:
                    continue
                is_dict = isinstance(node.value, (ast.Dict, ast.DictComp))
                if is_dict and (_SUSPECT_NAME.search(target.id) or _looks_like_labels(node.value)):
                    found.add((rel, target.id))
    return found


def test_no_module_keeps_its_own_code_label_dict():
    assert own_label_dicts() - ALLOWED == set()
    assert ALLOWED <= own_label_dicts(), "an allowed dict is gone: drop it from ALLOWED"


TEMPLATES = SENTEM.parent / "templates"
_TEMPLATE_DICT = re.compile(r"\{\s*'[a-z_]+'\s*:\s*'[^']*[가-힣]")


def test_no_template_keeps_its_own_code_label_dict():
    # ``{'done': '완료', …}.get(x)`` in a template is a label table of its own: use ``x|label('…')``.
    found = {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")
             if _TEMPLATE_DICT.search(path.read_text(encoding="utf-8"))}
    assert found == set()
    assert _TEMPLATE_DICT.search("{{ {'grant': '부여', 'revoke': '말소'}[c.kind] }}")


def test_the_scan_catches_a_feature_label_dict(tmp_path):
    (tmp_path / "feature.py").write_text(
        'EVENT_LABELS = {"shipped": "발송"}\n'
        'WORDS = {"open": _l("답변 대기"), "closed": _l("종료")}\n'
        'LIMITS = {"name": 20, "memo": 100}\n'
        'STATUS = {"DONE": "approved", "READY": "pending"}\n', encoding="utf-8")
    assert own_label_dicts(tmp_path) == {("feature.py", "EVENT_LABELS"), ("feature.py", "WORDS")}


def test_features_declare_their_domains_in_the_one_table(app):
    with app.app_context():
        known = labels.tables()
        for namespace in (*MEMBER_DOMAINS, "access_action", "retention_action", "duty_status", "duty_kind",
                          "retention_start", "retention_on_withdrawal", "review_finding", "audit_section",
                          "audit_figure", "audit_column", "stat_dimension", "stat_run_status", "actor_kind",
                          "system_actor", "role_change", "marketing_skip", "marketing_outcome", "rights_channel",
                          "consent", "record_class"):
            assert known.get(namespace), namespace
        assert labels.label("return_picked_up", "delivery") == "반품 회수 완료"
        assert labels.label("absent", "delivery_failure") == "수취인 부재"
        assert labels.label("members.view", "access_action") == "회원 상세 조회"
        assert labels.label("archive_move", "retention_action") == "분리보관 이전"
        assert labels.korean("order", "payment_failed") == "결제 실패"
        assert labels.label("no_such_code", "order") == "no_such_code"


def test_member_domains_read_in_english(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        untranslated = {(ns, code) for ns in MEMBER_DOMAINS for code in labels.codes(ns)
                        if _HANGUL.search(labels.label(code, ns))}
    assert untranslated == set()
    with app.test_request_context():
        refresh()  # the language is cached per context: read it again for this Korean request
        assert labels.label("shipped", "shipment_status") == "배송 중"


def test_a_namespace_declared_twice_with_other_labels_is_refused():
    app = Flask(__name__)
    first, second = labels.Declarations(), labels.Declarations()
    first.domain("demo", {"open": "열림"})
    second.domain("demo", {"open": "닫힘"})
    first.apply(app)
    first.apply(app)  # applying the same declarations again is harmless
    with pytest.raises(ValueError, match="demo"):
        second.apply(app)
