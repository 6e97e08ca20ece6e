"""Rows whose field count differs from the header's only by empty fields at the end: read after all.

Exports leave empty trailing fields out (an optional last column, "1001;A1;2" under a header of four; at least
half of the fields and two must be there, or it is a line below the table such as "Sayfa 1/3") or end
lines in a delimiter ("1001;A1;2;5;"). Arrow's reader rejects both; their fields are all there, so they are read
with the missing ones empty, and the rows put back where they were in the file. Only rows the reader rejected
come here, one at a time (Python's csv module reads each), so a file that is mostly such rows is slow, but read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rules.cohort.rejects import Malformed, RowLog


@dataclass(frozen=True)
class Ragged:
    """What `read_ragged_rows` did: the table and its row log, and how many rows were short or long."""

    table: pa.Table
    log: RowLog
    short: int
    long: int
    cut_short: bool = False


def read_ragged_rows(table: pa.Table, log: RowLog, delimiter: str, null_texts: set[str], *,
                     unterminated: bool = False) -> Ragged:
    """The table with its malformed rows that are only short of, or past, empty trailing fields read in.

    Args:
        table: the rows the reader read, in file order; ``log`` numbers them and holds the malformed rows.
        delimiter: the file's delimiter.
        null_texts: the texts the reader reads as null ("", "NULL", …).
        unterminated: the file's last line has no line end. Its last row, when short, is left malformed: the
            file was probably cut short (an upload or a copy that stopped), and its last value with it.
    """
    width = table.num_columns
    fields: list[list[str | None]] = []
    numbers: list[int] = []
    remaining: list[Malformed] = []
    short = long = 0
    last = max(int(log.row_numbers.max(initial=0)), max((m.row for m in log.malformed), default=0))
    cut_short = False
    for row in log.malformed:
        cells = _cells(row.text, delimiter)
        if unterminated and row.row == last and cells is not None and len(cells) < width:
            remaining.append(row)
            cut_short = True
            continue
        if cells is None or (len(cells) > width and any(cell.strip() for cell in cells[width:])) or \
                len(cells) < 2 or len(cells) * 2 < width:
            # Not a row short of a trailing field or two: a line such as "Sayfa 1/3" or "Rapor sonu" below the
            # table, which padded would be a customer.
            remaining.append(row)
            continue
        short += len(cells) < width
        long += len(cells) > width
        fields.append([None if cell in null_texts else cell for cell in cells[:width]] + [None] * (width - len(cells)))
        numbers.append(row.row)
    if not fields:
        return Ragged(table, log, 0, 0, cut_short)
    read = pa.table({name: pa.array([f[i] for f in fields], pa.string()).cast(table.schema.field(name).type)
                     for i, name in enumerate(table.column_names)})
    numbers_all = np.concatenate([log.row_numbers, np.asarray(numbers, dtype=np.int64)])
    order = np.argsort(numbers_all, kind="stable")  # back in file order
    merged = pa.concat_tables([table, read]).take(pa.array(order))
    return Ragged(merged, RowLog(numbers_all[order], remaining), short, long, cut_short)


def _cells(text: str, delimiter: str) -> list[str] | None:
    """The fields of one row's text, None when it is not one row (a quote that never closes, two rows)."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None
