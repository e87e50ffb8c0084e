"""The HTTP performers: a read-only dispatch table ``{EffectType: performer}`` and ``run_plan``.

Theory of operation. ``run_plan`` takes one immutable snapshot (server, org, token) when the
run starts and walks the plan (``effects.perform_plan``). For each stage it performs
the stage's effects (the first in the calling thread, the others on the client's small
executor, so edges and nodes upload concurrently) by looking each effect's performer up in
:data:`PERFORMERS`. A performer is itself a sans-I/O flow: it yields requests marked
``run_token`` and parses the replies; :class:`_Run` sends them with the snapshot's token.

A 401 leads to one re-authentication (single flight through the token cache) and one replay
of that request, once per run: a second 401 is an ``AuthenticationError``, never a loop.
The replacement token must be for the run's org: if the client switched org meanwhile, the
run fails rather than create, upload or share under another org.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from types import MappingProxyType
from typing import Any

from graphistry_fp._meta import USERTAG
from graphistry_fp.effects import (
    CreateDataset,
    Effect,
    PlotPlan,
    PlotResult,
    Share,
    Stage,
    UploadTable,
    perform_plan,
    viewer_url,
)
from graphistry_fp.effects.stream import DatasetTable
from graphistry_fp.effects.tables import to_ipc_file
from graphistry_fp.errors import AuthenticationError, GraphistryError, PlanError, ProtocolError

from .config import Config
from .progress import ProgressOptions
from .replies import error_for, expect_json
from .streaming import StreamBody, stream_body, with_progress
from .tokens import AuthState, TokenCache
from .transport import Transport
from .wire import Flow, Request, Response, run_flow


def _ipc_file(effect: UploadTable) -> Any:
    """The Arrow IPC *file* body of an upload (PROTOCOL.md 4.4): a ``pyarrow.Buffer``, or
    a :class:`~.streaming.StreamBody` for a dataset streamed while it is sent."""
    if effect.streamed:
        return stream_body(effect)
    return to_ipc_file(effect.table)


def create_dataset(effect: CreateDataset, org_name: str | None) -> Flow[str]:
    """``POST /api/v2/upload/datasets/``: never retried (it is not safe to repeat)."""
    body = effect.json()
    if org_name is not None:
        body["org_name"] = org_name
    request = Request(
        "POST",
        "/api/v2/upload/datasets/",
        json=body,
        run_token=True,
        idempotent=False,
        what="create dataset",
    )
    response = yield request
    if not response.ok:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    data = obj.get("data")
    dataset_id = data.get("dataset_id") if isinstance(data, dict) else None
    if not obj.get("success") or not isinstance(dataset_id, str) or not dataset_id:
        raise ProtocolError(
            "create dataset: the reply has no success flag or no data.dataset_id",
            status=response.status,
        )
    return dataset_id


def upload_table(effect: UploadTable, org_name: str | None, body: Any = None) -> Flow[None]:
    """``POST /api/v2/upload/datasets/<id>/<kind>/arrow`` with the Arrow file, no Content-Type.

    ``body`` is the table's IPC file, written ahead by the run (see ``_Run.prepare``);
    None writes it here (a performer used on its own).
    """
    request = Request(
        "POST",
        f"/api/v2/upload/datasets/{effect.dataset}/{effect.kind}/arrow",
        body=_ipc_file(effect) if body is None else body,
        run_token=True,
        what=f"upload {effect.kind}",
    )
    response = yield request
    if response.status >= 400:
        raise error_for(response, request.what, request)
    obj = expect_json(response, request.what, request)
    if not obj.get("success"):
        raise ProtocolError(
            f"upload {effect.kind}: the server did not confirm success", status=response.status
        )
    return None


def share(effect: Share, org_name: str | None) -> Flow[Any]:
    """``POST /api/v2/share/link/`` (PROTOCOL.md 2.12)."""
    request = Request(
        "POST",
        "/api/v2/share/link/",
        json=effect.json(str(effect.dataset)),
        run_token=True,
        what="share",
    )
    response = yield request
    if response.status >= 400:
        raise error_for(response, request.what, request)
    return expect_json(response, request.what, request)


Performer = Callable[[Any, str | None], Flow[Any]]

#: An in-memory table up to this size (its buffers) is written in the calling thread.
INLINE_BODY_BYTES = 1 << 20

#: The dispatch table: effect type -> performer (a sans-I/O flow). Read-only.
PERFORMERS: Mapping[type, Performer] = MappingProxyType(
    {CreateDataset: create_dataset, UploadTable: upload_table, Share: share}
)


def check_uploads(plan: PlotPlan) -> None:
    """Refuse a plan that uploads two tables of the same kind, before any request.

    Raises:
        PlanError: two uploads of one kind (a plan holds one edges and at most one nodes).
    """
    kinds = [upload.kind for upload in plan.uploads()]
    if len(set(kinds)) != len(kinds):
        raise PlanError(f"a plan uploads at most one table of each kind, this one uploads {kinds}")


def annotate(
    error: GraphistryError, server: str, org_name: str | None, dataset_id: str | None
) -> GraphistryError:
    """Fill in the run's context on ``error`` where it is still unset."""
    if error.server is None:
        error.server = server
    if error.org_name is None:
        error.org_name = org_name
    if error.dataset_id is None:
        error.dataset_id = dataset_id
    return error


