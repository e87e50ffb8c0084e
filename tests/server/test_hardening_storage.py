"""Issue 17, items 6 and 9: a private data dir, no stale scratch files, durable tables."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import (
    EDGES_IPC,
    assert_fsynced_before_published,
    create_dataset,
    login,
    post,
    spy_on_publishing,
)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The common default umask, under which files come out world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_is_0700_and_its_files_0600(tmp_path: Path, umask_022: None) -> None:
    """Under umask 022 the data dir is 0700 and every file in it (the database holding
    the signing secret, its WAL, the uploaded tables) is 0600.

    Fails before the fix: the dir was 0755 and server.sqlite3 0644."""
    data_dir = tmp_path / "data"
    with LocalServer(users=["alice:pw"], data_dir=data_dir) as srv:
        token = login(srv, "alice", "pw")
        dataset_id = create_dataset(srv, token)
        path = f"/api/v2/upload/datasets/{dataset_id}/edges/arrow"
        assert 200 == post(srv, path, token, data=EDGES_IPC).status_code
        files = [p for p in data_dir.rglob("*") if p.is_file()]
        assert {"server.sqlite3", "server.sqlite3-wal", "edges.arrow"} <= {p.name for p in files}
        assert {0o600} == {_mode(p) for p in files}
        assert 0o700 == _mode(data_dir)


def test_existing_data_dir_is_tightened(tmp_path: Path, umask_022: None) -> None:
    """A data dir and database left world-readable by an older server are made private.

    Fails before the fix: the modes were left as they were."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "server.sqlite3").touch(mode=0o644)
    with LocalServer(users=["alice:pw"], data_dir=data_dir):
        assert 0o700 == _mode(data_dir)
        assert 0o600 == _mode(data_dir / "server.sqlite3")


def test_database_of_an_older_server_is_upgraded(tmp_path: Path) -> None:
    """A database whose users table predates token versions is upgraded in place and
    its users keep working."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = sqlite3.connect(data_dir / "server.sqlite3")
    db.execute(
        "CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
        "default_org TEXT NOT NULL, active_org TEXT NOT NULL)"
    )
    db.commit()
    db.close()
    with LocalServer(users=["alice:pw"], data_dir=data_dir) as srv:
        assert login(srv, "alice", "pw")


def test_scratch_files_of_a_killed_upload_are_removed_at_start(tmp_path: Path) -> None:
    """An upload cut by a kill leaves ``tmp/*.upload``; the next start removes it.

    Fails before the fix: the scratch file stayed forever."""
    data_dir = tmp_path / "data"
    (data_dir / "tmp").mkdir(parents=True)
    stale = data_dir / "tmp" / "tmpabc123.upload"
    stale.write_bytes(b"x" * 1000)
    with LocalServer(users=["alice:pw"], data_dir=data_dir):
        assert not stale.exists()
        assert (data_dir / "tmp").is_dir()


def test_tables_are_fsynced_before_they_are_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scratch file of an upload is fsynced before the rename that publishes it.

    Spies on ``os.fsync`` (the server runs in this process) and on ``os.replace``: the
    first fsync of the scratch file must come before its rename.

    Fails before the fix: no fsync at all."""
    events = spy_on_publishing(monkeypatch)
    with LocalServer(users=["alice:pw"], data_dir=tmp_path / "data") as srv:
        token = login(srv, "alice", "pw")
        dataset_id = create_dataset(srv, token)
        path = f"/api/v2/upload/datasets/{dataset_id}/edges/arrow"
        assert 200 == post(srv, path, token, data=EDGES_IPC).status_code
    assert_fsynced_before_published(events)
