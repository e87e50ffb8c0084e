"""Normalize user values into plain JSON values, once, when they enter a plottable.

Mapping keys become the strings JSON would send (``{1: "red"}`` is sent as ``{"1": "red"}``
by pygraphistry too), numpy scalars become Python numbers, tuples become lists. A value
JSON cannot carry (a callable, NaN, an arbitrary object) raises :class:`PlanError` naming
where it was found, at the call that supplied it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import PlanError


def _key(key: Any, where: str) -> str:
    key = _scalar(key, where)
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return json.dumps(key)
    raise PlanError(f"{where}: mapping key {key!r} cannot be a JSON key; use str or numbers")


def _scalar(value: Any, where: str) -> Any:
    if type(value).__module__ == "numpy":
        # numpy scalars become Python numbers; arrays become lists (``item()`` would
        # raise on them)
        value = value.item() if getattr(value, "ndim", None) == 0 else value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        raise PlanError(f"{where}: {value!r} cannot be sent as JSON; use a finite number or None")
    return value


def to_json_value(value: Any, where: str) -> Any:
    """``value`` as plain JSON data, or :class:`PlanError` saying what cannot be sent."""
    value = _scalar(value, where)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        origin: dict[str, Any] = {}
        for k, v in value.items():
            key = _key(k, where)
            if key in origin:
                # {1: "a", "1": "b"} would send the JSON key "1" twice
                raise PlanError(
                    f"{where}: mapping keys {origin[key]!r} and {k!r} both become the JSON key "
                    f"{key!r}; keep one of them"
                )
            origin[key] = k
            out[key] = to_json_value(v, where)
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [to_json_value(v, where) for v in value]
    raise PlanError(
        f"{where}: {type(value).__name__} value {value!r} cannot be sent as JSON; use str, "
        "int, float, bool, None, list or dict"
    )
