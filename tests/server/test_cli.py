"""``python -m graphistry_fp serve``: the first stdout line, login, persistence, shutdown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from .cli_process import serve

TIMEOUT = 30


def test_serve_prints_url_and_serves() -> None:
    """The first line names the picked port; users from --user and --personal-key log in;
    SIGTERM stops it cleanly (exit 0, no traceback)."""
    args = [
        "--user",
        "alice:pw:acme",
        "--personal-key",
        "alice:kid:sec",
    ]
    with serve(args) as served:
        assert served.first_line == f"graphistry_fp server listening on {served.url}"
        reply = requests.post(
            served.url + "/api-token-auth/",
            json={"username": "alice", "password": "pw"},
            timeout=TIMEOUT,
        )
        assert "acme" == reply.json()["active_organization"]["slug"]
        reply = requests.get(
            served.url + "/api/v2/auth/pkey/jwt/",
            headers={"Authorization": "PersonalKey kid:sec"},
            json={},
            timeout=TIMEOUT,
        )
        assert 200 == reply.status_code
    assert 0 == served.process.returncode
    assert "Traceback" not in (served.process.stderr.read() if served.process.stderr else "")


def test_data_dir_persists_datasets_and_tokens(tmp_path: Path) -> None:
    """With --data-dir, datasets and tokens survive a restart (the JWT secret persists)."""
    args = ["--user", "alice:pw:acme", "--data-dir", str(tmp_path)]
    with serve(args) as served:
        token = requests.post(
            served.url + "/api-token-auth/",
            json={"username": "alice", "password": "pw"},
            timeout=TIMEOUT,
        ).json()["token"]
        created = requests.post(
            served.url + "/api/v2/upload/datasets/",
            json={"name": "kept"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        ).json()
    dataset_id = created["data"]["dataset_id"]
    with serve(args) as served:
        reply = requests.get(
            served.url + f"/api/v2/upload/datasets/{dataset_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
        assert (200, "kept") == (reply.status_code, reply.json()["data"]["name"])


def test_bad_user_string_exits_2() -> None:
    """An invalid --user string is an error before anything starts."""
    result = subprocess.run(
        [sys.executable, "-m", "graphistry_fp", "serve", "--port", "0", "--user", "alice"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert 2 == result.returncode
    assert "NAME:PASSWORD" in result.stderr


def test_unknown_command() -> None:
    """The dispatcher refuses unknown commands with usage."""
    result = subprocess.run(
        [sys.executable, "-m", "graphistry_fp", "frobnicate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert 2 == result.returncode
    assert "serve" in result.stderr
