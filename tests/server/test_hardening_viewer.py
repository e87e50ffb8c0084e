"""Issue 17, items 3 and 9: the viewer honours sharing, and shows colours only."""

from __future__ import annotations

import pytest
import requests

from graphistry_fp.server import LocalServer
from tests.support.server import TIMEOUT, create_dataset, get, login, post


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> LocalServer:
    return graphistry_server_clean


def _shared(srv: LocalServer, mode: str | None, name: str = "Secret plans") -> str:
    """A dataset of alice (org acme), shared as ``mode`` (None: never shared)."""
    token = login(srv, "alice", "alice-pw", org="acme")
    dataset_id = create_dataset(srv, token, name=name)
    if mode is not None:
        share = {"obj_pk": dataset_id, "obj_type": "dataset", "mode": mode}
        assert 200 == post(srv, "/api/v2/share/link/", token, json=share).status_code
    return dataset_id


def _viewer_login(srv: LocalServer, session: requests.Session, user: str, dataset_id: str) -> int:
    form = {"username": user, "password": f"{user}-pw", "dataset": dataset_id}
    reply = session.post(
        srv.url + "/graph/login", data=form, allow_redirects=False, timeout=TIMEOUT
    )
    return reply.status_code


@pytest.mark.parametrize("mode", [None, "public"])
def test_never_shared_and_public_datasets_open_by_url(srv: LocalServer, mode: str | None) -> None:
    """A dataset never shared (pygraphistry's default) or public opens with no login."""
    dataset_id = _shared(srv, mode)
    assert 200 == get(srv, f"/graph/graph.html?dataset={dataset_id}").status_code
    assert 200 == get(srv, f"/graph/data/{dataset_id}.json").status_code


@pytest.mark.parametrize("mode", ["private", "organization"])
def test_private_and_organization_datasets_need_a_login(srv: LocalServer, mode: str) -> None:
    """Without a session, the page is a 401 login form that does not name the dataset
    and cannot be framed, and the data is a 401.

    Fails before the fix: anyone with the id got the page and the data (200)."""
    dataset_id = _shared(srv, mode)
    page = get(srv, f"/graph/graph.html?dataset={dataset_id}")
    assert 401 == page.status_code
    assert 'action="/graph/login"' in page.text and "Secret plans" not in page.text
    assert "DENY" == page.headers["x-frame-options"]
    assert 401 == get(srv, f"/graph/data/{dataset_id}.json").status_code


def test_private_dataset_opens_for_its_owner_only(srv: LocalServer) -> None:
    """bob's correct login is answered 403 (no cookie); alice's sets an HttpOnly,
    SameSite=Strict cookie and then the page and data open.

    Fails before the fix: there was no viewer login (the route was a 405)."""
    dataset_id = _shared(srv, "private")
    with requests.Session() as bob:
        assert 403 == _viewer_login(srv, bob, "bob", dataset_id)
        assert not bob.cookies
        assert (
            401 == bob.get(f"{srv.url}/graph/data/{dataset_id}.json", timeout=TIMEOUT).status_code
        )
    with requests.Session() as alice:
        form = {"username": "alice", "password": "alice-pw", "dataset": dataset_id}
        reply = alice.post(
            srv.url + "/graph/login", data=form, allow_redirects=False, timeout=TIMEOUT
        )
        assert 303 == reply.status_code
        assert f"/graph/graph.html?dataset={dataset_id}" == reply.headers["location"]
        cookie = reply.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/graph" in cookie
        page = alice.get(f"{srv.url}/graph/graph.html?dataset={dataset_id}", timeout=TIMEOUT)
        assert 200 == page.status_code and "Secret plans" in page.text
        data = alice.get(f"{srv.url}/graph/data/{dataset_id}.json", timeout=TIMEOUT)
        assert 200 == data.status_code


def test_organization_dataset_opens_for_org_members(srv: LocalServer) -> None:
    """carol (acme) may see alice's organization dataset in acme; bob (globex) may not.

    Fails before the fix: there was no viewer login (the route was a 405)."""
    dataset_id = _shared(srv, "organization")
    with requests.Session() as carol:
        assert 303 == _viewer_login(srv, carol, "carol", dataset_id)
        assert (
            200 == carol.get(f"{srv.url}/graph/data/{dataset_id}.json", timeout=TIMEOUT).status_code
        )
    with requests.Session() as bob:
        assert 403 == _viewer_login(srv, bob, "bob", dataset_id)


def test_viewer_cookie_and_api_token_are_not_interchangeable(srv: LocalServer) -> None:
    """The viewer session token is refused by the API, and an API token put in the
    viewer's cookie is refused by the viewer."""
    dataset_id = _shared(srv, "private")
    with requests.Session() as alice:
        assert 303 == _viewer_login(srv, alice, "alice", dataset_id)
        viewer_token = next(iter(alice.cookies)).value
    assert viewer_token is not None
    assert 401 == get(srv, f"/api/v2/upload/datasets/{dataset_id}", viewer_token).status_code
    api_token = login(srv, "alice", "alice-pw")
    reply = get(srv, f"/graph/data/{dataset_id}.json", cookies={"graphistry_fp_viewer": api_token})
    assert 401 == reply.status_code


def test_viewer_login_is_throttled(srv: LocalServer) -> None:
    """Wrong passwords on the viewer form count toward the login throttle (429).

    Fails before the fix: there was no viewer login (the route was a 405)."""
    srv.set_login_throttle()  # the defaults (the test fixture's server has it off)
    dataset_id = _shared(srv, "private")
    form = {"username": "alice", "password": "wrong", "dataset": dataset_id}
    statuses = [post(srv, "/graph/login", data=form).status_code for _ in range(11)]
    assert [401] * 10 + [429] == statuses


def test_viewer_shows_colours_only(srv: LocalServer) -> None:
    """A metadata background that is not a colour (CSS ``url(...)``) is dropped from
    what the viewer receives; a real colour is kept.

    Fails before the fix: the url(...) reached the viewer's CSS."""
    token = login(srv, "alice", "alice-pw")
    evil = create_dataset(srv, token, metadata={"bg": {"color": "url(http://evil.example/x)"}})
    fine = create_dataset(srv, token, metadata={"bg": {"color": "#123456"}})
    assert {} == get(srv, f"/graph/data/{evil}.json").json()["metadata"]["bg"]
    assert {"color": "#123456"} == get(srv, f"/graph/data/{fine}.json").json()["metadata"]["bg"]
