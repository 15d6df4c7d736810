"""Small-cell suppression (k = 5), including differencing.

The rule, for every figure the statistics publish (screens and CSV alike):

1. **Primary**: a cell counting 1 to 4 members is not shown (it reads "<5"). Zero is
   shown: it says nothing about anybody.
2. **Complementary** (differencing within a table): a table whose total is published
   lets anyone subtract the shown cells from the total. So the hidden cells of a table
   must together hold at least 5 members and be at least two: while they are fewer, or
   sum to less than 5, the smallest shown non-zero cell is hidden too (it reads
   "비공개"). When nothing is left to hide, the total is hidden as well; a total below
   5 hides the whole table.
3. **Differencing across filters** (audiences): a count is also hidden when it differs
   by 1 to 4 from a neighbouring count staff can see — the audience without any filter,
   or with any one filter dropped — because the difference would be a small cell.
4. **Shares** (repeat-purchase rate): shown only when the whole counts 5 or more and
   neither the part nor its complement counts 1 to 4.

A cell hidden here is hidden in the CSV download too: both read ``table``.
"""
from __future__ import annotations

from dataclasses import dataclass

K = 5
SMALL = "<5"
COMPLEMENT = "비공개"


@dataclass(frozen=True)
class Cell:
    """One published figure: ``value`` when shown, else ``hidden`` says why ("<5" or "비공개")."""

    label: str
    value: int | None
    hidden: str | None = None

    @property
    def text(self) -> str:
        return self.hidden or f"{self.value:,}"


def table(counts: list[tuple[str, int]]) -> tuple[list[Cell], Cell]:
    """The cells of a one-dimensional table and its total, suppressed by rules 1 and 2."""
    total = sum(n for _, n in counts)
    hidden = {label: SMALL for label, n in counts if 0 < n < K}
    if 0 < total < K:
        return [Cell(label, None, SMALL) if n else Cell(label, 0) for label, n in counts], Cell("합계", None, SMALL)
    while hidden and (len(hidden) < 2 or sum(n for label, n in counts if label in hidden) < K):
        shown = sorted((n, label) for label, n in counts if label not in hidden and n > 0)
        if not shown:
            break
        hidden[shown[0][1]] = COMPLEMENT
    total_hidden = None
    if hidden and sum(n for label, n in counts if label in hidden) < K:
        total_hidden = COMPLEMENT  # everything hidden and still recoverable: hide the total too
    cells = [Cell(label, None, hidden[label]) if label in hidden else Cell(label, n) for label, n in counts]
    return cells, Cell("합계", None if total_hidden else total, total_hidden)


def single(label: str, n: int) -> Cell:
    """A count with no published total around it (rule 1 only)."""
    return Cell(label, None, SMALL) if 0 < n < K else Cell(label, n)


def audience(n: int, neighbours: list[int]) -> Cell:
    """An audience size, hidden by rules 1 and 3 against the ``neighbours`` staff can see."""
    if 0 < n < K:
        return Cell("대상", None, SMALL)
    if any(0 < abs(other - n) < K for other in neighbours):
        return Cell("대상", None, COMPLEMENT)
    return Cell("대상", n)


def share(label: str, part: int, whole: int) -> Cell:
    """A percentage of ``part`` in ``whole`` (rule 4); the value is per mille for one decimal."""
    if whole < K or 0 < part < K or 0 < whole - part < K:
        return Cell(label, None, SMALL)
    return Cell(label, round(part * 1000 / whole))
