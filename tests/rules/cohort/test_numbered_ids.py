"""Ids split into prefix and number, against Python's regular expressions."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.numbered_ids import split_numbered

PREFIX = st.sampled_from(["", "C", "SO-", "RET-", "MÜŞ-", "№"])
ID = st.one_of(st.none(), st.tuples(PREFIX, st.text("0123456789", min_size=1, max_size=18)).map("".join))


@settings(max_examples=300, deadline=None)
@given(st.lists(ID, min_size=1, max_size=60))
def test_prefix_and_number_like_a_regular_expression(ids: list[str | None]) -> None:
    split = split_numbered(pa.array(ids, pa.string()))

    assert split is not None
    parts = [re.fullmatch(r"(\D*)(\d+)", text) if text is not None else None for text in ids]
    prefixes = list(dict.fromkeys(part.group(1) for part in parts if part is not None))
    assert split.prefixes == prefixes
    assert split.prefix.tolist() == [prefixes.index(part.group(1)) if part else -1 for part in parts]
    assert split.number.tolist() == [int(part.group(2)) if part else 0 for part in parts]
    lengths = [len(part.group(2)) for part in parts if part is not None]
    numbers = [int(part.group(2)) for part in parts if part is not None]
    if numbers:
        assert (split.shortest, split.longest) == (min(lengths), max(lengths))
        assert (split.low, split.high) == (min(numbers), max(numbers))
    led = any(len(part.group(2)) > 1 and part.group(2).startswith("0") for part in parts if part is not None)
    assert split.zero_led == led


@pytest.mark.parametrize("ids", [
    ["C1", "C2 "],            # something after the number
    ["C1", ""],               # an empty text
    ["C1", "C"],              # no number
    [" C1", "C2"],            # padding is the general path's to trim
    ["C\u00a01"],             # a no-break space in the prefix
    ["1" * 19],               # more digits than an int64 holds
    ["C1", "12A4"],           # letters between digits
    [f"{chr(0x41 + i // 26)}{chr(0x41 + i % 26)}1" for i in range(65)],  # 65 prefixes
])
def test_other_texts_are_left_to_the_general_path(ids: list[str]) -> None:
    assert split_numbered(pa.array(ids, pa.string())) is None


def test_a_slice_reads_its_own_rows() -> None:
    column = pa.array(["X9", "C0042", None, "C7"], pa.string()).slice(1)

    split = split_numbered(column)

    assert split is not None
    assert (split.prefixes, split.prefix.tolist(), split.number.tolist()) == (["C"], [0, -1, 0], [42, 0, 7])
