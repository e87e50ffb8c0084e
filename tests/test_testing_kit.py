"""``graphistry_fp.testing``'s effect kit: matchers, ``expect_effects`` and the diff it raises,
and that loading the plugin loads no heavy dependency."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import graphistry_fp as graphistry
from graphistry_fp import DryRunClient, Plottable
from graphistry_fp.effects import CreateDataset, Effect, Share, UploadTable
from graphistry_fp.testing import (
    assert_effects,
    creates_dataset,
    effects_diff,
    expect_effects,
    shares,
    uploads_table,
)

EDGES = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"]})
NODES = pd.DataFrame({"n": ["a", "b", "c"], "risk": [0.1, 0.9, 0.5]})


def fraud_ring() -> Plottable:
    """The plottable a small service would build."""
    return (
        graphistry.edges(EDGES, "s", "d")
        .nodes(NODES, "n")
        .name("Fraud ring")
        .description("weekly")
        .encode_point_color("risk")
        .privacy(mode="organization")
    )


def publish(client: graphistry.Client) -> str:
    """A small service function under test: plots the ring, returns its URL."""
    return client.run(fraud_ring().plan()).url


def performed() -> list[Effect]:
    """The effects ``publish`` performs on a dry run."""
    client = DryRunClient()
    publish(client)
    return client.performed


def test_expect_effects_passes_when_every_step_matches() -> None:
    """All four steps matched on the fields a user cares about: no error, and the client
    yielded is the one the service ran on."""
    with expect_effects(
        creates_dataset(name="Fraud ring", description="weekly", bindings={"source": "s"}),
        uploads_table(kind="edges", rows=3, columns=["s", "d"]),
        uploads_table(kind="nodes", rows=3, columns=("n", "risk")),
        shares(mode="organization", notify=False),
    ) as client:
        url = publish(client)
    assert 4 == len(client.performed)
    assert url.startswith("https://dry-run.invalid/graph/graph.html?dataset=dry")


def test_expect_effects_accepts_records_and_predicates() -> None:
    """A plain effect record matches by equality; a callable matches when it returns True."""
    effects = performed()
    share = effects[3]
    assert isinstance(share, Share)
    assert_effects(
        effects,
        effects[0],
        lambda e: isinstance(e, UploadTable) and e.kind == "edges",
        uploads_table(rows=lambda n: n > 2),
        Share(dataset=share.dataset, mode="organization", mode_action="10"),
    )


def test_encoding_matchers_match_subsets_of_the_body() -> None:
    """``point_encodings`` and ``body`` match when the body holds at least the keys given."""
    assert_effects(
        performed()[:1],
        creates_dataset(
            point_encodings={"bindings": {"node_color": "risk"}},
            body={"metadata": {"agent": "graphistry_fp"}},
        ),
    )


def test_mismatched_field_message_shape() -> None:
    """A wrong name and a wrong row count: the message lists what ran, then each differing
    step with expected and actual values."""
    with (
        pytest.raises(AssertionError) as info,
        expect_effects(
            creates_dataset(name="Fraud rings"),
            uploads_table(kind="edges", rows=4),
            uploads_table(kind="nodes"),
            shares(mode="organization"),
        ) as client,
    ):
        publish(client)
    lines = str(info.value).splitlines()
    assert "effects differ: 4 performed, 4 expected" == lines[0]
    assert "performed:" == lines[1]
    assert (
        "  1. CreateDataset(name='Fraud ring', bindings={'destination': 'd', 'node': 'n',"
        " 'node_color': 'risk', 'node_title': 'n', 'source': 's'})"
    ) == lines[2]
    assert lines[3].startswith("  2. UploadTable(dataset='dry") and "rows=3, columns=2)" in lines[3]
    assert [
        "step 1 differs: expected creates_dataset(name='Fraud rings')",
        "  name: expected 'Fraud rings', got 'Fraud ring'",
        "step 2 differs: expected uploads_table(kind='edges', rows=4)",
        "  rows: expected 4, got 3",
    ] == lines[6:]


def test_leftovers_are_listed() -> None:
    """Expected steps past the end of what ran are listed as leftovers, numbered."""
    effects = performed()[:2]
    diff = effects_diff(effects, [creates_dataset(), uploads_table(), shares(mode="private")])
    assert diff is not None
    assert [
        "leftovers (expected, never performed):",
        "  3. shares(mode='private')",
    ] == diff.splitlines()[-2:]
    assert diff.splitlines()[0] == "effects differ: 2 performed, 3 expected"


def test_extras_are_listed() -> None:
    """Performed steps past the end of what was expected are listed as extras."""
    effects = performed()
    diff = effects_diff(effects, [creates_dataset(), uploads_table(kind="edges")])
    assert diff is not None
    lines = diff.splitlines()
    assert "effects differ: 4 performed, 2 expected" == lines[0]
    assert "extras (performed, not expected):" == lines[-3]
    assert lines[-2].startswith("  3. UploadTable(") and "kind='nodes'" in lines[-2]
    assert lines[-1].startswith("  4. Share(") and "mode='organization'" in lines[-1]


def test_nothing_performed() -> None:
    """A service that never runs its plan: performed shows (nothing), all are leftovers."""
    with pytest.raises(AssertionError) as info, expect_effects(creates_dataset(name="x")):
        pass
    assert [
        "effects differ: 0 performed, 1 expected",
        "performed:",
        "  (nothing)",
        "leftovers (expected, never performed):",
        "  1. creates_dataset(name='x')",
    ] == str(info.value).splitlines()


def test_wrong_effect_type() -> None:
    """A matcher of one effect type against another reports both type names."""
    diff = effects_diff(performed()[1:2], [shares()])
    assert diff is not None
    assert ["step 1 differs: expected shares()", "  type: expected Share, got UploadTable"] == (
        diff.splitlines()[-2:]
    )


def test_failing_predicates_and_missing_keys() -> None:
    """A failing predicate is named; a dict key the body lacks is reported with what it has."""

    def is_big(n: int) -> bool:
        return n > 100

    diff = effects_diff(
        performed()[:2],
        [creates_dataset(bindings={"weight": "w"}), uploads_table(rows=is_big)],
    )
    assert diff is not None
    assert [
        "step 1 differs: expected creates_dataset(bindings={'weight': 'w'})",
        "  bindings: missing key 'weight' (has ['destination', 'node', 'node_color', 'node_title',"
        " 'source'])",
        "step 2 differs: expected uploads_table(rows=is_big)",
        "  rows: 3 fails is_big",
    ] == diff.splitlines()[-4:]


def test_record_and_plain_predicate_failures() -> None:
    """An unequal record shows both reprs; a failing plain predicate shows the effect."""
    effects = performed()
    other = CreateDataset({"name": "other"})
    diff = effects_diff(effects[:2], [other, lambda e: False])
    assert diff is not None
    lines = diff.splitlines()
    assert lines[-4] == f"step 1 differs: expected {other!r}"
    assert lines[-3] == f"  expected {other!r}, got {effects[0]!r}"
    assert lines[-2] == "step 2 differs: expected <predicate <lambda>>"
    assert lines[-1] == f"  {effects[1]!r} fails <lambda>"


def test_exception_in_the_block_propagates_unchanged() -> None:
    """An error raised by the service is not masked by the effects check."""
    with pytest.raises(graphistry.PlanError), expect_effects(creates_dataset()) as client:
        client.run(graphistry.edges(EDGES, "s", "nope").plan())


def test_dry_run_fixture(graphistry_dry_run: DryRunClient) -> None:
    """The plugin's ``graphistry_dry_run`` fixture is a fresh dry-run client."""
    assert [] == graphistry_dry_run.performed
    publish(graphistry_dry_run)
    assert_effects(
        graphistry_dry_run.performed,
        creates_dataset(),
        uploads_table(),
        uploads_table(),
        shares(),
    )


def test_loading_the_plugin_loads_no_heavy_dependency() -> None:
    """``import graphistry_fp.testing`` (what pytest does for every session of a project that
    installs graphistry_fp) loads none of pandas, pyarrow, requests, starlette, uvicorn."""
    code = (
        "import graphistry_fp.testing, sys; print(sorted(m for m in sys.modules if "
        "m.split('.')[0] in {'pandas','pyarrow','requests','starlette','uvicorn'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "[]" == result.stdout.strip(), result.stderr


def test_kit_names_resolve_lazily_and_unknown_names_fail() -> None:
    """Kit names resolve through the plugin module; an unknown name is an AttributeError."""
    import graphistry_fp.testing as testing

    assert testing.expect_effects is expect_effects
    with pytest.raises(AttributeError, match="no_such_name"):
        testing.no_such_name  # noqa: B018
