"""The destruction proofs' shared scenario and checks (PostgreSQL and SQLite).

A member signs up, orders (one order delivered, one cancelled) and asks a question;
another member stays. The checks open restored copies with the shop's *current*
secrets (its instance folder: master keys and root file) and look for any of the
member's plaintext, in decrypted values and in raw bytes.
"""
from __future__ import annotations

import contextlib
import datetime as _dt

from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.security import aead, buckets, datakeys
from sentem.security.fields import Sealed
from tests.retention import scan

PERSON = {"login_id": "proofgone88", "name": "파기증명인", "email": "proof-gone-88@example.com",
          "mobile": "010-8888-2468", "address1": "대구광역시 수성구 파기로 88", "address2": "증명동 808호",
          "home_phone": "053-888-2468"}
DELIVERY = {"recipient_name": "파기수령인", "recipient_phone": "010-9999-1357", "postcode": "42088",
            "address1": "대구광역시 수성구 수령길 99", "address2": "수령타워 909호", "delivery_memo": "문앞"}
INQUIRY = "파기증명 문의 본문: 배송지 변경 가능한가요"
STAYER = {"login_id": "proofstays77", "name": "남는증명인", "email": "proof-stays-77@example.com"}


@contextlib.contextmanager
def migrated_shop(instance: str, urls: dict, **overrides):
    """A Sentem app on ``urls`` (three databases), migrated, its context pushed and the
    clock frozen as in the suite; jobs in-process."""
    from sentem.cli.init import run_init
    from tests.conftest import FROZEN_AT

    clock.freeze(FROZEN_AT)
    try:
        with opened_with(instance, urls, **overrides) as app:
            run_init()
            yield app
    finally:
        clock.unfreeze()


@contextlib.contextmanager
def opened_with(instance: str, urls: dict, **overrides):
    """An app on ``urls`` (restored copies, say) with the secrets of ``instance``, its
    context pushed (inside whatever context is current; the clock is left alone)."""
    from sentem import create_app
    from tests.conftest import base_config

    cfg = base_config(instance)
    cfg.update(urls, SENTEM_REDIS_URL=None)
    cfg.update(overrides)
    app = create_app(cfg)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def sqlite_urls(folder: str) -> dict:
    """The three databases as SQLite files in ``folder`` (the embedded default's names)."""
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/sentem.db",
            "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{folder}/sentem-archive.db",
            "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{folder}/sentem-keys.db"}


def populate() -> dict:
    """The scenario above, committed; returns what the checks need (no plaintext beyond the constants)."""
    from sentem.orders import cancellation
    from sentem.orders import services as order_services
    from tests.builders import make_member
    from tests.orders.builders import checkout, make_product
    from tests.support.builders import make_inquiry

    m = make_member(**PERSON)
    product = make_product()
    delivered = checkout(m, [(product, 1)], delivery=DELIVERY)
    assert delivered.outcome == "paid", delivered.message
    for to in ("preparing", "shipped", "delivered", "completed"):
        order_services.transition(delivered.order, to, actor="system")
    cancelled = checkout(m, [(product, 1)], delivery=DELIVERY)
    assert cancelled.outcome == "paid", cancelled.message
    cancellation.cancel(cancelled.order, actor="member")
    make_inquiry(m, title="파기증명 문의", body=INQUIRY)
    stayer = make_member(**STAYER)
    db.session.commit()
    from sentem.security import indexkeys

    state = indexkeys.state()
    return {"member_id": m.id, "key_id": m.data_key_id, "stayer_id": stayer.id, "stayer_key": stayer.data_key_id,
            "index_key": state.current if state else None,
            "order_no": delivered.order.order_no,
            "needles": sorted(set(PERSON.values()) | {v for k, v in DELIVERY.items() if k != "delivery_memo"}
                              | {INQUIRY})}


