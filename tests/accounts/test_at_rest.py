"""Personal data at rest: byte scans of the databases; concurrent signups."""
import os
import re
import shutil
import subprocess
import threading

from sqlalchemy import func, inspect, select, text

from sentem.accounts import services
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.consent import ConsentEvent
from sentem.privacy.registry import REGISTRY
from sentem.security.datakeys import DataKey
from tests.accounts.builders import REQUIRED_CONSENTS, signup_form
from tests.conftest import USE_PG

SECRETS = {
    "login_id": "plainscan77",
    "name": "표석진가명",
    "email": "plain.scan77@example.org",
    "mobile": "010-7391-2846",
    "postcode": "06236",
    "address1": "서울특별시 강남구 비밀로 77",
    "address2": "스캔동 707호",
    "company_name": "비밀스캔상사",
    "sns_account": "@plainscan_sns",
}


# A sealed value's text: ``s2$<key id>$<hex>`` (``s1``: base64url). A five-digit needle such as
# the postcode turns up by chance inside a hex body, a hex digest (blind index, hashed session
# id) or a timestamp's microseconds (1 in 16^5 per hex position, 1 in 10^5 per digit: it did,
# twice in full runs). So the scan first takes out every stored value of those shapes by its
# exact text: the SQLite files lose each such column value; a pg_dump, each such field of its
# COPY rows. A plaintext postcode is none of them and stays, whatever is stored next to it.
TOKEN = re.compile(r"s[12]\$[A-Za-z0-9.]+\$[0-9A-Za-z_-]+")
NOISE = re.compile(rb"s[12]\$[A-Za-z0-9.]+\$[0-9A-Za-z_-]+"  # a sealed value
                   rb"|[0-9a-f]{32,}"  # a digest
                   rb"|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:\d\d)?)?")  # a timestamp


def stored_noise() -> set[bytes]:
    """Every stored text value of a NOISE shape, as stored."""
    found = set()
    for engine in db.engines.values():
        with engine.connect() as conn:
            for table in inspect(engine).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    found.update(v.encode() for v in row if isinstance(v, str) and NOISE.fullmatch(v.encode()))
    return found


def without(blob: bytes, values: set[bytes]) -> bytes:
    for value in sorted(values, key=len, reverse=True):
        blob = blob.replace(value, b"")
    return blob


def without_noise_fields(dump: bytes) -> bytes:
    """A pg_dump without its NOISE-shaped fields (COPY rows: fields between tabs) and without its
    ``\\restrict`` lines (a random 63-character key of letters and digits, new in each dump)."""
    return b"\n".join(b"\t".join(f for f in line.split(b"\t") if not NOISE.fullmatch(f))
                      for line in dump.split(b"\n") if not line.startswith((b"\\restrict ", b"\\unrestrict ")))


def needles() -> list[bytes]:
    found = []
    for key, value in SECRETS.items():
        found.append(value.encode("utf-8"))
        if key == "mobile":
            found.append(value.replace("-", "").encode())
    return found


def dump_databases(app) -> bytes:
    """Every byte the three databases hold: the files (SQLite) or a pg_dump of each (PostgreSQL)."""
    if not USE_PG:
        folder = app.config["SENTEM_INSTANCE_PATH"]
        blob = b""
        for name in os.listdir(folder):
            if name.endswith((".db", ".db-wal", ".db-journal")):
                with open(os.path.join(folder, name), "rb") as fh:
                    blob += fh.read()
        return blob
    blob = b""
    for bind, engine in db.engines.items():
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        if shutil.which("pg_dump"):
            dump = subprocess.run(["pg_dump", "--data-only", url], check=True, capture_output=True).stdout
            blob += without_noise_fields(dump)
        else:  # no pg_dump: every text column of every table
            with engine.connect() as conn:
                for table in inspect(engine).get_table_names():
                    blob += "\n".join(str(r) for r in conn.execute(text(f'SELECT * FROM "{table}"'))).encode()
    return blob


def test_byte_scan_finds_no_plaintext(app, client):
    form = signup_form(**SECRETS, consent_marketing_email="y", consent_marketing_sms="y")
    assert client.post("/signup", data=form).status_code == 302
    client.post("/logout")
    client.post("/login", data={"login_id": SECRETS["login_id"], "password": form["password"]})
    db.session.remove()
    noise = stored_noise()
    for engine in db.engines.values():
        engine.dispose()  # SQLite: everything written back to the files
    blob = without(dump_databases(app), noise)
    assert len(blob) > 1000 and any(TOKEN.fullmatch(v.decode()) for v in noise)
    for needle in needles():
        at = blob.find(needle)
        assert at < 0, (needle.decode(), blob[max(0, at - 80):at + 80])
    # The outbox (instance folder) is sealed too: each file is one token and nothing else.
    outbox = os.path.join(app.config["SENTEM_INSTANCE_PATH"], "outbox")
    for name in os.listdir(outbox):
        raw = open(os.path.join(outbox, name), "rb").read().strip()
        assert TOKEN.fullmatch(raw.decode("ascii")), name


def test_concurrent_signups_with_one_login_id_create_one_member(app):
    threads, results = 6, []
    barrier = threading.Barrier(threads)

    def attempt(n):
        with app.app_context():
            form = signup_form(login_id="samename01", email=f"same{n}@example.com")
            data = {k: v for k, v in form.items() if not k.startswith("consent_")}
            barrier.wait()
            try:
                services.register(data, dict(REQUIRED_CONSENTS), ip="127.0.0.1", user_agent="t")
                results.append("ok")
            except services.SignupError as exc:
                results.append(exc.errors.get("login_id"))
            finally:
                db.session.remove()

    workers = [threading.Thread(target=attempt, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert results.count("ok") == 1, results
    assert results.count("이미 사용 중인 아이디입니다.") == threads - 1, results
    assert db.session.execute(select(func.count(Member.id))).scalar_one() == 1
    assert db.session.execute(select(func.count(ConsentEvent.id))).scalar_one() == len(REGISTRY.consents)
    assert db.session.execute(select(func.count(DataKey.id)).where(DataKey.kind == "member")).scalar_one() == 1
