"""``SharedTokenCache``: the token cache of a client whose fleet shares a token store.

Theory of operation. It is a :class:`~.tokens.TokenCache` (same snapshot, same in-process
single flight, same refresh-ahead rule) whose one renewal step, ``_renew``, goes through
:meth:`SharedTokens.obtain` first: while a thread of this process holds the local flight,
the fleet's entry is read and adopted when usable, else one process of the fleet renews
under the store's lease lock and every other process adopts its result. A fresh token in
the local cache is used with no store access at all, so a plot costs no Redis round trip.

Slots. The fleet's entry is chosen by the org the client *asks for*: the ``org_name`` it
was created with (None: the login's default org, whatever the reply names), or the org of
its last ``switch_org``. Clients created alike share one entry.

The 401 rule, fleet-wide: a token the server refuses is evicted from the store (only if the
stored entry is still that token), and the re-authentication goes through the store, so
the processes that hit the same 401 adopt the first one's new token: one login per fleet.
"""

from __future__ import annotations

import hashlib
from typing import Any

import jwt

from .shared import SharedToken, SharedTokens
from .tokens import AuthState, TokenCache
from .tokenstore import TokenStore


class SharedTokenCache(TokenCache):
    """A :class:`TokenCache` that shares its renewals through ``shared``.

    Args:
        shared: the client's access to its fleet's store.
        **kwargs: as :class:`TokenCache`.
    """

    def __init__(self, *, shared: SharedTokens, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shared = shared
        # The org the client asks for: None adopts the login reply's org (see module doc).
        self._asked: str | None = self._org if self._switch_pending else None
        self._held: tuple[str, int | None] | None = None
        # Derive the entry key now (the slow KDF, once per credential and process), so a
        # worker pays it at start-up rather than in its first plot.
        shared.prepare(self._asked)

    def _slot(self) -> str | None:
        # A pending switch names the org being asked for (at creation or by switch()).
        return self._org if self._switch_pending else self._asked

    def _renew(self, state: AuthState | None, mode: str = "refresh") -> AuthState:
        """One renewal shared with the fleet (the caller holds the local flight).

        ``mode``: ``"refresh"`` (refresh-ahead, first need), ``"login"`` (after a 401 with
        ``state``'s token) or ``"force"`` (an explicit :meth:`refresh`: only a token newer
        than ``state``'s will do).
        """
        slot = self._slot()
        refused = state.token if mode in ("login", "force") and state is not None else None

        def usable(entry: SharedToken) -> bool:
            if entry.token == refused:
                return False
            now = self._clock()
            return AuthState.of(entry.token, entry.org_name, now).fresh(now)

        def renew(found: SharedToken | None) -> SharedToken:
            base = state
            if found is not None and (mode != "login" or found.token != refused):
                stored = AuthState.of(found.token, found.org_name, self._clock())
                if base is None or (stored.expires_at or 0.0) > (base.expires_at or 0.0):
                    # Renew from the fleet's newest token: a refresh, not a login.
                    base = stored
            new = TokenCache._renew(self, base, "login" if mode == "login" else "refresh")
            return SharedToken(token=new.token, org_name=new.org_name)

        got = self._shared.obtain(slot, usable=usable, renew=renew)
        # Whoever renewed posted the login's org switch; adopting its token needs none.
        self._org, self._switch_pending, self._asked = got.org_name, False, slot
        self._held = (got.token, got.fence)
        return AuthState.of(got.token, got.org_name, self._clock())

    def refresh(self) -> AuthState:
        """Refresh now: a token newer than the cached one (the fleet's, or one refresh)."""
        return self._exclusive(
            lambda state: False, lambda state: self._renew(state, mode="force"), share_failure=False
        )

    def reauthenticate(self, stale: AuthState) -> AuthState:
        """After a 401: evict ``stale`` for the whole fleet, then re-authenticate once."""
        held = self._held
        if held is not None and held[0] == stale.token and held[1] is not None:
            self._shared.evict(
                self._slot(), SharedToken(token=stale.token, org_name=stale.org_name, fence=held[1])
            )
        return super().reauthenticate(stale)

    def switch(self, org_name: str) -> AuthState:
        """Switch org; later renewals use ``org_name``'s entry."""
        previous = self._asked
        self._asked = org_name
        try:
            return super().switch(org_name)
        except BaseException:
            self._asked = previous
            raise


def shared_cache(
    store: TokenStore, *, server: str, principal: str, secret: str, **kwargs: Any
) -> SharedTokenCache:
    """A :class:`SharedTokenCache` for one credential on ``server`` (kwargs: TokenCache's)."""
    shared = SharedTokens(store, server=server, principal=principal, secret=secret)
    return SharedTokenCache(shared=shared, **kwargs)


def token_user(token: str) -> str:
    """Who ``token`` is for (its user claim, unverified), naming its store entry; a token
    naming no user gets an entry of its own."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        claims = {}
    for name in ("username", "user_id", "sub", "email"):
        value = claims.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return f"user:{value}"
    return "token:" + hashlib.sha256(token.encode()).hexdigest()

