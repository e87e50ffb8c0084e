"""A catalogue of bad input: each case raises the right ``GraphistryError`` subclass with a
message naming the problem; plan-time and construction-time cases send no request at all.

It extends the 56-row ``PlanError`` table of ``tests/core/test_bad_input.py`` (re-run here
against a real HTTP client to prove nothing reaches the network) with what that table
lacks: more tables (unsupported dtypes, integers beyond 64 bits, NaT ids, polars nulls),
client options, credentials and legacy ``register()`` arguments (``ConfigError``), and
runtime cases only the server can judge (refused credentials, foreign orgs, a body over
the server's limit, an unconfigured root).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import graphistry_fp as graphistry
from graphistry_fp import (
    ClientAPIKey,
    ClientJWT,
    ClientUserPass,
    DryRunClient,
)
from graphistry_fp.errors import (
    AuthenticationError,
    ConfigError,
    GraphistryError,
    NotConfiguredError,
    PermissionDeniedError,
    PlanError,
    ProtocolError,
)
from graphistry_fp.server import LocalServer
from tests.core.test_bad_input import CASES as CORE_PLAN_CASES
from tests.support.data import EDGES, full_plan
from tests.support.server import settled_log

E = pd.DataFrame({"s": ["a", "b"], "d": ["b", "a"]})


def with_column(name: str, values: Any) -> pd.DataFrame:
    out = E.copy()
    out[name] = values
    return out


def obj(values: list[Any]) -> pd.Series:
    return pd.Series(values, dtype=object)


Build = Callable[[], Any]

#: Plan-time cases this section adds: a thunk building the bad plottable (``plot()`` is
#: called on it), and the message fragments. Some raise while building (the input alone
#: is wrong), the others at ``plan()``; either way before any I/O.
PLAN_CASES: list[tuple[str, Build, list[str]]] = [
    ("int_beyond_64_bits", lambda: graphistry.edges(with_column("h", obj([2**70, 1])), "s", "d"),
     ["'h'", "64 bits", "astype(str)"]),
    ("unsupported_dtype_sparse",
     lambda: graphistry.edges(with_column("f", pd.arrays.SparseArray([0, 1])), "s", "d"), ["'f'", "astype"]),
    ("unsupported_dtype_plain_objects", lambda: graphistry.edges(with_column("o", obj([object(), 1])), "s", "d"),
     ["'o'", "astype(str)"]),
    ("nested_dicts_clashing", lambda: graphistry.edges(with_column("n", obj([{"a": 1}, {"a": "x"}])), "s", "d"),
     ["'n'", "astype(str)"]),
    ("nat_source", lambda: graphistry.edges(pd.DataFrame({"s": pd.to_datetime(["2020-01-01", None]),
                                                          "d": ["a", "b"]}), "s", "d"), ["'s'", "source", "null"]),
    ("nan_in_object_destination", lambda: graphistry.edges(pd.DataFrame({"s": ["a", "b"], "d": obj(["a", np.nan])}),
                                                           "s", "d"), ["'d'", "destination"]),
    ("polars_null_source", lambda: graphistry.edges(__import__("polars").DataFrame({"s": ["a", None], "d": ["b", "a"]}),
                                                    "s", "d"), ["'s'", "source", "null"]),
    ("arrow_null_node_id", lambda: graphistry.edges(E, "s", "d").nodes(pa.table({"n": ["a", None]}), "n"),
     ["'n'", "node"]),
    ("multiindex_column_names",
     lambda: graphistry.edges(pd.DataFrame([["a", "b"]], columns=pd.MultiIndex.from_tuples([("s", "x"), ("d", "y")])),
                              "s", "d"), ["not strings"]),
    ("missing_destination_column", lambda: graphistry.edges(E, "s", "dst"), ["'dst'", "destination"]),
    ("url_setting_nested_value", lambda: graphistry.edges(E, "s", "d").settings(url_params={"play": {"a": 1}}),
     ["URL setting", "dict"]),
    ("privacy_message_not_a_string", lambda: graphistry.edges(E, "s", "d").privacy(message=3), ["message"]),
    ("description_not_a_string", lambda: graphistry.edges(E, "s", "d").description(3), ["description", "int"]),
    ("encoding_column_not_a_string", lambda: graphistry.edges(E, "s", "d").encode_edge_icon(3), ["edge_icon", "int"]),
    ("style_value_not_json", lambda: graphistry.edges(E, "s", "d").style(bg={"color": {1, 2}}), ["bg", "JSON"]),
    ("unknown_render_mode", lambda: graphistry.edges(E, "s", "d").plot(render="pdf"), ["render", "'pdf'"]),
]  # fmt: skip

#: Construction-time cases: invalid client options, credentials and register() arguments.
#: ``S`` stands for the test server's ``host:port``.
CONFIG_CASES: list[tuple[str, Callable[[str], Any], list[str]]] = [
    ("scheme_inside_server", lambda S: ClientUserPass("alice", "pw", server=f"http://{S}"), ["scheme", "protocol="]),
    ("scheme_only_slashes", lambda S: ClientUserPass("alice", "pw", server=f"//{S}"), ["scheme"]),
    ("credentials_inside_server", lambda S: ClientUserPass("alice", "pw", server=f"alice:pw@{S}"), ["credentials"]),
    ("server_port_not_a_number", lambda S: ClientUserPass("alice", "pw", server="localhost:http"), ["port"]),
    ("server_port_out_of_range", lambda S: ClientUserPass("alice", "pw", server="localhost:70000"), ["port", "65535"]),
    ("server_ipv6_without_brackets", lambda S: ClientUserPass("alice", "pw", server="::1"), ["brackets"]),
    ("server_with_query", lambda S: ClientUserPass("alice", "pw", server=f"{S}?x=1"), ["host[:port]"]),
    ("server_empty", lambda S: ClientUserPass("alice", "pw", server=" "), ["server"]),
    ("protocol_unknown", lambda S: ClientUserPass("alice", "pw", server=S, protocol="ftp"), ["protocol", "'ftp'"]),
    ("protocol_not_a_string", lambda S: ClientUserPass("alice", "pw", server=S, protocol=443), ["protocol"]),  # type: ignore[arg-type]
    ("timeout_negative", lambda S: ClientUserPass("alice", "pw", server=S, timeout=-1), ["timeout", "-1"]),
    ("timeout_zero_read", lambda S: ClientUserPass("alice", "pw", server=S, timeout=(5, 0)), ["timeout (read)"]),
    ("timeout_nan", lambda S: ClientUserPass("alice", "pw", server=S, timeout=float("nan")), ["timeout"]),
    ("timeout_triple", lambda S: ClientUserPass("alice", "pw", server=S, timeout=(1, 2, 3)), ["(connect, read)"]),
    ("timeout_a_string", lambda S: ClientUserPass("alice", "pw", server=S, timeout="10"), ["timeout", "'10'"]),
    ("max_retries_negative", lambda S: ClientUserPass("alice", "pw", server=S, max_retries=-1), ["max_retries"]),
    ("max_retries_a_bool", lambda S: ClientUserPass("alice", "pw", server=S, max_retries=True), ["max_retries"]),
    ("certificate_validation_a_string", lambda S: ClientUserPass("alice", "pw", server=S, certificate_validation="no"),
     ["certificate_validation", "'no'"]),
    ("client_protocol_hostname_no_scheme",
     lambda S: ClientUserPass("alice", "pw", server=S, client_protocol_hostname="viz.example.com"),
     ["client_protocol_hostname", "scheme"]),
    ("unknown_option", lambda S: ClientUserPass("alice", "pw", server=S, verify=False), ["'verify'", "options"]),
    ("org_name_empty", lambda S: ClientUserPass("alice", "pw", server=S, org_name=" "), ["org_name"]),
    ("username_empty", lambda S: ClientUserPass("", "pw", server=S), ["username"]),
    ("username_blank", lambda S: ClientUserPass("   ", "pw", server=S), ["username"]),
    ("password_empty", lambda S: ClientUserPass("alice", "", server=S), ["password"]),
    ("password_not_a_string", lambda S: ClientUserPass("alice", None, server=S), ["password"]),  # type: ignore[arg-type]
    ("key_id_empty", lambda S: ClientAPIKey("", "secret", server=S), ["personal_key_id"]),
    ("key_secret_empty", lambda S: ClientAPIKey("alice-key", "", server=S), ["personal_key_secret"]),
    ("token_empty", lambda S: ClientJWT("", server=S), ["token"]),
    ("token_blank", lambda S: ClientJWT("  \n", server=S), ["token"]),
    ("switch_org_empty", lambda S: ClientUserPass("alice", "pw", server=S).switch_org(""), ["org_name"]),
    ("register_username_without_password",
     lambda S: graphistry.register(username="alice", server=S, protocol="http"), ["password="]),
    ("register_key_without_secret",
     lambda S: graphistry.register(personal_key_id="alice-key", server=S, protocol="http"), ["personal_key_secret="]),
    # register(server=..., protocol=...) alone is now accepted and carries the settings over
    # (DESIGN.md 3, issue 13; tests/legacy/test_session.py); with a non-setting option it is not
    ("register_no_credentials", lambda S: graphistry.register(server=S, protocol="http", sso_timeout=1),
     ["credentials", "username="]),
    ("register_old_api", lambda S: graphistry.register(api=1, username="alice", password="pw", server=S),
     ["api=3"]),
    ("register_client_and_credentials",
     lambda S: graphistry.register(client=DryRunClient(), username="alice"), ["takes no other arguments"]),
]  # fmt: skip


@pytest.mark.parametrize(("build", "fragments"), [c[1:] for c in PLAN_CASES], ids=[c[0] for c in PLAN_CASES])
def test_plan_time_case_raises_plan_error_and_sends_nothing(
    srv: LocalServer, build: Build, fragments: list[str]
) -> None:
    """Building or plotting the bad plottable with an HTTP client as the context root raises
    PlanError naming the problem, and the server receives no request (not even a login);
    a DryRunClient records nothing either."""
    client = ClientUserPass("alice", "alice-pw", server=srv.server, protocol="http")
    dry = DryRunClient()
    for runner in (client, dry):
        with graphistry.using(runner), pytest.raises(PlanError) as info:
            built = build()
            built.plot(render="url")
        message = str(info.value)
        assert [] == [f for f in fragments if f not in message], message
    assert [] == dry.performed
    assert [] == settled_log(srv)


@pytest.mark.parametrize(
    "thunk", [c[1] for c in CORE_PLAN_CASES], ids=[c[0] for c in CORE_PLAN_CASES]
)
def test_core_plan_cases_send_nothing(srv: LocalServer, thunk: Callable[[], Any]) -> None:
    """Every row of the core PlanError table, run with an HTTP client as the context root:
    still PlanError, and no request reaches the server (chaining and plan() do no I/O)."""
    client = ClientUserPass("alice", "alice-pw", server=srv.server, protocol="http")
    with graphistry.using(client), pytest.raises(PlanError):
        thunk()
    assert [] == settled_log(srv)


@pytest.mark.parametrize(("build", "fragments"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_construction_case_raises_config_error_and_sends_nothing(
    srv: LocalServer, build: Callable[[str], Any], fragments: list[str]
) -> None:
    """Invalid client options, credentials or register() arguments: ConfigError (also a
    ValueError) naming the problem, raised before any request is sent."""
    with pytest.raises(ConfigError) as info:
        build(srv.server)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert [] == [f for f in fragments if f not in message], message
    assert [] == settled_log(srv)


def test_credentials_never_echoed_by_a_config_error() -> None:
    """A server string carrying credentials is refused without repeating them."""
    with pytest.raises(ConfigError) as info:
        ClientUserPass("alice", "pw", server="alice:hunter2@example.com")
    assert "hunter2" not in str(info.value)


#: Runtime cases: input only the server can judge. (client factory, expected error,
#: message fragments); ``srv`` is the test server.
RUNTIME_CASES: dict[str, tuple[Callable[[LocalServer], Any], type[GraphistryError], list[str]]] = {
    "wrong_password": (lambda s: ClientUserPass("alice", "nope", server=s.server, protocol="http").run(full_plan()),
                       AuthenticationError, ["username and password"]),
    "unknown_user": (lambda s: ClientUserPass("mallory", "pw", server=s.server, protocol="http").run(full_plan()),
                     AuthenticationError, ["username and password"]),
    "wrong_key_secret": (lambda s: ClientAPIKey("alice-key", "nope", server=s.server, protocol="http").run(full_plan()),
                         AuthenticationError, ["key id and secret"]),
    "org_not_a_member": (lambda s: ClientUserPass("alice", "alice-pw", server=s.server, protocol="http",
                                                  org_name="globex").run(full_plan()),
                         PermissionDeniedError, ["globex"]),
    "switch_to_foreign_org": (lambda s: ClientUserPass("bob", "bob-pw", server=s.server, protocol="http")
                              .switch_org("acme"), PermissionDeniedError, ["acme"]),
    "token_not_a_jwt": (lambda s: ClientJWT("not-a-jwt", server=s.server, protocol="http").run(full_plan()),
                        AuthenticationError, ["token"]),
    "body_over_server_limit": (lambda s: ClientUserPass("alice", "alice-pw", server=s.server, protocol="http")
                               .run(graphistry.edges(with_column("big", ["x" * 300_000, "y"]), "s", "d").plan()),
                               ProtocolError, ["413", "limit"]),
    "plot_without_register": (lambda s: graphistry.edges(EDGES, "s", "d").plot(render="url"),
                              NotConfiguredError, ["register"]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(RUNTIME_CASES))
def test_runtime_case_raises_typed_error(srv: LocalServer, name: str) -> None:
    """Input only the server can judge: the typed error, naming the problem; nothing is
    created, except for a body over the server's limit, which is refused after create
    (the client cannot know the limit): that dataset is left without edges."""
    srv.max_body_bytes = 100_000
    before = {d.dataset_id for d in srv.datasets()}
    make, expected, fragments = RUNTIME_CASES[name]
    with pytest.raises(expected) as info:
        make(srv)
    message = str(info.value)
    assert [] == [f for f in fragments if f not in message], message
    left = [(d.edges_rows, d.nodes_rows) for d in srv.datasets() if d.dataset_id not in before]
    assert ([(None, None)] if name == "body_over_server_limit" else []) == left


def test_catalogue_size() -> None:
    """The catalogue keeps at least 30 cases of its own beyond the core table's."""
    assert len(PLAN_CASES) + len(CONFIG_CASES) + len(RUNTIME_CASES) >= 30
