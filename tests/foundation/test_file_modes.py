"""Database and instance files are created 0600 (folders 0700): the SQLite databases with
their -wal/-shm files, the key ring and key root, the secret key and the outbox (issue 14,
part 5). Nobody else on the machine may read them."""
import os
import stat

from sqlalchemy import create_engine, text

from sentem import create_app
from sentem.extensions import db
from sentem.notify import outbox
from sentem.web import sqlite
from tests.conftest import base_config


def _loose(folder: str) -> list[str]:
    """Paths under ``folder`` that group or others may read, write or enter."""
    out = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode & 0o077:
                out.append(f"{os.path.relpath(path, folder)} {mode:o}")
    return out


def test_a_new_instance_folder_holds_only_owner_only_files(tmp_path):
    from sentem.cli.init import run_init

    folder = str(tmp_path / "fresh")  # not the suite's template copy: files made from scratch
    # The embedded mode whatever the suite runs on: its SQLite files are what is checked.
    config = dict(base_config(folder), SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/sentem.db",
                  SENTEM_ARCHIVE_DATABASE_URL=f"sqlite:///{folder}/sentem-archive.db",
                  SENTEM_KEYSTORE_DATABASE_URL=f"sqlite:///{folder}/sentem-keys.db")
    old = os.umask(0o022)  # the usual umask, under which SQLite makes its files 0644
    try:
        app = create_app(config)
        with app.app_context():
            run_init()
            outbox.send_email("member@example.com", "안내", "본문", category="test")
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    finally:
        os.umask(old)
    names = set(os.listdir(folder))
    assert {"secret-key", "master-keys.json", "key-root.bin", "outbox",
            "sentem.db", "sentem-archive.db", "sentem-keys.db"} <= names
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert not _loose(folder), _loose(folder)


def test_sqlite_wal_and_shm_files_are_owner_only(tmp_path):
    sqlite.install()
    path = tmp_path / "data" / "shop.db"
    old = os.umask(0o022)
    try:
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            conn.execute(text("PRAGMA journal_mode=WAL"))
            conn.execute(text("CREATE TABLE t (x TEXT)"))
            conn.execute(text("INSERT INTO t VALUES ('개인정보')"))
            conn.commit()
            files = sorted(os.listdir(path.parent))
            assert files == ["shop.db", "shop.db-shm", "shop.db-wal"]
            assert not _loose(str(path.parent)), _loose(str(path.parent))
        engine.dispose()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    sqlite.install()
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
