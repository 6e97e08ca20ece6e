"""Whole-column checks on texts, read straight from an Arrow string array's bytes.

Ids are compared and hashed as UTF-8 bytes: two texts are equal exactly when their bytes are. Null entries
are seen as empty texts here; the callers report nulls before they ask anything else.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort.columnar_numbers import BoolArray, IntArray
from rules.cohort.compiled import kernel, load_word

Bytes = npt.NDArray[np.uint8]
TEXT = pa.large_string()


def buffers(texts: pa.Array) -> tuple[IntArray, Bytes]:
    """The offsets (one more than there are texts) and the bytes of a large_string array."""
    if texts.type != TEXT:
        texts = texts.cast(TEXT)
    if len(texts) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset: texts.offset + len(texts) + 1]
    data_buffer = texts.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return offsets, data


def validity(array: pa.Array) -> BoolArray:
    """Which entries are not null."""
    if array.null_count:
        valid: BoolArray = array.is_valid().to_numpy(zero_copy_only=False)
        return valid
    return np.ones(len(array), dtype=np.bool_)


# Up to this many ascending runs (customers with purchases, then those without, each by id, as `read_cohort`
# lays them out), uniqueness is checked by merging the runs; beyond, by hashing.
_MERGED_RUNS = 4


def repeated(texts: pa.Array) -> BoolArray:
    """For each text, whether an earlier one is the same (pandas' ``duplicated(keep="first")``)."""
    offsets, data = buffers(texts)
    starts = _ascending_runs(offsets, data, _MERGED_RUNS)
    if len(starts) <= _MERGED_RUNS and _runs_disjoint(offsets, data, np.append(starts, len(texts))):
        return np.zeros(len(texts), dtype=np.bool_)
    size = 16
    while size < 2 * len(texts):
        size *= 2
    # Allocated by numpy: huge pages for large arrays (see `rules.cohort.compiled`).
    found, slots = np.zeros(len(texts), dtype=np.bool_), np.full(size, -1, dtype=np.int64)
    _repeated(offsets, data, slots, found)
    return found


def equal_to_previous(texts: pa.Array) -> BoolArray:
    """For each text but the first, whether it equals the one before (the first: False)."""
    same = np.zeros(len(texts), dtype=np.bool_)
    _equal_to_previous(*buffers(texts), same)
    return same


def owners_in_order(lines: pa.Array, customers: pa.Array) -> IntArray | None:
    """Each line's position in `customers` when the lines come in runs that name the first customers in their
    order, each in one run (as `read_cohort` lays a cohort out); None otherwise."""
    owner = np.empty(len(lines), dtype=np.int64)
    return owner if _owners_in_order(*buffers(lines), *buffers(customers), owner) else None


def follow_keys(keys: npt.NDArray[np.integer], texts: pa.Array) -> IntArray | None:
    """For each key (0 … k-1, one per row) the first row that has it, when every row with the same key has
    the same text (a product's name, say, is the same on all its lines); None when some row differs, or when
    `texts` has nulls."""
    if texts.null_count:
        return None
    first_rows = np.full(int(keys.max()) + 1 if len(keys) else 0, -1, dtype=np.int64)
    return first_rows if _follow_keys(keys, *buffers(texts), first_rows) else None


def ends_in(texts: pa.Array, characters: str) -> IntArray:
    """Rows whose first or last character is one of `characters`."""
    # A first (last) byte that starts (ends) none of the characters' UTF-8 forms rules a text out at once;
    # the other texts decode their end character and compare code points.
    may_start, may_end = np.zeros(256, dtype=np.bool_), np.zeros(256, dtype=np.bool_)
    for character in characters:
        encoded = character.encode("utf-8")
        may_start[encoded[0]], may_end[encoded[-1]] = True, True
    code_points = np.array(sorted(map(ord, characters)), dtype=np.int64)
    rows = np.empty(len(texts), dtype=np.int64)  # by numpy; pages only touched where rows are found
    return rows[:_ends_in(*buffers(texts), may_start, may_end, code_points, rows)]


@kernel
def _same(offsets: IntArray, data: Bytes, a: int, other_offsets: IntArray, other_data: Bytes, b: int) -> bool:
    start, end = offsets[a], offsets[a + 1]
    other_start = other_offsets[b]
    if end - start != other_offsets[b + 1] - other_start:
        return False
    return same_bytes(data, start, other_data, other_start, end - start)


@kernel
def _compare(offsets: IntArray, data: Bytes, a: int, b: int) -> int:
    """-1, 0 or 1 as text a sorts before, equal to or after text b, byte by byte (for UTF-8: by code point)."""
    start_a, end_a, start_b, end_b = offsets[a], offsets[a + 1], offsets[b], offsets[b + 1]
    for index in range(min(end_a - start_a, end_b - start_b)):
        byte_a, byte_b = data[start_a + index], data[start_b + index]
        if byte_a != byte_b:
            return -1 if byte_a < byte_b else 1
    length_a, length_b = end_a - start_a, end_b - start_b
    return 0 if length_a == length_b else (-1 if length_a < length_b else 1)


@kernel
def _ascending_runs(offsets: IntArray, data: Bytes, most: int) -> IntArray:
    """Where the strictly ascending runs of texts start; once there are more than `most`, the first
    ``most + 1`` only."""
    starts = np.zeros(most + 1, dtype=np.int64)
    found = 1
    for row in range(1, len(offsets) - 1):
        if _compare(offsets, data, row - 1, row) >= 0:
            starts[found] = row
            found += 1
            if found > most:
                break
    return starts[:found]


@kernel
def _runs_disjoint(offsets: IntArray, data: Bytes, bounds: IntArray) -> bool:
    """Whether no text appears in two of the ascending runs ``bounds[i]:bounds[i + 1]`` (merged pairwise)."""
    for first in range(len(bounds) - 1):
        for second in range(first + 1, len(bounds) - 1):
            a, b = bounds[first], bounds[second]
            while a < bounds[first + 1] and b < bounds[second + 1]:
                order = _compare(offsets, data, a, b)
                if order == 0:
                    return False
                if order < 0:
                    a += 1
                else:
                    b += 1
    return True


@kernel
def same_bytes(data: Bytes, a: int, other_data: Bytes, b: int, count: int) -> bool:
    """Whether ``data[a:a + count]`` and ``other_data[b:b + count]`` are equal, compared 8 bytes at a time."""
    index = 0
    while index + 8 <= count and a + index + 8 <= len(data) and b + index + 8 <= len(other_data):
        if load_word(data, a + index) != load_word(other_data, b + index):
            return False
        index += 8
    while index < count:
        if data[a + index] != other_data[b + index]:
            return False
        index += 1
    return True


@kernel
def _follow_keys(keys: npt.NDArray[np.integer], offsets: IntArray, data: Bytes, first_rows: IntArray) -> bool:
    for row in range(len(keys)):
        key = keys[row]
        first = first_rows[key]
        if first < 0:
            first_rows[key] = row
            continue
        if not _same(offsets, data, first, offsets, data, row):
            return False
    return True


@kernel
def _repeated(offsets: IntArray, data: Bytes, slots: IntArray, found: BoolArray) -> None:
    # Open addressing (len(slots) a power of two, at least twice the texts); each slot packs a 31-bit
    # fingerprint of the hash with the row (-1: empty), so a probe is one memory access and texts are
    # compared only when their fingerprints agree.
    count = len(offsets) - 1
    mask = len(slots) - 1
    low = np.int64(0xFFFFFFFF)
    for row in range(count):
        digest = np.uint64(14695981039346656037)  # FNV-1a
        for index in range(offsets[row], offsets[row + 1]):
            digest = (digest ^ np.uint64(data[index])) * np.uint64(1099511628211)
        fingerprint = np.int64(digest >> np.uint64(33))  # 31 bits: the packed slot stays positive
        slot = np.int64(digest & np.uint64(mask))
        while slots[slot] >= 0:
            entry = slots[slot]
            if entry >> 32 == fingerprint and _same(offsets, data, entry & low, offsets, data, row):
                found[row] = True
                break
            slot = (slot + 1) & mask
        if not found[row]:
            slots[slot] = (fingerprint << 32) | row


@kernel
def _equal_to_previous(offsets: IntArray, data: Bytes, same: BoolArray) -> None:
    for row in range(1, len(offsets) - 1):
        same[row] = _same(offsets, data, row - 1, offsets, data, row)


@kernel
def _owners_in_order(offsets: IntArray, data: Bytes, customer_offsets: IntArray, customer_data: Bytes,
                     owner: IntArray) -> bool:
    customers = len(customer_offsets) - 1
    current = 0
    for row in range(len(offsets) - 1):
        if current < customers and _same(offsets, data, row, customer_offsets, customer_data, current):
            owner[row] = current
        elif row > 0 and current + 1 < customers and _same(offsets, data, row, customer_offsets, customer_data,
                                                            current + 1):
            current += 1
            owner[row] = current
        else:
            return False
    return True


@kernel
def _decode(data: Bytes, at: int) -> int:
    """The code point of the UTF-8 character that starts at byte `at`."""
    lead = int(data[at])
    if lead < 0x80:
        return lead
    if lead >= 0xF0:
        size, point = 4, lead & 0x07
    elif lead >= 0xE0:
        size, point = 3, lead & 0x0F
    else:
        size, point = 2, lead & 0x1F
    for index in range(1, size):
        point = (point << 6) | (int(data[at + index]) & 0x3F)
    return point


@kernel
def _one_of(point: int, code_points: IntArray) -> bool:
    for other in code_points:  # noqa: SIM110 (numba compiles no generator expressions)
        if other == point:
            return True
    return False


@kernel
def _ends_in(offsets: IntArray, data: Bytes, may_start: BoolArray, may_end: BoolArray, code_points: IntArray,
             rows: IntArray) -> int:
    found = 0
    for row in range(len(offsets) - 1):
        start, end = offsets[row], offsets[row + 1]
        if end == start:
            continue
        hit = may_start[data[start]] and _one_of(_decode(data, start), code_points)
        if not hit and may_end[data[end - 1]]:
            last = end - 1
            while last > start and (data[last] & 0xC0) == 0x80:  # back to the last character's first byte
                last -= 1
            hit = _one_of(_decode(data, last), code_points)
        if hit:
            rows[found] = row
            found += 1
    return found
