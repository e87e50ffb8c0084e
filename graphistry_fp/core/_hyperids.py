"""Node ids of entity values (``<category><delim><str(value)>``), formatted once per value.

pygraphistry formats ``str(value)`` for every row of every entity column. Here each column
is factorized once and ids are formatted per distinct value, then handed out by code. That
is exact only where values that hash equal also print equal; :func:`_codes_are_exact` says
where, and every other column is formatted row by row, as pygraphistry does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._hyperdefs import HyperDefs

__all__ = ["IdFormatter"]


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


class IdFormatter:
    """Per-column codes and id tables of one events table (built lazily, reused)."""

    def __init__(self, events: pd.DataFrame, defs: HyperDefs, drop_na: bool) -> None:
        self._events = events
        self._defs = defs
        self._drop_na = drop_na
        self._coded: dict[str, tuple[np.ndarray, pd.Series] | None] = {}
        self._tables: dict[str, pd.Series] = {}
        self.all_rows: np.ndarray = np.arange(len(events))

    def _codes(self, column: str) -> tuple[np.ndarray, pd.Series] | None:
        if column not in self._coded:
            values = self._events[column]
            if _codes_are_exact(values):
                codes, uniques = pd.factorize(values, use_na_sentinel=False)
                self._coded[column] = (codes, pd.Series(uniques))
            else:
                self._coded[column] = None
        return self._coded[column]

    def kept_rows(self, columns: list[str]) -> np.ndarray:
        """Positions of the rows where every one of ``columns`` is non-null."""
        present = self._events[columns[0]].notna().to_numpy()
        for column in columns[1:]:
            present = present & self._events[column].notna().to_numpy()
        return np.flatnonzero(present)

    def distinct(self, column: str) -> pd.Series:
        """The column's distinct values in first-seen order, indexed by first position."""
        values = self._events[column]
        coded = self._codes(column)
        if coded is not None:
            first = np.flatnonzero(~pd.Series(coded[0]).duplicated().to_numpy())
            if self._drop_na:
                first = first[values.notna().to_numpy()[first]]
            return values.take(first)
        kept = values.dropna() if self._drop_na else values
        try:
            return kept.drop_duplicates()
        except TypeError:  # unhashable values (lists, dicts): compare their text
            return kept.astype(str).drop_duplicates()

    def ids(self, column: str, rows: np.ndarray, held: str | None = None) -> pd.Series:
        """Ids of ``column``'s values at ``rows``; ``held`` if the column was overwritten."""
        defs = self._defs
        prefix = defs.category_of(column) + defs.delim
        if held is not None:
            return pd.Series([prefix + held]).take(np.zeros(len(rows), dtype=np.intp))
        coded = self._codes(column)
        if coded is None:
            picked = self._events[column].take(rows)
            return prefix + picked.astype(str).fillna(defs.null_val).astype(str)
        codes, uniques = coded
        if column not in self._tables:
            self._tables[column] = prefix + uniques.astype(str).fillna(defs.null_val).astype(str)
        table: pd.Series = self._tables[column]
        return table.take(codes[rows])
