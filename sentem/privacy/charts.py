"""Charts drawn on the server as inline SVG (no JavaScript; the CSP allows no inline scripts).

Styling is by SVG presentation attributes and classes from ``sentem.css``, never
``style=`` attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass
class BarChart:
    """Vertical bars with a label under each and the value above it."""

    title: str
    bars: list[tuple[str, int]] = field(default_factory=list)
    width: int = 640
    height: int = 220
    unit: str = ""

    def svg(self) -> Markup:
        n = max(len(self.bars), 1)
        top, bottom, left = 24, 40, 8
        plot_h = self.height - top - bottom
        slot = (self.width - left * 2) / n
        bar_w = max(slot * 0.7, 2)
        peak = max([v for _, v in self.bars] + [1])
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
                 f'viewBox="0 0 {self.width} {self.height}" width="100%" '
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
            if n <= 16 or i % max(n // 8, 1) == 0:
                parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                             f'font-size="11" fill="#666">{escape(label)}</text>')
        if not self.bars:
            parts.append(f'<text x="{self.width / 2}" y="{top + plot_h / 2}" text-anchor="middle" '
                         f'font-size="13" fill="#666">자료 없음</text>')
        parts.append("</svg>")
        return Markup("".join(parts))
