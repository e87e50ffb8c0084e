"""``arun_plan``: performs a plan on the running event loop, with the same flows as ``run_plan``.

Theory of operation. The async run is the sync run (``http.py``) driven by awaiting
instead of blocking, and shares everything that decides anything with it: the snapshot and
the one-re-authentication bookkeeping (``http._Run``, which :class:`_ARun` extends), the
performers (``http.PERFORMERS``, sans-I/O flows run by ``async_flow.arun_flow``), the plan
walker (``effects.walk``), the token cache's single flight (``TokenCache.acurrent`` /
``areauthenticate``, shared with threads and with tasks of other loops), the reply handling
and the error annotation. What differs is only how waiting happens:

* requests go through the client's :class:`~.async_transport.AsyncTransport` (h11 on asyncio);
* the effects of one stage (edges and nodes uploads) run as concurrent tasks;
* an upload body is written off the loop (``asyncio.to_thread``) when its table is large
  (:data:`OFF_LOOP_BYTES`), started at once so it overlaps the create-dataset round trip;
  a streamed dataset's chunks are read and encoded on worker threads as they are sent
  (``streaming.achunks``), and progress is reported as by the sync run.

Cancellation. Cancelling the task running :func:`arun_plan` cancels its requests, its
stage tasks and its token flight (which lands with no outcome: the cache keeps the state
it had). The client stays usable. What cancel cannot undo: a dataset the server already
created stays (the protocol has no delete), possibly without its tables or share; and a
request already on the wire may complete on the server. When a dataset was created before
the cancel, the ``CancelledError`` carries ``dataset_id`` (and a note naming it, which
``asyncio.timeout``/``wait_for`` keep as the ``__cause__`` of their ``TimeoutError``), and
the ``graphistry_fp.http`` logger warns with the id.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from graphistry_fp.effects import (
    CreateDataset,
    Effect,
    PlotPlan,
    PlotResult,
    Stage,
    UploadTable,
    walk,
)
from graphistry_fp.errors import GraphistryError, ProtocolError

from .async_flow import arun_flow
from .async_transport import AsyncTransport
from .config import Config
from .http import (
    PERFORMERS,
    _ipc_file,
    _Run,
    check_uploads,
    plot_result,
    run_failure,
    upload_table,
)
from .loop_turns import fair_turn
from .progress import ProgressOptions
from .replies import error_for
from .streaming import StreamBody, with_progress
from .tokens import AuthState, TokenCache
from .transport import Transport
from .wire import Request, Response

log = logging.getLogger("graphistry_fp.http")

#: Tables at least this large (Arrow bytes) are written to their upload body off the loop.
OFF_LOOP_BYTES = 1 << 20


def _table_bytes(effect: UploadTable) -> int:
    size = getattr(effect.table, "nbytes", None)
    return size if isinstance(size, int) else OFF_LOOP_BYTES


class _ARun(_Run):
    """One async run: the sync run's snapshot and re-auth bookkeeping, awaited I/O."""

    def __init__(
        self,
        config: Config,
        transport: Transport,
        atransport: AsyncTransport,
        tokens: TokenCache,
        snapshot: AuthState,
        progress: ProgressOptions | None = None,
    ) -> None:
        super().__init__(config, transport, tokens, progress, snapshot=snapshot)
        self.atransport = atransport
        self._alock = asyncio.Lock()
        self._abodies: dict[str, asyncio.Future[Any]] = {}

    def aprepare(self, plan: PlotPlan) -> None:
        """Start writing the upload bodies now (large ones off the loop): see ``_Run.prepare``."""
        loop = asyncio.get_running_loop()
        for upload in plan.uploads():
            future: asyncio.Future[Any]
            if _table_bytes(upload) >= OFF_LOOP_BYTES:
                future = asyncio.ensure_future(asyncio.to_thread(_ipc_file, upload))
            else:
                future = loop.create_future()
                try:
                    future.set_result(_ipc_file(upload))
                except Exception as error:  # raised where the upload awaits its body
                    future.set_exception(error)
            self._abodies[upload.kind] = future

    def discard(self) -> None:
        """Stop writing bodies nobody will send (a failed or cancelled run)."""
        for future in self._abodies.values():
            if not future.done():
                future.cancel()
            elif not future.cancelled():
                future.exception()  # retrieved: no "never retrieved" warning

    async def _areauth(self, stale: AuthState) -> AuthState:
        async with self._alock:
            done = self._reauth_begin(stale)
            if done is not None:
                return done
            try:
                return self._reauth_end(await self.tokens.areauthenticate(stale))
            except GraphistryError as error:
                self._reauth_error = error
                raise

    async def asend(self, request: Request) -> Response:
        await fair_turn()
        if not request.run_token:
            return await self.atransport.send(request)
        state = self._state
        response = await self.atransport.send(request, state.token)
        if response.status == 401:
            response = await self.atransport.send(request, (await self._areauth(state)).token)
            if response.status == 401:
                raise error_for(response, request.what, request)
        return response

    async def aperform(self, effect: Effect) -> Any:
        if isinstance(effect, UploadTable):
            return await self._aupload(effect)
        result = await arun_flow(PERFORMERS[type(effect)](effect, self.org_name), self.asend)
        if isinstance(effect, CreateDataset):
            self.dataset_id = result
        return result

    async def _aupload(self, effect: UploadTable) -> None:
        """``_Run._upload`` awaited: the prepared body reporting progress (from the worker
        threads that produce a streamed body's chunks); a chunked body refused with 411
        is counted (off the loop) and sent once more."""
        body = with_progress(await self._abodies[effect.kind], effect.kind,
                             str(effect.dataset), self.progress)  # fmt: skip
        try:
            try:
                return await arun_flow(upload_table(effect, self.org_name, body), self.asend)
            except ProtocolError as error:
                chunked = isinstance(body, StreamBody) and body.length is None
                if error.status != 411 or not chunked:
                    raise
                body = await asyncio.to_thread(body.counted)
                return await arun_flow(upload_table(effect, self.org_name, body), self.asend)
        finally:
            if isinstance(body, StreamBody) and body.progress is not None:
                body.progress.close()

    async def astage(self, stage: Stage) -> tuple[Any, ...]:
        if len(stage) == 1:
            return (await self.aperform(stage[0]),)
        outcomes = await asyncio.gather(
            *(self.aperform(effect) for effect in stage), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return tuple(outcomes)


async def _walk(run: _ARun, plan: PlotPlan) -> str:
    walker = walk(plan)
    try:
        stage = next(walker)
        while True:
            stage = walker.send(await run.astage(stage))
    except StopIteration as done:
        return str(done.value)


def _name_dataset(error: BaseException, dataset_id: str) -> None:
    error.dataset_id = dataset_id  # type: ignore[attr-defined]
    if hasattr(error, "add_note"):
        error.add_note(
            f"graphistry_fp: dataset {dataset_id} was created before the cancel and stays on "
            "the server (the protocol has no delete), possibly incomplete"
        )
    log.warning("run cancelled after dataset %s was created; it stays on the server", dataset_id)


async def arun_plan(
    plan: PlotPlan,
    *,
    config: Config,
    transport: Transport,
    atransport: AsyncTransport,
    tokens: TokenCache,
    progress: ProgressOptions | None = None,
) -> PlotResult:
    """Perform ``plan`` on the running loop: create, upload (concurrently), share; the URL.

    ``progress`` reports the uploads' bytes, as for ``run_plan``.

    Raises:
        GraphistryError: typed (DESIGN.md section 6), carrying server, org and dataset id,
            as ``run_plan`` raises them.
    """
    check_uploads(plan)
    run: _ARun | None = None
    try:
        snapshot = await tokens.acurrent()
        run = _ARun(config, transport, atransport, tokens, snapshot, progress)
        await fair_turn()  # writing the small bodies: a wave's share of this turn
        run.aprepare(plan)
        dataset_id = await _walk(run, plan)
    except GraphistryError as error:
        if run is not None:
            run.discard()
        raise run_failure(error, config, tokens, run) from None
    except BaseException as error:
        if run is not None:
            run.discard()
            if run.dataset_id is not None:
                _name_dataset(error, run.dataset_id)
        raise
    return plot_result(config, plan, dataset_id, run.org_name)
