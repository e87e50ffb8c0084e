"""``DryRunClient`` (DESIGN.md 3): performs nothing, records every resolved effect, and
answers with ids and URLs derived from the plan (PROTOCOL.md 5's URL shape).
"""

from __future__ import annotations

import re
import threading

import pandas as pd

import graphistry_fp as graphistry
from graphistry_fp.effects import CreateDataset, Share, UploadTable

EDGES = pd.DataFrame({"s": ["a", "b"], "d": ["b", "a"]})

URL = re.compile(
    r"https://(?P<host>[^/]+)/graph/graph\.html\?dataset=(?P<id>dry[0-9a-f]{20})&type=arrow"
    r"&viztoken=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"&usertag=graphistry_fp-[0-9.]+&info=true"
)


def test_records_resolved_effects_in_order() -> None:
    """``performed`` holds the plan's effects in order, with the fake dataset id filled in."""
    client = graphistry.DryRunClient()
    plan = graphistry.edges(EDGES, "s", "d").privacy().plan()
    result = client.run(plan)
    assert [CreateDataset, UploadTable, Share] == [type(e) for e in client.performed]
    assert [result.dataset_id, result.dataset_id] == [e.dataset for e in client.performed[1:]]  # type: ignore[union-attr]
    assert plan.create == client.performed[0]


def test_performed_is_a_copy() -> None:
    """Changing the returned list does not change the client's log."""
    client = graphistry.DryRunClient()
    client.run(graphistry.edges(EDGES, "s", "d").plan())
    client.performed.clear()
    assert 2 == len(client.performed)


def test_url_has_the_protocol_shape() -> None:
    """The URL is ``https://<server>/graph/graph.html?dataset=<id>&type=arrow&viztoken=<uuid>
    &usertag=<tag>&info=true`` and names the result's dataset id and the client's server."""
    client = graphistry.DryRunClient(server="preview.example:8080")
    result = client.run(graphistry.edges(EDGES, "s", "d").plan())
    match = URL.fullmatch(result.url)
    assert match is not None, result.url
    assert ("preview.example:8080", result.dataset_id) == (match["host"], match["id"])
    assert "preview.example:8080" == result.server


def test_switch_org_is_reported() -> None:
    """``switch_org`` changes the org reported by later results; it never changes the id."""
    client = graphistry.DryRunClient()
    plan = graphistry.edges(EDGES, "s", "d").plan()
    first = client.run(plan)
    client.switch_org("acme")
    second = client.run(plan)
    assert (None, "acme") == (first.org_name, second.org_name)
    assert first.dataset_id == second.dataset_id


def test_is_a_client_with_placeholders() -> None:
    """A DryRunClient is a Client: placeholder tokens, https, a secret-free repr."""
    client = graphistry.DryRunClient(org_name="acme")
    assert isinstance(client, graphistry.Client)
    assert ("dry-run", "dry-run", "https") == (client.token(), client.refresh(), client.protocol)
    assert "DryRunClient(server='dry-run.invalid', org_name='acme')" == repr(client)
    with client as same:
        assert client is same


def test_concurrent_runs_record_every_effect() -> None:
    """Runs from many threads all land in the log (the log is locked)."""
    client = graphistry.DryRunClient()
    plan = graphistry.edges(EDGES, "s", "d").plan()
    threads = [threading.Thread(target=client.run, args=(plan,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 16 == len(client.performed)
