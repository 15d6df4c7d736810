"""The "everything held about me" rows (the export's, unchanged) as a person reads them on
/me/data: codes through the label table, amounts as ``18,000원``.

The JSON/CSV downloads keep the stored values; only the page translates them.
"""
from __future__ import annotations

import re

from .. import formats
from ..privacy import labels

# (record class, column) → label namespace; a column alone applies to every record class.
COLUMNS: dict[tuple[str | None, str], str] = {
    (None, "동의 종류"): "consent", (None, "화면"): "screen", (None, "결제 수단"): "payment_method",
    (None, "결제대행"): "gateway", ("payments", "상태"): "payment", ("cancellations_refunds", "상태"): "cancel_status",
    (None, "구분"): "login_event",
}
# Columns whose text carries codes among other words ("YYYY-MM-DD HH:MM code; …",
# "CJ대한통운 123 (shipped)"): each lower-case code word is labelled. Never a personal value.
HISTORIES = {"상태 변경": "payment", "배송 상태 이력": "delivery", "발송": "delivery", "반품 회수": "pickup"}
AMOUNT_COLUMNS = ("배송비", "부가세")
_TOKEN = re.compile(r"\b([a-z][a-z_]+)\b")


def _namespace(rc_key: str, column: str) -> str | None:
    return COLUMNS.get((rc_key, column)) or COLUMNS.get((None, column))


def cell(rc_key: str, column: str, value):
    """One value as the page shows it."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and (column.endswith("금액") or column in AMOUNT_COLUMNS):
        return formats.won(value)
    if not isinstance(value, str) or not value:
        return value
    if column in HISTORIES:
        return _TOKEN.sub(lambda m: labels.label(m.group(1), HISTORIES[column]), value)
    namespace = _namespace(rc_key, column)
    return labels.label(value, namespace) if namespace else value


def rows(rc_key: str, raw: list[dict]) -> list[dict]:
    """``raw`` rows with every cell as the page shows it."""
    return [{column: cell(rc_key, column, v) for column, v in row.items()} for row in raw]
