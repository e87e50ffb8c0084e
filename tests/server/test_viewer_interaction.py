"""The viewer driven like a person would: hover, wheel, drag, in real (not virtual) time.

Uses the DevTools pipe of a headless Chromium (``cdp.py``), so the page's clock is the
wall clock and its own per-tick timing (``data-tick-ms``) is real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pyarrow as pa
import pytest

from graphistry_fp.demo import plot_tenants
from graphistry_fp.server import LocalServer
from tests.support.browser import plot

from .cdp import Browser

SETTLED = "!!document.body && document.body.dataset.status === 'settled'"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def demo_url(graphistry_server: LocalServer) -> str:
    """The viewer URL of alice's demo dataset."""
    return plot_tenants(graphistry_server)[0][1].url


def test_hover_shows_the_node_title(browser: Browser, demo_url: str) -> None:
    """Moving the mouse onto a node shows a tooltip with its title and attributes."""
    browser.goto(demo_url)
    browser.wait_for(SETTLED)
    assert "true" == browser.evaluate("String(document.getElementById('tip').hidden)")
    x, y = browser.evaluate("graphistryViewer.screenPosition(0)")
    browser.mouse("mouseMoved", x, y)
    tip = browser.wait_for("!document.getElementById('tip').hidden && "
                           "document.getElementById('tip').innerText")  # fmt: skip
    title = browser.evaluate("graphistryViewer.title(0)")
    assert "Lisbon Savings" == title
    assert tip.startswith(title) and "bank" in tip and "degree" in tip
    browser.mouse("mouseMoved", 5, 795)
    browser.wait_for("document.getElementById('tip').hidden")


def test_wheel_zooms_around_the_cursor(browser: Browser, demo_url: str) -> None:
    """Wheel up zooms in; the point under the cursor stays put."""
    browser.goto(demo_url)
    browser.wait_for(SETTLED)
    x, y = browser.evaluate("graphistryViewer.screenPosition(0)")
    before = browser.evaluate("graphistryViewer.view()")
    browser.mouse("mouseWheel", x, y, deltaX=0, deltaY=-400)
    after = browser.wait_for(
        f"graphistryViewer.view().k > {before['k']} && graphistryViewer.view()"
    )
    assert after["k"] > 1.5 * before["k"]
    x2, y2 = browser.evaluate("graphistryViewer.screenPosition(0)")
    assert abs(x2 - x) < 1 and abs(y2 - y) < 1


def test_drag_pans(browser: Browser, demo_url: str) -> None:
    """Dragging moves the view by the drag's distance."""
    browser.goto(demo_url)
    browser.wait_for(SETTLED)
    before = browser.evaluate("graphistryViewer.view()")
    browser.mouse("mousePressed", 300, 300, button="left", buttons=1, clickCount=1)
    browser.mouse("mouseMoved", 340, 320, button="left", buttons=1)
    browser.mouse("mouseMoved", 400, 350, button="left", buttons=1)
    browser.mouse("mouseReleased", 400, 350, button="left", buttons=0, clickCount=1)
    after = browser.evaluate("graphistryViewer.view()")
    assert (100, 50) == (round(after["tx"] - before["tx"]), round(after["ty"] - before["ty"]))
    assert before["k"] == after["k"]


def test_ten_thousand_edges_tick_fast_in_real_time(
    browser: Browser, graphistry_server: LocalServer
) -> None:
    """3000 nodes and 10k edges: a layout tick takes a few ms, so frames stay smooth."""
    rnd = random.Random(11)
    n = 3000
    src = [rnd.randrange(n) for _ in range(10_000)]
    dst = [(s + rnd.choice((1, 2, 5, rnd.randrange(n)))) % n for s in src]
    result = plot(graphistry_server, pa.table({"s": src, "d": dst}))
    browser.goto(result.url)
    browser.wait_for(SETTLED, timeout=60)
    tick_ms = float(browser.evaluate("document.body.dataset.tickMs"))
    assert 10_000 == browser.evaluate("graphistryViewer.edgeCount")
    assert tick_ms < 40, f"{tick_ms} ms per layout tick"
