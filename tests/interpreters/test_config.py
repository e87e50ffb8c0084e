"""Client construction: option validation, env defaults, no I/O, and from_env precedence."""

from __future__ import annotations

import pytest

from graphistry_fp.errors import ConfigError
from graphistry_fp.interpreters.base import Client
from graphistry_fp.interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
from graphistry_fp.interpreters.config import make_config


@pytest.mark.parametrize(
    "kwargs",
    [
        {"server": "https://hub.graphistry.com"},
        {"server": "//host"},
        {"server": ""},
        {"protocol": "ftp"},
        {"timeout": -1},
        {"timeout": 0},
        {"timeout": (1, -2)},
        {"timeout": (1, 2, 3)},
        {"timeout": "10"},
        {"timeout": None},
        {"max_retries": -1},
        {"max_retries": True},
        {"certificate_validation": "no"},
        {"client_protocol_hostname": ""},
        {"verify": False},
        {"org_name": ""},
    ],
)
def test_invalid_options_raise_config_error(kwargs: dict[str, object]) -> None:
    """Each invalid option is a ConfigError (also a ValueError) at construction."""
    with pytest.raises(ConfigError):
        ClientUserPass("alice", "pw", **kwargs)  # type: ignore[arg-type]
    assert issubclass(ConfigError, ValueError)


def test_defaults_and_timeout_forms() -> None:
    """Defaults are hub.graphistry.com/https, (10, 120), 2 retries; a number means both."""
    config = make_config(None, None, {}, environ={})
    assert ("hub.graphistry.com", "https", (10.0, 120.0), 2, True) == (
        config.server, config.protocol, config.timeout, config.max_retries,
        config.certificate_validation,
    )
    assert (5.0, 5.0) == make_config(None, None, {"timeout": 5}, environ={}).timeout
    assert (1.0, 30.0) == make_config(None, None, {"timeout": (1, 30)}, environ={}).timeout


def test_env_read_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    """GRAPHISTRY_HOSTNAME/PROTOCOL are read when the client is built; arguments win."""
    monkeypatch.setenv("GRAPHISTRY_HOSTNAME", "env.example:9000")
    monkeypatch.setenv("GRAPHISTRY_PROTOCOL", "http")
    client = ClientJWT("tok")
    assert ("env.example:9000", "http") == (client.server, client.protocol)
    client = ClientJWT("tok", server="arg.example", protocol="https")
    assert ("arg.example", "https") == (client.server, client.protocol)


def test_repr_shows_no_secret() -> None:
    """repr/str name the class, user, server and org, never a password, secret or token."""
    clients = [
        ClientUserPass("alice", "pw-SECRET-1", server="h", org_name="acme"),
        ClientAPIKey("kid", "key-SECRET-2", server="h"),
        ClientJWT("tok-SECRET-3", server="h"),
    ]
    for client in clients:
        for text in (repr(client), str(client)):
            assert "SECRET" not in text
    assert "ClientUserPass(username='alice', server='h', protocol='https', org_name='acme')" == repr(
        clients[0]
    )


def test_from_env_precedence() -> None:
    """from_env: explicit argument, then environment, then default; pick by credential kind."""
    env = {
        "GRAPHISTRY_USERNAME": "alice",
        "GRAPHISTRY_PASSWORD": "pw",
        "GRAPHISTRY_HOSTNAME": "env.example",
        "GRAPHISTRY_ORG_NAME": "acme",
        "GRAPHISTRY_CERTIFICATE_VALIDATION": "true",
    }
    client = Client.from_env(env)
    assert isinstance(client, ClientUserPass)
    assert ("env.example", "https", "acme") == (client.server, client.protocol, client.org_name)
    client = Client.from_env(env, server="arg.example", org_name="beta", protocol="http")
    assert ("arg.example", "http", "beta") == (client.server, client.protocol, client.org_name)
    key = Client.from_env({"GRAPHISTRY_PERSONAL_KEY_ID": "k", "GRAPHISTRY_PERSONAL_KEY_SECRET": "s"})
    assert isinstance(key, ClientAPIKey)
    assert "hub.graphistry.com" == key.server
    assert isinstance(Client.from_env({"GRAPHISTRY_API_TOKEN": "t"}), ClientJWT)


@pytest.mark.parametrize(
    "env",
    [{}, {"GRAPHISTRY_USERNAME": "alice"}, {"GRAPHISTRY_PERSONAL_KEY_SECRET": "s"},
     {"GRAPHISTRY_API_TOKEN": "t", "GRAPHISTRY_CERTIFICATE_VALIDATION": "maybe"}],
)
def test_from_env_incomplete_raises(env: dict[str, str]) -> None:
    """No credentials, half a pair or a bad boolean is a ConfigError naming the variable."""
    with pytest.raises(ConfigError):
        Client.from_env(env)
