"""Shared helpers of the SSO tests: an SSO client on the local server, and approvers.

The server is the session-wide ``graphistry_server`` of the ``graphistry_fp.testing``
plugin (users alice/bob/carol/dave, password ``<user>-pw``); ``srv`` resets its knobs
and request log around each test. Approval is real HTTP: :class:`FormApprover` opens the
``auth_url`` page, parses its one form and posts it with a user's credentials, from a
thread started by ``on_auth_url`` (as a user's browser would, while the client polls).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import pandas as pd
import pytest
import requests

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotPlan
from graphistry_fp.interpreters.sso import ClientSSO
from graphistry_fp.server import LocalServer

EDGES = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"]})
START_MARK = "/sso/oidc/login/"
POLL_MARK = "/api/v2/o/sso/oidc/jwt/"


@pytest.fixture
def srv(graphistry_server_clean: LocalServer) -> Iterator[LocalServer]:
    """The shared local server, reset around the test."""
    yield graphistry_server_clean


def edges_plan(name: str = "sso") -> PlotPlan:
    """An edges-only plan (create + upload edges)."""
    return graphistry.edges(EDGES, "s", "d").name(name).plan()


def sso_client(srv: LocalServer, **kwargs: Any) -> ClientSSO:
    """A ClientSSO on ``srv`` over http (a short ``sso_timeout`` unless given)."""
    kwargs.setdefault("sso_timeout", 10)
    return ClientSSO(server=srv.server, protocol="http", **kwargs)


def state_of(auth_url: str) -> str:
    """The state in the local server's ``auth_url`` (``<server>/sso/authorize/<state>``)."""
    return urlparse(auth_url).path.rstrip("/").rsplit("/", 1)[-1]


def dataset_id_of(url: str) -> str:
    """The dataset id in a viewer URL."""
    return parse_qs(urlparse(url).query)["dataset"][0]


def log_of(srv: LocalServer) -> list[tuple[str, str, int | None]]:
    """The server's request log as (method, path, status)."""
    return [(r.method, r.path, r.status) for r in srv.request_log()]


def paths_with(srv: LocalServer, mark: str) -> list[str]:
    """The logged request paths that contain ``mark``."""
    return [r.path for r in srv.request_log() if mark in r.path]


class _FormParser(HTMLParser):
    """The first form of a page: its method, action and inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "method": values.get("method", "get"),
                    "action": values.get("action", ""),
                    "inputs": {},
                }
            )
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1]["inputs"][values["name"]] = values.get("value", "")


class FormApprover:
    """An ``on_auth_url`` that signs in on the auth page as ``username``, from a thread.

    Attributes:
        urls: every URL it was called with.
        statuses: the status of each form post.
    """

    def __init__(self, username: str, password: str | None = None, delay_s: float = 0.0) -> None:
        self.username = username
        self.password = f"{username}-pw" if password is None else password
        self.delay_s = delay_s
        self.urls: list[str] = []
        self.statuses: list[int] = []
        self.forms: list[dict[str, Any]] = []
        self._threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        thread = threading.Thread(target=self._approve, args=(url,), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _approve(self, url: str) -> None:
        time.sleep(self.delay_s)
        page = requests.get(url, timeout=10)
        parser = _FormParser()
        parser.feed(page.text)
        form = parser.forms[0]
        self.forms.append(form)
        fields = dict(form["inputs"], username=self.username, password=self.password)
        reply = requests.request(
            form["method"].upper(), urljoin(url, form["action"]), data=fields, timeout=10
        )
        self.statuses.append(reply.status_code)

    def join(self) -> None:
        """Wait for every approval thread."""
        for thread in self._threads:
            thread.join(10)


class DirectApprover:
    """An ``on_auth_url`` that approves in-process (``srv.approve_sso``) after a delay."""

    def __init__(self, srv: LocalServer, username: str, delay_s: float = 0.0) -> None:
        self.srv = srv
        self.username = username
        self.delay_s = delay_s
        self.urls: list[str] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)

        def approve() -> None:
            time.sleep(self.delay_s)
            self.srv.approve_sso(state_of(url), self.username)

        threading.Thread(target=approve, daemon=True).start()
