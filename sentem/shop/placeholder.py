"""A generated product picture for products without an uploaded image.

Deterministic per product (a hash of its id and title): a soft two-tone gradient, a
few overlapping shapes in the same family of colours, and the product's title set
small at the foot — a calm tile that tells products apart without pretending to be
a photo. Pure SVG text; the title is escaped.
"""
from __future__ import annotations

import hashlib
import io

from markupsafe import escape
from PIL import Image, ImageDraw

# (background from, background to, shape colour) families, muted so the title stays readable.
FAMILIES = (
    ("#eef3fb", "#d5e2f5", "#2b59c3"), ("#eef8f1", "#d3ecdc", "#1e8449"), ("#fbf5ea", "#f1e0c2", "#b9770e"),
    ("#f5effa", "#e3d5ef", "#7d3c98"), ("#fbefee", "#f2d6d3", "#b03a2e"), ("#edf7f5", "#cfe9e4", "#117a65"),
    ("#f1f3f5", "#dde2e7", "#4d5d6d"), ("#fcf1ea", "#f3d9c7", "#a04000"),
)
W, H = 600, 400


def _digest(product) -> bytes:
    return hashlib.sha256(f"{product.id}:{product.title}".encode()).digest()


def _shapes(d: bytes, colour: str) -> str:
    out = []
    for i in range(4):
        x, y = 80 + d[i] * 440 // 255, 60 + d[i + 4] * 220 // 255
        size = 50 + d[i + 8] % 90
        opacity = (12 + d[i + 12] % 18) / 100
        if d[i + 16] % 3 == 0:
            out.append(f'<rect x="{x - size // 2}" y="{y - size // 2}" width="{size}" height="{size}" rx="{size // 5}" '
                       f'fill="{colour}" fill-opacity="{opacity}" transform="rotate({d[i + 20] % 45} {x} {y})"/>')
        else:
            out.append(f'<circle cx="{x}" cy="{y}" r="{size // 2}" fill="{colour}" fill-opacity="{opacity}"/>')
    return "".join(out)


def svg(product) -> str:
    """The SVG document for ``product`` (id, title, category)."""
    d = _digest(product)
    start, end, colour = FAMILIES[d[0] % len(FAMILIES)]
    title = str(product.title or "")
    shown = escape(title if len(title) <= 18 else title[:17] + "…")
    shelf = escape(product.category.title) if getattr(product, "category", None) is not None else ""
    gid = f"g{product.id}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img">'
            f'<defs><linearGradient id="{gid}" x1="0" y1="0" x2="1" y2="1">'
            f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/></linearGradient></defs>'
            f'<rect width="{W}" height="{H}" fill="url(#{gid})"/>{_shapes(d, colour)}'
            f'<rect x="0" y="{H - 92}" width="{W}" height="92" fill="#ffffff" fill-opacity="0.72"/>'
            f'<text x="32" y="{H - 52}" font-size="30" font-weight="600" fill="#1f2933" '
            f'font-family="Pretendard, \'Noto Sans KR\', \'Apple SD Gothic Neo\', sans-serif">{shown}</text>'
            f'<text x="32" y="{H - 22}" font-size="18" fill="{colour}" '
            f'font-family="Pretendard, \'Noto Sans KR\', \'Apple SD Gothic Neo\', sans-serif">{shelf}</text></svg>')


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def png(product) -> bytes:
    """The same design as a PNG without the text (the demo seed uploads it as the product's photo)."""
    d = _digest(product)
    start, end, colour = (_rgb(c) for c in FAMILIES[d[0] % len(FAMILIES)])
    img = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(img, "RGBA")
    for y in range(H):
        t = y / (H - 1)
        draw.line([(0, y), (W, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(start, end)))
    for i in range(5):
        x, y = 60 + d[i] * 480 // 255, 50 + d[i + 5] * 300 // 255
        r = 30 + d[i + 10] % 70
        alpha = 40 + d[i + 15] % 60
        box = [x - r, y - r, x + r, y + r]
        if d[i + 20] % 3 == 0:
            draw.rounded_rectangle(box, radius=r // 3, fill=(*colour, alpha))
        else:
            draw.ellipse(box, fill=(*colour, alpha))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
