"""Entry encryption and key names: only the same credentials name, read or forge an entry."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphistry_fp.interpreters import sealing
from graphistry_fp.interpreters.sealing import Sealed, seal, slot_keys, unseal


def keys(
    secret: str = "alice-pw", org: str | None = "acme", principal: str = "alice"
) -> sealing.SlotKeys:
    """The slot keys of ``principal`` on a fixed server."""
    return slot_keys(server="gfp.example:8080", principal=principal, org_name=org, secret=secret)


def test_round_trip() -> None:
    """An entry sealed with a slot's keys opens with the same keys."""
    entry = Sealed(token="eyJ.a.b", org_name="acme")
    assert entry == unseal(keys(), seal(keys(), entry))


def test_name_is_stable_and_reveals_nothing() -> None:
    """The same inputs give the same name; it holds no username, org, server or secret."""
    name = keys().name
    assert name == keys().name
    for clear in ("alice", "acme", "gfp.example", "alice-pw"):
        assert clear not in name


def test_names_differ_per_org_principal_and_secret() -> None:
    """Another org, principal or secret is another entry (a wrong password finds nothing)."""
    names = {
        keys().name,
        keys(org="other").name,
        keys(org=None).name,
        keys(principal="bob").name,
        keys(secret="wrong-pw").name,
    }
    assert 5 == len(names)


def test_wrong_secret_cannot_open() -> None:
    """An entry copied under the name a wrong secret computes does not decrypt with it."""
    blob = seal(keys(), Sealed(token="eyJ.a.b", org_name="acme"))
    wrong = keys(secret="wrong-pw")
    assert None is unseal(sealing.SlotKeys(name=keys().name, entry_key=wrong.entry_key), blob)
    assert None is unseal(wrong, blob)


def test_entry_moved_to_another_name_does_not_open() -> None:
    """The name is associated data: an entry is bound to its own slot."""
    blob = seal(keys(), Sealed(token="eyJ.a.b", org_name="acme"))
    other = keys(org="other")
    same_key_other_name = sealing.SlotKeys(name=other.name, entry_key=keys().entry_key)
    assert None is unseal(same_key_other_name, blob)


@given(st.binary(max_size=200))
def test_garbage_never_opens(blob: bytes) -> None:
    """Arbitrary bytes read as None, never an exception."""
    assert None is unseal(keys(), blob)


def test_tampered_ciphertext_does_not_open() -> None:
    """Flipping any byte of a sealed entry makes it unreadable."""
    blob = seal(keys(), Sealed(token="eyJ.a.b", org_name="acme"))
    for index in range(len(blob)):
        tampered = blob[:index] + bytes([blob[index] ^ 1]) + blob[index + 1 :]
        assert None is unseal(keys(), tampered)


def test_ciphertext_holds_no_clear_text() -> None:
    """The sealed bytes contain neither the token nor the org."""
    blob = seal(keys(), Sealed(token="eyJhbGciOi.payload.sig", org_name="acme-corp"))
    assert b"eyJhbGciOi" not in blob
    assert b"acme-corp" not in blob


def test_kdf_runs_once_per_credential_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow KDF runs once per credential: other orgs of it reuse the derived key."""
    calls: list[int] = []
    real = sealing.Scrypt

    def counting(**kwargs: Any) -> Any:
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(sealing, "Scrypt", counting)
    fresh_secret = f"pw-{time.time_ns()}"
    keys(secret=fresh_secret)
    keys(secret=fresh_secret, org="another-org")
    keys(secret=fresh_secret, org=None)
    assert 1 == len(calls)
    keys(secret=fresh_secret + "x")
    assert 2 == len(calls)


def test_reprs_hide_keys_and_tokens() -> None:
    """Neither SlotKeys nor Sealed shows the key or the token."""
    k = keys()
    assert k.entry_key.hex() not in repr(k)
    assert "eyJ.secret.tok" not in repr(Sealed(token="eyJ.secret.tok", org_name="acme"))
