"""Helpers of the command-line and viewer tests: headless Chromium, urllib GETs, a tiny plotter."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.request
from typing import Any

import pyarrow as pa

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotResult
from graphistry_fp.server import LocalServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--force-device-scale-factor=1",
)  # fmt: skip


def require_chromium() -> str:
    """The Chromium binary; fails (never skips) when it is not installed."""
    assert os.path.exists(CHROMIUM), (
        f"{CHROMIUM} is missing: the viewer tests need Debian's chromium package "
        "(apt-get update && apt-get install -y chromium; .ci/run installs it)"
    )
    return CHROMIUM


def dump_dom(url: str, budget_ms: int = 8000, size: str = "1200,800") -> str:
    """The DOM of ``url`` after ``budget_ms`` of virtual time in headless Chromium."""
    chromium = require_chromium()
    with tempfile.TemporaryDirectory(prefix="graphistry_fp-chromium-") as profile:
        done = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
             f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert 0 == done.returncode, done.stderr[-2000:]
    return done.stdout


def body_attributes(dom: str) -> dict[str, str]:
    """The attributes of the ``<body>`` element of a dumped DOM."""
    match = re.search(r"<body([^>]*)>", dom)
    assert match is not None, dom[:2000]
    return dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))


def get_json(url: str) -> Any:
    """GET ``url`` and parse its JSON body."""
    with urllib.request.urlopen(url, timeout=30) as reply:
        return json.loads(reply.read())


def get_text(url: str) -> tuple[str, str]:
    """GET ``url``: ``(body text, content type)``."""
    with urllib.request.urlopen(url, timeout=30) as reply:
        return reply.read().decode(), str(reply.headers["content-type"])


def get_status(url: str) -> int:
    """The HTTP status of GET ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def plot(
    srv: LocalServer,
    edges: pa.Table,
    nodes: pa.Table | None = None,
    user: tuple[str, str] = ("alice", "alice-pw"),
    **encodings: Any,
) -> PlotResult:
    """Plot ``edges`` (``s`` -> ``d``) and optional ``nodes`` (``n``) as ``user``."""
    with graphistry.ClientUserPass(*user, server=srv.server, protocol="http") as client:
        g = client.g().edges(edges, "s", "d").name(encodings.pop("name", "test graph"))
        if nodes is not None:
            g = g.nodes(nodes, "n")
        for method, kwargs in encodings.items():
            g = getattr(g, method)(**kwargs)
        return client.run(g.plan())
