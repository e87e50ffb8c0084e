"""Each security rule of the server, with a test that fails if the rule is dropped."""

from __future__ import annotations

import sqlite3
import time

import jwt
import pyarrow as pa
import pytest

from graphistry_fp.server import LocalServer
from tests.support.server import EDGES_IPC, arrow_file_bytes, create_dataset, get, login, post


def _claims(token: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_login_reply_has_token_and_active_org(srv: LocalServer) -> None:
    """A login reply carries a signed JWT with username/org/exp and a non-null org object."""
    reply = post(srv, "/api-token-auth/", json={"username": "alice", "password": "alice-pw"})
    body = reply.json()
    assert {"slug": "acme", "is_found": True, "is_member": True} == body["active_organization"]
    claims = _claims(body["token"])
    assert ("alice", "acme") == (claims["username"], claims["org"])
    assert 3600 == int(claims["exp"]) - int(claims["iat"])  # type: ignore[call-overload]
    assert "HS256" == jwt.get_unverified_header(body["token"])["alg"]


def test_wrong_password_401(srv: LocalServer) -> None:
    """A wrong password is refused."""
    reply = post(srv, "/api-token-auth/", json={"username": "alice", "password": "nope"})
    assert 401 == reply.status_code
    assert "token" not in reply.json()


def test_wrong_personal_key_secret_401(srv: LocalServer) -> None:
    """A personal key with the wrong secret is refused."""
    reply = get(srv, "/api/v2/auth/pkey/jwt/", headers={"Authorization": "PersonalKey alice-key:x"})
    assert 401 == reply.status_code


def test_missing_token_401(srv: LocalServer) -> None:
    """Authenticated endpoints refuse requests without a Bearer token."""
    reply = post(srv, "/api/v2/upload/datasets/", json={})
    assert (401, False) == (reply.status_code, reply.json()["success"])


def test_expired_token_401(srv: LocalServer) -> None:
    """An expired token gets 401 everywhere, and refresh says "Token has expired."."""
    srv.token_ttl = -5  # tokens issued already expired: no sleeping
    token = login(srv, "alice", "alice-pw")
    assert 401 == post(srv, "/api/v2/upload/datasets/", token, json={}).status_code
    assert 401 == post(srv, "/api-token-verify/", json={"token": token}).status_code
    refresh = post(srv, "/api/v2/auth/token/refresh", json={"token": token})
    assert (401, {"non_field_errors": ["Token has expired."]}) == (
        refresh.status_code,
        refresh.json(),
    )


def test_bad_signature_401(srv: LocalServer) -> None:
    """A token whose signature was tampered with is refused."""
    token = login(srv, "alice", "alice-pw")
    head, payload, sig = token.split(".")
    tampered = f"{head}.{payload}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}"
    assert 401 == post(srv, "/api/v2/upload/datasets/", tampered, json={}).status_code
    assert 401 == post(srv, "/api-token-verify/", json={"token": tampered}).status_code


def test_forged_token_from_another_secret_401(srv: LocalServer) -> None:
    """A well-formed token signed with another secret (or alg none) is refused."""
    now = int(time.time())
    claims = {"username": "alice", "org": "acme", "iat": now, "exp": now + 600}
    forged = jwt.encode(claims, "another-secret-of-32-bytes-or-more!!", algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    for token in (forged, unsigned):
        assert 401 == post(srv, "/api/v2/upload/datasets/", token, json={}).status_code
        assert 401 == post(srv, "/api/v2/auth/token/refresh", json={"token": token}).status_code


def test_server_signed_token_for_unknown_user_401() -> None:
    """Even a correctly signed token is refused when its user does not exist."""
    with LocalServer(users=["alice:pw"]) as srv:
        token = srv._context().issuer.issue("mallory", "mallory")
        assert 401 == post(srv, "/api/v2/upload/datasets/", token, json={}).status_code


def test_refresh_window_is_bounded() -> None:
    """Refresh works for live tokens, but not past the window of the original login."""
    with LocalServer(users=["alice:pw"]) as srv:
        token = login(srv, "alice", "pw")
        fresh = post(srv, "/api/v2/auth/token/refresh", json={"token": token}).json()["token"]
        assert _claims(token)["orig_iat"] == _claims(fresh)["orig_iat"]
        srv._context().issuer.refresh_window_s = 0
        reply = post(srv, "/api/v2/auth/token/refresh", json={"token": fresh})
        assert (401, {"non_field_errors": ["Refresh has expired."]}) == (
            reply.status_code,
            reply.json(),
        )


def test_switch_into_non_member_org_403(srv: LocalServer) -> None:
    """The org switch refuses orgs the user is not in (403) and unknown orgs (404)."""
    token = login(srv, "bob", "bob-pw")
    reply = post(srv, "/api/v2/o/acme/switch/", token, data={"slug": "acme"})
    assert (403, "Failed") == (reply.status_code, reply.json()["status"])
    reply = post(srv, "/api/v2/o/no-such-org/switch/", token, data={"slug": "no-such-org"})
    assert (404, "Failed") == (reply.status_code, reply.json()["status"])


def test_switch_returns_token_and_refresh_keeps_org(srv: LocalServer) -> None:
    """A switch replies with a token for the new org; a later refresh stays in it."""
    token = login(srv, "alice", "alice-pw")
    reply = post(srv, "/api/v2/o/shared/switch/", token, data={"slug": "shared"}).json()
    assert ("OK", [], "shared") == (reply["status"], reply["data"], _claims(reply["token"])["org"])
    refreshed = post(srv, "/api/v2/auth/token/refresh", json={"token": token}).json()["token"]
    assert "shared" == _claims(refreshed)["org"]


def test_login_into_non_member_org_403(srv: LocalServer) -> None:
    """A login naming an org the user is not in is refused: no token."""
    reply = post(
        srv, "/api-token-auth/", json={"username": "bob", "password": "bob-pw", "org_name": "acme"}
    )
    assert 403 == reply.status_code
    assert "token" not in reply.json()


def test_create_in_non_member_org_403(srv: LocalServer) -> None:
    """org_name in the create body must be an org of the user."""
    token = login(srv, "bob", "bob-pw")
    reply = post(srv, "/api/v2/upload/datasets/", token, json={"org_name": "acme"})
    assert (403, False) == (reply.status_code, reply.json()["success"])
    assert [] == [d for d in srv.datasets() if d.owner == "bob" and d.org == "acme"]


def test_body_org_wins_over_token_org(srv: LocalServer) -> None:
    """The create body's org_name decides the dataset's org; else the token's org."""
    token = login(srv, "alice", "alice-pw")
    assert "shared" == srv.dataset(create_dataset(srv, token, org_name="shared")).org
    assert "acme" == srv.dataset(create_dataset(srv, token)).org


@pytest.mark.parametrize("kind", ["edges", "nodes"])
def test_upload_to_another_users_dataset_403(srv: LocalServer, kind: str) -> None:
    """Only a dataset's owner may upload its tables, even within a shared org."""
    alice = login(srv, "alice", "alice-pw", org="shared")
    bob = login(srv, "bob", "bob-pw", org="shared")
    dataset_id = create_dataset(srv, alice)
    reply = post(srv, f"/api/v2/upload/datasets/{dataset_id}/{kind}/arrow", bob, data=EDGES_IPC)
    assert (403, False) == (reply.status_code, reply.json()["success"])
    assert None is getattr(srv.dataset(dataset_id), f"{kind}_rows")


def test_share_another_users_dataset_403(srv: LocalServer) -> None:
    """Only a dataset's owner may share it."""
    dataset_id = create_dataset(srv, login(srv, "alice", "alice-pw"))
    bob = login(srv, "bob", "bob-pw")
    body = {"obj_pk": dataset_id, "obj_type": "dataset", "mode": "public"}
    assert 403 == post(srv, "/api/v2/share/link/", bob, json=body).status_code
    assert None is srv.dataset(dataset_id).privacy


def test_read_private_dataset_of_another_user_403(srv: LocalServer) -> None:
    """GET of a dataset: org members may read it until it is shared as private."""
    alice = login(srv, "alice", "alice-pw", org="shared")
    dataset_id = create_dataset(srv, alice)
    bob = login(srv, "bob", "bob-pw")
    assert 200 == get(srv, f"/api/v2/upload/datasets/{dataset_id}", bob).status_code
    share = {"obj_pk": dataset_id, "obj_type": "dataset", "mode": "private"}
    assert 200 == post(srv, "/api/v2/share/link/", alice, json=share).status_code
    assert 403 == get(srv, f"/api/v2/upload/datasets/{dataset_id}", bob).status_code
    dave = login(srv, "dave", "dave-pw")
    assert 403 == get(srv, f"/api/v2/upload/datasets/{dataset_id}", dave).status_code
    assert 200 == get(srv, f"/api/v2/upload/datasets/{dataset_id}", alice).status_code


def test_invalid_arrow_400(srv: LocalServer) -> None:
    """Bodies that are not Arrow IPC files (garbage, the stream format) get a clear 400."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    sink = pa.BufferOutputStream()
    table = pa.table({"s": [1]})
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    for body in (b"s,d\n1,2\n", sink.getvalue().to_pybytes(), EDGES_IPC[:-20]):
        reply = post(srv, f"/api/v2/upload/datasets/{dataset_id}/edges/arrow", token, data=body)
        assert (400, False) == (reply.status_code, reply.json()["success"])
        assert "Arrow IPC file" in reply.json()["detail"]
    assert None is srv.dataset(dataset_id).edges_rows


def test_body_too_large_413(srv: LocalServer) -> None:
    """Bodies over the limit get 413 JSON, with or without a Content-Length."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token)
    srv.max_body_bytes = 1000
    try:
        path = f"/api/v2/upload/datasets/{dataset_id}/edges/arrow"
        reply = post(srv, path, token, data=b"x" * 5000)
        assert (413, False) == (reply.status_code, reply.json()["success"])
        chunked = post(srv, path, token, data=iter([b"x" * 800, b"x" * 800]))
        assert 413 == chunked.status_code
        assert 200 == post(srv, path, token, data=EDGES_IPC).status_code
    finally:
        srv.max_body_bytes = 512 * 2**20


def test_secrets_are_stored_hashed() -> None:
    """No password or key secret appears in plaintext anywhere in the data dir."""
    secrets = ["pw-plain-text-1", "key-secret-plain-2"]
    with LocalServer(
        users=[f"alice:{secrets[0]}"], personal_keys=[f"alice:kid:{secrets[1]}"]
    ) as srv:
        login(srv, "alice", secrets[0])
        files = [p for p in srv.data_dir.rglob("*") if p.is_file()]
        assert files
        for path in files:
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, path
        db = sqlite3.connect(srv.data_dir / "server.sqlite3")
        (stored,) = db.execute("SELECT password_hash FROM users").fetchone()
        db.close()
        assert stored.startswith("scrypt$")


def test_errors_are_json(srv: LocalServer) -> None:
    """Unknown paths (404) and wrong methods (405) answer JSON, not HTML."""
    for reply in (get(srv, "/no/such/path"), get(srv, "/api-token-auth/")):
        assert reply.status_code in (404, 405)
        assert "application/json" == reply.headers["content-type"]
        assert "detail" in reply.json()


def test_unexpected_error_is_json_500() -> None:
    """A crash inside a handler answers 500 JSON (and keeps serving)."""
    with LocalServer(users=["alice:pw"]) as srv:
        token = login(srv, "alice", "pw")
        store = srv._context().store

        def broken(*args: object, **kwargs: object) -> str:
            raise RuntimeError("boom")

        store.create_dataset = broken  # type: ignore[method-assign]
        reply = post(srv, "/api/v2/upload/datasets/", token, json={})
        assert (500, {"detail": "Internal server error."}) == (reply.status_code, reply.json())
        assert 200 == get(srv, "/").status_code


def test_binds_loopback_by_default() -> None:
    """A server started without a host listens on 127.0.0.1 only."""
    with LocalServer() as srv:
        assert "127.0.0.1" == srv.host
        assert srv.url.startswith("http://127.0.0.1:")


def test_viewer_readable_without_token(srv: LocalServer) -> None:
    """The viewer page needs no token, and names the dataset."""
    token = login(srv, "alice", "alice-pw")
    dataset_id = create_dataset(srv, token, name="Viewer <check>")
    page = get(srv, f"/graph/graph.html?dataset={dataset_id}&type=arrow")
    assert 200 == page.status_code
    assert dataset_id in page.text and "Viewer &lt;check&gt;" in page.text
    assert 404 == get(srv, "/graph/graph.html?dataset=nope").status_code


def test_arrow_upload_records_rows_and_uploader(srv: LocalServer) -> None:
    """A valid upload stores the file and records rows and uploader."""
    token = login(srv, "carol", "carol-pw")
    dataset_id = create_dataset(srv, token)
    table = pa.table({"s": list(range(100)), "d": list(range(100))})
    reply = post(
        srv,
        f"/api/v2/upload/datasets/{dataset_id}/edges/arrow",
        token,
        data=arrow_file_bytes(table),
    )
    assert {"dataset_id": dataset_id, "num_rows": 100, "num_cols": 2} == reply.json()["data"]
    record = srv.dataset(dataset_id)
    assert (100, "carol") == (record.edges_rows, record.edges_uploader)
    stored = srv.data_dir / "datasets" / dataset_id / "edges.arrow"
    assert table.equals(pa.ipc.open_file(pa.memory_map(str(stored))).read_all())
