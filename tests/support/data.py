"""The frames and plans the HTTP suites plot, and the wire paths they assert on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pandas as pd

import graphistry_fp as graphistry
from graphistry_fp.effects import PlotPlan

EDGES = pd.DataFrame({"s": ["a", "b", "c"], "d": ["b", "c", "a"], "w": [1.0, 2.0, 3.0]})
NODES = pd.DataFrame({"n": ["a", "b", "c", "d"], "label": ["A", "B", "C", "D"]})

#: Upload paths (dataset ids start with ``ds``): the prefix does not match create-dataset.
UPLOADS = "/api/v2/upload/datasets/ds"
CREATE = "/api/v2/upload/datasets/"
LOGIN = "/api-token-auth/"
SHARE = "/api/v2/share/link/"


def edges_plan(name: str = "edges only") -> PlotPlan:
    """An edges-only plan (create + upload edges)."""
    return graphistry.edges(EDGES, "s", "d").name(name).plan()


def full_plan(name: str = "edges and nodes") -> PlotPlan:
    """An edges + nodes plan with a binding and an encoding (create + upload edges + upload
    nodes, the uploads concurrent)."""
    return (
        graphistry.edges(EDGES, "s", "d")
        .nodes(NODES, "n")
        .bind(point_title="label")
        .encode_edge_color("w", palette=["blue", "red"], as_continuous=True)
        .name(name)
        .plan()
    )


def dataset_of(url: str) -> str:
    """The dataset id a viewer URL names."""
    return parse_qs(urlparse(str(url)).query)["dataset"][0]
