"""The --user / --personal-key string parsers."""

from __future__ import annotations

import pytest

from graphistry_fp.server.specs import KeySpec, parse_key, parse_user


def test_user_orgs_end_with_personal_org() -> None:
    """Listed orgs come first (the first is the login default), then the personal org."""
    user = parse_user("alice:pw:acme,shared")
    assert ("alice", "pw", ("acme", "shared", "alice"), "acme") == (
        user.name,
        user.password,
        user.orgs,
        user.default_org,
    )


def test_user_without_orgs_defaults_to_personal_org() -> None:
    """With no orgs listed, a login lands in the user's personal org."""
    assert ("bob",) == parse_user("bob:pw").orgs
    assert "bob" == parse_user("bob:pw:").default_org


def test_password_is_not_in_repr() -> None:
    """A parsed user or key never prints its secret."""
    assert "s3cret" not in repr(parse_user("alice:s3cret:acme"))
    assert "s3cret" not in repr(parse_key("alice:kid:s3cret"))


def test_key() -> None:
    """NAME:KEY_ID:SECRET; the secret may contain colons."""
    assert KeySpec(owner="alice", key_id="kid", secret="a:b") == parse_key("alice:kid:a:b")


@pytest.mark.parametrize(
    "spec", ["alice", "alice:", ":pw", "al ice:pw", "alice:pw:ac/me", "alice:pw:a b"]
)
def test_bad_user_specs(spec: str) -> None:
    """Missing parts and names that are not URL-safe are refused up front."""
    with pytest.raises(ValueError):
        parse_user(spec)


@pytest.mark.parametrize("spec", ["alice:kid", "alice:kid:", "alice:k/d:secret"])
def test_bad_key_specs(spec: str) -> None:
    """Missing parts and unsafe key ids are refused up front."""
    with pytest.raises(ValueError):
        parse_key(spec)
