"""The HTTP dispatch table is read-only and covers every effect type."""

from __future__ import annotations

import typing

import pytest

from graphistry_fp.effects import Effect
from graphistry_fp.interpreters.http import PERFORMERS


def test_performers_cannot_be_changed_at_run_time() -> None:
    """Assigning or deleting a performer raises TypeError: nobody can swap the HTTP
    performer of an effect type for the whole process."""
    with pytest.raises(TypeError):
        PERFORMERS[object] = lambda effect, org: iter(())  # type: ignore[index]
    with pytest.raises(TypeError):
        del PERFORMERS[next(iter(PERFORMERS))]  # type: ignore[attr-defined]


def test_performers_cover_every_effect_type() -> None:
    """Each effect type of the vocabulary has exactly one performer."""
    assert set(typing.get_args(Effect)) == set(PERFORMERS)
