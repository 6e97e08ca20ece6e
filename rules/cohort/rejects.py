"""Row accounting: every row of a file is accepted or rejected for exactly one reason, and nothing else.

A `RowLog` holds one reason code per table row (0 = accepted). Checks run in a fixed order and a row keeps the
first reason that rejected it, so each rejected row is counted once. Rows the parser could not even split into
fields (a wrong number of fields) never reach the table; they are added as "malformed_row" with their text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.model import Rejection
from rules.cohort.values import as_text, contiguous
from rules.models.dates import EARLIEST, LATEST
from rules.models.request import MAX_PRODUCT_LINES

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

FIRST_ROWS = 20
EXAMPLES = 3
_OWN_COLUMNS = ("file", "row", "reason", "text")

# Reason code → what it means, for the report and the README. The order is the order checks run in.
REASONS: dict[str, str] = {
    "malformed_row": "the row cannot be read: a different number of fields than the header, or a JSON line that is "
                     "not a record",
    "missing_customer_id": "the row has no customer id",
    "total_row": "a total line below the table: its customer id cell says Toplam, Genel Toplam, Total, … (or a "
                 "customer's id and the word, C1 Toplam: a subtotal)",
    "bad_customer_id": "the customer id is longer than 128 characters",
    "invalid_customer": "the customer object breaks the request contract",
    "duplicate_customer": "a second customer object with the same customerId",
    "bad_date": f"a date is missing, is not a date, or is before {EARLIEST} or after {LATEST} (the days taken)",
    "future_date": "a purchase date in the future (after tomorrow in UTC, when the file is read): a typo, which "
                   "kept would stop the whole cohort being segmented",
    "bad_quantity": "the quantity is missing, not a number, or beyond any real order (a billion units; a purchase "
                    "history's totalQuantity: 2**53)",
    "bad_amount": "the amount (or unit price) is missing, not a number, or beyond any real order (10**12 for an "
                  "order line, 10**15 for a purchase history's totalSpent)",
    "bad_order_count": "orderCount is missing or not a whole number of at least 1",
    "bad_avg_days_between": "avgDaysBetween is not a number of at least 0",
    "dates_out_of_order": "firstPurchase is after lastPurchase",
    "bad_product": "the product id (128) or category (64) is longer than the engine accepts",
    "missing_product": "the row has no product id, in a file whose other rows have one",
    "non_product_line": "postage, shipping, fees or a manual adjustment (see exclude_products)",
    "cancelled_order": "the status column says the order was cancelled or returned, and the line's numbers are "
                       "positive: an order that did not go ahead (a return slip is netted when its numbers are "
                       "negative)",
    "zero_quantity": "the quantity is zero",
    "zero_price": "the amount is zero (a free or zero-price line)",
    "duplicate_row": "an exact copy of an earlier row",
    "duplicate_product_line": "a second line for the same customer and product",
    "return_without_purchase": "a return or cancellation with no purchase of that product by that customer "
                               "to net against",
    "too_many_products": f"the customer has more than {MAX_PRODUCT_LINES:,} product lines, more than the engine "
                         "takes (often a shared guest or walk-in account)",
}


@dataclass
class Malformed:
    """A row the parser could not split into the header's fields."""

    row: int
    text: str


def take_rows(table: pa.Table, positions: IntArray) -> pa.Table:
    """The rows of ``table`` at ``positions``, taken batch by batch.

    ``Table.take`` joins every column's chunks first (and merges their dictionaries), which costs a copy of the
    whole file even for three example rows; a CSV read in parallel has dozens of chunks.
    """
    if len(positions) > 1 and bool(np.any(np.diff(positions) < 0)):
        return table.take(pa.array(positions, pa.int64()))
    batches = table.to_batches()
    bounds = np.cumsum([0, *(batch.num_rows for batch in batches)])
    cuts = np.searchsorted(positions, bounds)
    pieces = [batch.take(pa.array(positions[cuts[i]:cuts[i + 1]] - bounds[i], pa.int64()))
              for i, batch in enumerate(batches) if cuts[i + 1] > cuts[i]]
    return pa.Table.from_batches(pieces, schema=table.schema)


