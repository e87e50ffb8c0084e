"""The viewer URL (PROTOCOL.md section 5): pure string assembly, shared by every interpreter."""

from __future__ import annotations

from collections.abc import Iterable


def viewer_url(
    base: str,
    dataset_id: str,
    *,
    url_params: Iterable[tuple[str, str]] = (),
    viztoken: str,
    usertag: str,
    splash_after: int | None = None,
) -> str:
    """Build ``<base>/graph/graph.html?dataset=<id>&type=arrow&...``.

    Args:
        base: ``protocol://host[:port]``, or the configured ``client_protocol_hostname``.
        dataset_id: the dataset to view.
        url_params: viewer settings, appended as ``k=v`` in order; ``info=true`` when empty.
        viztoken: an opaque token for the view.
        usertag: the agent tag sent in the dataset's metadata too.
        splash_after: epoch seconds after which the splash screen goes; omitted when None.
    """
    parts = [f"dataset={dataset_id}", "type=arrow", f"viztoken={viztoken}", f"usertag={usertag}"]
    if splash_after is not None:
        parts.append(f"splashAfter={splash_after}")
    params = list(url_params) or [("info", "true")]
    parts.extend(f"{key}={value}" for key, value in params)
    return f"{base.rstrip('/')}/graph/graph.html?" + "&".join(parts)
