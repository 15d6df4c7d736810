"""A throwaway PostgreSQL cluster for the destruction proofs: ``archive_mode=on`` with a
WAL archive folder, on a free loopback port, its files readable by the test.

It runs in both suite set-ups (it is not the suite's database), started as the
``postgres`` user when the tests run as root (``initdb`` refuses root). PostgreSQL not
installed is a failure, not a skip: the proofs are what the privacy policy rests on.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if not path:
        pytest.fail(f"PostgreSQL's {name} is not installed (apt-get install postgresql): the "
                    "destruction proofs need a cluster of their own")
    return path


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120, **kw)


@dataclass
class Cluster:
    base: str
    port: int
    options: str = ""  # the server's start options, for a restart by a fault test

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are cut off, as in a crash or a restart)."""
        _as_postgres([_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"])

    def start(self) -> None:
        """Start the server again with its options; returns once it accepts connections."""
        _as_postgres([_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.base, "server.log"), "-w",
                      "-t", "60", "-o", self.options, "start"])

    @property
    def data(self) -> str:
        return os.path.join(self.base, "data")

    @property
    def wal_archive(self) -> str:
        return os.path.join(self.base, "wal-archive")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres"):
        engine = create_engine(self.url(database), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                result = conn.execute(text(statement))
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()

    def create_databases(self, *names: str) -> None:
        for name in names:
            self.sql(f'CREATE DATABASE "{name}"')

    def dump(self, database: str) -> bytes:
        """A plain ``pg_dump`` of one database (what a nightly backup holds)."""
        return subprocess.run([_bin("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "--no-owner", database], check=True, capture_output=True, timeout=120).stdout

    def restore(self, dump: bytes, database: str) -> None:
        """A dump loaded into a new, empty database."""
        self.create_databases(database)
        subprocess.run([_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", "-d", database], input=dump, check=True, capture_output=True, timeout=120)

    def base_backup(self, target: str) -> None:
        """``pg_basebackup`` (plain format, with the WAL it needs)."""
        subprocess.run([_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "-D", target, "-Fp", "-X", "stream", "-c", "fast"], check=True, capture_output=True,
                       timeout=300)

    def archive_current_wal(self) -> None:
        """Close the current WAL segment and wait until the archiver has copied it."""
        self.sql("CHECKPOINT")
        (segment,) = self.sql("SELECT pg_walfile_name(pg_switch_wal())")[0]
        target = os.path.join(self.wal_archive, segment)
        deadline = time.monotonic() + 60  # the archiver is a separate process: wait for it, bounded
        while not os.path.exists(target):
            if time.monotonic() > deadline:
                raise AssertionError(f"WAL segment {segment} was not archived")
            time.sleep(0.05)

    def files(self) -> list[str]:
        """Every file of the cluster an attacker with its disk would read: base/, global/,
        pg_wal/ and the WAL archive."""
        return [*tree_files(self.data, ("base", "global", "pg_wal")), *tree_files(self.wal_archive)]


def tree_files(top: str, subdirs: tuple[str, ...] = ("",)) -> list[str]:
    """Every regular file under ``top`` (or under those of its ``subdirs``)."""
    out = []
    for sub in subdirs:
        for root, _, names in os.walk(os.path.join(top, sub)):
            out.extend(os.path.join(root, n) for n in names)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_cluster():
    """Start the cluster once per session; stop and remove it at the end."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    base = tempfile.mkdtemp(prefix="sentem-proof-pg-", dir="/tmp")
    os.chmod(base, 0o755)
    archive = os.path.join(base, "wal-archive")
    os.makedirs(archive)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        shutil.chown(archive, "postgres", "postgres")
    cluster = Cluster(base, _free_port())
    _as_postgres([initdb, "-D", cluster.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"])
    options = (f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off -c wal_level=replica "
               f"-c archive_mode=on -c archive_command='cp %p {archive}/%f' -c max_wal_senders=4")
    cluster.options = options
    cluster.start()
    try:
        yield cluster
    finally:
        _as_postgres([pg_ctl, "-D", cluster.data, "-m", "immediate", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def shop_on(cluster: Cluster, name: str, instance: str, **overrides):
    """A Sentem app on three new databases of the cluster (``name``, ``name_archive``,
    ``name_keys``), migrated, its context pushed and the clock frozen as in the suite."""
    from tests.retention.proofkit import migrated_shop

    names = {"SQLALCHEMY_DATABASE_URI": name, "SENTEM_ARCHIVE_DATABASE_URL": f"{name}_archive",
             "SENTEM_KEYSTORE_DATABASE_URL": f"{name}_keys"}
    for database in names.values():
        if not cluster.sql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            cluster.create_databases(database)
    with migrated_shop(instance, {k: cluster.url(v) for k, v in names.items()}, **overrides) as app:
        yield app
