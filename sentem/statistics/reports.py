"""What staff see of the statistics: the aggregate tables read, suppressed, charted, exported.

Everything published goes through ``suppression`` here, once: the screen, the charts
and the CSV read the same ``Cell`` values, so a hidden cell is hidden everywhere.
Charts are server-side SVG (``privacy.charts``); hidden cells are left out of them.
"""
from __future__ import annotations

import datetime as _dt
from collections import defaultdict

from sqlalchemy import select

from .. import clock
from ..privacy import labels
from ..extensions import db
from ..privacy.charts import BarChart
from ..shop import catalog
from . import subjects, suppression
from .models import StatCell, StatRun, StatSalesDaily, StatVisitsDaily
from .suppression import Cell

DAYS = 30  # the daily tables on screen
WEEKS = 12
DIMENSIONS = ("age_band", "region", "signup_month")
DECLARE_LABELS = labels.Declarations()  # applied by the package's init_app
DECLARE_LABELS.domain("stat_run_status", {"done": "완료", "running": "진행 중", "failed": "실패"})
DECLARE_LABELS.domain("stat_dimension", {"age_band": "연령대", "region": "지역(시/도)", "signup_month": "가입 월"})


def latest_run() -> StatRun | None:
    """The newest run of the job (any status)."""
    return db.session.execute(select(StatRun).order_by(StatRun.id.desc()).limit(1)).scalar_one_or_none()


def last_good_run() -> StatRun | None:
    """The newest run that finished (what the tables hold now)."""
    return db.session.execute(select(StatRun).where(StatRun.status == "done")
                              .order_by(StatRun.id.desc()).limit(1)).scalar_one_or_none()


def _since(days: int) -> _dt.date:
    return clock.today() - _dt.timedelta(days=days - 1)


