"""ClientSSO as the global root (legacy register) and as an explicit root; no secret leaks."""

from __future__ import annotations

import logging
import traceback

import pytest

import graphistry_fp as graphistry
from graphistry_fp.errors import AuthenticationError, ConfigError
from graphistry_fp.interpreters.sso import ClientSSO
from graphistry_fp.server import LocalServer
from tests.support.clients import sso_client
from tests.support.data import EDGES, dataset_of, edges_plan
from tests.support.server import paths_with
from tests.support.sso import POLL_MARK, START_MARK, FormApprover


def owner_org(srv: LocalServer, url: str) -> tuple[str, str | None]:
    """(owner, org) of the dataset a viewer URL points at, as the server recorded it."""
    record = srv.dataset(dataset_of(url))
    return record.owner, record.org


def test_legacy_register_is_sso_login_as_global_root(srv: LocalServer) -> None:
    """register(org_name=, is_sso_login=True, on_auth_url=, sso_timeout=) blocks until the
    approval, then g.plot() uploads as the approving user under that org."""
    approver = FormApprover("carol")
    client = graphistry.register(
        org_name="acme",
        is_sso_login=True,
        server=srv.server,
        protocol="http",
        on_auth_url=approver,
        sso_timeout=10,
    )
    assert isinstance(client, ClientSSO)
    assert client is graphistry.client_root()
    assert 1 == len(approver.urls)  # authenticated during register(), as pygraphistry does
    url = graphistry.edges(EDGES, "s", "d").plot()
    assert ("carol", "acme") == owner_org(srv, url)


def test_legacy_register_org_and_idp(srv: LocalServer) -> None:
    """register(org_name=, idp_name=) alone means SSO through the org + IdP path."""
    graphistry.register(
        org_name="shared",
        idp_name="okta",
        server=srv.server,
        protocol="http",
        on_auth_url=FormApprover("bob"),
    )
    url = graphistry.edges(EDGES, "s", "d").plot()
    assert ("bob", "shared") == owner_org(srv, url)
    assert ["/api/v2/o/shared/sso/oidc/login/okta/"] == paths_with(srv, START_MARK)


def test_legacy_register_idp_without_org_fails(srv: LocalServer) -> None:
    """register(idp_name=...) without an org is a ConfigError; the global root is unchanged."""
    before = graphistry.client_root()
    with pytest.raises(ConfigError):
        graphistry.register(idp_name="okta", server=srv.server, protocol="http")
    assert before is graphistry.client_root()


def test_explicit_root(srv: LocalServer) -> None:
    """graphistry.client(ClientSSO(...)) roots a chain; the global root stays unconfigured
    and the login happens at the plot."""
    approver = FormApprover("alice")
    client = sso_client(srv, org_name="shared", on_auth_url=approver)
    g = graphistry.client(client).edges(EDGES, "s", "d")
    assert [] == approver.urls
    url = g.plot()
    assert ("alice", "shared") == owner_org(srv, url)
    assert 1 == len(approver.urls)
    assert isinstance(graphistry.client_root(), graphistry.ClientUnconfigured)
    client.close()


def test_facade_exports_client_sso() -> None:
    """graphistry.ClientSSO is the interpreter's class."""
    assert ClientSSO is graphistry.ClientSSO


def test_no_token_in_repr_logs_or_errors(
    srv: LocalServer, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """With DEBUG logging on, a login, a run and a refused session leave the token nowhere:
    not in repr/str, log records, stderr, or the error's text."""
    caplog.set_level(logging.DEBUG)
    srv.sso_auto_approve = "alice"
    texts: list[str] = []
    with sso_client(srv, org_name="acme", idp_name="okta") as client:
        token = client.token()
        client.run(edges_plan("sso"))
        texts += [repr(client), str(client)]
        srv.inject_fault("/api/v2/auth/token/refresh", status=401, count=1)
        with pytest.raises(AuthenticationError) as info:
            client.refresh()
        texts += [
            str(info.value),
            repr(info.value),
            "".join(traceback.format_exception(info.value)),
        ]
    captured = capsys.readouterr()
    texts += [record.getMessage() for record in caplog.records]
    texts += [captured.out, captured.err]
    assert "ClientSSO(idp_name='okta', server=" in repr(client)
    assert [] == [text for text in texts if token in text]
    assert any(POLL_MARK in text for text in texts)  # DEBUG logging was on and captured
