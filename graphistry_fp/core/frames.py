"""Tables in, Arrow out: convert-at-bind, zero-copy where Arrow allows, safe against mutation.

Decision (measured, see README "Tables"): ``edges(df)`` / ``nodes(df)`` convert the frame to a
``pyarrow.Table`` once, when the table is bound. Numeric pandas columns convert zero-copy,
so the table would share memory with the user's DataFrame and a later ``df.loc[0, "a"] = 1``
would leak into an already-built plottable. Rather than copying every column (2x memory),
we convert a *shallow copy* of the frame and keep that copy alive as long as the table's
buffers (each zero-copy buffer is re-wrapped to own a reference to it, so a plan or an
``edges_table`` kept after its plottable is gone stays protected): under pandas'
copy-on-write (always on in pandas 3, opt-in in pandas 2) any later write to the user's
frame sees the extra reference and copies first, so our buffers never change. Where
copy-on-write is off (pandas 2 default), we convert a deep copy instead.

The upload body (the Arrow IPC *file* format, PROTOCOL.md 4.4) is effects vocabulary:
:func:`graphistry_fp.effects.tables.to_ipc_file`.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa

from ..effects.stream import DatasetTable
from ..effects.tables import tables_equal
from ..errors import PlanError
from .datasets import dataset_table, is_dataset


@attrs.frozen(eq=False)
class Frame:
    """A bound table: the Arrow table, and the guard that keeps its buffers immutable.

    ``table`` is a :class:`~graphistry_fp.effects.stream.DatasetTable` (a description,
    no rows) when a ``pyarrow.dataset.Dataset`` was bound (see ``datasets.py``).
    """

    table: pa.Table | DatasetTable
    guard: object = attrs.field(default=None, repr=False)

    @property
    def lazy(self) -> bool:
        """True when the rows are read from files when the plan runs."""
        return isinstance(self.table, DatasetTable)

    def in_memory(self, use: str) -> pa.Table:
        """The bound Arrow table, for ``use`` (a phrase naming what needs the rows).

        Raises:
            PlanError: the table is a lazily bound dataset: core reads no files.
        """
        if isinstance(self.table, DatasetTable):
            raise PlanError(
                f"{use} needs the rows in memory, but this table is a pyarrow dataset read only "
                "when the plan runs; bind dataset.to_table() instead"
            )
        return self.table

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frame):
            return NotImplemented
        if isinstance(self.table, pa.Table) and isinstance(other.table, pa.Table):
            return tables_equal(self.table, other.table)
        return type(self.table) is type(other.table) and bool(self.table == other.table)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # tables are unhashable (STYLE.md pitfall)

    def __repr__(self) -> str:
        if isinstance(self.table, DatasetTable):
            return f"Frame({self.table.describe()}, columns={self.table.column_names})"
        return f"Frame(rows={self.table.num_rows}, columns={self.table.column_names})"


def _plain_type(dtype: pa.DataType) -> pa.DataType:
    """``dtype`` with every view type replaced by its large flavour, at any depth.

    polars exports strings as ``string_view`` (also inside categoricals, lists and
    structs); many Arrow readers, including older servers, cannot read view types.
    """
    if pa.types.is_string_view(dtype):
        return pa.large_string()
    if pa.types.is_binary_view(dtype):
        return pa.large_binary()
    if pa.types.is_dictionary(dtype):
        return pa.dictionary(dtype.index_type, _plain_type(dtype.value_type), dtype.ordered)
    if pa.types.is_list_view(dtype):
        return pa.list_(_plain_field(dtype.value_field))
    if pa.types.is_large_list_view(dtype):
        return pa.large_list(_plain_field(dtype.value_field))
    if pa.types.is_list(dtype):
        return pa.list_(_plain_field(dtype.value_field))
    if pa.types.is_large_list(dtype):
        return pa.large_list(_plain_field(dtype.value_field))
    if pa.types.is_fixed_size_list(dtype):
        return pa.list_(_plain_field(dtype.value_field), dtype.list_size)
    if pa.types.is_map(dtype):
        return pa.map_(_plain_field(dtype.key_field), _plain_field(dtype.item_field),
                       dtype.keys_sorted)  # fmt: skip
    if pa.types.is_struct(dtype):
        return pa.struct([_plain_field(dtype.field(i)) for i in range(dtype.num_fields)])
    return dtype


def _plain_field(field: pa.Field) -> pa.Field:
    return field.with_type(_plain_type(field.type))


def _normalize_types(table: pa.Table, *, clear_field_metadata: bool = False) -> pa.Table:
    """Cast view types (polars exports strings as ``string_view``) to their large flavours.

    With ``clear_field_metadata`` (frames we converted ourselves), per-field metadata such
    as polars' ``_PL_CATEGORICAL2`` is dropped too, as the schema metadata is.
    """
    fields = list(table.schema)
    wanted = [_plain_field(field) for field in fields]
    if clear_field_metadata:
        wanted = [field.remove_metadata() for field in wanted]
    if all(field.equals(target, check_metadata=True) for field, target in zip(fields, wanted)):
        return table
    schema = pa.schema(wanted, metadata=table.schema.metadata)
    return table.cast(schema)


def _single_dictionaries(table: pa.Table) -> pa.Table:
    """Give each dictionary column one dictionary shared by all its chunks.

    The IPC *file* format (PROTOCOL.md 4.4) allows one dictionary per field, so a table
    concatenated from frames with different categories could be planned but not uploaded;
    unifying at bind time (indices are remapped, values unchanged) keeps that from failing
    mid-upload, after the dataset was already created.
    """
    needs = any(
        pa.types.is_dictionary(column.type) and column.num_chunks > 1 for column in table.columns
    )
    return table.unify_dictionaries() if needs else table


def _check_names(names: list[Any], what: str) -> None:
    bad = [name for name in names if not isinstance(name, str)]
    if bad:
        raise PlanError(
            f"the {what} table has column names that are not strings: "
            f"{', '.join(repr(b) for b in bad[:5])}; rename them, e.g. "
            "df.columns = [str(c) for c in df.columns]"
        )
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise PlanError(
            f"the {what} table repeats column names {repeated}; give every column a unique name"
        )


# OverflowError: a Python int beyond 64 bits in an object column (pyarrow raises it bare).
_ARROW_ERRORS = (
    pa.ArrowInvalid,
    pa.ArrowTypeError,
    pa.ArrowNotImplementedError,
    TypeError,
    OverflowError,
)


def _convert_column_error(df: pd.DataFrame, what: str, cause: Exception) -> PlanError:
    """Find the column Arrow refuses, and say how to fix it."""
    for name in df.columns:
        try:
            pa.array(df[name], from_pandas=True)
        except _ARROW_ERRORS as exc:
            reason = str(exc).splitlines()[0][:200]
            return PlanError(
                f"column {name!r} of the {what} table cannot be converted to Arrow "
                f"({type(exc).__name__}: {reason}). Mixed Python types, nested values of "
                f"different shapes, integers beyond 64 bits and complex numbers cannot be "
                f"uploaded; convert the column "
                f"first, e.g. df[{name!r}] = df[{name!r}].astype(str)"
            )
    reason = str(cause).splitlines()[0][:200]
    return PlanError(f"the {what} table cannot be converted to Arrow: {reason}")


def _has_temporal(dtype: pa.DataType) -> bool:
    if pa.types.is_temporal(dtype):
        return True
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype) or pa.types.is_fixed_size_list(dtype):
        return _has_temporal(dtype.value_type)
    if pa.types.is_struct(dtype):
        return any(_has_temporal(dtype.field(i).type) for i in range(dtype.num_fields))
    if pa.types.is_map(dtype):
        return _has_temporal(dtype.key_type) or _has_temporal(dtype.item_type)
    return False


def _has_number(value: object) -> bool:
    """True when ``value`` is, or holds at any depth, a plain number (NaN counts as null)."""
    if isinstance(value, (bool, int)):
        return True
    if isinstance(value, float):
        return value == value
    if isinstance(value, (list, tuple)):
        return any(_has_number(item) for item in value)
    if isinstance(value, dict):
        return any(_has_number(item) for item in value.values())
    return False


def _check_temporal_objects(df: pd.DataFrame, table: pa.Table, what: str) -> None:
    """Refuse numbers mixed with dates or times in an object column.

    Arrow infers a temporal type from the first value and then silently reads a number
    as a time since the epoch (``[datetime, 0]`` uploads 1970-01-01): a silent wrong value.
    Only object columns that came out temporal are scanned.
    """
    for position, field in enumerate(table.schema):
        if not _has_temporal(field.type):
            continue
        name = df.columns[position]
        if df.dtypes.iloc[position] != np.dtype(object):
            continue
        if any(_has_number(value) for value in df.iloc[:, position]):
            raise PlanError(
                f"column {name!r} of the {what} table mixes dates or times with numbers, which "
                f"Arrow would read as times since 1970; convert the column first, e.g. "
                f"df[{name!r}] = pd.to_datetime(df[{name!r}]) or .astype(str)"
            )


#: Below this many rows, ``from_pandas`` converts on the calling thread: pyarrow's default
#: starts a fresh thread pool per call once rows > 100 x columns, which costs ~1 ms, more
#: than a small frame's conversion (measured: 10k rows x 3 columns, 1.3 ms -> 0.4 ms).
_THREADED_CONVERSION_ROWS = 500_000


def _copy_on_write_enabled() -> bool:
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return bool(pd.get_option("mode.copy_on_write") is True)


def _pinned_array(array: pa.Array, guard: object) -> pa.Array:
    """``array`` with its fixed-width buffers re-wrapped so that they keep ``guard`` alive.

    Only fixed-width data (numbers, timestamps, categorical codes) is shared zero-copy with
    the DataFrame; strings, lists and objects are converted into memory Arrow owns.
    """
    dtype = array.type
    if pa.types.is_dictionary(dtype):
        return pa.DictionaryArray.from_arrays(
            _pinned_array(array.indices, guard),
            _pinned_array(array.dictionary, guard),
            ordered=dtype.ordered,
            safe=False,
        )
    if not (pa.types.is_primitive(dtype) or pa.types.is_temporal(dtype)):
        return array
    buffers = [
        None if b is None else pa.foreign_buffer(b.address, b.size, base=(b, guard))
        for b in array.buffers()
    ]
    return pa.Array.from_buffers(dtype, len(array), buffers, array.null_count, array.offset)


def _pin(table: pa.Table, guard: object) -> pa.Table:
    """Tie ``guard``'s lifetime to ``table``'s buffers (zero-copy).

    The guard must outlive every Arrow buffer that shares memory with the user's frame,
    not just the plottable: a plan, or ``g.edges_table``, may be kept after the plottable
    that made it is gone, and a write to the frame then must still copy first.
    """
    columns = [
        pa.chunked_array([_pinned_array(chunk, guard) for chunk in column.chunks], column.type)
        for column in table.columns
    ]
    return pa.Table.from_arrays(columns, schema=table.schema)


#: numpy dtype kinds converted column by column (:func:`_plain_numbers`, with pandas'
#: ``str`` columns): signed and unsigned integers, floats and booleans.
_PLAIN_KINDS = frozenset("iufb")


def _plain_numbers(source: pd.DataFrame) -> pa.Table | None:
    """``source`` as Arrow when every column is a plain numpy number or boolean or a pandas
    string column, else None.

    ``Table.from_pandas`` spends ~0.3 ms in pandas metadata bookkeeping whatever the size,
    more than converting a small frame's numbers: these columns need none of it. The result
    is the same table (types, values, NaN read as null), without the pandas metadata that
    :func:`_from_pandas` drops anyway.
    """
    names = source.columns.tolist()
    if not names:
        return None
    # pandas' own column accessor (2.x and 3.x) skips building a Series per column (~30 us)
    # and the dtypes Series.
    column = getattr(source, "_get_column_array", None) or (lambda i: source.iloc[:, i].array)
    values = [column(i) for i in range(len(names))]
    for value in values:
        dtype = value.dtype
        if not (
            (isinstance(dtype, np.dtype) and dtype.kind in _PLAIN_KINDS)
            or isinstance(dtype, pd.StringDtype)
        ):
            return None
    arrays = [pa.array(value, from_pandas=True) for value in values]
    return pa.Table.from_arrays(arrays, names=names)


def _from_pandas(df: pd.DataFrame, what: str) -> Frame:
    _check_names(df.columns.tolist(), what)
    guard: pd.DataFrame | None = df.copy(deep=False) if _copy_on_write_enabled() else None
    source = guard if guard is not None else df.copy(deep=True)
    table = _plain_numbers(source)
    if table is None:
        try:
            table = pa.Table.from_pandas(
                source,
                preserve_index=False,
                nthreads=1 if len(source) < _THREADED_CONVERSION_ROWS else None,
            )
        except _ARROW_ERRORS as exc:
            raise _convert_column_error(df, what, exc) from None
        _check_temporal_objects(source, table, what)
    table = _normalize_types(table.replace_schema_metadata(None), clear_field_metadata=True)
    if guard is not None:
        table = _pin(table, guard)
    return Frame(table, guard)


def to_frame(data: object, what: str) -> Frame:
    """Convert ``data`` to a bound :class:`Frame`, or raise :class:`PlanError`.

    Args:
        data: a pandas DataFrame, a ``pyarrow.Table`` (sent as-is, metadata kept), any
            object exporting the Arrow C stream interface (polars, DuckDB relations), or a
            ``pyarrow.dataset.Dataset`` (bound lazily: schema now, rows at run time).
        what: ``"edges"`` or ``"nodes"``, for messages.
    """
    if is_dataset(data):
        bound = dataset_table(data, what)
        if isinstance(bound, DatasetTable):
            return Frame(bound)
        data = bound
    frame = _to_frame(data, what)
    assert isinstance(frame.table, pa.Table)
    table = _single_dictionaries(frame.table)
    return frame if table is frame.table else Frame(table, frame.guard)


def _to_frame(data: object, what: str) -> Frame:
    if isinstance(data, pa.Table):
        _check_names(list(data.column_names), what)
        return Frame(_normalize_types(data))
    if isinstance(data, pd.DataFrame):
        return _from_pandas(data, what)
    if hasattr(data, "__arrow_c_stream__"):
        try:
            table = pa.table(data)
        except _ARROW_ERRORS as exc:
            raise PlanError(
                f"{what} must be a table with named columns; {type(data).__name__} could not "
                f"be read as one through Arrow ({exc}). A single column (a Series) is not a "
                "table: use series.to_frame() or pass the whole DataFrame"
            ) from None
        _check_names(list(table.column_names), what)
        table = table.replace_schema_metadata(None)
        return Frame(_normalize_types(table, clear_field_metadata=True))
    raise PlanError(
        f"{what} must be a table (a pandas DataFrame, a pyarrow.Table, a "
        f"pyarrow.dataset.Dataset, or an object with __arrow_c_stream__ such as a polars "
        f"DataFrame), not {type(data).__name__}"
    )
