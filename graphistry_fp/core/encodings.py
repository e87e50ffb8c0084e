"""Complex encodings (PROTOCOL.md 6.2): color palettes, categorical maps, continuous bins.

An ``encode_*`` call with a palette, a mapping or bins builds one encoding object, stored
under ``(side, slot, name)`` with ``slot`` ``"default"`` and/or ``"current"``; the same call
with none of them is a simple binding (``encode_point_color("c")`` is
``bind(point_color="c")``). Input that is wrong on its own (a palette without
``as_categorical``/``as_continuous``, an unknown badge position, a mapping that is not a
dict) raises :class:`PlanError` at once, when the method is called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from ..errors import PlanError
from .jsonvalue import to_json_value

Graph = Literal["point", "edge"]

BADGE_POSITIONS = (
    "Top",
    "TopLeft",
    "Left",
    "BottomLeft",
    "Bottom",
    "BottomRight",
    "Right",
    "TopRight",
    "Cover",
)
COMPARATORS = ("<", "<=")


@attrs.frozen
class EncodingSpec:
    """The arguments of one ``encode_*`` call, before they become JSON."""

    graph: Graph
    feature: str
    column: str
    palette: Sequence[str] | None = None
    as_categorical: bool | None = None
    as_continuous: bool | None = None
    categorical_mapping: Mapping[Any, Any] | None = None
    continuous_binning: Sequence[Any] | None = None
    default_mapping: Any = None
    comparator: str | None = None
    decorations: Mapping[str, Any] = attrs.field(factory=dict)


def binding_name(graph: Graph, feature: str) -> str:
    """The simple binding an ``encode_*`` call without mappings stands for."""
    return f"{graph}_{feature}"


def encoding_key(graph: Graph, feature: str) -> str:
    """The JSON key of an encoding: ``pointColorEncoding``, ``edgeBadgeTopEncoding``..."""
    return f"{graph}{feature[0].upper()}{feature[1:]}Encoding"


def is_simple(spec: EncodingSpec) -> bool:
    """True when the call carries no palette, mapping or bins (badges are never simple)."""
    return (
        spec.palette is None
        and spec.categorical_mapping is None
        and spec.continuous_binning is None
        and not spec.feature.startswith("badge")
    )


def _where(spec: EncodingSpec) -> str:
    return f"encode_{'point' if spec.graph == 'point' else 'edge'}_* on column {spec.column!r}"


def _bin(item: object, spec: EncodingSpec) -> list[Any]:
    """One ``[threshold or None, output]`` pair of ``continuous_binning``."""
    if isinstance(item, str | bytes | Mapping) or not isinstance(item, Sequence) or len(item) != 2:
        raise PlanError(
            f"{_where(spec)}: each continuous_binning entry must be a [threshold or None, "
            f"output] pair, not {item!r}"
        )
    return list(item)


def _transform(spec: EncodingSpec) -> dict[str, Any]:
    if spec.categorical_mapping is not None:
        if not isinstance(spec.categorical_mapping, Mapping):
            raise PlanError(
                f"{_where(spec)}: categorical_mapping must be a dict of value -> output, not "
                f"{type(spec.categorical_mapping).__name__}"
            )
        categorical: dict[str, Any] = {"fixed": dict(spec.categorical_mapping)}
        if spec.default_mapping is not None:
            categorical["other"] = spec.default_mapping
        return {"variation": "categorical", "mapping": {"categorical": categorical}}
    if spec.palette is not None:
        if isinstance(spec.palette, str) or not all(isinstance(c, str) for c in spec.palette):
            raise PlanError(
                f"{_where(spec)}: palette must be a list of color strings, e.g. "
                '["#000", "red"]'
            )
        if spec.as_categorical is not None:
            categorical_palette = bool(spec.as_categorical)
        elif spec.as_continuous is not None:
            categorical_palette = not spec.as_continuous
        else:
            raise PlanError(
                f"{_where(spec)}: a palette needs as_categorical=True (round-robin colors) or "
                "as_continuous=True (a gradient)"
            )
        return {
            "variation": "categorical" if categorical_palette else "continuous",
            "colors": list(spec.palette),
        }
    if spec.continuous_binning is not None:
        if isinstance(spec.continuous_binning, str | Mapping) or not isinstance(
            spec.continuous_binning, Sequence
        ):
            raise PlanError(
                f"{_where(spec)}: continuous_binning must be a list of [threshold or None, "
                "output] pairs"
            )
        if spec.as_categorical:
            raise PlanError(f"{_where(spec)}: as_categorical=True contradicts continuous_binning")
        if spec.comparator is not None and spec.comparator not in COMPARATORS:
            raise PlanError(
                f"{_where(spec)}: comparator must be '<' or '<=', not {spec.comparator!r}"
            )
        continuous: dict[str, Any] = {"bins": [_bin(b, spec) for b in spec.continuous_binning]}
        if spec.comparator is not None:
            continuous["comparator"] = spec.comparator
        if spec.default_mapping is not None:
            continuous["other"] = spec.default_mapping
        return {"variation": "continuous", "mapping": {"continuous": continuous}}
    # a badge with neither mapping nor bins (PROTOCOL.md 6.2)
    return {"variation": "categorical"}


_DECORATION_KEYS = ("bg", "color", "fg", "asText", "blendMode", "style", "border", "shape")


def build(spec: EncodingSpec) -> dict[str, Any]:
    """The encoding object of ``spec``, exactly as pygraphistry sends it.

    Raises:
        PlanError: the arguments alone are invalid.
    """
    if not isinstance(spec.column, str) or not spec.column:
        raise PlanError(f"encode_* takes a column name (a str), not {spec.column!r}")
    encoding: dict[str, Any] = {
        "graphType": spec.graph,
        "encodingType": spec.feature,
        "attribute": spec.column,
        **_transform(spec),
    }
    for key in _DECORATION_KEYS:
        value = spec.decorations.get(key)
        if value is not None:
            encoding[key] = value
    result: dict[str, Any] = to_json_value(encoding, f"the {encoding_key(spec.graph, spec.feature)} encoding")
    return result


def badge_feature(position: str) -> str:
    """``badge<Position>``, or :class:`PlanError` for an unknown position."""
    if position not in BADGE_POSITIONS:
        raise PlanError(
            f"unknown badge position {position!r}; use one of {', '.join(BADGE_POSITIONS)}"
        )
    return f"badge{position}"
