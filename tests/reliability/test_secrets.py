"""One scan of everything observable for the secrets in use: none is found.

Observable: every log record at DEBUG (the ``graphistry_fp`` logger tree, urllib3, the root
logger), every warning, ``repr``/``str`` of every client (password, personal key, JWT,
SSO, dry run, legacy-registered), plottable, plan (and its summary), result and effect;
the text, ``repr``, args, attributes and formatted traceback of every error raised by a
failed run, a refused login and a refused construction; the dry-run record; the server's
request log. Secrets: the passwords and key secrets used, and every JWT that crossed the
wire (captured by a spy on ``sender.Sender.send``, so refreshed and re-issued tokens
count too).
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import graphistry_fp as graphistry
from graphistry_fp import ClientAPIKey, ClientJWT, ClientUserPass, DryRunClient
from graphistry_fp.errors import GraphistryError
from graphistry_fp.interpreters.sso import ClientSSO
from graphistry_fp.server import LocalServer
from tests.support.data import CREATE, EDGES, NODES, SHARE, UPLOADS
from tests.support.server import settled_log
from tests.support.threads import bounded

SECRETS = ("alice-pw", "bob-pw", "carol-pw", "dave-pw", "alice-secret", "carol-secret")
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def error_texts(error: BaseException) -> list[str]:
    """What a log of the error would show. Of the traceback, the library's frames only:
    this test's own source lines spell the secrets out."""
    library = [f for f in traceback.extract_tb(error.__traceback__) if "/graphistry_fp/" in f.filename]
    return [
        str(error), repr(error), json.dumps([str(a) for a in error.args]),
        "".join(traceback.format_exception_only(error)), "".join(traceback.format_list(library)),
        json.dumps({k: str(v) for k, v in vars(error).items()}),
    ]  # fmt: skip


@pytest.mark.filterwarnings("ignore::graphistry_fp.MixedModeWarning")
def test_no_secret_in_anything_observable(
    srv: LocalServer, wire_tokens: set[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Logins (password, key, SSO, legacy register), refreshes, org switches, a 401 replay,
    plots with nodes and sharing, failures of every kind; then every observable text is
    searched for every password, key secret and token: none is found."""
    caplog.set_level(logging.DEBUG)  # the root logger: everything
    caplog.set_level(logging.DEBUG, logger="graphistry_fp")
    texts: list[str] = []
    observed: list[Any] = []

    def failing(call: Callable[[], Any], drain_s: float = 0.0) -> None:
        with pytest.raises((GraphistryError, ValueError)) as info:
            bounded(20, call)
        texts.extend(error_texts(info.value))
        srv.clear_faults()  # unused faults must not reach the next call
        time.sleep(drain_s)  # the server may still hold requests the client gave up on

    g = graphistry.edges(EDGES, "s", "d").nodes(NODES, "n").privacy(mode="organization")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        user = ClientUserPass("alice", "alice-pw", server=srv.server, protocol="http",
                              org_name="shared", timeout=(2.0, 1.0))  # fmt: skip
        key = ClientAPIKey("carol-key", "carol-secret", server=srv.server, protocol="http")
        srv.sso_auto_approve = "bob"
        sso = ClientSSO(server=srv.server, protocol="http", sso_timeout=10)
        observed += [user, key, sso, g, g.plan(), str(g.plan())]
        observed += [bounded(20, lambda c=c: c.run(g.plan())) for c in (user, key, sso)]
        user.refresh()
        user.switch_org("acme")
        srv.inject_fault(CREATE, status=401, count=1, method="POST")  # a 401, one replay
        observed.append(bounded(20, lambda: user.run(g.plan())))
        jwt = ClientJWT(user.token(), server=srv.server, protocol="http")
        observed += [jwt, bounded(20, lambda: jwt.run(g.plan()))]
        legacy = graphistry.register(username="dave", password="dave-pw", server=srv.server,
                                     protocol="http")  # fmt: skip
        observed += [legacy, graphistry.client_root(), bounded(20, lambda: g.plot(render="url"))]
        user.g().set_client(key)  # an explicit root, so the next register warns
        graphistry.register(personal_key_id="alice-key", personal_key_secret="alice-secret",
                            server=srv.server, protocol="http")  # fmt: skip

        # failures of every kind
        srv.inject_fault(CREATE, status=401, count=5, method="POST")
        failing(lambda: jwt.run(g.plan()))
        srv.inject_fault(UPLOADS, status=500, body={"detail": f"token {user.token()} refused"},
                         count=10)  # a server echoing a token in its error body
        failing(lambda: user.run(g.plan()))
        srv.inject_fault(UPLOADS, delay_s=1.5, count=6)  # 2 uploads x 3 attempts
        failing(lambda: user.run(g.plan()), drain_s=1.5)
        srv.inject_fault(SHARE, status=200, body="<html><title>oops</title></html>",
                         content_type="text/html")  # fmt: skip
        failing(lambda: user.run(g.plan()))
        failing(lambda: ClientUserPass("alice", "wrong-alice-pw", server=srv.server,
                                       protocol="http").token())  # fmt: skip
        failing(lambda: ClientAPIKey("alice-key", "not-alice-secret", server=srv.server,
                                     protocol="http").token())  # fmt: skip
        failing(lambda: graphistry.register(username="bob", password="not-bob-pw",
                                            server=srv.server, protocol="http"))  # fmt: skip
        failing(lambda: ClientUserPass("alice", "alice-pw", server=f"alice:alice-pw@{srv.server}"))
        failing(lambda: ClientUserPass("alice", "alice-pw", server=srv.server, protocol="http",
                                       org_name="globex").token())  # fmt: skip
        dry = DryRunClient()
        observed += [dry.run(g.plan()), dry, dry.performed]
        srv.sso_auto_approve = None
    texts += [f"{w.category.__name__}: {w.message}" for w in caught]
    for obj in observed:
        texts += [repr(obj), str(obj)]
    texts += [repr(record) for record in settled_log(srv)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    for c in (user, key, sso, jwt, legacy):
        c.close()

    assert len(wire_tokens) >= 3
    assert any(r.name.startswith("graphistry_fp") for r in caplog.records)
    haystack = "\n".join(texts)
    found = [s for s in (*SECRETS, *wire_tokens) if s in haystack]
    assert [] == [f[:12] + "..." for f in found]
    assert not JWT.search(haystack)  # nor any other token-shaped string
