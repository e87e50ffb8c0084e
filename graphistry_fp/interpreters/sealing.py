"""Entry encryption and key names for the token store: only the same credentials can read.

Theory of operation. From the credential's secret (a password or a personal-key secret)
and a salt naming the server and the principal, scrypt (a slow, memory-hard KDF) derives a
32-byte master key; it is computed once per process and credential (a cache keyed by a
per-process HMAC of the inputs, so the cache holds no fast hash of a secret). Two keys are
derived from the master with HMAC-SHA256:

* the *name key*, which names the entry: ``HMAC(name key, server, principal, org)``. The
  name reveals neither the username nor the org, and a process holding another secret (a
  wrong password) computes another name: it never even finds the right entry.
* the *entry key*: AES-256-GCM over the entry (token and org), with the entry's name as
  associated data, so an entry copied under another name does not decrypt.

A blob that does not decrypt (garbage, a foreign entry, a truncated value) reads as None:
the caller ignores it and replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading

import attrs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

#: scrypt cost (2**14 * 8 * 128 bytes = 16 MiB, ~50 ms): paid once per process and credential.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1

_VERSION = b"gfp1"
_NONCE = 12

_cache_guard = threading.Lock()
_cache: dict[bytes, bytes] = {}
# Keys the cache: an HMAC under a key that exists only in this process's memory.
_cache_key = os.urandom(32)


@attrs.frozen
class SlotKeys:
    """Where one (server, principal, org) is stored, and the key to its entry.

    Attributes:
        name: the entry's key name (hex; reveals no username, org or secret).
        entry_key: the AES-GCM key (never shown by ``repr``).
    """

    name: str
    entry_key: bytes = attrs.field(repr=False)


@attrs.frozen
class Sealed:
    """What an entry holds once opened: the token and the org it is for."""

    token: str = attrs.field(repr=False)
    org_name: str | None


def _join(*parts: str) -> bytes:
    # Length-prefixed, so ("ab", "c") and ("a", "bc") never collide.
    return b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)


def _master(secret: str, salt: bytes) -> bytes:
    tag = hmac.new(_cache_key, _join(secret) + salt, hashlib.sha256).digest()
    with _cache_guard:
        cached = _cache.get(tag)
    if cached is not None:
        return cached
    master = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        secret.encode()
    )
    with _cache_guard:
        _cache[tag] = master
    return master


def slot_keys(*, server: str, principal: str, org_name: str | None, secret: str) -> SlotKeys:
    """The key name and entry key of (server, principal, org) for holders of ``secret``.

    Args:
        server: ``host[:port]`` of the Graphistry server.
        principal: the username or personal-key id.
        org_name: the org the token is for (None: the login's default org).
        secret: the password or personal-key secret.
    """
    salt = hashlib.sha256(b"graphistry_fp token store v1\0" + _join(server, principal)).digest()
    master = _master(secret, salt)
    name_key = hmac.new(master, b"name", hashlib.sha256).digest()
    entry_key = hmac.new(master, b"entry", hashlib.sha256).digest()
    org = "\0" if org_name is None else org_name
    name = hmac.new(name_key, _join(server, principal, org), hashlib.sha256).hexdigest()[:40]
    return SlotKeys(name=name, entry_key=entry_key)


def seal(keys: SlotKeys, entry: Sealed) -> bytes:
    """Encrypt ``entry`` for ``keys`` (a fresh random nonce each time)."""
    nonce = os.urandom(_NONCE)
    plain = json.dumps({"t": entry.token, "o": entry.org_name}).encode()
    return _VERSION + nonce + AESGCM(keys.entry_key).encrypt(nonce, plain, keys.name.encode())


def unseal(keys: SlotKeys, blob: bytes) -> Sealed | None:
    """Decrypt ``blob``; None if it is not an entry sealed with ``keys`` under this name."""
    if not isinstance(blob, bytes) or len(blob) < len(_VERSION) + _NONCE + 16:
        return None
    if not blob.startswith(_VERSION):
        return None
    nonce = blob[len(_VERSION) : len(_VERSION) + _NONCE]
    try:
        plain = AESGCM(keys.entry_key).decrypt(
            nonce, blob[len(_VERSION) + _NONCE :], keys.name.encode()
        )
        data = json.loads(plain)
    except (InvalidTag, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    token, org = data.get("t"), data.get("o")
    if not isinstance(token, str) or not token or not (org is None or isinstance(org, str)):
        return None
    return Sealed(token=token, org_name=org)
