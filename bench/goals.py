"""The goal table: each bench records its headline figures next to their goals, and
``python -m bench`` prints them together at its end, so one run shows every figure of the
performance issue against its goal.

A bench records through ``record``; the lines go to the file named by ``BENCH_GOALS_FILE``
(``python -m bench`` sets it, benches in subprocesses inherit it). A bench started on its
own (``python bench/bench_x.py``) records nothing and prints only its own output.
"""
from __future__ import annotations

import json
import os

FILE_VAR = "BENCH_GOALS_FILE"


def record(figure: str, measured: str, goal: str, met: bool) -> None:
    """One row: what was measured (``measured``, already formatted) against ``goal``."""
    path = os.environ.get(FILE_VAR)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"figure": figure, "measured": measured, "goal": goal, "met": bool(met)},
                           ensure_ascii=False) + "\n")


def ratio(figure: str, value: float, goal: float, at_least: bool = True) -> None:
    """A ratio row: ``value`` against ``>= goal`` (or ``<= goal`` with ``at_least=False``)."""
    met = value >= goal if at_least else value <= goal
    # Three decimals: a ratio just short of its goal must not print as the goal itself.
    record(figure, f"{value:.3f}x", f"{'>=' if at_least else '<='} {goal}x", met)


def table(path: str) -> list[str]:
    """The recorded rows as aligned text lines (figure, measured, goal, met or not)."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        rows = []
    if not rows:
        return ["  (no figures recorded)"]
    width = max(len(r["figure"]) for r in rows)
    lines = [f"  {'figure':<{width}}  {'measured':>14}  {'goal':>10}  met"]
    for r in rows:
        lines.append(f"  {r['figure']:<{width}}  {r['measured']:>14}  {r['goal']:>10}  "
                     f"{'yes' if r['met'] else 'NO'}")
    met = sum(r["met"] for r in rows)
    lines.append(f"  {met} of {len(rows)} goals met")
    return lines