def over_line_limit(line_customer: IntArray) -> BoolArray:
    """Per customer code: whether the customer has more history lines than the engine takes.

    Args:
        line_customer: the customer code of each history line (one line per customer × product).
    """
    if len(line_customer) == 0:
        return np.zeros(0, dtype=np.bool_)
    over: BoolArray = np.bincount(line_customer) > MAX_PRODUCT_LINES
    return over


@dataclass
class RowLog:
    """One reason code per table row; code k > 0 is ``REASONS``' k-th key (1-based), 0 is accepted.

    Attributes:
        row_numbers: each table row's 1-based data row number in the file (header and preamble not counted).
        malformed: rows that never reached the table.
    """

    row_numbers: IntArray
    malformed: list[Malformed] = field(default_factory=list)
    codes: npt.NDArray[np.int8] = field(init=False)

    def __post_init__(self) -> None:
        self.codes = np.zeros(len(self.row_numbers), dtype=np.int8)

    @classmethod
    def for_rows(cls, count: int) -> RowLog:
        """A log for ``count`` rows numbered 1..count."""
        return cls(np.arange(1, count + 1, dtype=np.int64))

    @property
    def alive(self) -> BoolArray:
        """Rows not rejected so far."""
        alive: BoolArray = self.codes == 0
        return alive

    def reject(self, mask: BoolArray, reason: str) -> None:
        """Reject the rows of ``mask`` that are still alive, for ``reason``."""
        code = reason_code(reason)
        if mask.any():  # most checks find nothing in most files
            self.codes[mask & (self.codes == 0)] = code

    @property
    def rows_read(self) -> int:
        return len(self.codes) + len(self.malformed)

    @property
    def rows_rejected(self) -> int:
        return int(np.count_nonzero(self.codes)) + len(self.malformed)

    def rejections(self, table: pa.Table) -> dict[str, Rejection]:
        """Reason → count, first row numbers and a few examples (the rows' original values)."""
        found: dict[str, Rejection] = {}
        if self.malformed:
            found["malformed_row"] = Rejection(
                count=len(self.malformed), rows=[m.row for m in self.malformed[:FIRST_ROWS]],
                examples=[{"text": m.text} for m in self.malformed[:EXAMPLES]],
                description=REASONS["malformed_row"])
        rejected = np.flatnonzero(self.codes)
        codes = self.codes[rejected]
        counts = np.bincount(codes, minlength=len(REASONS) + 1)
        for index, reason in enumerate(REASONS, start=1):
            if counts[index] == 0:
                continue
            positions = rejected[codes == index]
            examples = take_rows(table, positions[:EXAMPLES]).to_pylist()
            found[reason] = Rejection(
                count=int(counts[index]), rows=[int(r) for r in self.row_numbers[positions[:FIRST_ROWS]]],
                examples=[{k: _plain(v) for k, v in example.items()} for example in examples],
                description=REASONS[reason])
        return found

    def rejected_frame(self, table: pa.Table, source: str) -> pd.DataFrame:
        """The rejected rows: file, row number, reason, then the row's original values as text.

        A cell the reader took for no value (``NULL``, ``#N/A``: `rules.cohort.null_texts`) is empty here: finding
        the text again would cost a pass over the whole file on most reads (exports have rejected rows with empty
        cells: shipping lines, guests without an id), and the row number finds it in the file.
        """
        positions = np.flatnonzero(self.codes)
        taken = take_rows(table, positions)
        reasons = pa.DictionaryArray.from_arrays(pa.array(self.codes[positions].astype(np.int32) - 1),
                                                 pa.array(list(REASONS)))
        columns: dict[str, pa.Array] = {
            "file": pa.repeat(pa.scalar(source, pa.string()), len(positions)),
            "row": pa.array(self.row_numbers[positions], pa.int64()),
            "reason": reasons.cast(pa.string()),
        }
        for name in taken.column_names:  # the original values, all as text
            columns[_own_name(name, columns)] = cell_text(taken[name])
        frame = pa.table(columns).to_pandas(types_mapper=_as_text_type)
        if self.malformed:
            broken = pd.DataFrame({
                "file": pd.array([source] * len(self.malformed), dtype="string"),
                "row": np.array([m.row for m in self.malformed], dtype=np.int64),
                "reason": pd.array(["malformed_row"] * len(self.malformed), dtype="string"),
                "text": pd.array([m.text for m in self.malformed], dtype="string"),
            })
            frame = pd.concat([broken, frame], ignore_index=True).sort_values("row", kind="stable")
        rejected: pd.DataFrame = frame.reset_index(drop=True)
        return rejected


