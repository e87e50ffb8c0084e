"""Issue 17, item 3, in a real headless Chromium: a private dataset's viewer asks for a
login, and the session cookie it sets (HttpOnly, SameSite=Strict) opens the graph."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from graphistry_fp.server import LocalServer
from tests.support.browser import plot

from .cdp import Browser

DRAWN = "!!document.body && ['ready', 'settled'].includes(document.body.dataset.status)"
LOGIN = "!!document.body && document.body.dataset.status === 'login'"


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A fresh headless Chromium (no cookies from other tests)."""
    with Browser() as b:
        yield b


def _submit(browser: Browser, username: str, password: str) -> None:
    browser.evaluate(
        f"document.querySelector('[name=username]').value = {username!r};"
        f"document.querySelector('[name=password]').value = {password!r};"
        "document.querySelector('form').submit(); true"
    )


def test_private_dataset_draws_after_the_viewer_login(
    browser: Browser, graphistry_server: LocalServer
) -> None:
    """The private dataset's URL shows the login form; after alice signs in the same URL
    draws her graph, and the session cookie is invisible to the page's scripts.

    Fails before the fix: the graph drew for anyone (no login form)."""
    edges = pa.table({"s": [1, 2, 3], "d": [2, 3, 1]})
    result = plot(graphistry_server, edges, privacy={"mode": "private"})
    browser.goto(result.url)
    browser.wait_for(LOGIN)
    _submit(browser, "alice", "alice-pw")
    browser.wait_for(DRAWN)
    assert ("3", "3") == (
        browser.evaluate("document.body.dataset.drawnNodes"),
        browser.evaluate("document.body.dataset.drawnEdges"),
    )
    assert "" == browser.evaluate("document.cookie")


def test_another_users_login_does_not_open_a_private_dataset(
    browser: Browser, graphistry_server: LocalServer
) -> None:
    """bob's correct password leaves alice's private dataset on a refusal page."""
    edges = pa.table({"s": [1], "d": [2]})
    result = plot(graphistry_server, edges, privacy={"mode": "private"})
    browser.goto(result.url)
    browser.wait_for(LOGIN)
    _submit(browser, "bob", "bob-pw")
    text = browser.wait_for("document.body && document.body.innerText.includes('not shared') "
                            "&& document.body.innerText")  # fmt: skip
    assert "not shared with bob" in text
