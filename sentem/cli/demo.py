"""``flask demo seed``: a demo catalog, one demo staff account per role and demo shoppers (idempotent)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..shop import images, notices, placeholder
from ..shop.models import Category, Product
from ..staff.services import create_staff, find_by_login_id
from ..statistics import build as statistics_build
from . import demo_shoppers

# (slug, title, 상품정보제공고시 preset of ``shop.notices``)
CATEGORIES = (
    ("living", "생활용품", "other"),
    ("kitchen", "주방", "kitchen"),
    ("stationery", "문구", "stationery"),
    ("outdoor", "아웃도어", "sports"),
)

# (category slug, title, price in won, stock, featured, description)
PRODUCTS = (
    ("living", "왓플래닛 머그컵", 12000, 120, True, "매일 쓰기 좋은 350ml 도자기 머그."),
    ("living", "면 손수건 3장 세트", 9900, 200, False, "부드러운 면 100% 손수건."),
    ("living", "향초 (무화과)", 18000, 60, True, "은은한 무화과 향, 약 40시간."),
    ("living", "수건 2장 세트", 15000, 80, False, "두툼한 40수 호텔 수건."),
    ("kitchen", "스테인리스 텀블러", 25000, 90, True, "보온 6시간, 보냉 12시간."),
    ("kitchen", "나무 도마", 22000, 40, False, "원목 통판 도마, 중간 크기."),
    ("kitchen", "실리콘 주걱", 6500, 150, False, "열에 강한 실리콘 주걱."),
    ("kitchen", "유리 밀폐용기 3종", 19800, 70, False, "오븐·전자레인지 사용 가능."),
    ("stationery", "줄 노트 A5", 4500, 300, True, "80매 무선 제본 노트."),
    ("stationery", "젤 펜 5색 세트", 7000, 250, False, "부드럽게 써지는 0.5mm 젤 펜."),
    ("stationery", "가죽 북커버", 32000, 30, False, "A5 노트용 소가죽 커버."),
    ("outdoor", "접이식 캠핑 의자", 45000, 25, True, "1.2kg 초경량 접이식 의자."),
    ("outdoor", "방수 파우치", 11000, 100, False, "IPX6 방수 지퍼 파우치."),
    ("outdoor", "보온 도시락", 28000, 50, False, "3단 보온 도시락."),
)

STAFF_ROLES = ("privacy_officer", "privacy_handler", "order_staff", "shipping_staff", "support_staff", "auditor",
               "marketing_staff", "catalog_staff")


def _notice(labels: list[str], title: str, phone: str) -> dict:
    """Demo 고시 values: the model name, origin, maker and after-sales contact; the rest left to the page."""
    known = {"품명 및 모델명": title, "제조국": "대한민국", "제조국 또는 원산지": "대한민국",
             "A/S 책임자와 전화번호": f"왓플래닛 고객센터 {phone}"}
    values = {label: known[label] for label in labels if label in known}
    values.update({label: "왓플래닛(대한민국)" for label in labels if label.startswith("제조자")})
    return values


def seed_catalog() -> tuple[int, int]:
    """Add missing demo categories and products (by slug / title), with 고시 items and generated photos.

    Returns (categories, products) added. Categories without 고시 items get their preset's.
    """
    added_c = added_p = 0
    by_slug = {c.slug: c for c in Category.query.all()}
    for pos, (slug, title, preset) in enumerate(CATEGORIES, start=1):
        if slug not in by_slug:
            by_slug[slug] = Category(slug=slug, title=title, position=pos)
            db.session.add(by_slug[slug])
            added_c += 1
        if not by_slug[slug].notice_fields:
            by_slug[slug].notice_fields = notices.preset_fields(preset)
    db.session.flush()
    existing = {t for (t,) in db.session.query(Product.title).all()}
    phone = current_app.config.get("BUSINESS_PHONE", "")
    for slug, title, price, stock, featured, description in PRODUCTS:
        if title not in existing:
            product = Product(category_id=by_slug[slug].id, title=title, price=price, stock=stock, featured=featured,
                              description=description, active=True,
                              notice=_notice(by_slug[slug].notice_fields, title, phone))
            db.session.add(product)
            db.session.flush()
            product.category = by_slug[slug]
            images.store(product, placeholder.png(product))
            added_p += 1
    db.session.commit()
    return added_c, added_p


def seed_staff() -> list[tuple[str, str, str | None, str | None]]:
    """One demo staff account per role: (role, login, password, totp secret); None when it already existed."""
    out = []
    for role in STAFF_ROLES:
        login = f"demo-{role.replace('_', '-')}"
        if find_by_login_id(login) is not None:
            out.append((role, login, None, None))
            continue
        _staff, password, secret = create_staff(login, role)
        out.append((role, login, password, secret))
    return out


@click.group("demo")
def demo_group():
    """Demo data for trying Sentem out."""


@demo_group.command("seed")
@click.option("--shoppers/--no-shoppers", default=True, show_default=True,
              help="Also sign up demo shoppers with eight weeks of history (never in production).")
@with_appcontext
def seed_command(shoppers: bool):
    """Add a demo catalog, demo staff accounts (one per role) and demo shoppers; safe to run twice."""
    cats, prods = seed_catalog()
    click.echo(f"catalog: {cats} categories and {prods} products added "
               f"({len(CATEGORIES)} categories, {len(PRODUCTS)} products in the demo set)")
    if shoppers:
        _seed_shoppers()
    staff = seed_staff()
    if not staff:
        click.echo("staff: the staff area is not installed in this build; no demo staff created")
        return
    click.echo("staff accounts (sign in at /admin/login; add the TOTP secret to an authenticator app):")
    for role, login, password, secret in staff:
        if password is None:
            click.echo(f"  {role:16} {login:28} (already exists; password not shown again)")
        else:
            click.echo(f"  {role:16} {login:28} password: {password}  TOTP secret: {secret}")


def _seed_shoppers() -> None:
    if current_app.config.get("SENTEM_ENV") == "production":
        click.echo(f"shoppers: {demo_shoppers.REFUSED_IN_PRODUCTION}")
        return
    added = demo_shoppers.seed_shoppers()
    click.echo(f"shoppers: {added} demo members added with eight weeks of visits and orders "
               f"({demo_shoppers.COUNT} in the demo set; logins demoshopper01..{demo_shoppers.COUNT:02d}, "
               f"password {demo_shoppers.PASSWORD})")
    if added:  # build the statistics now rather than at night, so the staff charts show the demo
        row = statistics_build.run()
        click.echo(f"statistics: built ({row.status if row else 'another run was building'})")


COMMANDS = (demo_group,)

