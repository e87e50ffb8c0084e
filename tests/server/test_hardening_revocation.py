"""Issue 17, item 5: the users, keys and memberships given at start are the truth.

Each test restarts a server on the same data dir with different arguments, as an
operator would restart ``serve --data-dir DIR`` with different flags.
"""

from __future__ import annotations

from pathlib import Path

from graphistry_fp.server import LocalServer
from tests.support.server import get, login, post

_ME = "/api/v2/upload/datasets/nope"  # any authenticated route: 404 with a live token


def _status(srv: LocalServer, token: str) -> int:
    return get(srv, _ME, token).status_code


def test_tokens_survive_a_restart_with_the_same_flags(tmp_path: Path) -> None:
    """Nothing changed, nothing revoked: a token from before the restart still works."""
    users = ["alice:pw:acme"]
    with LocalServer(users=users, data_dir=tmp_path) as srv:
        token = login(srv, "alice", "pw")
    with LocalServer(users=users, data_dir=tmp_path) as srv:
        assert 404 == _status(srv, token)


def test_user_dropped_from_the_flags_is_disabled(tmp_path: Path) -> None:
    """A user not given at the restart can neither log in nor use an earlier token.

    Fails before the fix: bob, gone from the flags, still logged in and his token worked."""
    with LocalServer(users=["alice:pw", "bob:pw"], data_dir=tmp_path) as srv:
        token = login(srv, "bob", "pw")
    with LocalServer(users=["alice:pw"], data_dir=tmp_path) as srv:
        assert 401 == _status(srv, token)
        reply = post(srv, "/api-token-auth/", json={"username": "bob", "password": "pw"})
        assert 401 == reply.status_code
        assert 401 == post(srv, "/api-token-verify/", json={"token": token}).status_code


def test_readding_a_user_does_not_revive_old_tokens(tmp_path: Path) -> None:
    """Dropped then given again: the user logs in anew, tokens from before stay dead."""
    with LocalServer(users=["bob:pw"], data_dir=tmp_path) as srv:
        token = login(srv, "bob", "pw")
    with LocalServer(users=[], data_dir=tmp_path):
        pass
    with LocalServer(users=["bob:pw"], data_dir=tmp_path) as srv:
        assert 401 == _status(srv, token)
        assert 404 == _status(srv, login(srv, "bob", "pw"))


def test_personal_key_dropped_from_the_flags_is_deleted(tmp_path: Path) -> None:
    """A key not given at the restart no longer logs in.

    Fails before the fix: the dropped key still returned a token."""
    with LocalServer(users=["alice:pw"], personal_keys=["alice:kid:ksecret"], data_dir=tmp_path):
        pass
    with LocalServer(users=["alice:pw"], data_dir=tmp_path) as srv:
        reply = get(
            srv, "/api/v2/auth/pkey/jwt/", headers={"Authorization": "PersonalKey kid:ksecret"}
        )
        assert 401 == reply.status_code


def test_membership_dropped_from_the_flags_is_gone(tmp_path: Path) -> None:
    """An org no longer listed for a user can be neither logged into nor switched to.

    Fails before the fix: alice was still a member of acme after the restart."""
    with LocalServer(users=["alice:pw:acme,beta"], data_dir=tmp_path) as srv:
        login(srv, "alice", "pw", org="acme")
    with LocalServer(users=["alice:pw:beta"], data_dir=tmp_path) as srv:
        reply = post(
            srv,
            "/api-token-auth/",
            json={"username": "alice", "password": "pw", "org_name": "acme"},
        )
        assert 403 == reply.status_code
        token = login(srv, "alice", "pw")
        assert 404 == post(srv, "/api/v2/o/acme/switch/", token).status_code
        assert "beta" == srv._context().store.active_org("alice")


def test_password_change_revokes_earlier_tokens(tmp_path: Path) -> None:
    """After a restart with a new password, tokens issued under the old one are refused
    (use, verify and refresh) and the old password fails; the new password works.

    Fails before the fix: the old token kept working for up to a day of refreshes."""
    with LocalServer(users=["alice:old-pw"], data_dir=tmp_path) as srv:
        token = login(srv, "alice", "old-pw")
    with LocalServer(users=["alice:new-pw"], data_dir=tmp_path) as srv:
        assert 401 == _status(srv, token)
        assert "revoked" in get(srv, _ME, token).json()["detail"]
        assert 401 == post(srv, "/api-token-verify/", json={"token": token}).status_code
        refresh = post(srv, "/api/v2/auth/token/refresh", json={"token": token})
        assert 401 == refresh.status_code
        reply = post(srv, "/api-token-auth/", json={"username": "alice", "password": "old-pw"})
        assert 401 == reply.status_code
        assert 404 == _status(srv, login(srv, "alice", "new-pw"))


def test_key_secret_change_revokes_the_owners_tokens(tmp_path: Path) -> None:
    """A key whose secret changed (or was dropped) revokes its owner's earlier tokens,
    since some of them may have come from the old secret."""
    with LocalServer(users=["alice:pw"], personal_keys=["alice:kid:one"], data_dir=tmp_path) as srv:
        reply = get(srv, "/api/v2/auth/pkey/jwt/", headers={"Authorization": "PersonalKey kid:one"})
        token = reply.json()["token"]
    with LocalServer(users=["alice:pw"], personal_keys=["alice:kid:two"], data_dir=tmp_path) as srv:
        assert 401 == _status(srv, token)
        reply = get(srv, "/api/v2/auth/pkey/jwt/", headers={"Authorization": "PersonalKey kid:two"})
        assert 200 == reply.status_code
