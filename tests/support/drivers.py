"""The sync and async drivers of a client: one suite, parametrized over :data:`DRIVERS`,
proves that ``token``/``run`` and ``atoken``/``arun`` end the same way.

A driver calls a client's method by its sync name (``"token"``, ``"run"``): the sync one
on a bounded thread, the async one (``atoken``, ``arun``) on a fresh event loop under
``asyncio.wait_for``. Either fails the test if the call has not ended in its budget.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import h11
import pytest
import requests
import urllib3

from graphistry_fp.errors import GraphistryError
from graphistry_fp.interpreters.afailures import HTTPFailure
from tests.support.threads import bounded


@dataclass(frozen=True)
class Driver:
    """One way to call a client: ``asynchronous`` picks ``a<name>`` on an event loop;
    ``raw`` are the library-level errors of its transport that must never reach a caller."""

    name: str
    asynchronous: bool
    raw: tuple[type[BaseException], ...]

    def __str__(self) -> str:
        return self.name

    def call(self, client: Any, method: str, *args: Any, seconds: float = 20.0) -> Any:
        """``client.<method>(*args)`` (or its awaited async twin), within ``seconds``."""
        if not self.asynchronous:
            return bounded(seconds, lambda: getattr(client, method)(*args))

        async def main() -> Any:
            try:
                return await asyncio.wait_for(getattr(client, f"a{method}")(*args), seconds)
            except asyncio.TimeoutError:
                pytest.fail(f"hung: still running after {seconds} s (the library must never hang)")

        return asyncio.run(main())

    def failure(self, client: Any, method: str, *args: Any, seconds: float = 20.0) -> BaseException:
        """The exception ``client.<method>(*args)`` raises (it must raise), within ``seconds``."""
        try:
            self.call(client, method, *args, seconds=seconds)
        except pytest.fail.Exception:
            raise
        except BaseException as error:
            return error
        raise AssertionError("expected an exception")

    def assert_typed(self, error: BaseException) -> None:
        """A GraphistryError raised from no cause, with no raw transport error in it or
        chained behind it (its context), where a raw error's text may be."""
        assert isinstance(error, GraphistryError), f"raw {type(error).__name__} escaped"
        assert error.__cause__ is None
        context: BaseException | None = error
        while context is not None:
            assert not isinstance(context, self.raw), f"raw {type(context).__name__} chained"
            context = context.__cause__ or context.__context__


SYNC = Driver("sync", False, (requests.RequestException, urllib3.exceptions.HTTPError))
ASYNC = Driver("async", True, (h11.ProtocolError, HTTPFailure, OSError))
#: Both drivers, for ``pytest.mark.parametrize("driver", DRIVERS, ids=str)``.
DRIVERS = [SYNC, ASYNC]
