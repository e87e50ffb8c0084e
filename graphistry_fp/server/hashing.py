"""Salted password and key-secret hashing: the database never holds a plaintext secret.

scrypt from the standard library, with parameters light enough that a test suite logging
in hundreds of times stays fast, yet every stored value is salted and one-way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_N, _R, _P = 2**12, 8, 1
_PREFIX = "scrypt"


def hash_secret(secret: str) -> str:
    """Return ``scrypt$N$r$p$salt$digest`` (hex) for ``secret``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"{_PREFIX}${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def burn_time(secret: str) -> None:
    """Spend what a real check costs, so an unknown name answers as slowly as a known one."""
    hashlib.scrypt(secret.encode(), salt=b"0" * 16, n=_N, r=_R, p=_P)


def check_secret(secret: str, stored: str) -> bool:
    """True when ``secret`` matches a value made by :func:`hash_secret` (constant time)."""
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
        if prefix != _PREFIX:
            return False
        actual = hashlib.scrypt(
            secret.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual.hex(), digest)
