"""Turn a policy snapshot (JSON) into what the policy template shows, in one language.

The template never holds facts: every number and name comes from the snapshot, which
comes from the registry and the registers.
"""
from __future__ import annotations

CHANNELS = ("signup", "guest_order", "consultation", "delivery", "automatic")


def _pick(d: dict, field: str, lang: str) -> str:
    """``d[field_en]`` in English when present and non-empty, else the Korean value."""
    if lang == "en" and d.get(f"{field}_en"):
        return d[f"{field}_en"]
    return d.get(f"{field}_ko", d.get(field, ""))


def build(content: dict, lang: str = "ko") -> dict:
    """A language-resolved view of a snapshot for ``templates/policy/_policy.html``."""
    label = "en" if lang == "en" else "ko"
    classes = content.get("record_classes", [])
    # Records kept about staff (on_withdrawal "keep") are not the customers' data: they are
    # listed apart, under the safety measures they serve, and left out of the item lists.
    staff_classes = {rc["key"] for rc in classes if rc.get("on_withdrawal") == "keep"}
    all_items = content.get("items", [])
    items = [i for i in all_items if i.get("record_class") not in staff_classes]
    by_class: dict[str, list[str]] = {}
    for i in all_items:
        by_class.setdefault(i.get("record_class"), []).append(i[label])
    signup = [i for i in items if i.get("collected_via", "signup") == "signup"]

    def rc_view(rc):
        return {"label": rc[label], "basis": _pick(rc, "legal_basis", lang), "retention": _pick(rc, "retention", lang),
                "years": rc.get("retention_years"), "on_withdrawal": rc.get("on_withdrawal"),
                "items": by_class.get(rc["key"], [])}

    return {
        "purposes": [p[label] for p in content.get("purposes", [])],
        "purpose_details": [{"label": p[label], "detail": _pick(p, "detail", lang) if p.get("detail_ko") else ""}
                            for p in content.get("purposes", [])],
        "required": [i[label] for i in signup if i.get("required")],
        "optional": [i[label] for i in signup if not i.get("required")],
        "policy_encrypted_required": [i[label] for i in items if i.get("policy_encrypted") and i.get("required")],
        "policy_encrypted_optional": [i[label] for i in items
                                      if i.get("policy_encrypted") and not i.get("required")],
        # The customers' personal items (the staff's are listed under safety measures).
        "all_encrypted": all(i.get("encrypted") for i in items if not i.get("hashed")),
        "hashed": [i[label] for i in items if i.get("hashed")],
        "by_channel": {ch: [i[label] for i in items if i.get("collected_via") == ch] for ch in CHANNELS},
        "collected_fields": [i[label] for i in items],
        "record_classes": [rc_view(rc) for rc in classes if rc["key"] not in staff_classes],
        "staff_record_classes": [rc_view(rc) for rc in classes if rc["key"] in staff_classes],
        "entrustees": [{"name": e["name"], "tasks": _pick(e, "tasks", lang), "items": _pick(e, "items", lang),
                        "period": _pick(e, "period", lang)} for e in content.get("entrustees", [])],
        "remedies": [{"name": _pick(r, "name", lang), "task": _pick(r, "task", lang), "phone": r["phone"],
                      "site": r["site"]} for r in content.get("remedies", [])],
        "cookies": [{"name": c["name"], "purpose": _pick(c, "purpose", lang), "period": _pick(c, "period", lang)}
                    for c in content.get("cookies", [])],
        "encrypted": [i[label] for i in items if i.get("encrypted") and not i.get("hashed")],
        "not_encrypted": [i[label] for i in items if not i.get("encrypted") and not i.get("hashed")],
        "provisions": [{"recipient": p["recipient"], "purpose": _pick(p, "purpose", lang),
                        "items": _pick(p, "items", lang), "period": _pick(p, "period", lang),
                        "basis": _pick(p, "basis", lang)} for p in content.get("provisions", [])],
        "officer": content.get("officer") or {},
        "destruction_days": content.get("destruction_deadline_days"),
        "notice_days": content.get("notice_days"),
        "rights_days": content.get("rights_answer_days"),
    }


def as_lines(content: dict) -> list[str]:
    """The snapshot as readable Korean lines, one fact a line (for the version diff)."""
    v = build(content, "ko")
    lines = [f"처리 목적: {p['label']}" + (f" ({p['detail']})" if p["detail"] else "") for p in v["purpose_details"]]
    lines += [f"필수 항목: {x}" for x in v["required"]]
    lines += [f"선택 항목: {x}" for x in v["optional"]]
    lines += [f"암호화 항목: {x}" for x in v["policy_encrypted_required"] + v["policy_encrypted_optional"]]
    lines += [f"보유 기간: {rc['label']} — {rc['retention']} ({rc['basis']})"
              for rc in v["record_classes"] + v["staff_record_classes"]]
    lines += [f"위탁: {e['name']} — {e['tasks']}" + (f" — {e['items']}" if e["items"] else "") + f" — {e['period']}"
              for e in v["entrustees"]]
    lines += [f"권익침해 구제: {r['name']} {r['phone']} {r['site']}" for r in v["remedies"]]
    lines += [f"쿠키: {c['name']} — {c['purpose']} — {c['period']}" for c in v["cookies"]]
    lines += [f"제3자 제공: {p['recipient']} — {p['purpose']} — {p['items']} — {p['period']} ({p['basis']})"
              for p in v["provisions"]] or ["제3자 제공: 없음"]
    o = v["officer"]
    if o:
        lines.append(f"개인정보보호책임자: {o.get('name')} {o.get('title')} {o.get('phone')}")
        lines.append(f"담당 부서: {o.get('department')} {o.get('department_contact')} {o.get('department_phone')}")
    lines.append(f"파기 기한: {v['destruction_days']}일 이내")
    lines.append(f"변경 고지: 시행 {v['notice_days']}일 전")
    return lines