def withdraw(member_id: int) -> _dt.date:
    """The member withdraws (as ``/me/withdraw`` completes it); returns the day."""
    from sentem.accounts.models import Member
    from sentem.myinfo import withdrawal

    withdrawal.complete(db.session.get(Member, member_id))
    db.session.commit()
    return clock.today()


def run_retention(app, day: _dt.date) -> str:
    """``flask retention run --as-of DAY``, which must succeed; returns its output."""
    result = app.test_cli_runner().invoke(args=["retention", "run", "--as-of", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def readable_plaintexts(binds=(None, "archive")) -> list[str]:
    """Every sealed value in these databases that opens with the app's current keys."""
    out = []
    buckets._cache().clear()
    for bind in binds:
        for table in db.metadatas[bind].sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, Sealed)]
            if not cols:
                continue
            extra = [table.c.record_class] if "record_class" in table.c else []
            # A Core select names no mapper: route it to its database explicitly.
            for row in db.session.execute(select(*cols, *extra), bind_arguments={"bind": db.engines[bind]}):
                for col, token in zip(cols, row, strict=False):
                    if token is None:
                        continue
                    contexts = {col.info.get("personal"), col.name.removesuffix("_ct"), col.name}
                    if extra:
                        contexts.add(f"archive:{row[-1]}")
                    for context in filter(None, contexts):
                        try:
                            out.append(datakeys.open_token(token, context).decode("utf-8", "replace"))
                            break
                        except aead.DecryptionError:
                            continue
    return out


def key_is_gone(key_id: int) -> bool:
    """Whether the app's key store (with the current roots) cannot produce this data key."""
    buckets._cache().clear()
    try:
        datakeys.raw_key(key_id)
    except aead.DecryptionError:
        return True
    return False


def hits(plaintexts, needles) -> list[str]:
    """Needles found in any decrypted value."""
    return [n for n in needles if any(n in p for p in plaintexts)]


def scan_files(paths, needles) -> list[tuple[str, str]]:
    """(file, needle) for every plaintext needle in the raw bytes of these files."""
    found = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                found.extend(scan.find({path: fh.read()}, needles))  # one file in memory at a time
        except (FileNotFoundError, PermissionError):
            continue
    return found


def current_secrets(app) -> tuple[dict, dict]:
    """(epoch roots, master keys) the shop holds now."""
    root = buckets.root_file()
    roots = {r["e"]: root.key(r["e"]) for r in root.epochs()}
    return roots, dict(app.extensions["sentem_keyring"].keys)


def index_guesses(app, tokens=(), index_key_ids=()) -> set[str]:
    """The member's blind indexes as an attacker computes them with every key the shop holds
    now: the master-derived key of each master key, the live index keys, and any old index
    key (``index_key_ids``) that a stolen copy among ``tokens`` still opens. Tags are public."""
    from sentem.security import blind_index, indexkeys, keyring
    from tests.retention import attacker

    roots, masters = current_secrets(app)
    raws = {keyring.KeyRing({v: k}, "env").index_key() for v, k in masters.items()}
    raws |= {k.raw for k in indexkeys.live()}
    raws |= {raw for raw in (attacker.recover(set(tokens), i, roots, masters) for i in index_key_ids) if raw}
    tags = [""] + [indexkeys.tag(g) for g in range(1, 37)]
    values = [("login_id", PERSON["login_id"], False), ("email", PERSON["email"], False),
              ("mobile", PERSON["mobile"], True)]
    return {blind_index._tagged(indexkeys.IndexKey(raw, tag), kind, value, phone)
            for raw in raws for tag in tags for kind, value, phone in values}


def stored_indexes() -> set[str]:
    """Every blind-index value in the main database the app is opened on."""
    out = set()
    for table in db.metadatas[None].sorted_tables:
        cols = [c for c in table.columns if "blind_index" in c.info]
        for row in db.session.execute(select(*cols), bind_arguments={"bind": db.engines[None]}) if cols else ():
            out.update(v for v in row if v)
    return out