class _Run:
    """One run: the snapshot, and the single re-authentication it may do."""

    def __init__(
        self,
        config: Config,
        transport: Transport,
        tokens: TokenCache,
        progress: ProgressOptions | None = None,
        snapshot: AuthState | None = None,
    ) -> None:
        self.config = config
        self.progress = progress
        self.transport = transport
        self.tokens = tokens
        if snapshot is None:
            snapshot = tokens.current()
        self.org_name = snapshot.org_name
        self._state = snapshot
        self._reauthenticated = False
        self._reauth_error: GraphistryError | None = None
        self._lock = threading.Lock()
        self.dataset_id: str | None = None
        self._bodies: dict[str, Future[Any]] = {}

    def prepare(self, plan: PlotPlan, executor: Callable[[], Executor]) -> None:
        """Start writing the upload bodies now, so they are ready when the dataset exists.

        Serialization then overlaps the create-dataset round trip instead of following it
        (a 1M-row table takes a few milliseconds to write). A table under
        :data:`INLINE_BODY_BYTES` is written here instead: that takes less CPU than
        handing it to another thread (0.02 ms against 0.1 ms for 10k rows). The bodies are
        keyed by the upload's kind (:func:`check_uploads`: one table of each kind), which
        resolving the dataset reference leaves unchanged; :meth:`perform` hands each to
        its upload flow.
        """
        for upload in plan.uploads():
            table = upload.table
            if not isinstance(table, DatasetTable) and (
                table.get_total_buffer_size() <= INLINE_BODY_BYTES
            ):
                written: Future[Any] = Future()
                try:
                    written.set_result(_ipc_file(upload))
                except Exception as error:  # raised where the upload waits for it
                    written.set_exception(error)
                self._bodies[upload.kind] = written
            else:
                self._bodies[upload.kind] = executor().submit(_ipc_file, upload)

    def _reauth_begin(self, stale: AuthState) -> AuthState | None:
        """The run's re-authentication bookkeeping (the caller holds the run's lock).

        Returns the state to use when another request of this run already re-authenticated,
        raises when it failed or when the one re-authentication is spent, else claims it
        (None: the caller re-authenticates, then calls :meth:`_reauth_end`).
        """
        if self._state is not stale:  # another request of this run already did it
            return self._state
        if self._reauth_error is not None:
            # Requests that got their 401 concurrently (edges and nodes) share the one
            # re-authentication's failure, not a claim that a fresh token was refused.
            raise copy.copy(self._reauth_error)
        if self._reauthenticated:
            raise AuthenticationError(
                "the server refused a freshly obtained token (401); check the user's access"
            )
        self._reauthenticated = True
        return None

    def _reauth_end(self, state: AuthState) -> AuthState:
        if state.org_name != self.org_name:
            raise AuthenticationError(
                "the token was refused (401) and the client switched org since this "
                "run began; run the plan again"
            )
        self._state = state
        return state

    def _reauth(self, stale: AuthState) -> AuthState:
        with self._lock:
            done = self._reauth_begin(stale)
            if done is not None:
                return done
            try:
                return self._reauth_end(self.tokens.reauthenticate(stale))
            except GraphistryError as error:
                self._reauth_error = error
                raise

    def send(self, request: Request) -> Response:
        if not request.run_token:
            return self.transport.send(request)
        state = self._state
        response = self.transport.send(request, state.token)
        if response.status == 401:
            response = self.transport.send(request, self._reauth(state).token)
            if response.status == 401:
                raise error_for(response, request.what, request)
        return response

    def perform(self, effect: Effect) -> Any:
        if isinstance(effect, UploadTable):
            return self._upload(effect)
        result = run_flow(PERFORMERS[type(effect)](effect, self.org_name), self.send)
        if isinstance(effect, CreateDataset):
            self.dataset_id = result
        return result

    def _upload(self, effect: UploadTable) -> None:
        """Upload one table: its prepared body, reporting progress; a streamed body that a
        proxy refuses as chunked (411 Length Required) is counted and sent once more."""
        body = with_progress(self._bodies[effect.kind].result(), effect.kind,
                             str(effect.dataset), self.progress)  # fmt: skip
        try:
            try:
                return run_flow(upload_table(effect, self.org_name, body), self.send)
            except ProtocolError as error:
                chunked = isinstance(body, StreamBody) and body.length is None
                if error.status != 411 or not chunked:
                    raise
                body = body.counted()
                return run_flow(upload_table(effect, self.org_name, body), self.send)
        finally:
            if isinstance(body, StreamBody) and body.progress is not None:
                body.progress.close()

    def stage(self, stage: Stage, executor: Callable[[], Executor]) -> tuple[Any, ...]:
        if len(stage) == 1:
            return (self.perform(stage[0]),)
        futures = [executor().submit(self.perform, effect) for effect in stage[1:]]
        first: list[Any] = []
        errors: list[BaseException] = []
        try:
            first.append(self.perform(stage[0]))
        except BaseException as error:
            errors.append(error)
        rest: list[Any] = []
        for future in futures:
            try:
                rest.append(future.result())
            except BaseException as error:
                errors.append(error)
        if errors:
            raise errors[0]
        return (first[0], *rest)


