"""``DryRunClient``: an interpreter that performs nothing on a network.

It walks a plan with the same walker as the HTTP client, records every resolved effect in
:attr:`DryRunClient.performed`, and answers with ids and URLs derived from the plan's
content, so equal plans give equal results in any process. Tests and previews use it.
"""

from __future__ import annotations

import threading
from typing import Any

from .._meta import USERTAG
from ..effects import (
    CreateDataset,
    Effect,
    PlotPlan,
    PlotResult,
    Stage,
    perform_plan,
    plan_digest,
    viewer_url,
)
from .base import Client
from .progress import progress_options


def _uuid_shaped(hex32: str) -> str:
    """32 hex digits in the 8-4-4-4-12 shape of the uuid4 viztoken pygraphistry sends."""
    return "-".join((hex32[:8], hex32[8:12], hex32[12:16], hex32[16:20], hex32[20:32]))


class DryRunClient(Client):
    """Runs plans without I/O; records what it would have done.

    Args:
        server: the host named in result URLs (``dry-run.invalid`` never resolves).
        org_name: the org reported in results.
        on_progress, progress: accepted (and validated) as by every client; a dry run
            sends no bytes, so there is never progress to report.

    Example:
        >>> c = DryRunClient()
        >>> result = c.run(graphistry.edges(df, "s", "d").plan())   # doctest: +SKIP
        >>> [type(e).__name__ for e in c.performed]                 # doctest: +SKIP
        ['CreateDataset', 'UploadTable']
    """

    def __init__(
        self,
        *,
        server: str = "dry-run.invalid",
        org_name: str | None = None,
        on_progress: object = None,
        progress: object = True,
    ) -> None:
        progress_options(on_progress, progress)  # validated as by every client; never called
        self._server = server
        self._org = org_name
        self._lock = threading.Lock()
        self._performed: list[Effect] = []

    @property
    def server(self) -> str:
        """The host named in result URLs."""
        return self._server

    @property
    def protocol(self) -> str:
        """Always ``https``."""
        return "https"

    @property
    def org_name(self) -> str | None:
        """The org reported in results."""
        return self._org

    @property
    def performed(self) -> list[Effect]:
        """Every effect performed so far, in order (a copy)."""
        with self._lock:
            return list(self._performed)

    def token(self) -> str:
        """A placeholder: a dry run never authenticates."""
        return "dry-run"

    def refresh(self) -> str:
        """A placeholder: a dry run never authenticates."""
        return "dry-run"

    def switch_org(self, org_name: str) -> None:
        """Report ``org_name`` in later results."""
        self._org = org_name

    def run(self, plan: PlotPlan) -> PlotResult:
        """Walk ``plan``, record its effects, and return a result derived from its content."""
        digest = plan_digest(plan)
        dataset_id = f"dry{digest[:20]}"

        def perform(stage: Stage) -> tuple[Any, ...]:
            with self._lock:
                self._performed.extend(stage)
            return tuple(dataset_id if isinstance(e, CreateDataset) else None for e in stage)

        created = perform_plan(plan, perform)
        url = viewer_url(
            f"https://{self._server}",
            created,
            url_params=plan.url_params,
            viztoken=_uuid_shaped(digest[20:52]),
            usertag=USERTAG,
        )
        return PlotResult(dataset_id=created, url=url, server=self._server, org_name=self._org)
