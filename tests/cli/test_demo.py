"""``python -m graphistry_fp demo``: URLs printed, ownership proven, concurrency, --serve/--open."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from graphistry_fp import demo
from graphistry_fp.server import LocalServer
from tests.support.browser import get_json, get_status

URL = re.compile(r"^  (\w+) \((\w+)\): (http://\S+/graph/graph\.html\?dataset=(\w+)\S*)$", re.M)
ROW = re.compile(r"^  (ds\w+)\s+(.+?)\s+(\w+)\s+(\w+)\s+(\d+)\s+(\d+)$", re.M)


def check_output(text: str) -> list[tuple[str, ...]]:
    """The (org, user, url, dataset) lines, after checking the table agrees with them."""
    urls = URL.findall(text)
    assert [("acme", "alice"), ("globex", "bob")] == [(org, user) for org, user, _, _ in urls]
    rows = {row[0]: row for row in ROW.findall(text)}
    for org, user, _, dataset_id in urls:
        assert (user, org, "277", "748") == rows[dataset_id][2:]
    assert len({dataset_id for *_, dataset_id in urls}) == 2
    return urls


def test_demo_prints_urls_and_ownership(capsys: pytest.CaptureFixture[str]) -> None:
    """In process: exit 0, one URL per tenant, and the server's records say who owns what."""
    assert 0 == demo.main([])
    out = capsys.readouterr().out
    check_output(out)
    assert "Plotted 2 datasets concurrently" in out


def test_demo_as_a_command_exits_within_seconds() -> None:
    """``python -m graphistry_fp demo`` as a user runs it: exit 0 quickly, same report."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "graphistry_fp", "demo"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert 0 == done.returncode, done.stderr
    check_output(done.stdout)
    assert elapsed < 30, f"the demo took {elapsed:.1f} s"


def test_tenants_plot_concurrently(graphistry_server_clean: LocalServer) -> None:
    """With per-request latency, the two tenants' requests interleave on the server."""
    graphistry_server_clean.set_latency(60)
    plotted = demo.plot_tenants(graphistry_server_clean)
    users = [r.username for r in graphistry_server_clean.request_log() if r.username]
    first_bob, last_alice = users.index("bob"), len(users) - 1 - users[::-1].index("alice")
    assert first_bob < last_alice, users
    owners = {(r.owner, r.org) for r in graphistry_server_clean.datasets()
              if r.dataset_id in {res.dataset_id for _, res in plotted}}  # fmt: skip
    assert {("alice", "acme"), ("bob", "globex")} == owners


def test_demo_open_opens_the_first_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--open`` hands the first tenant's viewer URL to the browser, then keeps serving."""
    opened: list[Any] = []
    served: list[int] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    monkeypatch.setattr(demo, "_wait_for_interrupt", lambda: served.append(get_status(opened[0])))
    assert 0 == demo.main(["--open"])
    out = capsys.readouterr().out
    urls = check_output(out)
    assert ([urls[0][2]], [200]) == (opened, served)
    assert "Serving at" in out


def test_demo_serve_keeps_the_urls_alive_until_interrupted() -> None:
    """``--serve``: the viewer and its data answer until SIGINT, then exit 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphistry_fp", "demo", "--serve"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "the demo exited early"
            lines.append(line)
            if line.startswith("Serving at"):
                break
        urls = check_output("".join(lines))
        for _, _, url, dataset_id in urls:
            assert 200 == get_status(url)
            base = url.split("/graph/")[0]
            assert 277 == get_json(f"{base}/graph/data/{dataset_id}.json")["nodes"]["count"]
        proc.send_signal(signal.SIGINT)
        assert 0 == proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_tables_are_bundled() -> None:
    """The bundled graph loads from package data, with the columns the encodings use."""
    edges, nodes = demo.demo_tables()
    assert (748, ["src", "dst", "kind", "amount"]) == (edges.num_rows, edges.column_names)
    assert (277, ["id", "name", "type", "city", "risk"]) == (nodes.num_rows, nodes.column_names)
