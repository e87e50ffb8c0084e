"""Node ids of entity values (``<category><delim><str(value)>``), formatted once per value.

pygraphistry formats ``str(value)`` for every row of every entity column. Here each column
is factorized once and ids are formatted per distinct value, then handed out by code. That
is exact only where values that hash equal also print equal; :func:`_codes_are_exact` says
where, and every other column is formatted row by row, as pygraphistry does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._hyperdefs import HyperDefs

__all__ = ["IdFormatter", "decode", "numbered", "repeat_label"]


def _codes_are_exact(values: pd.Series) -> bool:
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iub":
            return True
        if dtype.kind == "f":
            array = values.to_numpy()
            return not bool(np.any((array == 0) & np.signbit(array)))  # -0.0 == 0.0
        if dtype.kind == "O":
            return pd.api.types.infer_dtype(values, skipna=False) == "string"
    return False


def decode(table: pd.Series, codes: np.ndarray) -> pd.Series:
    """``table.take(codes)`` with a fresh index, fast for Arrow-backed strings.

    Arrow's ``take`` on strings is several times slower than decoding a dictionary array
    built on the same codes; the values and the dtype are the same.
    """
    dtype = table.dtype
    if _arrow_strings(dtype) and len(table) < 2**31:
        dictionary = pa.array(table.array)
        indices = pa.array(codes.astype(np.int32, copy=False))
        decoded = pa.DictionaryArray.from_arrays(indices, dictionary).dictionary_decode()
        return _wrap(decoded, dtype)
    return table.take(codes).reset_index(drop=True)


def _arrow_strings(dtype: object) -> bool:
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _encode_arrow(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``pd.factorize(values, use_na_sentinel=False)`` for Arrow strings, without the
    detour through int64 codes: Arrow numbers values (and null) in first-seen order too."""
    encoded: Any = pa.array(values.array).dictionary_encode(null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return codes, _wrap(encoded.dictionary, values.dtype)


def _wrap(array: Any, dtype: Any) -> pd.Series:
    """An Arrow string array as a pandas Series of ``dtype`` (no copy)."""
    make: Any = pd.array  # pandas-stubs has no overload for an Arrow array
    return pd.Series(make(array, dtype=dtype))


def numbered(prefix: str, count: int) -> pd.Series:
    """``prefix + str(i)`` for i in 0..count-1, as ``prefix + Series(range).astype(str)``
    gives it (same values and dtype), built by Arrow where pandas stores strings in Arrow."""
    like = pd.Series([prefix])
    if not _arrow_strings(like.dtype):
        return prefix + pd.Series(np.arange(count)).astype(str)
    text = pa.large_string()
    digits = pa.array(np.arange(count)).cast(text)
    joined = pc.binary_join_element_wise(pa.scalar(prefix, text), digits, pa.scalar("", text))
    return _wrap(joined, like.dtype)


def _first_seen(codes: np.ndarray) -> np.ndarray:
    """Positions where each code first occurs, in code order.

    Factorized codes are numbered in order of first appearance, so a code is new exactly
    where it exceeds every code before it.
    """
    if len(codes) == 0:
        return np.empty(0, dtype=np.intp)
    seen = np.maximum.accumulate(codes)
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    np.greater(codes[1:], seen[:-1], out=new[1:])
    return np.flatnonzero(new)


def repeat_label(label: str, count: int, like: pd.Series) -> pd.Series:
    """``count`` copies of ``label`` with the dtype pandas gives strings (that of ``like``)."""
    dtype = like.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        raw = np.frombuffer(label.encode(), dtype=np.uint8)
        width = len(raw)
        offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64) if width else (
            np.zeros(count + 1, dtype=np.int64)
        )
        array = pa.LargeStringArray.from_buffers(
            count, pa.py_buffer(offsets), pa.py_buffer(np.tile(raw, count))
        )
        return _wrap(array, dtype)
    return like.take(np.zeros(count, dtype=np.intp)).reset_index(drop=True)


class IdFormatter:
    """Per-column codes and id tables of one events table (built lazily, reused)."""

    def __init__(self, events: pd.DataFrame, defs: HyperDefs, drop_na: bool) -> None:
        self._events = events
        self._defs = defs
        self._drop_na = drop_na
        self._coded: dict[str, tuple[np.ndarray, pd.Series] | None] = {}
        self._tables: dict[str, pd.Series] = {}

    def _codes(self, column: str) -> tuple[np.ndarray, pd.Series] | None:
        if column not in self._coded:
            values = self._events[column]
            if not _codes_are_exact(values):
                self._coded[column] = None
            elif _arrow_strings(values.dtype):
                self._coded[column] = _encode_arrow(values)
            else:
                codes, uniques = pd.factorize(values, use_na_sentinel=False)
                self._coded[column] = (codes, pd.Series(uniques))
        return self._coded[column]

    def kept(self, columns: list[str]) -> np.ndarray | None:
        """Mask of the rows where every one of ``columns`` is non-null; None if all are."""
        present = self._events[columns[0]].notna().to_numpy()
        for column in columns[1:]:
            present = present & self._events[column].notna().to_numpy()
        return None if bool(present.all()) else present

    def distinct(self, column: str) -> pd.Series:
        """The column's distinct values in first-seen order, indexed by first position."""
        values = self._events[column]
        coded = self._codes(column)
        if coded is not None:
            first = _first_seen(coded[0])
            if self._drop_na:
                first = first[values.notna().to_numpy()[first]]
            return values.take(first)
        kept = values.dropna() if self._drop_na else values
        try:
            return kept.drop_duplicates()
        except TypeError:  # unhashable values (lists, dicts): compare their text
            return kept.astype(str).drop_duplicates()

    def ids(self, column: str, rows: np.ndarray | None, held: str | None = None) -> pd.Series:
        """Ids of ``column``'s values at ``rows`` (a mask; None: all rows), freshly indexed.

        ``held`` is what the column holds when pygraphistry overwrote it before reading it.
        """
        defs = self._defs
        prefix = defs.category_of(column) + defs.delim
        count = len(self._events) if rows is None else int(np.count_nonzero(rows))
        if held is not None:
            return repeat_label(prefix + held, count, pd.Series([prefix + held]))
        coded = self._codes(column)
        if coded is None:
            picked = self._events[column]
            if rows is not None:
                picked = picked[rows]
            ids = prefix + picked.astype(str).fillna(defs.null_val).astype(str)
            return ids.reset_index(drop=True)
        codes, uniques = coded
        if column not in self._tables:
            self._tables[column] = prefix + uniques.astype(str).fillna(defs.null_val).astype(str)
        return decode(self._tables[column], codes if rows is None else codes[rows])
