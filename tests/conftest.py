"""Shared test configuration: Hypothesis profiles and the global-root reset.

Profiles (STYLE.md): ``dev`` is fast for local runs, ``ci`` is more thorough; CI selects it
with ``HYPOTHESIS_PROFILE=ci``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _reset_global_root() -> Iterator[None]:
    """Every test starts and ends with an unconfigured global root and no explicit roots."""
    from graphistry_fp.interpreters.roots import _reset

    _reset()
    yield
    _reset()
