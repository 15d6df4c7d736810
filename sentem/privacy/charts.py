"""Charts drawn on the server as inline SVG (no JavaScript; the CSP allows no inline scripts).

Styling is by SVG presentation attributes and classes from ``sentem.css``, never
``style=`` attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class BarChart:
    """Vertical bars with a label under each and the value above it (labels turned when they
    would not fit side by side)."""

    title: str
    bars: list[tuple[str, int]] = field(default_factory=list)
    width: int = 640
    height: int = 220
    unit: str = ""

    def svg(self) -> Markup:
        n = max(len(self.bars), 1)
        top, bottom, left = 24, 40, 8
        slot = (self.width - left * 2) / n
        widest = max([_text_width(label, 11) for label, _ in self.bars] + [0])
        # Labels wider than their slot are turned 40°, with room below, so neighbours never overlap.
        step = 1 if n <= 16 else max(n // 8, 1)  # with many bars, every step-th is labelled
        rotate = widest > slot * step - 4
        if rotate:
            bottom = 16 + round(min(widest, 140) * 0.65)
        height = self.height + (bottom - 40)
        spill = round(min(widest, 140) * 0.77) if rotate else 0  # the first turned label reaches left
        plot_h = self.height - top - 40
        bar_w = max(slot * 0.7, 2)
        peak = max([v for _, v in self.bars] + [1])
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
                 f'viewBox="{-spill} 0 {self.width + spill} {height}" width="100%" '
                 f'aria-label="{escape(self.title)}">',
                 f'<title>{escape(self.title)}</title>',
                 f'<line x1="{left}" y1="{top + plot_h}" x2="{self.width - left}" y2="{top + plot_h}" '
                 f'stroke="#c9c9ce" stroke-width="1"/>']
        for i, (label, value) in enumerate(self.bars):
            h = round(plot_h * (value / peak)) if peak else 0
            x = left + i * slot + (slot - bar_w) / 2
            y = top + plot_h - h
            cx = x + bar_w / 2
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y}" width="{bar_w:.1f}" height="{h}" '
                         f'fill="#3056d3"><title>{escape(label)}: {value}{escape(self.unit)}</title></rect>')
            parts.append(f'<text x="{cx:.1f}" y="{y - 4}" text-anchor="middle" font-size="11" '
                         f'fill="#333">{value}</text>')
            if i % step == 0:
                ly = top + plot_h + 16
                turn = (f' text-anchor="end" transform="rotate(-40 {cx:.1f} {ly})"' if rotate
                        else ' text-anchor="middle"')
                parts.append(f'<text x="{cx:.1f}" y="{ly}"{turn} font-size="11" fill="#595959">'
                             f'{escape(_fit(label, 11, 140) if rotate else label)}</text>')
        if not self.bars:
            parts.append(f'<text x="{self.width / 2}" y="{top + plot_h / 2}" text-anchor="middle" '
                         f'font-size="13" fill="#666">자료 없음</text>')
        parts.append("</svg>")
        return Markup("".join(parts))


def _text_width(text: str, size: int) -> float:
    """Rough rendered width: Hangul and other wide characters take about a full em, the rest ~0.6."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _fit(text: str, size: int, room: float) -> str:
    """``text`` cut with "…" so that it fits in ``room`` pixels."""
    if _text_width(text, size) <= room:
        return text
    while text and _text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


@dataclass
class HorizontalBarChart:
    """One row per bar, its label on the left and its value at the bar's end: labels sit on
    their own lines, so however long or many they are they never overlap."""

    title: str
    bars: list[tuple[str, int]] = field(default_factory=list)
    width: int = 640
    row: int = 28
    unit: str = ""

    def svg(self) -> Markup:
        size, pad = 13, 8
        label_room = min(max([_text_width(label, size) for label, _ in self.bars] + [40]) + pad, self.width * 0.45)
        value_room = max([_text_width(f"{v}{self.unit}", size) for _, v in self.bars] + [20]) + pad
        plot_w = self.width - label_room - value_room - pad
        height = max(len(self.bars), 1) * self.row + pad * 2
        peak = max([v for _, v in self.bars] + [1])
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
                 f'viewBox="0 0 {self.width} {height}" width="100%" aria-label="{escape(self.title)}">',
                 f'<title>{escape(self.title)}</title>']
        for i, (label, value) in enumerate(self.bars):
            y = pad + i * self.row
            mid = y + self.row / 2
            w = round(plot_w * value / peak, 1) if peak else 0
            parts.append(f'<text x="{label_room - pad:.1f}" y="{mid + 4:.1f}" text-anchor="end" font-size="{size}" '
                         f'fill="#333">{escape(_fit(label, size, label_room - pad))}</text>')
            parts.append(f'<rect class="bar" x="{label_room:.1f}" y="{y + 5}" width="{w}" height="{self.row - 10}" '
                         f'fill="#3056d3"><title>{escape(label)}: {value}{escape(self.unit)}</title></rect>')
            parts.append(f'<text x="{label_room + w + 6:.1f}" y="{mid + 4:.1f}" font-size="{size}" '
                         f'fill="#1d1d1f">{value}{escape(self.unit)}</text>')
        if not self.bars:
            parts.append(f'<text x="{self.width / 2}" y="{height / 2 + 4}" text-anchor="middle" '
                         f'font-size="{size}" fill="#666">자료 없음</text>')
        parts.append("</svg>")
        return Markup("".join(parts))
