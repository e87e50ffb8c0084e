"""Worker processes of the multi-process store tests: ``python -m tests.fleet.workers MODE``.

``obtain URL SECRET HOLD_S LEASE_S``: wait for the ``go`` key, then one
:meth:`SharedTokens.obtain` whose renewal counts itself in the ``renewals`` key, takes
``HOLD_S`` seconds and returns a fresh JWT; prints ``{"token", "fence", "waited"}``.
``hang URL SECRET LEASE_S``: take the lock, set ``holding``, and hang in the renewal
(the test SIGKILLs it).
``exclusive URL ROUNDS``: take and release the raw store lock ``ROUNDS`` times, counting in
``overlaps`` every time another holder was inside at the same moment.
"""

from __future__ import annotations

import json
import sys
import time

import jwt
import redis

from graphistry_fp.interpreters.redis_store import RedisTokenStore
from graphistry_fp.interpreters.shared import SharedToken, SharedTokens


def fake_token(number: int) -> str:
    """A JWT that expires in 60 s and names its renewal."""
    now = int(time.time())
    return jwt.encode({"sub": f"renewal-{number}", "iat": now, "exp": now + 60}, "k" * 32)


def main(argv: list[str]) -> None:
    """Run one worker (see the module docstring)."""
    mode, url, secret = argv[0], argv[1], argv[2]
    plain = redis.Redis.from_url(url)
    if mode == "exclusive":
        exclusive(plain, RedisTokenStore(url), int(argv[2]))
        return
    lease_s = float(argv[-1])
    shared = SharedTokens(
        RedisTokenStore(url, lease_s=lease_s), server="srv:1", principal="alice", secret=secret
    )
    hold_s = float(argv[3]) if mode == "obtain" else 3600.0

    def renew(found: SharedToken | None) -> SharedToken:
        number = int(plain.incr("renewals"))
        if mode == "hang":
            plain.set("holding", "1")
        time.sleep(hold_s)
        return SharedToken(token=fake_token(number), org_name="acme")

    while not plain.exists("go"):
        time.sleep(0.01)
    start = time.monotonic()
    got = shared.obtain("acme", usable=lambda entry: True, renew=renew)
    print(json.dumps({"token": got.token, "fence": got.fence, "waited": time.monotonic() - start}))


def exclusive(plain: redis.Redis, store: RedisTokenStore, rounds: int) -> None:
    """Take the lock ``rounds`` times; count overlaps (another holder inside) and entries."""
    while not plain.exists("go"):
        time.sleep(0.01)
    for _ in range(rounds):
        lease = store.lock("shared-key", lease_s=30)
        while lease is None:
            time.sleep(0.002)
            lease = store.lock("shared-key", lease_s=30)
        if int(plain.incr("inside")) != 1:
            plain.incr("overlaps")
        plain.incr("entries")
        time.sleep(0.003)
        plain.decr("inside")
        store.unlock(lease)


if __name__ == "__main__":
    main(sys.argv[1:])
