"""The token cache: one of the three places the client library keeps mutable state.

Theory of operation. The cache holds one immutable :class:`AuthState` (token, org, expiry),
replaced as a whole, so a run that reads it gets a consistent (org, token) snapshot. Reading
a fresh state takes no lock-held I/O. Anything that needs the network (first login, refresh
ahead of expiry, re-login after expiry or a 401, an org switch) is done by the one leader
of the cache's :class:`~.single_flight.FlightCell`. A renewal is one flow
(``_renewal``): a thread leads with the sync runner (``_renew``), a task with the async
runner (``_arenew``; a subclass that overrides the sync ``_renew``, the fleet cache of
``shared_cache``, has it run on a worker thread). Threads and tasks (on any event loop)
that arrive meanwhile wait, then find the new state (or the same error) instead of sending
requests of their own. That is the single flight: one request for any number of threads
and tasks. Org switches are sync only (``switch``).

Expiry is read from the JWT's ``exp`` (and ``iat``) claims (``grants.claims``), without
verifying the signature (the client does not hold the server's key). A token is refreshed when less
than ``min(60 s, half its lifetime)`` remains; an expired token is never sent to refresh
(servers refuse it): the client logs in afresh or, lacking credentials, raises
:class:`~graphistry_fp.errors.AuthenticationError`. Tokens without a readable ``exp`` are
used until the server answers 401.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from .auth_flows import LoginFlow, renew, switch_org
from .grants import claims
from .single_flight import FlightCell
from .wire import Flow

#: Refresh when less than this many seconds remain (or half the lifetime, if shorter).
REFRESH_MARGIN_S = 60.0

#: Runs a flow to its outcome (the client's :func:`~.wire.run_flow` over its transport).
GrantRunner = Callable[[Flow[Any]], Any]
StrRunner = Callable[[Flow[str]], str]
#: Runs a flow to its outcome on the running event loop (``async_flow.arun_flow``).
AsyncRunner = Callable[[Flow[Any]], Awaitable[Any]]


@attrs.frozen
class AuthState:
    """A token, the org it is for, and when it must be refreshed.

    Attributes:
        token: the JWT (never shown by ``repr``).
        org_name: the org runs using this token create datasets under.
        expires_at: the ``exp`` claim (epoch seconds), or None when unknown.
        refresh_at: when to refresh ahead of expiry, or None when unknown.
    """

    token: str = attrs.field(repr=False)
    org_name: str | None
    expires_at: float | None = None
    refresh_at: float | None = None

    @classmethod
    def of(cls, token: str, org_name: str | None, now: float) -> AuthState:
        """Read the expiry of ``token``; ``now`` stands in for a missing ``iat``."""
        read = claims(token)
        exp, iat = read.exp, read.iat
        if exp is None:
            return cls(token=token, org_name=org_name)
        lifetime = max(0.0, exp - (iat if iat is not None else now))
        return cls(
            token=token,
            org_name=org_name,
            expires_at=exp,
            refresh_at=exp - min(REFRESH_MARGIN_S, lifetime / 2),
        )

    def expired(self, now: float) -> bool:
        """True once ``exp`` has passed."""
        return self.expires_at is not None and now >= self.expires_at

    def fresh(self, now: float) -> bool:
        """True while the token needs no refresh."""
        return self.refresh_at is None or now < self.refresh_at


class TokenCache:
    """Thread-safe token cache with single-flight renewal (see the module docstring).

    Args:
        login: the client's login flow factory, or None (a ClientJWT).
        org_name: the org the client was created with (None: adopt the login reply's).
        run_flow: runs a flow over HTTP (the client's transport); ``run_flow_str`` the same,
            typed for flows that return a token.
        token: an initial token (ClientJWT), or None.
        clock: epoch seconds; injectable for tests.
        arun_flow: runs a flow over the async transport (the ``a*`` methods need it).
    """

    def __init__(
        self,
        *,
        login: LoginFlow | None,
        org_name: str | None,
        run_flow: GrantRunner,
        run_flow_str: StrRunner,
        token: str | None = None,
        clock: Callable[[], float] = time.time,
        arun_flow: AsyncRunner | None = None,
    ) -> None:
        self._login = login
        self._run_flow = run_flow
        self._run_flow_str = run_flow_str
        self._clock = clock
        # An org given at construction is switched to once, at first need. A token given
        # without an org (ClientJWT) names its org in its ``org`` claim, if anywhere: adopt
        # it, as a login reply's ``active_organization`` is adopted, and switch nothing.
        self._switch_pending = org_name is not None
        self._org = org_name if org_name is not None or token is None else claims(token).org
        self._cell: FlightCell[AuthState] = FlightCell(
            None if token is None else AuthState.of(token, self._org, clock())
        )
        self._arun_flow = arun_flow

    @property
    def _state(self) -> AuthState | None:
        return self._cell.state

    @property
    def org_name(self) -> str | None:
        """The client's org: the current state's, else the configured one."""
        state = self._state
        return state.org_name if state is not None else self._org

    def peek(self) -> AuthState | None:
        """The cached state as it is (no I/O)."""
        return self._state

    def _usable(self, state: AuthState | None) -> bool:
        return state is not None and not self._switch_pending and state.fresh(self._clock())

    def _run_any(self, flow: Flow[AuthState]) -> AuthState:
        state: AuthState = self._run_flow(flow)
        return state

    def current(self) -> AuthState:
        """A state whose token needs no refresh, obtaining one if needed (single flight)."""
        state = self._state
        if state is not None and self._usable(state):
            return state
        return self._exclusive(self._usable, self._renew)

    async def acurrent(self) -> AuthState:
        """:meth:`current` for a task: the same single flight, awaited."""
        state = self._state
        if state is not None and self._usable(state):
            return state
        return await self._aexclusive(self._usable, self._arenew)

    def _stale_test(self, stale: AuthState) -> Callable[[AuthState | None], bool]:
        def satisfied(state: AuthState | None) -> bool:
            return state is not None and state is not stale and self._usable(state)

        return satisfied

    def reauthenticate(self, stale: AuthState) -> AuthState:
        """After a 401 with ``stale``'s token: a new state (one login, or a refresh for JWT).

        Compared by identity, so a server that re-issues an identical token string (same
        claims within one second) still counts as renewed.
        """
        return self._exclusive(self._stale_test(stale), lambda s: self._renew(s, mode="login"))

    async def areauthenticate(self, stale: AuthState) -> AuthState:
        """:meth:`reauthenticate` for a task."""
        if type(self).reauthenticate is not TokenCache.reauthenticate:
            return await asyncio.to_thread(self.reauthenticate, stale)  # a subclass's rule
        return await self._aexclusive(
            self._stale_test(stale), lambda s: self._arenew(s, mode="login")
        )

    def refresh(self) -> AuthState:
        """Refresh now (log in if never logged in or if the server refuses)."""
        return self._exclusive(_never, self._renew, share_failure=False)

    async def arefresh(self) -> AuthState:
        """:meth:`refresh` for a task."""
        if type(self).refresh is not TokenCache.refresh:
            return await asyncio.to_thread(self.refresh)  # a subclass's rule
        return await self._aexclusive(_never, self._arenew, share_failure=False)

    def switch(self, org_name: str) -> AuthState:
        """Make ``org_name`` the client's org: post the switch now (logging in if needed)."""

        def op(state: AuthState | None) -> AuthState:
            previous = (self._org, self._switch_pending)
            try:
                if state is None or not state.fresh(self._clock()):
                    # Log in (or refresh) for the new org and switch once, not twice.
                    self._org, self._switch_pending = org_name, True
                    return self._renew(state)
                token = self._run_flow_str(switch_org(state.token, org_name))
            except BaseException:
                self._org, self._switch_pending = previous
                raise
            self._org, self._switch_pending = org_name, False
            return AuthState.of(token, org_name, self._clock())

        return self._exclusive(_never, op, share_failure=False)

    def _renew(self, state: AuthState | None, mode: str = "refresh") -> AuthState:
        """One renewal, run by the single flight's leader thread (sync runner).

        The override point of a cache that renews elsewhere first (``shared_cache``: the
        fleet's store); :meth:`_arenew` runs such an override on a worker thread.
        """
        return self._run_any(self._renewal(state, mode))

    async def _arenew(self, state: AuthState | None, mode: str = "refresh") -> AuthState:
        """One renewal, run by the single flight's leader task (async runner)."""
        if type(self)._renew is not TokenCache._renew:
            # A subclass's rule (sync: the fleet's store), on a worker thread. If this task
            # is cancelled, the thread's renewal still ends before the flight lands, so a
            # waiter's renewal never overlaps it (its result is dropped: the next need renews).
            renewal = asyncio.ensure_future(asyncio.to_thread(self._renew, state, mode))
            try:
                return await asyncio.shield(renewal)
            except asyncio.CancelledError:
                await asyncio.wait([renewal])
                if not renewal.cancelled():
                    renewal.exception()  # retrieved: dropped with the cancelled run
                raise
        arun_flow = self._arun_flow
        if arun_flow is None:
            raise RuntimeError("this token cache has no async flow runner")
        new: AuthState = await arun_flow(self._renewal(state, mode))
        return new

    def _renewal(self, state: AuthState | None, mode: str) -> Flow[AuthState]:
        """The renewal decision and its requests, as one flow (either runner runs it)."""
        now = self._clock()
        if state is not None and self._switch_pending and state.fresh(now) and mode != "login":
            token = yield from switch_org(state.token, self._org or "")
        else:
            grant = yield from renew(
                None if state is None else state.token,
                expired=state is not None and state.expired(now),
                org_name=self._org,
                login=self._login,
                switch=self._switch_pending,
                mode="login" if mode == "login" else "refresh",
            )
            token = grant.token
            # Adopt the org the login reply names; later logins ask for it explicitly.
            self._org = grant.org_name
        self._switch_pending = False
        return AuthState.of(token, self._org, self._clock())

    # -- the single flight, for threads (blocking) and tasks (awaiting) -----------------

    def _exclusive(
        self,
        satisfied: Callable[[AuthState | None], bool],
        op: Callable[[AuthState | None], AuthState],
        *,
        share_failure: bool = True,
    ) -> AuthState:
        """Run ``op`` as the single flight (this thread leads or waits), unless satisfied."""
        return self._cell.exclusive(satisfied, op, share_failure=share_failure)

    async def _aexclusive(
        self,
        satisfied: Callable[[AuthState | None], bool],
        op: Callable[[AuthState | None], Awaitable[AuthState]],
        *,
        share_failure: bool = True,
    ) -> AuthState:
        """The same single flight for a task: it leads (awaiting ``op``) or awaits the leader."""
        return await self._cell.aexclusive(satisfied, op, share_failure=share_failure)


def _never(state: AuthState | None) -> bool:
    return False
