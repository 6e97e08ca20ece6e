"""Reasons for a whole column at once: each row is the concatenation of its pieces, written by one kernel.

A piece is a column of small texts picked from a table by a code per row (`Texts`), a column of integers
written in decimal (`Ints`), or a constant. A row leaves out the pieces its template does not use (code -1,
or not `present`), so one call renders rows of different templates. The kernel measures every row, then
writes the bytes straight into the Arrow string array's buffers: no per-piece intermediate strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort.columnar_numbers import BoolArray, IntArray
from rules.cohort.columnar_strings import TEXT, buffers
from rules.cohort.compiled import copy_bytes, kernel

_ABSENT = -1  # the code of a row that takes nothing from a table piece
_TABLE, _INT = 0, 1


@dataclass(frozen=True)
class Texts:
    """``table[codes[row]]`` for each row (one code for every row when `codes` is an int); rows whose code is
    -1, or that are not `present` when that is given, take nothing from this piece (a null table entry
    counts as empty)."""

    table: pa.Array
    codes: npt.NDArray[np.integer] | int
    present: BoolArray | None = None

    def __post_init__(self) -> None:
        if isinstance(self.codes, int) and self.present is None:
            raise ValueError("a piece with one code for every row needs `present` to know its rows")

    def __len__(self) -> int:
        if isinstance(self.codes, int):
            return len(self.present) if self.present is not None else 0
        return len(self.codes)


@dataclass(frozen=True)
class Ints:
    """Integers written in decimal; rows that are not `present` (when given) take nothing from this piece."""

    values: IntArray
    present: BoolArray | None = None

    def __len__(self) -> int:
        return len(self.values)


Piece = Texts | Ints | str | None
Pieces = list[Piece]


def render(*pieces: Piece) -> pa.Array:
    """Concatenate pieces row by row (`None` pieces are ignored; a string is the same for every row).

    Raises:
        ValueError: no piece has rows, or two pieces differ in length.
    """
    columns = [p for p in pieces if isinstance(p, Texts | Ints)]
    if not columns:
        raise ValueError("render needs at least one column of pieces")
    rows = len(columns[0])
    if any(len(column) != rows for column in columns):
        raise ValueError(f"pieces differ in length: {sorted({len(c) for c in columns})}")
    used = [p for p in pieces if p is not None]
    tables = [p.table if isinstance(p, Texts) else pa.array([p], TEXT) for p in used if not isinstance(p, Ints)]
    first_code = np.cumsum([0, *(len(t) for t in tables)])
    table_offsets, table_bytes = buffers(pa.concat_arrays([t.cast(TEXT).fill_null("") for t in tables])
                                          if tables else pa.array([], TEXT))

    kinds = np.zeros(len(used), dtype=np.int8)
    bases = np.zeros(len(used), dtype=np.int64)  # where each table piece's texts start in the joined table
    values = np.empty((len(used), rows), dtype=np.int64)  # one piece per row of the matrix
    table_index = 0
    for column, piece in enumerate(used):
        piece_values = values[column]
        if isinstance(piece, Ints):
            kinds[column] = _INT
            np.copyto(piece_values, piece.values)
            if piece.present is not None:
                np.copyto(piece_values, _ABSENT_INT, where=~piece.present)
            continue
        bases[column] = first_code[table_index]
        table_index += 1
        if isinstance(piece, str):
            piece_values.fill(0)
            continue
        if isinstance(piece.codes, int):
            piece_values.fill(piece.codes)
        else:
            np.copyto(piece_values, piece.codes)
        if piece.present is not None:
            np.copyto(piece_values, _ABSENT, where=~piece.present)
    offsets, data = _render_rows(kinds, bases, values, table_offsets, table_bytes)
    return pa.Array.from_buffers(TEXT, rows, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


# The smallest int64 stands for "no integer here": it has no positive counterpart, so it is never written.
_ABSENT_INT = np.iinfo(np.int64).min


@kernel
def _digits(value: int) -> int:
    """Characters of `value` in decimal, its sign included."""
    count = 1
    if value < 0:
        count += 1
        value = -value
    while value >= 10:
        value //= 10
        count += 1
    return count


def _render_rows(kinds: npt.NDArray[np.int8], bases: IntArray, values: IntArray, table_offsets: IntArray,
                 table_bytes: npt.NDArray[np.uint8]) -> tuple[IntArray, npt.NDArray[np.uint8]]:
    offsets = np.zeros(values.shape[1] + 1, dtype=np.int64)
    _measure_rows(kinds, bases, values, table_offsets, offsets)
    # Allocated by numpy, which asks the kernel for huge pages on large arrays: a page fault per 2 MiB, not
    # per 4 KiB, when the texts are written.
    data = np.empty(offsets[-1], dtype=np.uint8)
    _write_rows(kinds, bases, values, table_offsets, table_bytes, offsets, data)
    return offsets, data


@kernel
def _measure_rows(kinds: npt.NDArray[np.int8], bases: IntArray, values: IntArray, table_offsets: IntArray,
                  offsets: IntArray) -> None:
    columns, rows = values.shape
    for row in range(rows):
        length = 0
        for column in range(columns):
            value = values[column, row]
            if kinds[column] == _TABLE:
                if value >= 0:
                    value += bases[column]
                    length += table_offsets[value + 1] - table_offsets[value]
            elif value != _ABSENT_INT:
                length += _digits(value)
        offsets[row + 1] = offsets[row] + length


@kernel
def _write_rows(kinds: npt.NDArray[np.int8], bases: IntArray, values: IntArray, table_offsets: IntArray,
                table_bytes: npt.NDArray[np.uint8], offsets: IntArray, data: npt.NDArray[np.uint8]) -> None:
    columns, rows = values.shape
    for row in range(rows):
        at = offsets[row]
        for column in range(columns):
            value = values[column, row]
            if kinds[column] == _TABLE:
                if value >= 0:
                    value += bases[column]
                    start, end = table_offsets[value], table_offsets[value + 1]
                    copy_bytes(data, at, table_bytes, start, end - start)
                    at += end - start
            elif value != _ABSENT_INT:
                if value < 0:
                    data[at] = 45  # "-"
                    at += 1
                    value = -value
                end = at + _digits(value)
                position = end
                while True:
                    position -= 1
                    data[position] = 48 + value % 10
                    value //= 10
                    if value == 0:
                        break
                at = end
