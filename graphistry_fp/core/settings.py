"""Viewer URL settings, branding style and privacy: small validated values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from pyrsistent import freeze

from ..effects import DATASET, Share
from ..errors import PlanError
from .jsonvalue import to_json_value

#: URL settings the viewer understands (pygraphistry 0.61's list, PROTOCOL.md 5).
URL_PARAMS = frozenset(
    """bg bottom collections collectionsGlobalEdgeColor collectionsGlobalNodeColor
    dissuadeHubs edgeCurvature edgeInfluence edgeOpacity favicon gravity info labelBackground
    labelColor labelOpacity left linLog lockedR lockedX lockedY logoAutoInvert logoMaxHeight
    logoMaxWidth logoPosition logoUrl menu neighborhoodHighlight neighborhoodHighlightHops
    pageTitle play pointOpacity pointSize pointStrokeWidth pointsOfInterestMax
    precisionVsSpeed right scalingRatio shortenLabels showActions showArrows showCollections
    showHistograms showInspector showLabelOnHover showLabelPropertiesOnHover showLabels
    showPointsOfInterest showPointsOfInterestLabel splashAfter strongGravity top""".split()
)

DEFAULT_URL_PARAMS: tuple[tuple[str, str], ...] = (("info", "true"),)


def _url_value(value: Any) -> str:
    # Booleans as pygraphistry 0.61.2 sends them (``str(True)``, PROTOCOL.md 5): the viewer
    # URL parameters must be the same for the same notebook code (issue 13).
    if isinstance(value, bool):
        return str(value)
    if not isinstance(value, str | int | float):
        raise PlanError(
            f"URL setting values must be str, int, float or bool, not {type(value).__name__}"
        )
    return quote(str(value), safe="")


def merge_url_params(
    current: tuple[tuple[str, str], ...],
    url_params: object,
    raw: frozenset[str] | set[str] = frozenset(),
) -> tuple[tuple[str, str], ...]:
    """``settings(url_params=...)``: merge new settings over ``current``, keeping order.

    Values of the keys in ``raw`` are already URL-encoded strings (``collections``).

    Raises:
        PlanError: ``url_params`` is not a dict, names an unknown setting, or has a value
            that cannot go into a URL.
    """
    if not isinstance(url_params, Mapping):
        raise PlanError(
            f"settings(url_params=...) takes a dict such as {{'play': 0}}, not "
            f"{type(url_params).__name__}"
        )
    unknown = sorted(str(k) for k in url_params if k not in URL_PARAMS)
    if unknown:
        raise PlanError(
            f"unknown URL setting(s) {unknown}; known settings are {sorted(URL_PARAMS)}"
        )
    merged = dict(current)
    for key, value in url_params.items():
        merged[str(key)] = value if key in raw and isinstance(value, str) else _url_value(value)
    return tuple(merged.items())


STYLE_KEYS = ("fg", "bg", "page", "logo")


def merge_style(
    current: Mapping[str, Any], parts: Mapping[str, Any], *, deep: bool
) -> dict[str, Any]:
    """``style()`` replaces each given part; ``addStyle()`` merges into it (``deep``)."""
    out = {key: (dict(value) if isinstance(value, Mapping) else value) for key, value in current.items()}
    for key, value in parts.items():
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise PlanError(f"style {key}= takes a dict such as {{'color': 'black'}}, not {value!r}")
        value = to_json_value(value, f"style {key}=")
        if deep and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


PRIVACY_MODES = ("private", "organization", "public")
MODE_ACTIONS = ("10", "20")


def make_privacy(
    mode: str | None,
    notify: bool | None,
    invited_users: Iterable[Any] | None,
    message: str | None,
    mode_action: str | None,
) -> Share:
    """Validate ``privacy(...)`` arguments into the :class:`~graphistry_fp.effects.Share`
    effect the plan will perform after the uploads (one record for both).

    Raises:
        PlanError: an unknown mode or mode_action, invited users that are not a list, a
            ``notify`` that is not a bool, or a ``message`` that is not a str.
    """
    mode = "private" if mode is None else mode
    if mode not in PRIVACY_MODES:
        raise PlanError(f"privacy mode must be one of {PRIVACY_MODES}, not {mode!r}")
    if mode_action is not None and mode_action not in MODE_ACTIONS:
        raise PlanError(
            f"privacy mode_action must be '10' (view) or '20' (edit), not {mode_action!r}"
        )
    if invited_users is not None and (
        isinstance(invited_users, str | bytes | Mapping)
        or not isinstance(invited_users, Iterable)
    ):
        raise PlanError("privacy invited_users takes a list of emails")
    if notify is not None and not isinstance(notify, bool):
        # bool("no") is True: refuse rather than e-mail invitees by accident
        raise PlanError(f"privacy notify takes True or False, not {notify!r}")
    if message is not None and not isinstance(message, str):
        raise PlanError("privacy message takes a str")
    return Share(
        DATASET,
        mode=mode,
        notify=bool(notify),
        # frozen (dicts as pmaps), so plottables and plans holding them stay hashable
        invited_users=tuple(
            freeze(user)
            for user in to_json_value(list(invited_users or ()), "privacy invited_users")
        ),
        message=message or "",
        # edit ("20") when private, view ("10") otherwise, unless given
        mode_action=mode_action or ("20" if mode == "private" else "10"),
    )
