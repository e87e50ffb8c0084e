"""The effect-expectation kit behind :mod:`graphistry_fp.testing` (loaded on first use).

A test states the effects a plan must perform, in order, with matchers; a
:class:`~graphistry_fp.DryRunClient` runs the code under test, and :func:`expect_effects`
compares what it performed with what was expected, raising an ``AssertionError`` whose
message lists what ran, each step that differs (field by field), the leftovers
(expected, never performed) and the extras (performed, not expected).

A matcher is one of:

- :func:`creates_dataset`, :func:`uploads_table`, :func:`shares`: check only the fields given;
- an effect record (``CreateDataset(...)``, ...): the performed effect must equal it;
- a callable ``effect -> bool``: the performed effect must satisfy it.

Field values are compared with ``==``; a callable value is a predicate on the actual field;
a dict value matches a dict that holds at least those keys with matching values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

import attrs
from pyrsistent import thaw

from .effects import CreateDataset, Effect, Share, UploadTable
from .interpreters.dryrun import DryRunClient

Matcher: TypeAlias = "EffectMatcher | Effect | Callable[[Effect], bool]"


def _field_problem(expected: Any, actual: Any) -> str | None:
    """Why ``actual`` does not match ``expected`` (None when it does)."""
    if callable(expected) and not isinstance(expected, type):
        return None if expected(actual) else f"{actual!r} fails {_describe(expected)}"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"expected a dict, got {actual!r}"
        for key, value in expected.items():
            if key not in actual:
                return f"missing key {key!r} (has {sorted(actual)!r})"
            inner = _field_problem(value, actual[key])
            if inner is not None:
                return f"[{key!r}]: {inner}"
        return None
    return None if expected == actual else f"expected {expected!r}, got {actual!r}"


def _describe(predicate: Callable[..., Any]) -> str:
    return getattr(predicate, "__name__", None) or repr(predicate)


def _dataset_fields(effect: CreateDataset) -> dict[str, Any]:
    body = effect.json()
    edge = body.get("edge_encodings", {})
    point = body.get("node_encodings", {})
    return {
        "name": body.get("name", ""),
        "description": body.get("description", ""),
        "bindings": dict(sorted({**edge.get("bindings", {}), **point.get("bindings", {})}.items())),
        "edge_encodings": edge,
        "point_encodings": point,
        "body": body,
    }


def _table_fields(effect: UploadTable) -> dict[str, Any]:
    return {
        "kind": effect.kind,
        "rows": effect.num_rows,
        "columns": tuple(effect.table.column_names),
    }


def _share_fields(effect: Share) -> dict[str, Any]:
    return {
        "mode": effect.mode,
        "notify": effect.notify,
        "invited_users": [thaw(user) for user in effect.invited_users],
        "message": effect.message,
    }


_FIELDS: dict[type[Any], Callable[[Any], dict[str, Any]]] = {
    CreateDataset: _dataset_fields,
    UploadTable: _table_fields,
    Share: _share_fields,
}


@attrs.frozen
class EffectMatcher:
    """Matches one effect of type :attr:`kind` on the fields of :attr:`fields` only."""

    kind: type[Any]
    fields: Mapping[str, Any]
    label: str

    def problems(self, effect: Effect) -> list[str]:
        """Each way ``effect`` fails this matcher (empty when it matches)."""
        if not isinstance(effect, self.kind):
            return [f"type: expected {self.kind.__name__}, got {type(effect).__name__}"]
        actual = _FIELDS[self.kind](effect)
        found = ((key, _field_problem(value, actual[key])) for key, value in self.fields.items())
        return [f"{key}: {problem}" for key, problem in found if problem is not None]

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={_describe(v) if callable(v) else repr(v)}" for k, v in self.fields.items()
        )
        return f"{self.label}({args})"


def _matcher(kind: type[Any], label: str, fields: dict[str, Any]) -> EffectMatcher:
    return EffectMatcher(kind, {k: v for k, v in fields.items() if v is not None}, label)


def creates_dataset(
    *,
    name: Any = None,
    description: Any = None,
    bindings: Any = None,
    edge_encodings: Any = None,
    point_encodings: Any = None,
    body: Any = None,
) -> EffectMatcher:
    """Match a ``CreateDataset`` on the fields given.

    ``bindings`` merges the edge and point bindings (``{"source": "s", "node_color": "n"}``);
    ``edge_encodings``/``point_encodings`` are the body's ``edge_encodings``/``node_encodings``;
    ``body`` is the whole JSON body. Dicts match when they hold at least the keys given.
    """
    fields = {
        "name": name,
        "description": description,
        "bindings": bindings,
        "edge_encodings": edge_encodings,
        "point_encodings": point_encodings,
        "body": body,
    }
    return _matcher(CreateDataset, "creates_dataset", fields)


def uploads_table(*, kind: Any = None, rows: Any = None, columns: Any = None) -> EffectMatcher:
    """Match an ``UploadTable``: ``kind`` ``"edges"``/``"nodes"``, row count, column names
    (a tuple, in order)."""
    fields = {"kind": kind, "rows": rows, "columns": None if columns is None else tuple(columns)}
    if callable(columns):
        fields["columns"] = columns
    return _matcher(UploadTable, "uploads_table", fields)


def shares(
    *, mode: Any = None, notify: Any = None, invited_users: Any = None, message: Any = None
) -> EffectMatcher:
    """Match a ``Share`` (the privacy step) on its mode, notify flag, users and message."""
    fields = {"mode": mode, "notify": notify, "invited_users": invited_users, "message": message}
    return _matcher(Share, "shares", fields)


def _problems(matcher: Matcher, effect: Effect) -> list[str]:
    if isinstance(matcher, EffectMatcher):
        return matcher.problems(effect)
    if isinstance(matcher, CreateDataset | UploadTable | Share):
        return [] if matcher == effect else [f"expected {matcher!r}, got {effect!r}"]
    return [] if matcher(effect) else [f"{effect!r} fails {_describe(matcher)}"]


def _show(matcher: Matcher) -> str:
    if isinstance(matcher, EffectMatcher | CreateDataset | UploadTable | Share):
        return repr(matcher)
    return f"<predicate {_describe(matcher)}>"


def _summary(effect: Effect) -> str:
    """One short line per effect: a dataset by its name and bindings, not its whole body."""
    if isinstance(effect, CreateDataset):
        fields = _dataset_fields(effect)
        return f"CreateDataset(name={fields['name']!r}, bindings={fields['bindings']!r})"
    return repr(effect)


def effects_diff(performed: Sequence[Effect], expected: Sequence[Matcher]) -> str | None:
    """The readable difference between performed effects and expected ones (None if equal).

    Steps are compared by position. The message lists what was performed, each step that
    differs with each failing field, then the leftovers (expected past the end of what
    was performed) or the extras (performed past the end of what was expected).
    """
    shared = min(len(performed), len(expected))
    differing = [(i, p) for i in range(shared) if (p := _problems(expected[i], performed[i]))]
    if not differing and len(performed) == len(expected):
        return None
    lines = [f"effects differ: {len(performed)} performed, {len(expected)} expected", "performed:"]
    lines += [f"  {i + 1}. {_summary(e)}" for i, e in enumerate(performed)] or ["  (nothing)"]
    for step, problems in differing:
        lines.append(f"step {step + 1} differs: expected {_show(expected[step])}")
        lines += [f"  {problem}" for problem in problems]
    if len(expected) > shared:
        lines.append("leftovers (expected, never performed):")
        lines += [f"  {i + 1}. {_show(expected[i])}" for i in range(shared, len(expected))]
    if len(performed) > shared:
        lines.append("extras (performed, not expected):")
        lines += [f"  {i + 1}. {_summary(performed[i])}" for i in range(shared, len(performed))]
    return "\n".join(lines)


def assert_effects(performed: Sequence[Effect], *expected: Matcher) -> None:
    """Raise ``AssertionError`` with :func:`effects_diff` unless ``performed`` matches."""
    diff = effects_diff(performed, expected)
    if diff is not None:
        raise AssertionError(diff)


@contextmanager
def expect_effects(*expected: Matcher, org_name: str | None = None) -> Iterator[DryRunClient]:
    """Yield a fresh ``DryRunClient``; on leaving, assert it performed ``expected`` in order.

    Example:
        >>> with expect_effects(creates_dataset(name="Fraud ring"),  # doctest: +SKIP
        ...                     uploads_table(kind="edges", rows=3)) as client:
        ...     publish_fraud_ring(client)
    """
    client = DryRunClient(org_name=org_name)
    yield client
    assert_effects(client.performed, *expected)
