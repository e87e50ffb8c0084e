"""Colours from a dataset's metadata are colours: nothing else reaches the viewer's CSS."""

from __future__ import annotations

import re
from typing import Any

#: Hex, ``rgb()``/``rgba()``/``hsl()``/``hsla()`` with numbers only, or a colour name.
_COLOUR = re.compile(r"(#[0-9a-f]{3,8}|(rgb|hsl)a?\([0-9\s.,%/+-]{1,60}\)|[a-z]{1,30})", re.I)


def is_colour(value: object) -> bool:
    """True for a string in colour syntax (never ``url(...)`` or other CSS)."""
    return isinstance(value, str) and _COLOUR.fullmatch(value.strip()) is not None


def safe_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` with a background colour that is not a colour removed."""
    bg = metadata.get("bg")
    if not isinstance(bg, dict) or "color" not in bg or is_colour(bg["color"]):
        return metadata
    return {**metadata, "bg": {k: v for k, v in bg.items() if k != "color"}}
