"""The token cache: one of the three places the client library keeps mutable state.

Theory of operation. The cache holds one immutable :class:`AuthState` (token, org, expiry),
replaced as a whole, so a run that reads it gets a consistent (org, token) snapshot. Reading
a fresh state takes no lock-held I/O. Anything that needs the network (first login, refresh
ahead of expiry, re-login after expiry or a 401, an org switch) goes through
:meth:`TokenCache._exclusive`: one thread performs the request while holding ``_flight``;
threads that arrive meanwhile wait, then find the new state (or the same error) instead of
sending requests of their own. That is the single flight: one request for any number of
threads.

Expiry is read from the JWT's ``exp`` (and ``iat``) claims (``grants.claims``), without
verifying the signature (the client does not hold the server's key). A token is refreshed when less
than ``min(60 s, half its lifetime)`` remains; an expired token is never sent to refresh
(servers refuse it): the client logs in afresh or, lacking credentials, raises
:class:`~graphistry_fp.errors.AuthenticationError`. Tokens without a readable ``exp`` are
used until the server answers 401.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable

import attrs

from graphistry_fp.errors import GraphistryError

from .auth_flows import LoginFlow, renew, switch_org
from .grants import Grant, claims
from .wire import Flow

#: Refresh when less than this many seconds remain (or half the lifetime, if shorter).
REFRESH_MARGIN_S = 60.0

#: Runs a flow to its outcome (the client's :func:`~.wire.run_flow` over its transport).
GrantRunner = Callable[[Flow[Grant]], Grant]
StrRunner = Callable[[Flow[str]], str]


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
        self._state: AuthState | None = (
            None if token is None else AuthState.of(token, self._org, clock())
        )
        self._flight = threading.Lock()
        self._generation = 0
        self._failure: GraphistryError | None = None

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

    def current(self) -> AuthState:
        """A state whose token needs no refresh, obtaining one if needed (single flight)."""
        state = self._state
        if state is not None and self._usable(state):
            return state
        return self._exclusive(self._usable, self._renew)

    def reauthenticate(self, stale: AuthState) -> AuthState:
        """After a 401 with ``stale``'s token: a new state (one login, or a refresh for JWT).

        Compared by identity, so a server that re-issues an identical token string (same
        claims within one second) still counts as renewed.
        """

        def satisfied(state: AuthState | None) -> bool:
            return state is not None and state is not stale and self._usable(state)

        return self._exclusive(satisfied, lambda state: self._renew(state, mode="login"))

    def refresh(self) -> AuthState:
        """Refresh now (log in if never logged in or if the server refuses)."""
        return self._exclusive(lambda state: False, self._renew, share_failure=False)

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

        return self._exclusive(lambda state: False, op, share_failure=False)

    def _renew(self, state: AuthState | None, mode: str = "refresh") -> AuthState:
        """One renewal, run by the single flight (the caller holds ``_flight``)."""
        now = self._clock()
        if state is not None and self._switch_pending and state.fresh(now) and mode != "login":
            token = self._run_flow_str(switch_org(state.token, self._org or ""))
        else:
            grant = self._run_flow(
                renew(
                    None if state is None else state.token,
                    expired=state is not None and state.expired(now),
                    org_name=self._org,
                    login=self._login,
                    switch=self._switch_pending,
                    mode="login" if mode == "login" else "refresh",
                )
            )
            token = grant.token
            # Adopt the org the login reply names; later logins ask for it explicitly.
            self._org = grant.org_name
        self._switch_pending = False
        return AuthState.of(token, self._org, self._clock())

    def _exclusive(
        self,
        satisfied: Callable[[AuthState | None], bool],
        op: Callable[[AuthState | None], AuthState],
        *,
        share_failure: bool = True,
    ) -> AuthState:
        """Run ``op`` as the single flight unless ``satisfied`` already holds.

        A caller that waited behind a failed flight gets a copy of its error instead of
        sending a request of its own (``share_failure``); explicit operations (refresh,
        switch) always make their own attempt.
        """
        seen = self._generation
        with self._flight:
            state = self._state
            if state is not None and satisfied(state):
                return state
            if share_failure and self._generation != seen and self._failure is not None:
                # The flight we waited for failed: share its error, send no request.
                raise copy.copy(self._failure)
            try:
                new = op(state)
            except GraphistryError as error:
                self._failure = error
                self._generation += 1
                raise
            self._state = new
            self._failure = None
            self._generation += 1
            return new
