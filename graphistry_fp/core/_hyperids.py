"""Node ids of entity values (``<category><delim><str(value)>``) and distinct entity values.

pygraphistry formats ``str(value)`` for every row of every entity column. Here an Arrow
string column (pandas 3's ``str``) gets its ids by inserting the prefix into its bytes, and
its distinct values from Arrow's ``unique``. Other columns are coded once and ids formatted
per distinct value, then handed out by code: integers of a small range by offset from their
minimum, the rest factorized. That is exact only where values that hash equal also print
equal; :func:`_codes_are_exact` says where, and every other column is formatted row by row,
as pygraphistry does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._hyperdefs import HyperDefs
from ._hypertext import arrow_strings, default_text, repeated, wrap

__all__ = ["IdFormatter", "decode"]


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


def _small_range(values: pd.Series) -> bool:
    """Integers (not booleans) whose range holds no more values than there are rows."""
    dtype = values.dtype
    if not (isinstance(dtype, np.dtype) and dtype.kind in "iu") or len(values) == 0:
        return False
    array = values.to_numpy()
    return int(array.max()) - int(array.min()) < min(len(array), 2**31 - 1)


def _never_null(values: pd.Series) -> bool:
    """True where the column cannot hold a null (numpy integers and booleans) or its Arrow
    chunks hold none (counted once by Arrow), without a pass over its values."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype):
        return dtype.kind in "iub"
    return arrow_strings(dtype) and not _chunks(values).null_count


def decode(table: pd.Series, codes: np.ndarray) -> pd.Series:
    """``table.take(codes)`` with a fresh index, fast for Arrow-backed strings.

    Arrow's ``take`` on strings is several times slower than decoding a dictionary array
    built on the same codes; the values and the dtype are the same.
    """
    dtype = table.dtype
    if arrow_strings(dtype) and len(table) < 2**31:
        dictionary = pa.array(table.array)
        indices = pa.array(codes.astype(np.int32, copy=False))
        decoded = pa.DictionaryArray.from_arrays(indices, dictionary).dictionary_decode()
        return wrap(decoded, dtype)
    return table.take(codes).reset_index(drop=True)


def _encode_arrow(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``pd.factorize(values, use_na_sentinel=False)`` for Arrow strings, without the
    detour through int64 codes: Arrow numbers values (and null) in first-seen order too."""
    encoded: Any = pa.array(values.array).dictionary_encode(null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return codes, wrap(encoded.dictionary, values.dtype)


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


def _chunks(values: pd.Series) -> pa.ChunkedArray:
    """An Arrow-backed column's chunks, shared, not copied."""
    arrow: Any = pa.array(values.array)  # pandas hands out its ChunkedArray
    return arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])


class IdFormatter:
    """Per-column codes and id tables of one events table (built lazily, reused).

    Three ways to make a column's ids, fastest first: Arrow strings of the default dtype
    are prefixed row by row (a copy of the bytes, no hashing); columns whose equal values
    print equal are factorized and their ids formatted per distinct value; every other
    column is formatted row by row with ``str``, as pygraphistry does.
    """

    def __init__(self, events: pd.DataFrame, defs: HyperDefs, drop_na: bool) -> None:
        self._events = events
        self._defs = defs
        self._drop_na = drop_na
        self._coded: dict[str, tuple[np.ndarray, pd.Series] | None] = {}
        self._tables: dict[str, pd.Series] = {}
        self._first: dict[str, np.ndarray] = {}

    def _codes(self, column: str) -> tuple[np.ndarray, pd.Series] | None:
        """(code of each row, value of each code), or None where codes are not exact."""
        if column not in self._coded:
            values = self._events[column]
            coded: tuple[np.ndarray, pd.Series] | None = None
            if _small_range(values):
                coded = self._offset_codes(column, values)
            elif not _codes_are_exact(values):
                coded = None
            elif arrow_strings(values.dtype):
                coded = _encode_arrow(values)
            else:
                codes, uniques = pd.factorize(values, use_na_sentinel=False)
                coded = (codes, pd.Series(uniques))
            self._coded[column] = coded
        return self._coded[column]

    def _offset_codes(self, column: str, values: pd.Series) -> tuple[np.ndarray, pd.Series]:
        """Integers spanning no more values than there are rows: the code of a value is its
        distance from the smallest (no hashing); first occurrences by a scatter-min."""
        array = values.to_numpy()
        wide = np.uint64 if array.dtype == np.uint64 else np.int64
        low, high = array.min(), array.max()
        codes = (array.astype(wide, copy=False) - wide(low)).astype(np.int32)
        first = np.full(int(high) - int(low) + 1, len(array), dtype=np.intp)
        np.minimum.at(first, codes, np.arange(len(array)))
        self._first[column] = np.sort(first[first < len(array)])
        return codes, pd.Series(np.arange(low, high + 1, dtype=array.dtype))

    def prints_apart(self, column: str) -> bool:
        """True where the column's distinct values (as :meth:`distinct` gives them) have
        distinct titles: Arrow strings without a kept null (``"null"`` is a string too),
        and integers or booleans."""
        values = self._events[column]
        dtype = values.dtype
        if default_text(dtype):
            return self._drop_na or not bool(_chunks(values).null_count)
        return isinstance(dtype, np.dtype) and dtype.kind in "iub"

    def kept(self, columns: list[str]) -> np.ndarray | None:
        """Mask of the rows where every one of ``columns`` is non-null; None if all are."""
        present: np.ndarray | None = None
        for column in columns:
            values = self._events[column]
            if _never_null(values):
                continue
            mask = values.notna().to_numpy()
            present = mask if present is None else present & mask
        return None if present is None or bool(present.all()) else present

    def distinct(self, column: str) -> pd.Series:
        """The column's distinct values in first-seen order (nulls dropped when drop_na)."""
        values = self._events[column]
        if default_text(values.dtype):  # Arrow's unique keeps first-seen order, null too
            found = pc.unique(_chunks(values))
            if self._drop_na and found.null_count:
                found = found.drop_null()
            return wrap(found, values.dtype)
        coded = self._codes(column)
        if coded is not None:
            first = self._first.get(column)
            if first is None:
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
            return repeated([prefix + held], [count], pd.Series([prefix + held]))
        values = self._events[column]
        if default_text(values.dtype):
            text = _chunks(values)
            if rows is not None:
                text = text.filter(pa.array(rows))
            ids = pc.binary_replace_slice(text, 0, 0, prefix)
            if ids.null_count:
                ids = ids.fill_null(prefix + defs.null_val)
            return wrap(ids, values.dtype)
        coded = self._codes(column)
        if coded is None:
            picked = values if rows is None else values[rows]
            ids = prefix + picked.astype(str).fillna(defs.null_val).astype(str)
            return ids.reset_index(drop=True)
        codes, uniques = coded
        if column not in self._tables:
            self._tables[column] = prefix + uniques.astype(str).fillna(defs.null_val).astype(str)
        return decode(self._tables[column], codes if rows is None else codes[rows])
