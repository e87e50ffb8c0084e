"""The new core transformations load no network module and no optional graph library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_modules_load_no_network_or_graph_library() -> None:
    """Importing and running hypergraph, materialize_nodes and the graph conversions'
    module loads none of requests/urllib3/httpx/http.client, nor networkx or igraph."""
    code = (
        "import json, sys, pandas as pd\n"
        "from graphistry_fp.core.hypergraph import hypergraph\n"
        "from graphistry_fp.core.materialize import materialize_nodes\n"
        "import graphistry_fp.core.graphs\n"
        "r = hypergraph(pd.DataFrame({'a': ['x'], 'b': [1]}), verbose=False)\n"
        "materialize_nodes(r.edges, None, r.source, r.destination, None)\n"
        "watched = ['requests', 'urllib3', 'httpx', 'http.client', 'networkx', 'igraph']\n"
        "print(json.dumps([m for m in watched if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert [] == json.loads(done.stdout)
