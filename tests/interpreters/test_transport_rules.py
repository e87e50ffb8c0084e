"""Pure rules of the transport and token cache, as properties (Hypothesis): backoff bounds,
Retry-After parsing, the refresh margin, and the create/upload/share performers' replies."""

from __future__ import annotations

import email.utils
import json

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphistry_fp.effects import CreateDataset, Share
from graphistry_fp.errors import PermissionDeniedError, ProtocolError
from graphistry_fp.interpreters import http, retries, wire
from graphistry_fp.interpreters.tokens import AuthState
from graphistry_fp.interpreters.wire import Response


@given(st.integers(0, 20), st.none() | st.floats(0, 1e6, allow_nan=False))
def test_backoff_is_capped_jittered_and_honours_retry_after(
    attempt: int, retry_after: float | None
) -> None:
    """Delay is in [ceiling/2, ceiling] (ceiling = min(8, 0.25 * 2**attempt)), and at least
    Retry-After up to its 30 s cap."""
    ceiling = min(retries.BACKOFF_CAP_S, retries.BACKOFF_BASE_S * 2.0**attempt)
    delay = retries.backoff_delay(attempt, retry_after)
    assert ceiling / 2 <= delay
    if retry_after is None:
        assert delay <= ceiling
    else:
        assert min(retry_after, retries.RETRY_AFTER_CAP_S) <= delay
        assert delay <= max(ceiling, retries.RETRY_AFTER_CAP_S)


def test_retry_after_forms() -> None:
    """Retry-After as seconds or as an HTTP date; garbage is ignored."""
    assert 5.0 == retries.parse_retry_after("5")
    assert None is retries.parse_retry_after("soon")
    assert None is retries.parse_retry_after(None)
    date = email.utils.formatdate(1000.0 + 12, usegmt=True)
    assert 12.0 == retries.parse_retry_after(date, now=1000.0)


@given(st.integers(10**9, 2 * 10**9), st.integers(1, 10**6), st.floats(0, 2e6))
def test_refresh_margin_property(iat: int, ttl: int, offset: float) -> None:
    """A token is fresh exactly while more than min(60, ttl/2) seconds remain."""
    token = jwt.encode({"iat": iat, "exp": iat + ttl}, "k" * 32, algorithm="HS256")
    state = AuthState.of(token, None, now=iat)
    now = iat + offset
    assert (iat + ttl - now > min(60.0, ttl / 2)) == state.fresh(now)
    assert (now >= iat + ttl) == state.expired(now)


def _reply(status: int, body: object) -> Response:
    return Response(status=status, headers={}, content=json.dumps(body).encode())


def _run(flow: wire.Flow[object], response: Response) -> tuple[wire.Request, object]:
    sent: list[wire.Request] = []

    def send(request: wire.Request) -> Response:
        sent.append(request)
        return response

    value = wire.run_flow(flow, send)
    return sent[0], value


def test_create_adds_org_only_when_the_client_has_one() -> None:
    """The create body gets org_name from the run's snapshot, and only when there is one."""
    effect = CreateDataset(body={"name": "x", "node_encodings": {}, "edge_encodings": {}})
    ok = _reply(200, {"success": True, "data": {"dataset_id": "ds1"}})
    request, value = _run(http.create_dataset(effect, "acme"), ok)
    assert ("ds1", "acme", False) == (value, request.json["org_name"], request.idempotent)
    request, _ = _run(http.create_dataset(effect, None), ok)
    assert "org_name" not in request.json


@pytest.mark.parametrize(
    "body", [{"success": False}, {"data": {"dataset_id": "ds1"}}, {"success": True, "data": {}}]
)
def test_create_reply_without_success_or_id_is_protocol_error(body: object) -> None:
    """A create reply without a truthy success or a data.dataset_id is a ProtocolError
    (shapes the local server never sends, hence canned replies)."""
    effect = CreateDataset(body={"name": "x"})
    with pytest.raises(ProtocolError):
        _run(http.create_dataset(effect, None), _reply(200, body))


def test_share_request_and_403() -> None:
    """Share posts the effect's JSON for the dataset; a 403 is PermissionDeniedError."""
    effect = Share(dataset="ds1", mode="public", mode_action="10")
    request, _ = _run(http.share(effect, None), _reply(200, {"success": True}))
    assert ("/api/v2/share/link/", "ds1", "public") == (
        request.path, request.json["obj_pk"], request.json["mode"]
    )
    with pytest.raises(PermissionDeniedError):
        _run(http.share(effect, None), _reply(403, {"detail": "no"}))
