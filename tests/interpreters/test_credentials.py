"""One function builds the client for register(), Client.from_env and the plot command."""

from __future__ import annotations

import pytest

from graphistry_fp.errors import ConfigError
from graphistry_fp.interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
from graphistry_fp.interpreters.credentials import (
    CREDENTIAL_VARIABLES,
    ENV_VARIABLES,
    client_for,
    client_from_env,
)
from graphistry_fp.interpreters.sso import ClientSSO

WHERE = {"server": "127.0.0.1:9", "protocol": "http"}


def test_the_first_complete_kind_wins_in_pygraphistry_order() -> None:
    """username/password, then personal key, then token, then single sign-on."""
    both = client_for(username="u", password="p", token="t", **WHERE)
    key = client_for(personal_key_id="k", personal_key_secret="s", token="t", **WHERE)
    sso = client_for(org_name="acme", sso=True, **WHERE)
    assert [ClientUserPass, ClientAPIKey, ClientJWT, ClientSSO] == [
        type(both), type(key), type(client_for(token="t", **WHERE)), type(sso)
    ]
    for client in (both, key, sso):
        client.close()


def test_half_a_pair_is_worded_for_its_front_door() -> None:
    """register() names the keywords; the environment names the missing variable."""
    with pytest.raises(ConfigError, match=r"register\(\) needs both username= and password="):
        client_for(username="u", **WHERE)
    with pytest.raises(ConfigError, match="set GRAPHISTRY_PASSWORD"):
        client_from_env({"GRAPHISTRY_USERNAME": "u"})


def test_the_environment_offers_no_single_sign_on() -> None:
    """An org alone in the environment is no credential (SSO needs register() or ClientSSO)."""
    with pytest.raises(ConfigError, match="no credentials in the environment"):
        client_from_env({"GRAPHISTRY_ORG_NAME": "acme"})


def test_credential_variables_come_from_the_one_table() -> None:
    """The plot command's list of credential variables is derived from ENV_VARIABLES."""
    assert {
        "GRAPHISTRY_USERNAME", "GRAPHISTRY_PASSWORD", "GRAPHISTRY_PERSONAL_KEY_ID",
        "GRAPHISTRY_PERSONAL_KEY_SECRET", "GRAPHISTRY_API_TOKEN",
    } == set(CREDENTIAL_VARIABLES)
    assert CREDENTIAL_VARIABLES < set(ENV_VARIABLES.values())
