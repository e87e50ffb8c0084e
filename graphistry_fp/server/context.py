"""What every handler needs: the store, the token issuer, the knobs and the data dir."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
from starlette.requests import Request

from .control import Controls
from .store import Store
from .throttle import LoginThrottle
from .tokens import API, TokenIssuer

DEFAULT_SSO_STATE_TTL_S = 600.0
#: Threads that check and write small uploads (see ``tables.py``).
DISK_THREADS = 8


def _disk_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(DISK_THREADS, thread_name_prefix="graphistry_fp-disk")


@attrs.define(kw_only=True)
class ServerContext:
    """The state of one running server, reachable from handlers as ``app.state.ctx``."""

    store: Store
    issuer: TokenIssuer
    controls: Controls
    data_dir: Path
    sso_state_ttl_s: float = DEFAULT_SSO_STATE_TTL_S
    sso_auto_approve: str | None = None
    #: ``http://host:port`` as configured (not as a request's Host header says): the base
    #: of the URLs the server hands out (SSO ``auth_url``). None until the port is bound.
    public_url: str | None = None
    throttle: LoginThrottle = attrs.field(factory=LoginThrottle)
    #: Where small uploads are checked, written and fsynced: a few threads of its own,
    #: cheaper to hand work to than the general thread pool (threads start on first use;
    #: :meth:`close` waits for the work in hand).
    disk: ThreadPoolExecutor = attrs.field(factory=_disk_pool, repr=False)
    #: Scratch space for bodies being received (same filesystem: renames are atomic).
    tmp_dir: Path = attrs.field(
        init=False, default=attrs.Factory(lambda ctx: ctx.data_dir / "tmp", takes_self=True)
    )
    _datasets_dir: Path = attrs.field(
        init=False,
        default=attrs.Factory(lambda ctx: ctx.data_dir / "datasets", takes_self=True),
        repr=False,
    )

    def issue_token(
        self, username: str, org: str, *, orig_iat: int | None = None, purpose: str = API
    ) -> str:
        """A token for ``username`` carrying their current token version."""
        return self.issuer.issue(
            username,
            org,
            orig_iat=orig_iat,
            version=self.store.token_version(username) or 0,
            purpose=purpose,
        )

    def close(self) -> None:
        """Finish the uploads being written, then close the database."""
        self.disk.shutdown(wait=True)
        self.store.close()

    def table_path(self, dataset_id: str, kind: str) -> Path:
        """Where the ``kind`` ("edges"/"nodes") Arrow file of a dataset lives."""
        return self._datasets_dir.joinpath(dataset_id, f"{kind}.arrow")

    def file_path(self, file_id: str) -> Path:
        """Where the bytes of a file-API file live."""
        return self.data_dir / "files" / f"{file_id}.arrow"


def context(request: Request) -> ServerContext:
    """The :class:`ServerContext` of the app serving ``request``."""
    ctx = request.app.state.ctx
    assert isinstance(ctx, ServerContext)
    return ctx