def cell_text(column: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
    """A column's cells as a spreadsheet shows them: text as it is, typed values (Parquet, JSON) as their text.

    Timestamps and times keep fractions of a second only when they have some (pandas and Spark write
    nanoseconds: ``2024-01-02 00:00:00``, not ``…00:00:00.000000000``); durations read as ``1:30:00``, not as
    a count of their unit; floats as `rules.cohort.values.as_text` writes them (NaN as no value, a whole float
    without ``.0``); decimals with the digits of their scale, as a database shows them.

    Examples:
        >>> from datetime import datetime, timedelta
        >>> cell_text(pa.array([datetime(2024, 1, 2), None], pa.timestamp("ns"))).to_pylist()
        ['2024-01-02 00:00:00', None]
        >>> cell_text(pa.array([timedelta(minutes=90)], pa.duration("s"))).to_pylist()
        ['1:30:00']
    """
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):  # most columns: no copy, chunks kept
        return pc.cast(column, pa.string())
    values = contiguous(column)
    if pa.types.is_dictionary(values.type):
        values = pc.cast(values, kind)
    if pa.types.is_floating(kind):
        return as_text(values)
    if pa.types.is_duration(kind):
        return pa.array([None if value is None else str(value) for value in values.to_pylist()], pa.string())
    if pa.types.is_timestamp(kind) or pa.types.is_time(kind):
        in_seconds = pa.timestamp("s", kind.tz) if pa.types.is_timestamp(kind) else pa.time32("s")
        with contextlib.suppress(pa.ArrowInvalid):  # a safe cast: refused when a value has a fraction of a second
            values = values.cast(in_seconds)
    return pc.cast(values, pa.string())


def _own_name(name: str, taken: Collection[str]) -> str:
    """The file's column ``name`` as a rejected-rows column: renamed when it is one of the frame's own columns
    (file, row, reason, and text for malformed rows) or already taken."""
    while name in taken or name in _OWN_COLUMNS:
        name = f"{name} (original)"
    return name


def combine_rejected(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The rejected rows of several files in one frame (columns are the union; missing cells are <NA>)."""
    kept = [f for f in frames if len(f.columns)]
    if not kept:
        return empty_rejected()
    frame = pd.concat(kept, ignore_index=True)
    text_columns = [c for c in frame.columns if c != "row"]
    return frame.astype({c: "string" for c in text_columns})


def empty_rejected() -> pd.DataFrame:
    """A rejected-rows frame with no rows."""
    return pd.DataFrame({"file": pd.Series(dtype="string"), "row": pd.Series(dtype="int64"),
                         "reason": pd.Series(dtype="string")})


def reason_code(reason: str) -> int:
    """The code `RowLog` stores for ``reason`` (its 1-based place in `REASONS`)."""
    try:
        return list(REASONS).index(reason) + 1
    except ValueError:
        raise KeyError(f"unknown rejection reason {reason!r}") from None


def _as_text_type(arrow_type: pa.DataType) -> Any:
    return pd.StringDtype() if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) else None


def _plain(value: Any) -> Any:
    """A JSON-friendly value for the report: text, whole numbers and None stay; anything else becomes text."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN is not JSON
    return str(value)
