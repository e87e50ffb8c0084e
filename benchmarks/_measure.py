"""Measuring helpers shared by the scenarios: request counting, peak RSS, frames, stats.

Request counting patches, for the whole process, ``requests.adapters.HTTPAdapter.send``
(where pygraphistry's module-level ``requests.post``/``get`` end up) and graphistry_fp's
``Sender.send`` (its transport sends straight into urllib3's pool, below requests'
session): one record per request put on the wire, for both libraries.

Peak extra RSS (the definition used for both libraries): the kernel's RSS high-water mark
(``VmHWM`` in ``/proc/self/status``), reset to the current RSS just before the measured
call by writing ``5`` to ``/proc/self/clear_refs``, minus the RSS at that moment. Where
the reset is not available, a thread samples RSS every millisecond instead.
"""

from __future__ import annotations

import gc
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import psutil
import requests.adapters

from graphistry_fp.interpreters.sender import Outgoing, Sender

# -- request counting ------------------------------------------------------------------

_log: list[tuple[str, str, int]] = []
_log_lock = threading.Lock()
_installed = False


def install_counter() -> None:
    """Record (method, path, body bytes) of every HTTP request this process sends."""
    global _installed
    if _installed:
        return
    _installed = True
    original = requests.adapters.HTTPAdapter.send
    original_ours = Sender.send

    def record(method: str, url: str, body: Any) -> None:
        if body is None:
            size = 0
        elif isinstance(body, memoryview):
            size = body.nbytes
        else:
            size = len(body) if hasattr(body, "__len__") else 0
        with _log_lock:
            _log.append((method, urlsplit(url).path, size))

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        record(str(request.method), str(request.url), request.body)
        return original(self, request, *args, **kwargs)

    def send_ours(self: Sender, outgoing: Outgoing, timeout: tuple[float, float]) -> Any:
        record(outgoing.method, outgoing.url, outgoing.body)
        return original_ours(self, outgoing, timeout)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]
    Sender.send = send_ours  # type: ignore[method-assign]


@contextmanager
def counting() -> Iterator[list[tuple[str, str, int]]]:
    """The requests sent inside the block (filled in when the block ends)."""
    with _log_lock:
        start = len(_log)
    out: list[tuple[str, str, int]] = []
    try:
        yield out
    finally:
        with _log_lock:
            out.extend(_log[start:])


AUTH_PATHS = ("/api-token-auth/", "/api/v2/auth/pkey/jwt/", "/api/v2/auth/token/refresh")


def auth_requests(log: Sequence[tuple[str, str, int]]) -> int:
    """Login and refresh requests in ``log``."""
    return sum(1 for _, path, _ in log if path in AUTH_PATHS)


def arrow_bytes(log: Sequence[tuple[str, str, int]]) -> int:
    """Bytes of the Arrow bodies in ``log``."""
    return sum(size for _, path, size in log if path.endswith("/arrow"))


# -- memory ----------------------------------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def peak_extra_rss(action: Callable[[], Any]) -> tuple[Any, float, int, str]:
    """Run ``action``; return (its result, wall seconds, peak RSS above the start, method)."""
    gc.collect()
    process = psutil.Process()
    if _reset_hwm():
        before = _status_kb("VmRSS")
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        return result, seconds, _status_kb("VmHWM") - before, "VmHWM"
    before = process.memory_info().rss
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    peak = max(peak, process.memory_info().rss)
    return result, seconds, peak - before, "sampled"


# -- data ------------------------------------------------------------------------------


def graph(edges: int, nodes: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Edges (s int64, d int64, w float64) and nodes (n int64, v float64)."""
    rng = np.random.default_rng(seed)
    e = pd.DataFrame(
        {
            "s": rng.integers(0, nodes, edges, dtype=np.int64),
            "d": rng.integers(0, nodes, edges, dtype=np.int64),
            "w": rng.random(edges),
        }
    )
    n = pd.DataFrame({"n": np.arange(nodes, dtype=np.int64), "v": rng.random(nodes)})
    return e, n


# -- stats -----------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The median (NaN for no values)."""
    return statistics.median(values) if values else float("nan")


def fmt_s(seconds: float) -> str:
    """Seconds, compactly."""
    if seconds != seconds:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mib(n: float) -> str:
    """Bytes as MiB."""
    return f"{n / 2**20:.1f} MiB"
