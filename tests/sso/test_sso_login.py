"""ClientSSO's interactive login over real HTTP against the local server's identity provider.

Approval happens as a user's browser would do it: ``on_auth_url`` starts a thread that
opens the auth page, parses its form and posts it with the user's credentials while the
client polls (or, where the test is about timing, ``srv.approve_sso``). Ownership and org
are then read from the server's own records.
"""

from __future__ import annotations

import sys
import threading
import time
import types
from typing import Any

import pytest

from graphistry_fp.errors import (
    AuthenticationError,
    ConfigError,
    PermissionDeniedError,
    SSOTimeoutError,
)
from graphistry_fp.interpreters.clients import ClientUserPass
from graphistry_fp.interpreters.sender import Outgoing, Sender
from graphistry_fp.server import LocalServer
from tests.support.clients import sso_client
from tests.support.data import CREATE, edges_plan
from tests.support.server import log_of, paths_with
from tests.support.sso import POLL_MARK, START_MARK, DirectApprover, FormApprover
from tests.support.threads import at_once


def creates(srv: LocalServer) -> list[str]:
    """The create-dataset requests in the server's log."""
    return [r.path for r in srv.request_log() if r.path == CREATE]


def test_form_approval_uploads_as_that_user_under_the_requested_org(srv: LocalServer) -> None:
    """carol signs in on the auth page for org acme: the dataset is carol's, in acme."""
    approver = FormApprover("carol")
    with sso_client(srv, org_name="acme", on_auth_url=approver) as client:
        result = client.run(edges_plan("sso"))
        assert "acme" == client.org_name
    approver.join()
    record = srv.dataset(result.dataset_id)
    assert ("carol", "acme") == (record.owner, record.org)
    assert [200] == approver.statuses
    assert 1 == len(approver.urls)
    assert approver.urls[0].startswith(f"{srv.url}/sso/authorize/")
    assert {"state", "username", "password"} == set(approver.forms[0]["inputs"])
    assert "post" == approver.forms[0]["method"].lower()
    assert ["/api/v2/o/acme/sso/oidc/login/"] == paths_with(srv, START_MARK)


def test_site_wide_login_adopts_the_granted_org(srv: LocalServer) -> None:
    """With no org, the site-wide path is used and the org the server grants is adopted."""
    approver = FormApprover("bob")
    with sso_client(srv, on_auth_url=approver) as client:
        result = client.run(edges_plan("sso"))
        assert "globex" == client.org_name
    record = srv.dataset(result.dataset_id)
    assert ("bob", "globex") == (record.owner, record.org)
    assert ["/api/v2/g/sso/oidc/login/"] == paths_with(srv, START_MARK)


def test_org_and_idp_path(srv: LocalServer) -> None:
    """org_name + idp_name start at the org + IdP path; the upload lands in that org."""
    approver = FormApprover("alice")
    client = sso_client(srv, org_name="shared", idp_name="okta", on_auth_url=approver)
    with client:
        result = client.run(edges_plan("sso"))
        assert "okta" == client.idp_name
    record = srv.dataset(result.dataset_id)
    assert ("alice", "shared") == (record.owner, record.org)
    assert ["/api/v2/o/shared/sso/oidc/login/okta/"] == paths_with(srv, START_MARK)


def test_idp_without_org_is_a_config_error(srv: LocalServer) -> None:
    """idp_name without org_name fails at construction, before any request."""
    with pytest.raises(ConfigError) as info:
        sso_client(srv, idp_name="okta")
    assert "org_name" in str(info.value)
    assert [] == log_of(srv)


@pytest.mark.parametrize(
    "options",
    [{"sso_timeout": 0}, {"sso_timeout": "soon"}, {"on_auth_url": "print"}, {"bogus": 1}],
)
def test_bad_options_are_config_errors(srv: LocalServer, options: dict[str, Any]) -> None:
    """A non-positive or non-numeric sso_timeout, a non-callable hook, an unknown option."""
    with pytest.raises(ConfigError):
        sso_client(srv, **options)


def test_pending_keeps_polling_until_approved(srv: LocalServer) -> None:
    """Approval 1.2 s in: pending polls are not failures (pygraphistry gives up on the first)."""
    approver = FormApprover("alice", delay_s=1.2)
    with sso_client(srv, org_name="acme", on_auth_url=approver) as client:
        client.token()
    polls = [r for r in srv.request_log() if POLL_MARK in r.path]
    assert 3 <= len(polls)
    assert [200] * len(polls) == [r.status for r in polls]
    assert "alice" == polls[-1].username


