"""Text checks read from Arrow's bytes agree with Python's own comparisons."""

from __future__ import annotations

import itertools

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.columnar_strings import TEXT, buffers, ends_in, equal_to_previous, owners_in_order, repeated

# Few letters, so that repeats and shared prefixes are common; Turkish letters are several UTF-8 bytes.
IDS = st.text(alphabet="abÇçİı0 ", max_size=4)


def _texts(values: list[str]) -> pa.Array:
    return pa.array(values, TEXT)


@settings(max_examples=300, deadline=None)
@given(st.lists(IDS, max_size=40))
def test_repeated_is_pandas_duplicated(values: list[str]) -> None:
    assert repeated(_texts(values)).tolist() == pd.Series(values, dtype=object).duplicated().tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(IDS, max_size=15), min_size=1, max_size=6))
def test_repeated_in_ascending_runs_is_pandas_duplicated(runs: list[list[str]]) -> None:
    # read_cohort's layout: a few runs, each sorted by id; up to four are merged, more are hashed.
    values = [text for run in runs for text in sorted(set(run))]
    assert repeated(_texts(values)).tolist() == pd.Series(values, dtype=object).duplicated().tolist()


def test_repeated_counts_every_later_copy() -> None:
    assert repeated(_texts(["b", "a", "b", "c", "a", "b"])).tolist() == [False, False, True, False, True, True]


@settings(max_examples=200, deadline=None)
@given(st.lists(IDS, max_size=30))
def test_equal_to_previous(values: list[str]) -> None:
    expected = [False] + [a == b for a, b in itertools.pairwise(values)]
    assert equal_to_previous(_texts(values)).tolist() == expected[: len(values)]


def _python_owners(lines: list[str], customers: list[str]) -> list[int] | None:
    runs = [text for index, text in enumerate(lines) if index == 0 or lines[index - 1] != text]
    if runs != customers[: len(runs)]:
        return None
    return [runs.index(text) for text in lines]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "Ç", "ab"]), max_size=12),
       st.lists(st.sampled_from(["a", "b", "Ç", "ab", "c"]), max_size=5, unique=True))
def test_owners_in_order_when_runs_name_the_first_customers(lines: list[str], customers: list[str]) -> None:
    owners = owners_in_order(_texts(lines), _texts(customers))

    expected = _python_owners(lines, customers)
    assert (owners.tolist() if owners is not None else None) == expected


def test_owners_in_order_of_read_cohort_layout() -> None:
    owners = owners_in_order(_texts(["x", "x", "y", "z", "z"]), _texts(["x", "y", "z", "w"]).slice(0))
    assert owners is not None
    assert owners.tolist() == [0, 0, 1, 2, 2]
    assert owners_in_order(_texts(["x", "y", "x"]), _texts(["x", "y", "z"])) is None  # x in two runs
    assert owners_in_order(_texts(["y"]), _texts(["x", "y"])) is None  # does not start at the first


def test_ends_in_finds_texts_that_start_or_end_with_a_character() -> None:
    texts = _texts(["a", " a", "a ", "", "b", "\u3000x", "x\u2029", "ş", "Ç\u00a0", "\U0001f600"])

    assert ends_in(texts, " ").tolist() == [1, 2]
    assert ends_in(texts, "\u3000\u2029\u00a0").tolist() == [5, 6, 8]
    # "ş" ends with byte 0x9f, as U+205F does: bytes alone would flag it.
    assert ends_in(texts, "\u205f").tolist() == []
    assert ends_in(texts, "\U0001f600b").tolist() == [4, 9]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=5), max_size=20), st.text(min_size=1, max_size=4))
def test_ends_in_agrees_with_python(values: list[str], characters: str) -> None:
    expected = [row for row, text in enumerate(values) if text and (text[0] in characters or text[-1] in characters)]
    assert ends_in(_texts(values), characters).tolist() == expected


def test_buffers_of_a_slice_and_of_an_empty_array() -> None:
    offsets, data = buffers(_texts(["ab", "c", "de"]).slice(1, 2))
    assert [bytes(data[offsets[i]:offsets[i + 1]]) for i in range(2)] == [b"c", b"de"]
    offsets, data = buffers(_texts([]))
    assert offsets.tolist() == [0]
    assert len(data) == 0
