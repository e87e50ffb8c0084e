"""``python -m graphistry_fp demo``: two tenants plot at once against a local server.

It starts :class:`~graphistry_fp.server.LocalServer` in this process (temporary data dir),
gives it two users in different orgs, builds one plottable per tenant from the bundled
payments graph (``graphistry_fp/data/demo_*.csv``), runs both plans concurrently through
one client per tenant, then prints each viewer URL and, read back from the server's own
records, which user and org own which dataset. ``--serve`` keeps the server up so the URLs
can be opened; ``--open`` opens the first one in a browser and keeps the server up too.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import pyarrow as pa
import pyarrow.csv as pa_csv

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotResult

if TYPE_CHECKING:
    from graphistry_fp.server import DatasetRecord, LocalServer


@attrs.frozen
class Tenant:
    """One demo tenant: a user of one org, and how it styles the shared graph."""

    username: str
    password: str
    org: str
    style: Callable[[graphistry.Plottable], graphistry.Plottable]

    @property
    def user_spec(self) -> str:
        """The ``--user`` string of this tenant for the local server."""
        return f"{self.username}:{self.password}:{self.org}"


def demo_tables() -> tuple[pa.Table, pa.Table]:
    """The bundled demo graph as ``(edges, nodes)`` Arrow tables.

    Edges ``src, dst, kind, amount``; nodes ``id, name, type, city, risk``: a small
    payments network of six city communities (banks, merchants, people, devices) and one
    suspicious ring.
    """
    data = resources.files("graphistry_fp") / "data"
    tables = []
    for name in ("demo_edges.csv", "demo_nodes.csv"):
        with (data / name).open("rb") as source:
            tables.append(pa_csv.read_csv(source))
    return tables[0], tables[1]


def _by_type(g: graphistry.Plottable) -> graphistry.Plottable:
    return (
        g.name("Acme payments, by account type")
        .description("who pays whom")
        .encode_point_color(
            "type",
            categorical_mapping={
                "person": "#4e79a7",
                "merchant": "#f28e2b",
                "bank": "#59a14f",
                "device": "#b07aa1",
            },
            default_mapping="#bab0ac",
        )
        .encode_point_icon(
            "type",
            categorical_mapping={
                "person": "user",
                "merchant": "shopping-cart",
                "bank": "bank",
                "device": "mobile",
            },
        )
        .encode_point_size(
            "type", categorical_mapping={"bank": 6, "merchant": 3, "person": 2, "device": 1.5}
        )
    )


def _by_city(g: graphistry.Plottable) -> graphistry.Plottable:
    return (
        g.name("Globex payments, by city")
        .description("flagged accounts marked")
        .encode_point_color(
            "city",
            palette=["#e15759", "#76b7b2", "#edc948", "#59a14f", "#ff9da7", "#4e79a7", "#b07aa1"],
            as_categorical=True,
        )
        .encode_point_icon("risk", categorical_mapping={"high": "warning"})
        .encode_edge_color(
            "kind",
            categorical_mapping={"transfer": "#ff9da7", "login": "#9c755f"},
            default_mapping="#5b6b80",
        )
    )


#: The two tenants of the demo: different users in different orgs.
TENANTS: tuple[Tenant, ...] = (
    Tenant("alice", "alice-pw", "acme", _by_type),
    Tenant("bob", "bob-pw", "globex", _by_city),
)


def plot_tenants(
    server: LocalServer, tenants: Sequence[Tenant] = TENANTS
) -> list[tuple[Tenant, PlotResult]]:
    """Plot the demo graph once per tenant, all at once, each with its own client.

    Returns ``(tenant, result)`` pairs in the order of ``tenants``.
    """
    edges, nodes = demo_tables()

    def run(tenant: Tenant) -> PlotResult:
        with graphistry.ClientUserPass(
            tenant.username, tenant.password, server=server.server, protocol="http",
            org_name=tenant.org,
        ) as client:  # fmt: skip
            # Arrow nodes get no automatic title (as in pygraphistry): name it
            g = tenant.style(
                client.g().edges(edges, "src", "dst").nodes(nodes, "id").bind(point_title="name")
            )
            return client.run(g.plan())

    with ThreadPoolExecutor(max_workers=len(tenants), thread_name_prefix="demo-tenant") as pool:
        results = list(pool.map(run, tenants))
    return list(zip(tenants, results))


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def report(
    plotted: Sequence[tuple[Tenant, PlotResult]],
    records: dict[str, DatasetRecord],
    out: TextIO,
) -> bool:
    """Print the URLs and the ownership table; True when every record matches its tenant."""
    print("Viewer URLs:", file=out)
    for tenant, result in plotted:
        print(f"  {tenant.org} ({tenant.username}): {result.url}", file=out)
    rows = [("dataset", "name", "owner", "org", "nodes", "edges")]
    ok = True
    for tenant, result in plotted:
        record = records[result.dataset_id]
        ok = ok and (record.owner, record.org) == (tenant.username, tenant.org)
        rows.append((record.dataset_id, record.name, record.owner, record.org,
                     str(record.nodes_rows), str(record.edges_rows)))  # fmt: skip
    print("\nDatasets, as the server recorded them:", file=out)
    for line in _table(rows):
        print(f"  {line}", file=out)
    return ok


def _wait_for_interrupt() -> None:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, on_signal)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The ``demo`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Start a local server, plot the bundled graph for two tenants at once, "
        "print the viewer URLs and who owns what.",
    )
    parser.add_argument("--serve", action="store_true",
                        help="keep the server running (Ctrl-C stops it) so the URLs can be opened")  # fmt: skip
    parser.add_argument("--open", action="store_true",
                        help="open the first viewer URL in a browser (implies --serve)")  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to bind (default: %(default)s)")  # fmt: skip
    parser.add_argument("--port", type=int, default=0,
                        help="port to bind; 0 picks a free one (default: %(default)s)")  # fmt: skip
    return parser


def main(argv: Sequence[str], prog: str = "python -m graphistry_fp demo") -> int:
    """Run the demo with ``argv``; returns the exit code (0: both tenants own their plot)."""
    args = build_parser(prog).parse_args(list(argv))
    try:
        from graphistry_fp.server import LocalServer
    except ImportError as exc:
        print(f"error: the demo needs the server extra: pip install 'graphistry_fp[server]' "
              f"({exc})", file=sys.stderr)  # fmt: skip
        return 2
    out = sys.stdout
    users = [tenant.user_spec for tenant in TENANTS]
    try:
        server = LocalServer(users=users, host=args.host, port=args.port).start()
    except (OSError, RuntimeError) as exc:
        print(f"error: cannot start the local server: {exc}", file=sys.stderr)
        return 2
    try:
        print(f"Local Graphistry server: {server.url} (temporary data dir)", file=out)
        started = time.perf_counter()
        plotted = plot_tenants(server)
        elapsed = time.perf_counter() - started
        print(f"Plotted {len(plotted)} datasets concurrently, one client per tenant, "
              f"in {elapsed:.2f} s.\n", file=out)  # fmt: skip
        records = {record.dataset_id: record for record in server.datasets()}
        ok = report(plotted, records, out)
        if not ok:
            print("error: a dataset is not owned by the tenant that plotted it", file=sys.stderr)
            return 1
        if args.open:
            webbrowser.open(plotted[0][1].url)
        if args.serve or args.open:
            logins = ", ".join(f"{t.username}/{t.password}" for t in TENANTS)
            print(f"\nServing at {server.url} (users {logins}); press Ctrl-C to stop.",
                  file=out, flush=True)  # fmt: skip
            _wait_for_interrupt()
        else:
            print("\nServer stopped. Run with --serve to keep it up and open the URLs.",
                  file=out)  # fmt: skip
        out.flush()
        return 0
    except graphistry.GraphistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