def test_no_approval_times_out_and_sends_nothing_after(
    srv: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sso_timeout=1.5 and nobody approves: SSOTimeoutError 1.5-2.5 s after the call, every
    request started before it, none after it, nothing created."""
    sent_at: list[float] = []
    original = Sender.send

    def spy(self: Sender, outgoing: Outgoing, timeout: tuple[float, float]) -> Any:
        sent_at.append(time.monotonic())
        return original(self, outgoing, timeout)

    monkeypatch.setattr(Sender, "send", spy)
    urls: list[str] = []
    with sso_client(srv, org_name="acme", sso_timeout=1.5, on_auth_url=urls.append) as client:
        began = time.monotonic()
        with pytest.raises(SSOTimeoutError) as info:
            client.run(edges_plan("sso"))
        raised = time.monotonic()
        logged = log_of(srv)
        time.sleep(0.6)
        assert logged == log_of(srv)
    assert 1.5 <= raised - began < 2.5
    assert max(sent_at) < raised
    assert 1 == len(urls)
    assert ["/api/v2/o/acme/sso/oidc/login/"] == paths_with(srv, START_MARK)
    assert [] == creates(srv)
    assert "client.login()" in str(info.value)
    assert (srv.server, "acme") == (info.value.server, info.value.org_name)


def test_unknown_org_is_a_clear_error_and_no_upload(srv: LocalServer) -> None:
    """An org the server does not know: AuthenticationError naming it; no URL, no upload."""
    urls: list[str] = []
    client = sso_client(srv, org_name="no-such-org", on_auth_url=urls.append)
    with client, pytest.raises(AuthenticationError) as info:
        client.run(edges_plan("sso"))
    assert "'no-such-org'" in str(info.value)
    assert [] == urls
    assert [("POST", "/api/v2/o/no-such-org/sso/oidc/login/", 404)] == log_of(srv)


def test_org_the_user_is_not_in_never_uploads(srv: LocalServer) -> None:
    """alice signs in for globex (bob's org): the page refuses her (403), the client times
    out, nothing is created."""
    approver = FormApprover("alice")
    client = sso_client(srv, org_name="globex", sso_timeout=1.0, on_auth_url=approver)
    with client, pytest.raises(SSOTimeoutError):
        client.run(edges_plan("sso"))
    approver.join()
    assert [403] == approver.statuses
    assert [] == creates(srv)


def test_reply_saying_not_a_member_is_permission_denied(srv: LocalServer) -> None:
    """A poll reply with ``is_member: false`` is PermissionDeniedError, before any upload."""
    srv.inject_fault(
        POLL_MARK,
        status=200,
        body={
            "status": "OK",
            "data": {
                "token": "x.y.z",
                "active_organization": {"slug": "globex", "is_member": False},
            },
        },
    )
    client = sso_client(srv, org_name="globex", on_auth_url=lambda url: None)
    with client, pytest.raises(PermissionDeniedError):
        client.run(edges_plan("sso"))
    assert [] == creates(srv)


@pytest.mark.parametrize("with_slug", [True, False], ids=["slug", "jwt-claim"])
def test_token_for_another_org_is_refused(srv: LocalServer, with_slug: bool) -> None:
    """Requested acme, the poll returns alice's token for shared (named by the reply's slug,
    or only by the token's org claim): AuthenticationError, no upload, no token in the text."""
    with ClientUserPass(
        "alice", "alice-pw", server=srv.server, protocol="http", org_name="shared"
    ) as other:
        foreign = other.token()
    data: dict[str, Any] = {"token": foreign}
    if with_slug:
        data["active_organization"] = {"slug": "shared", "is_found": True, "is_member": True}
    srv.clear_request_log()
    srv.inject_fault(POLL_MARK, status=200, body={"status": "OK", "data": data})
    with sso_client(srv, org_name="acme", on_auth_url=lambda url: None) as client:
        with pytest.raises(AuthenticationError) as info:
            client.run(edges_plan("sso"))
        assert "acme" == client.org_name
    assert "'acme' was requested" in str(info.value)
    assert "'shared'" in str(info.value)
    assert foreign not in str(info.value)
    assert [] == creates(srv)


def test_expired_state_fails_at_once(srv: LocalServer) -> None:
    """A state that expires before approval (410) is an AuthenticationError at the next
    poll, long before sso_timeout."""
    srv.sso_state_ttl_s = 0.1
    with sso_client(srv, sso_timeout=30, on_auth_url=lambda url: None) as client:
        began = time.monotonic()
        with pytest.raises(AuthenticationError) as info:
            client.token()
    assert not isinstance(info.value, SSOTimeoutError)
    assert time.monotonic() - began < 2.0
    assert 410 == info.value.status
    assert [410] == [r.status for r in srv.request_log() if POLL_MARK in r.path]


def test_transient_poll_failure_keeps_polling(srv: LocalServer) -> None:
    """A 503 on one poll is not fatal: the next poll gets the token."""
    srv.inject_fault(POLL_MARK, status=503, count=1)
    with sso_client(srv, org_name="acme", on_auth_url=DirectApprover(srv, "carol")) as client:
        client.token()
    assert [503, 200] == [r.status for r in srv.request_log() if POLL_MARK in r.path]


def test_start_reply_with_token_is_used_directly(srv: LocalServer) -> None:
    """A start reply that already carries a token: no URL shown, no poll; it uploads."""
    with ClientUserPass("alice", "alice-pw", server=srv.server, protocol="http") as other:
        ready = other.token()
    srv.clear_request_log()
    srv.inject_fault(
        "/api/v2/o/acme/sso/oidc/login/",
        status=200,
        body={"status": "OK", "data": {"token": ready, "active_organization": {"slug": "acme"}}},
    )
    urls: list[str] = []
    with sso_client(srv, org_name="acme", on_auth_url=urls.append) as client:
        result = client.run(edges_plan("sso"))
    assert [] == urls
    assert [] == paths_with(srv, POLL_MARK)
    assert ("alice", "acme") == (
        srv.dataset(result.dataset_id).owner,
        srv.dataset(result.dataset_id).org,
    )


def test_threads_needing_the_first_token_share_one_flow(srv: LocalServer) -> None:
    """Eight threads call token() at once: one start, one URL shown, one token for all."""
    approver = DirectApprover(srv, "alice", delay_s=0.3)
    with sso_client(srv, org_name="acme", on_auth_url=approver) as client:
        tokens = at_once(8, client.token, seconds=15)
    assert 8 == len(tokens)
    assert 1 == len(set(tokens))
    assert 1 == len(approver.urls)
    assert 1 == len(paths_with(srv, START_MARK))


def test_threads_share_the_timeout_too(srv: LocalServer) -> None:
    """Four threads, no approval: one flow, and every thread gets SSOTimeoutError."""
    urls: list[str] = []
    with sso_client(srv, sso_timeout=0.5, on_auth_url=urls.append) as client:
        errors = at_once(4, client.token, seconds=15)
    assert [SSOTimeoutError] * 4 == [type(e) for e in errors]
    assert 1 == len(urls)
    assert 1 == len(paths_with(srv, START_MARK))


def test_close_stops_a_login_waiting_for_approval(srv: LocalServer) -> None:
    """Closing the client from another thread ends the wait at once with an error."""
    client = sso_client(srv, sso_timeout=30, on_auth_url=lambda url: None)
    threading.Timer(0.3, client.close).start()
    began = time.monotonic()
    with pytest.raises(AuthenticationError) as info:
        client.token()
    assert time.monotonic() - began < 2.0
    assert "closed" in str(info.value)


def test_on_auth_url_is_called_before_polling(srv: LocalServer) -> None:
    """When on_auth_url runs, the flow has started and no poll has been sent yet."""
    seen: list[list[str]] = []

    def hook(url: str) -> None:
        seen.append(paths_with(srv, POLL_MARK))
        DirectApprover(srv, "alice")(url)

    with sso_client(srv, on_auth_url=hook) as client:
        client.token()
    assert [[]] == seen
    assert 1 <= len(paths_with(srv, POLL_MARK))


def test_default_prints_the_url_to_stderr(
    srv: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without on_auth_url the auth URL is printed to stderr (outside a notebook)."""
    srv.sso_auto_approve = "alice"
    with sso_client(srv) as client:
        client.token()
    err = capsys.readouterr().err
    assert f"{srv.url}/sso/authorize/" in err


def test_open_browser_opens_the_url(srv: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """open_browser=True hands the URL to webbrowser.open, and still calls on_auth_url."""
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, new=0: opened.append(url))
    srv.sso_auto_approve = "alice"
    urls: list[str] = []
    with sso_client(srv, open_browser=True, on_auth_url=urls.append) as client:
        client.token()
    assert urls == opened
    assert 1 == len(opened)


def test_default_shows_a_link_in_a_notebook(
    srv: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inside an IPython kernel the default displays an HTML link instead of printing."""
    shown: list[str] = []

    class Shell:
        kernel = object()

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = Shell  # type: ignore[attr-defined]
    display = types.ModuleType("IPython.display")
    display.HTML = lambda text: text  # type: ignore[attr-defined]
    display.display = shown.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    srv.sso_auto_approve = "alice"
    with sso_client(srv) as client:
        client.token()
    assert 1 == len(shown)
    assert f'href="{srv.url}/sso/authorize/' in shown[0]
    assert "" == capsys.readouterr().err
