"""Justified bulk downloads: a role, a reason, a fresh re-authentication, an access-log row
with the row count. Other areas (orders) build their CSV with ``csv_response``.

Usage in a view (POST, decorated with ``guard.require("x.download")`` and
``guard.reauth_required``)::

    reason = downloads.reason_or_none(form)          # None → re-render with the error
    return downloads.csv_response("orders.csv", header, rows, kind="orders", reason=reason)
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from flask import Response

from .. import clock
from ..extensions import db
from ..privacy import access_log
from . import guard


def reason_or_none(form) -> str | None:
    """The form's stripped ``reason`` when it validates and is not blank, else None
    (the form then carries a Korean error beside the field)."""
    if not form.validate_on_submit():
        return None
    reason = guard.clean_reason(form.reason.data)
    if reason is None:
        form.reason.errors = list(form.reason.errors) + ["사유를 입력해 주세요(공백만으로는 안 됩니다)."]
    return reason


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> tuple[str, int]:
    """CSV text (UTF-8 BOM so spreadsheet programs read Korean) and the data row count."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
        count += 1
    return buf.getvalue(), count


def _safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading =, +, - or @ gets a quote."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text.lstrip("-").isdigit() else text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *, kind: str,
                 reason: str, member_id: int | None = None) -> Response:
    """Build the CSV, log the download (staff, reason, row count) and commit, then answer it."""
    if not guard.clean_reason(reason):
        raise ValueError("a download needs a reason")
    body, count = to_csv(header, rows)
    staff = guard.current_staff()
    access_log.record("download", staff_id=staff.id if staff else None, member_id=member_id,
                      reason=reason, detail=f"{kind} {filename} rows={count}")
    db.session.commit()
    stamp = clock.to_kst(clock.now()).strftime("%Y%m%d-%H%M")
    name = filename.replace(".csv", f"-{stamp}.csv")
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
