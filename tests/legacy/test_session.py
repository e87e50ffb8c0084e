"""The legacy session's module functions (DESIGN.md 3): credential-less ``register()``
carries settings over, module ``privacy()`` is the default sharing of the global root only,
and ``login``/``refresh``/``api_token``/``server``/``protocol``/``org_name``/
``client_protocol_hostname`` act on the global root's client. Real HTTP on the local server.
"""

from __future__ import annotations

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp.effects import Share
from graphistry_fp.server import LocalServer
from tests.support.server import JWT_RE

EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "c"]})


def _dataset(srv: LocalServer, url: str) -> str:
    return str(url).split("dataset=")[1].split("&")[0]


def test_settings_only_register_changes_nothing_and_carries_over(graphistry_server: LocalServer) -> None:
    """``register(api=3, server=..., protocol=...)`` keeps the unconfigured root; a later
    ``register(username=..., password=...)`` uses those settings and plots to that server."""
    srv = graphistry_server
    before = graphistry.client_root()
    assert before is graphistry.register(api=3, server=srv.server, protocol="http")
    assert before is graphistry.client_root()
    graphistry.register(username="alice", password="alice-pw")
    root = graphistry.client_root()
    assert (srv.server, "http") == (root.server, root.protocol)
    url = graphistry.edges(EDGES, "s", "d").plot(render="url")
    assert "alice" == srv.dataset(_dataset(srv, url)).owner


def test_explicit_settings_win_over_carried_ones(graphistry_server: LocalServer) -> None:
    """Settings given with the credentials win over the carried ones."""
    graphistry.register(api=3, server="other.invalid:1", protocol="https")
    graphistry.register(
        username="alice", password="alice-pw", server=graphistry_server.server, protocol="http"
    )
    assert graphistry_server.server == graphistry.server()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"server": "http://h.example"}, ["server"]),
        ({"protocol": "gopher"}, ["protocol"]),
        ({"sso_timeout": 3}, ["sso_timeout", "username="]),
    ],
)
def test_bad_settings_only_register_fails_at_once(kwargs: dict[str, object], words: list[str]) -> None:
    """Invalid carried settings raise ConfigError at the register() that gives them."""
    with pytest.raises(graphistry.ConfigError) as info:
        graphistry.register(api=3, **kwargs)  # type: ignore[arg-type]
    for word in words:
        assert word in str(info.value)


def test_module_privacy_applies_to_global_root_chains_only() -> None:
    """The default sharing reaches plots resolving to the global root that set no privacy;
    a plottable's own privacy wins; explicit roots and using(c) blocks are unaffected;
    plan() never includes it."""
    glob, mine, scoped = graphistry.DryRunClient(), graphistry.DryRunClient(), graphistry.DryRunClient()
    graphistry.register(client=glob)
    graphistry.privacy(mode="organization", notify=True, message="m")
    g = graphistry.edges(EDGES, "s", "d")
    assert [] == [e for e in g.plan().steps if isinstance(e, Share)]

    def shares(client: graphistry.DryRunClient) -> list[tuple[str, bool, str]]:
        return [(e.mode, e.notify, e.message) for e in client.performed if isinstance(e, Share)]

    g.plot(render="url")
    g.privacy(mode="public").plot(render="url")
    assert [("organization", True, "m"), ("public", False, "")] == shares(glob)
    g.client(mine).plot(render="url")
    mine.g().edges(EDGES, "s", "d").upload()
    with graphistry.using(scoped):
        g.plot(render="url")
    assert ([], []) == (shares(mine), shares(scoped))


def test_module_privacy_validates_its_mode() -> None:
    """An unknown mode fails at the privacy() call, as Plottable.privacy does."""
    with pytest.raises(graphistry.PlanError, match="mode"):
        graphistry.privacy(mode="everyone")


def test_login_and_accessors_act_on_the_global_root(graphistry_server: LocalServer) -> None:
    """login() logs in on the carried server and becomes the global root; api_token(),
    refresh(), server(), protocol(), org_name() and client_protocol_hostname() read it."""
    srv = graphistry_server
    assert graphistry.api_token() is None
    graphistry.register(api=3, server=srv.server, protocol="http")
    token = graphistry.login("alice", "alice-pw")
    assert JWT_RE.fullmatch(token)
    assert token == graphistry.api_token()
    assert JWT_RE.fullmatch(graphistry.refresh())
    assert (srv.server, "http", "acme") == (
        graphistry.server(), graphistry.protocol(), graphistry.org_name()
    )
    assert "//" + srv.server == graphistry.client_protocol_hostname()
    assert "shared" == graphistry.org_name("shared")
    assert "shared" == graphistry.client_root().org_name
    url = graphistry.edges(EDGES, "s", "d").plot(render="url")
    assert ("alice", "shared") == (srv.dataset(_dataset(srv, url)).owner, srv.dataset(_dataset(srv, url)).org)


def test_login_with_a_bad_password_fails_and_keeps_the_root(graphistry_server: LocalServer) -> None:
    """A refused login raises AuthenticationError and leaves the global root as it was."""
    graphistry.register(api=3, server=graphistry_server.server, protocol="http")
    before = graphistry.client_root()
    with pytest.raises(graphistry.AuthenticationError):
        graphistry.login("alice", "wrong")
    assert before is graphistry.client_root()


def test_accessors_before_any_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unconfigured: no token, the default server and protocol, or the carried ones."""
    monkeypatch.delenv("GRAPHISTRY_HOSTNAME", raising=False)
    monkeypatch.delenv("GRAPHISTRY_PROTOCOL", raising=False)
    assert (None, "hub.graphistry.com", "https", None) == (
        graphistry.api_token(), graphistry.server(), graphistry.protocol(), graphistry.org_name()
    )
    graphistry.server("graphistry.example.com")
    graphistry.client_protocol_hostname("https://viz.example.com")
    assert "graphistry.example.com" == graphistry.server()
    assert "https://viz.example.com" == graphistry.client_protocol_hostname()
    with pytest.raises(graphistry.NotConfiguredError):
        graphistry.refresh()