def run_plan(
    plan: PlotPlan,
    *,
    config: Config,
    transport: Transport,
    tokens: TokenCache,
    executor: Callable[[], Executor],
    progress: ProgressOptions | None = None,
) -> PlotResult:
    """Perform ``plan``: create, upload (edges and nodes concurrently), share; build the URL.

    ``progress`` reports the uploads' bytes (``on_progress`` events, the tqdm bar).

    Raises:
        GraphistryError: typed (DESIGN.md section 6), carrying server, org and dataset id.
    """
    check_uploads(plan)
    run: _Run | None = None
    try:
        run = _Run(config, transport, tokens, progress)
        run.prepare(plan, executor)
        current = run
        dataset_id = perform_plan(plan, lambda stage: current.stage(stage, executor))
    except GraphistryError as error:
        raise run_failure(error, config, tokens, run) from None
    return plot_result(config, plan, dataset_id, run.org_name)


def run_failure(
    error: GraphistryError, config: Config, tokens: TokenCache, run: _Run | None
) -> GraphistryError:
    """``error`` annotated with the run's server, org and dataset (``run`` is None when the
    run failed before it began: the client's org then)."""
    org = run.org_name if run is not None else tokens.org_name
    return annotate(error, config.server, org, run.dataset_id if run else None)


def plot_result(
    config: Config, plan: PlotPlan, dataset_id: str, org_name: str | None
) -> PlotResult:
    """The result of a run that created ``dataset_id``: its viewer URL, a fresh viztoken."""
    url = viewer_url(
        config.viewer_base,
        dataset_id,
        url_params=plan.url_params,
        viztoken=uuid.uuid4().hex,
        usertag=USERTAG,
        splash_after=int(time.time()) + 15,
    )
    return PlotResult(dataset_id=dataset_id, url=url, server=config.server, org_name=org_name)
