"""No password, key secret or token in any log line, repr, str or exception text.

Every token that travels on the wire is captured by spying on ``sender.Sender.send``
(request headers and bodies, reply bodies), so the check covers tokens the test never
handles itself (refreshed tokens, the switch reply's token).
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from typing import Any

import pytest

from graphistry_fp.errors import GraphistryError
from graphistry_fp.interpreters.clients import ClientAPIKey, ClientJWT, ClientUserPass
from graphistry_fp.server import LocalServer
from tests.support.data import edges_plan, full_plan

PASSWORD = "alice-pw"
KEY_SECRET = "alice-secret"


def texts_of_error(error: BaseException) -> list[str]:
    return [
        str(error),
        repr(error),
        json.dumps([str(a) for a in error.args]),
        "".join(traceback.format_exception(error)),
        json.dumps({k: str(v) for k, v in vars(error).items()}),
    ]


def test_no_secret_anywhere(
    srv: LocalServer, wire_tokens: set[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Log everything at DEBUG through logins, switches, refreshes, 401 replays and failures;
    then search every log record, repr, str and exception text for the password, the key
    secret and every token that crossed the wire: none is found."""
    caplog.set_level(logging.DEBUG)  # the root logger: ours, urllib3's, everything
    texts: list[str] = []

    def expect_error(call: Any) -> None:
        with pytest.raises(GraphistryError) as info:
            call()
        texts.extend(texts_of_error(info.value))

    user = ClientUserPass("alice", PASSWORD, server=srv.server, protocol="http", org_name="shared")
    key = ClientAPIKey("alice-key", KEY_SECRET, server=srv.server, protocol="http")
    with user, key:
        results = [user.run(full_plan()), key.run(edges_plan())]
        user.refresh()
        user.switch_org("acme")
        srv.inject_fault("/api/v2/upload/datasets/", status=401, count=1, method="POST")
        results.append(user.run(edges_plan()))
        jwt_client = ClientJWT(user.token(), server=srv.server, protocol="http")
        results.append(jwt_client.run(edges_plan()))
        srv.inject_fault("/api/v2/upload/datasets/", status=401, count=5, method="POST")
        expect_error(lambda: jwt_client.run(edges_plan()))
        srv.inject_fault("/api/v2/upload/datasets/ds", status=500, count=10)
        expect_error(lambda: user.run(edges_plan()))
        expect_error(
            lambda: ClientUserPass("alice", "wrong-" + PASSWORD, server=srv.server,
                                   protocol="http").token()
        )
        expect_error(
            lambda: ClientAPIKey("alice-key", "wrong-" + KEY_SECRET, server=srv.server,
                                 protocol="http").token()
        )
        for obj in (user, key, jwt_client, *results, user._tokens.peek(), full_plan()):
            texts.extend([repr(obj), str(obj)])
    texts.extend(record.getMessage() for record in caplog.records)
    texts.append(caplog.text)

    assert len(wire_tokens) >= 2  # tokens of equal claims within one second are equal
    assert any("graphistry_fp.http" == r.name for r in caplog.records)
    haystack = "\n".join(texts)
    for secret in (PASSWORD, KEY_SECRET, *wire_tokens):
        assert secret not in haystack


def test_debug_log_shows_method_path_status_timing(
    srv: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """graphistry_fp.http at DEBUG logs one line per attempt: method, path, status, timing."""
    caplog.set_level(logging.DEBUG, logger="graphistry_fp.http")
    with ClientUserPass("alice", PASSWORD, server=srv.server, protocol="http") as client:
        client.run(edges_plan())
    lines = [r.getMessage() for r in caplog.records if r.name == "graphistry_fp.http"]
    assert 3 == len(lines)
    assert re.fullmatch(r"POST /api-token-auth/ -> 200 in [\d.]+ ms \(attempt 1/3\)", lines[0])
    assert re.fullmatch(r"POST /api/v2/upload/datasets/ -> 200 in [\d.]+ ms \(attempt 1/1\)", lines[1])
