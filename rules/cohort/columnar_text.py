"""Text a whole column at a time: numbers written as the scalar engine writes them, and reasons rendered from
pieces, each row picking its own template.

Numbers in reasons follow `rules.segments.num` (whole numbers plain, others with two decimals), rounded exactly
as Python rounds (see `rules.cohort.columnar_numbers`). A reason is a row-by-row join of pieces; a piece that a
row's template does not use is null there and drops out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_numbers import (
    EXACT_LIMIT,
    BoolArray,
    FloatArray,
    IntArray,
    exact_cents,
    exact_scaled,
    huge,
)
from rules.cohort.columnar_render import Ints, Pieces, Texts
from rules.cohort.columnar_strings import TEXT as TEXT  # the text type of every column built here
from rules.segments import num

EPOCH = date(1970, 1, 1)


def int_text(values: npt.NDArray[np.integer] | IntArray) -> pa.Array:
    """Integers as decimal text."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), TEXT)


def num_text(values: FloatArray) -> pa.Array:
    """`rules.segments.num` for every value: whole numbers plain, others with two decimals."""
    whole = values == np.floor(values)
    wholes = int_text(np.where(whole & (np.abs(values) < EXACT_LIMIT), values, 0.0).astype(np.int64))
    if whole.all():
        texts = wholes
    else:
        cents = np.abs(exact_cents(np.where(whole, 0.0, values))).astype(np.int64)
        units = int_text(cents // 100)
        hundredths = pc.utf8_lpad(int_text(cents % 100), width=2, padding="0")
        negative = np.signbit(values) & ~whole
        sign = pc.if_else(pa.array(negative), pa.scalar("-", TEXT), pa.scalar("", TEXT)) if negative.any() else ""
        decimals = join(sign, units, ".", hundredths)
        texts = pc.if_else(pa.array(whole), wholes, decimals)
    # Values beyond the exact range (written as 0 above, whole or not) are written by Python, one by one.
    oversized = huge(values)
    if len(oversized):
        mask = np.zeros(len(values), dtype=np.bool_)
        mask[oversized] = True
        texts = pc.replace_with_mask(texts, pa.array(mask), pa.array([num(float(values[p])) for p in oversized], TEXT))
    return texts


def fixed_text(values: FloatArray, decimals: int) -> pa.Array:
    """``f"{x:.{decimals}f}"`` for every value."""
    scale = 10**decimals
    in_range = np.abs(values) * scale < EXACT_LIMIT * 100  # the others are written by Python below
    scaled = np.abs(exact_scaled(np.where(in_range, values, 0.0), scale)).astype(np.int64)
    units = int_text(scaled // scale)
    fraction = pc.utf8_lpad(int_text(scaled % scale), width=decimals, padding="0")
    negative = np.signbit(values)
    sign = pc.if_else(pa.array(negative), pa.scalar("-", TEXT), pa.scalar("", TEXT)) if negative.any() else ""
    texts = join(sign, units, ".", fraction)
    oversized = huge(values, scale)
    if len(oversized):
        mask = np.zeros(len(values), dtype=np.bool_)
        mask[oversized] = True
        replacements = pa.array([f"{float(values[p]):.{decimals}f}" for p in oversized], TEXT)
        texts = pc.replace_with_mask(texts, pa.array(mask), replacements)
    return texts


@dataclass(frozen=True)
class Coded:
    """Texts as codes into a small table (a categorical): few distinct texts are never copied per row."""

    codes: IntArray
    table: pa.Array

    def subset(self, rows: IntArray) -> pa.Array:
        """The texts of some rows."""
        return self.table.take(pa.array(self.codes[rows]))


_FRACTIONS = pa.array([f".{i:02d}" for i in range(100)], TEXT)


def int_pieces(values: npt.NDArray[np.integer] | IntArray, present: BoolArray | None = None) -> Pieces:
    """Integers as text, left out where not `present`."""
    return [Ints(np.asarray(values, dtype=np.int64), present)]


def number_pieces(values: FloatArray, present: BoolArray | None = None) -> Pieces:
    """`rules.segments.num` for every value, as pieces for `render`; left out where not `present`."""
    values = np.where(np.isfinite(values), values, 0.0) if present is not None else values
    whole = values == np.floor(values)
    oversized = huge(values)
    if len(oversized) or (values < 0).any():
        # Negative or absurdly large values never occur in reasons built from valid data; stay exact anyway.
        return [texts_where(num_text(values), np.arange(len(values), dtype=np.int64), present)]
    cents = exact_cents(values).astype(np.int64)
    units = np.where(whole, values.astype(np.int64), cents // 100)
    fraction_present = ~whole if present is None else (~whole & present)
    return [Ints(units, present), texts_where(_FRACTIONS, cents % 100, fraction_present)]


def texts_where(table: pa.Array, codes: IntArray, present: BoolArray | None = None) -> Texts:
    """``table[codes]`` where `present`; left out elsewhere."""
    return Texts(table, codes, present)


def keyed_texts(parts: list[npt.NDArray[np.integer]], render_rows: Callable[[IntArray], pa.Array]) -> Coded:
    """Texts that depend only on a few small integers per row, rendered once per distinct combination.

    Args:
        parts: non-negative integers per row (e.g. mode, distinct products, orders) that decide the text.
        render_rows: renders the texts of the given rows (one representative row per combination).
    """
    count = len(parts[0])
    key = np.zeros(count, dtype=np.int64)
    span = 1
    for part in parts:
        width = int(part.max()) + 1 if count else 1
        if span * width >= 1 << 62:
            span = -1
            break
        key = key * width + part
        span *= width
    if span < 0:
        stacked = np.stack([np.asarray(p, dtype=np.int64) for p in parts])
        _, first, slot = np.unique(stacked, axis=1, return_index=True, return_inverse=True)
        return Coded(slot.reshape(count).astype(np.int64), render_rows(first.astype(np.int64)))
    if span <= 8 * count + (1 << 20):
        representative = np.full(span, -1, dtype=np.int64)
        representative[key] = np.arange(count)
        distinct = np.flatnonzero(representative >= 0)
        slot_of_key = np.zeros(span, dtype=np.int64)
        slot_of_key[distinct] = np.arange(len(distinct))
        return Coded(slot_of_key[key], render_rows(representative[distinct]))
    _, first, slot = np.unique(key, return_index=True, return_inverse=True)
    return Coded(slot.astype(np.int64), render_rows(first.astype(np.int64)))


RENDER_CHUNK = 1 << 18


def render_in_chunks(count: int, render_rows: Callable[[IntArray], pa.Array]) -> pa.ChunkedArray:
    """`render_rows` over consecutive blocks of rows: the pieces of one block at a time are held in memory."""
    blocks = [render_rows(np.arange(start, min(start + RENDER_CHUNK, count), dtype=np.int64))
              for start in range(0, count, RENDER_CHUNK)]
    return pa.chunked_array(blocks, TEXT)


def join(*pieces: pa.Array | str) -> pa.Array:
    """Concatenate text columns and constants row by row (nulls propagate)."""
    arrays = [pa.scalar(p, TEXT) if isinstance(p, str) else p for p in pieces]
    return pc.binary_join_element_wise(*arrays, pa.scalar("", TEXT))


def text_table(texts: list[str | None]) -> pa.Array:
    """A small lookup table of texts, to `take` from with per-row codes."""
    return pa.array(texts, TEXT)


_EVERY_DAY_SPAN = 20_000  # about 55 years of days


def seed_datetime_texts(days: IntArray) -> pa.DictionaryArray:
    """Days since 1970-01-01 as the seed's midnight datetimes ("2026-01-20T00:00:00"), dictionary-encoded:
    a few thousand distinct days stand for millions of purchases."""
    if len(days) == 0:
        return pa.DictionaryArray.from_arrays(pa.array([], pa.int32()), pa.array([], TEXT))
    low = int(days.min())
    span = int(days.max()) - low + 1
    if span <= _EVERY_DAY_SPAN:
        # Every day of the span in the dictionary, used or not: the codes are the days themselves.
        every_day = text_table([f"{(EPOCH + timedelta(days=d + low)).isoformat()}T00:00:00" for d in range(span)])
        return pa.DictionaryArray.from_arrays(pa.array((days - low).astype(np.int32)), every_day)
    seen = np.zeros(span, dtype=np.bool_)
    seen[days - low] = True
    distinct = np.flatnonzero(seen)
    slot = np.zeros(span, dtype=np.int32)
    slot[distinct] = np.arange(len(distinct), dtype=np.int32)
    texts = text_table([f"{(EPOCH + timedelta(days=int(d) + low)).isoformat()}T00:00:00" for d in distinct])
    return pa.DictionaryArray.from_arrays(pa.array(slot[days - low]), texts)


def day_number(day: date) -> int:
    """A calendar day as days since 1970-01-01."""
    return (day - EPOCH).days
