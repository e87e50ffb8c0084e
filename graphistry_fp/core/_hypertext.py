"""String columns a hypergraph makes from numbers and labels, written straight into buffers.

pandas 3 stores strings in Arrow (``large_string``: int64 offsets and one data buffer).
``prefix + str(i)`` for i in 0..n-1 and one label repeated n times have offsets that
follow from the digit counts and data that repeats in fixed-width runs, so both are
written here with a few whole-array numpy steps instead of a pass per value; the result
equals what pandas builds (values, dtype, Arrow type). Buffers come from Arrow's memory
pool, as those of Arrow's own kernels do. Where pandas stores strings as Python objects
(pandas 2), pandas' own steps are used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["arrow_strings", "default_text", "numbered", "repeated", "wrap"]

_BLOCK = 1 << 16
_TAILS = np.array([b"%03d" % i for i in range(1000)], dtype="S3")  # "000".."999"


def arrow_strings(dtype: object) -> bool:
    """True for a pandas string dtype stored in Arrow."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def default_text(dtype: object) -> bool:
    """True for pandas' default string dtype when it stores strings in Arrow (pandas 3's
    ``str``): ``str(value)`` is the value itself and ``prefix + column`` keeps the dtype."""
    return arrow_strings(dtype) and dtype == pd.Series(["x"]).dtype


def wrap(array: Any, dtype: Any) -> pd.Series:
    """An Arrow string array as a pandas Series of ``dtype`` (no copy)."""
    make: Any = pd.array  # pandas-stubs has no overload for an Arrow array
    return pd.Series(make(array, dtype=dtype))


def _buffer(nbytes: int, dtype: Any) -> tuple[pa.Buffer, np.ndarray]:
    """A fresh Arrow buffer and a writable numpy view of it."""
    buffer = pa.allocate_buffer(nbytes)
    return buffer, np.frombuffer(buffer, dtype=dtype)


def _steps(out: np.ndarray, start: int, step: int) -> None:
    """``out[i] = start + i * step``, block by block (no temporary as long as ``out``)."""
    base = np.arange(min(len(out), _BLOCK), dtype=np.int64) * step
    for i in range(0, len(out), _BLOCK):
        part = out[i : i + _BLOCK]
        np.add(base[: len(part)], start + i * step, out=part)


def _decimal(lo: int, hi: int) -> np.ndarray:
    """The decimal text of lo..hi-1, which all have as many digits as ``lo``, as bytes."""
    digits = len(str(lo))
    if digits <= 3 or hi - lo <= 4096:
        return np.array([b"%d" % v for v in range(lo, hi)], dtype=f"S{digits}")
    out = np.empty(hi - lo, dtype=[("head", f"S{digits - 3}"), ("tail", "S3")])
    _fill(out["head"], out["tail"], lo, hi)
    return out.view(f"S{digits}")


def _fill(heads: np.ndarray, tails: np.ndarray, lo: int, hi: int) -> None:
    """Write the digits of lo..hi-1 (lo a multiple of 1000): all but the last three go to
    ``heads`` (each run of 1000 numbers shares them), the last three to ``tails``."""
    count = hi - lo
    full = count - count % 1000
    if full:
        heads[:full].reshape(-1, 1000)[...] = _decimal(lo // 1000, (lo + full) // 1000)[:, None]
        tails[:full].reshape(-1, 1000)[...] = _TAILS
    if count > full:
        heads[full:] = _decimal((lo + full) // 1000, (lo + full) // 1000 + 1)[0]
        tails[full:] = _TAILS[: count - full]


def numbered(prefix: str, count: int) -> pd.Series:
    """``prefix + str(i)`` for i in 0..count-1, as ``prefix + Series(range).astype(str)``
    gives it (same values and dtype)."""
    like = pd.Series([prefix])
    if not arrow_strings(like.dtype):
        return prefix + pd.Series(np.arange(count)).astype(str)
    head = prefix.encode()
    runs = []  # (lo, hi, digits): the numbers with the same digit count
    lo, digits = 0, 1
    while lo < count:
        hi = min(10**digits, count)
        runs.append((lo, hi, digits))
        lo, digits = hi, digits + 1
    data, raw = _buffer(sum((hi - lo) * (len(head) + d) for lo, hi, d in runs), np.uint8)
    offsets, ends = _buffer(8 * (count + 1), np.int64)
    ends[:1] = 0
    at = 0
    for lo, hi, digits in runs:
        width = len(head) + digits
        _steps(ends[lo + 1 : hi + 1], at + width, width)
        fields = [("prefix", f"V{len(head)}")] if head else []
        fields += (
            [("head", f"S{digits - 3}"), ("tail", "S3")] if digits > 3 else [("all", f"S{digits}")]
        )
        rows = raw[at : at + (hi - lo) * width].view(np.dtype(fields))
        if head:
            rows["prefix"] = np.void(head)
        if digits > 3:
            _fill(rows["head"], rows["tail"], lo, hi)
        else:
            rows["all"] = _decimal(lo, hi)
        at += (hi - lo) * width
    return wrap(pa.LargeStringArray.from_buffers(count, offsets, data), like.dtype)


def _label(label: bytes, count: int, offsets: pa.Buffer | None) -> pa.Array:
    data, raw = _buffer(len(label) * count, f"V{len(label)}" if label else np.uint8)
    if label:
        raw[:] = np.void(label)
    if offsets is None:
        offsets, ends = _buffer(8 * (count + 1), np.int64)
        _steps(ends, 0, len(label))
    return pa.LargeStringArray.from_buffers(count, offsets, data)


def repeated(labels: list[str], counts: list[int], like: pd.Series) -> pd.Series:
    """``counts[i]`` copies of ``labels[i]`` one after the other, with the dtype pandas
    gives strings (that of ``like``), one chunk per label. Labels of the same byte length
    and count share one offsets buffer (it holds the same numbers)."""
    dtype = like.dtype
    if not arrow_strings(dtype):
        picks = np.repeat(np.arange(len(labels)), counts)
        return pd.Series(labels, dtype=dtype).take(picks).reset_index(drop=True)
    made: dict[tuple[int, int], pa.Buffer] = {}
    chunks = []
    for label, count in zip(labels, counts):
        text = label.encode()
        chunk = _label(text, count, made.get((len(text), count)))
        made[(len(text), count)] = chunk.buffers()[1]
        chunks.append(chunk)
    array = pa.chunked_array(chunks, type=pa.large_string())
    return wrap(array, dtype)
