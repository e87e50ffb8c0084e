"""Approvers that complete an SSO login on the local server from a thread.

Approval is real HTTP: :class:`FormApprover` opens the ``auth_url`` page, parses its one
form and posts it with a user's credentials, from a thread started by ``on_auth_url`` (as
a user's browser would, while the client polls). :class:`DirectApprover` approves
in-process through ``srv.approve_sso``.
"""

from __future__ import annotations

import threading
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

import requests

from graphistry_fp.server import LocalServer

START_MARK = "/sso/oidc/login/"
POLL_MARK = "/api/v2/o/sso/oidc/jwt/"


def state_of(auth_url: str) -> str:
    """The state in the local server's ``auth_url`` (``<server>/sso/authorize/<state>``)."""
    return urlparse(auth_url).path.rstrip("/").rsplit("/", 1)[-1]


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