def sales_by_day(days: int = DAYS) -> list[dict]:
    """Orders, quantity and amount per KST day of the last ``days`` days (newest last)."""
    totals: dict[_dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, orders, qty, amount in db.session.execute(
            select(StatSalesDaily.day, StatSalesDaily.orders, StatSalesDaily.quantity, StatSalesDaily.amount)
            .where(StatSalesDaily.day >= _since(days))):
        t = totals[day]
        t[0], t[1], t[2] = t[0] + orders, t[1] + qty, t[2] + int(amount)
    return [{"label": d.isoformat(), "orders": t[0], "quantity": t[1], "amount": t[2]}
            for d, t in sorted(totals.items())]


def sales_by_week(weeks: int = WEEKS) -> list[dict]:
    """The same per week (Monday to Sunday, KST), labelled by its Monday."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in sales_by_day(weeks * 7):
        day = _dt.date.fromisoformat(row["label"])
        t = out[(day - _dt.timedelta(days=day.weekday())).isoformat()]
        t[0], t[1], t[2] = t[0] + row["orders"], t[1] + row["quantity"], t[2] + row["amount"]
    return [{"label": k, "orders": t[0], "quantity": t[1], "amount": t[2]} for k, t in sorted(out.items())]


def sales_by_category(days: int = DAYS) -> list[dict]:
    """Orders, quantity and amount per category over the last ``days`` days."""
    titles = {c.id: c.title for c in catalog.categories()}
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cat, orders, qty, amount in db.session.execute(
            select(StatSalesDaily.category_id, StatSalesDaily.orders, StatSalesDaily.quantity,
                   StatSalesDaily.amount).where(StatSalesDaily.day >= _since(days))):
        t = out[cat]
        t[0], t[1], t[2] = t[0] + orders, t[1] + qty, t[2] + int(amount)
    return [{"label": titles.get(cat, "미분류"), "orders": t[0], "quantity": t[1], "amount": t[2]}
            for cat, t in sorted(out.items(), key=lambda kv: -kv[1][2])]


def visits(days: int = DAYS) -> list[dict]:
    """Logins and active members per day among countable members; small days hidden."""
    rows = db.session.execute(select(StatVisitsDaily).where(StatVisitsDaily.day >= _since(days))
                              .order_by(StatVisitsDaily.day)).scalars()
    out = []
    for r in rows:
        members = suppression.single(r.day.isoformat(), r.members)
        visits_cell = Cell(r.day.isoformat(), None, members.hidden) if members.hidden else Cell(r.day.isoformat(), r.visits)
        out.append({"label": r.day.isoformat(), "visits": visits_cell, "members": members})
    return out


def dimension(dim: str) -> tuple[list[Cell], Cell]:
    """Member counts of one dimension, in display order, suppressed with their total."""
    found = dict(db.session.execute(select(StatCell.value, StatCell.members)
                                    .where(StatCell.dimension == dim)).all())
    if dim == "age_band":
        order = list(subjects.AGE_BANDS)
    elif dim == "region":
        order = list(subjects.REGION_NAMES)
    else:
        order = sorted(found)
    return suppression.table([(label, int(found.get(label, 0))) for label in order])


def figures() -> dict[str, Cell]:
    """Counted members, buyers among them, and the repeat-purchase rate (per mille)."""
    found = dict(db.session.execute(select(StatCell.value, StatCell.members)
                                    .where(StatCell.dimension == "figure")).all())
    counted, buyers, repeat = (int(found.get(k, 0)) for k in ("counted", "buyers", "repeat"))
    return {"counted": suppression.single("집계 회원", counted),
            "buyers": suppression.share("구매 회원", buyers, counted),
            "repeat": suppression.share("재구매율", repeat, buyers)}


def chart(title: str, cells: list[Cell], unit: str = "") -> BarChart:
    """A bar chart of the shown cells (hidden ones are left out)."""
    return BarChart(title, [(c.label, c.value) for c in cells if c.hidden is None and c.value is not None],
                    unit=unit)


def page() -> dict:
    """Everything the statistics screen shows."""
    daily, weekly, by_cat = sales_by_day(), sales_by_week(), sales_by_category()
    visit_rows = visits()
    dims = {dim: dimension(dim) for dim in DIMENSIONS}
    charts = {
        "sales_day": BarChart("일별 매출(원)", [(r["label"][5:], r["amount"]) for r in daily]),
        "sales_week": BarChart("주별 매출(원)", [(r["label"][5:], r["amount"]) for r in weekly]),
        "sales_category": BarChart("분류별 매출(원)", [(r["label"], r["amount"]) for r in by_cat]),
        "visits": chart("일별 방문 회원", [r["members"] for r in visit_rows]),
        **{dim: chart(labels.korean("stat_dimension", dim), cells, "명") for dim, (cells, _t) in dims.items()},
    }
    return {"run": latest_run(), "good": last_good_run(), "daily": daily, "weekly": weekly,
            "by_category": by_cat, "visits": visit_rows, "dims": dims, "figures": figures(),
            "charts": charts, "dimensions": DIMENSIONS, "days": DAYS, "weeks": WEEKS}


def csv_rows() -> list[tuple]:
    """(표, 항목, 값) of every published figure, hidden cells as their marker."""
    rows: list[tuple] = []
    for r in sales_by_day():
        rows.append(("일별 매출", r["label"], r["amount"]))
    for r in sales_by_week():
        rows.append(("주별 매출", r["label"], r["amount"]))
    for r in sales_by_category():
        rows.append(("분류별 매출", r["label"], r["amount"]))
    for r in visits():
        rows.append(("일별 방문 회원", r["label"], r["members"].text))
        rows.append(("일별 로그인", r["label"], r["visits"].text))
    for dim in DIMENSIONS:
        label = labels.korean("stat_dimension", dim)
        cells, total = dimension(dim)
        rows.extend((label, c.label, c.text) for c in cells)
        rows.append((label, total.label, total.text))
    for cell in figures().values():
        rows.append(("지표", cell.label, _figure_text(cell)))
    return rows


def _figure_text(cell: Cell) -> str:
    if cell.hidden:
        return cell.hidden
    return f"{cell.value / 10:.1f}%" if cell.label != "집계 회원" else f"{cell.value:,}"
