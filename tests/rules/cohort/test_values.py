"""Columns as codes: equal codes exactly for equal ids, however the ids are numbered; flags per value spread over
the rows."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.values import (
    DecimalMark,
    as_text,
    decide_decimal_mark,
    encode_text,
    id_text,
    longer_than,
    sample_texts,
    spread_flags,
    to_numbers,
)

# Order ids of very different widths (50 … 59999993): far too sparse for a table of texts, fine for codes.
NAN, INF = float("nan"), float("inf")
ORDER_ID = st.one_of(st.none(), st.integers(0, 10**7).map(lambda n: f"5{n}"), st.sampled_from(["SO-7", "SO-70"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(ORDER_ID, min_size=1, max_size=40), st.booleans())
def test_equal_codes_exactly_for_equal_ids(ids: list[str | None], texts: bool) -> None:
    codes, _ = encode_text(pa.array(ids, pa.string()), ids=True, texts=texts)

    assert len(codes.codes) == len(ids)
    for i, first in enumerate(ids):
        assert (codes.codes[i] < 0) == (first is None)
        for j, second in enumerate(ids):
            if first is not None and second is not None:
                assert (codes.codes[i] == codes.codes[j]) == (first == second)
    assert 0 <= codes.codes.max(initial=0) < max(len(codes), 1)
    if texts:
        assert [codes.values[int(code)].as_py() if code >= 0 else None for code in codes.codes] == ids


def test_sparse_order_ids_are_numbered_without_their_texts() -> None:
    ids = pa.array(["50", "59999993", "512", "50"], pa.string())

    codes, _ = encode_text(ids, ids=True, texts=False)

    assert codes.codes.tolist() == [0, 59999943, 462, 0]
    assert len(codes.values) == 0
    assert len(codes) == 59999944


def test_texts_may_be_decided_by_the_ids_prefixes() -> None:
    def cancellation(prefixes: list[str]) -> bool:
        return any(prefix.startswith("C") for prefix in prefixes)

    plain, _ = encode_text(pa.array(["536365", "536366"]), ids=True, texts=cancellation)
    cancelled, _ = encode_text(pa.array(["536365", "C536365", None]), ids=True, texts=cancellation)

    assert len(plain.values) == 0
    assert len(plain) == 2
    assert [cancelled.values[int(code)].as_py() for code in cancelled.codes[:2]] == ["536365", "C536365"]
    assert cancelled.codes[2] == -1


@pytest.mark.parametrize("kind", ["text", "dictionary"])
def test_ids_that_print_alike_are_one_id(kind: str) -> None:
    nfc = "MÜŞ-001"
    written = [nfc, unicodedata.normalize("NFD", nfc), "\u200bC3", "C3", "C4\ufeff", "C4", "\u200b", "C5", None]
    column = pa.array(written, pa.string())

    codes, note = encode_text(column.dictionary_encode() if kind == "dictionary" else column, ids=True)

    assert [codes.values[int(code)].as_py() if code >= 0 else None for code in codes.codes] == [
        nfc, nfc, "C3", "C3", "C4", "C4", None, "C5", None]
    assert codes.codes.tolist() == [0, 0, 1, 1, 2, 2, -1, 3, -1]
    assert note == ("4 id(s) written in another Unicode form or with an invisible character at an end were read as "
                    "written plainly (e.g. 'MÜŞ-001')")


def test_numbered_ids_with_an_invisible_prefix_are_one_id() -> None:
    codes, note = encode_text(pa.array(["C1", "\ufeffC1", "C2"], pa.string()), ids=True)

    assert [codes.values[int(code)].as_py() for code in codes.codes] == ["C1", "C1", "C2"]
    assert codes.codes[0] == codes.codes[1] != codes.codes[2]
    assert note is not None


def test_flags_spread_by_codes_and_nulls_are_never_flagged() -> None:
    assert spread_flags([True, False], np.array([1, 0, -1, 0], dtype=np.int64)).tolist() == [False, True, False, True]
    assert spread_flags([], np.array([-1, -1], dtype=np.int64)).tolist() == [False, False]


def test_longer_than_counts_characters_not_bytes() -> None:
    codes, _ = encode_text(pa.array(["ŞŞŞ", "abcd", None, "ŞŞŞ"], pa.string()))

    assert longer_than(codes, 3).tolist() == [False, True, False, False]


def test_a_sample_of_a_long_column_comes_from_all_of_it() -> None:
    column = pa.array([str(row) if row % 3 else None for row in range(100_000)])

    sample = [int(text) for text in sample_texts(column, 2000)]

    assert len(sample) == 2000
    assert min(sample) < 100
    assert max(sample) > 99_900
    assert sample == sorted(sample)


def test_nan_in_a_float_column_is_no_value_as_null_is() -> None:
    # Polars, Spark and NumPy keep NaN apart from null; a CSV's "NaN" cell is null.
    floats = pa.array([17850.0, NAN, None, 1.5, INF])

    numbers = to_numbers(floats)
    codes, _ = encode_text(floats, ids=True)

    assert as_text(floats).to_pylist() == ["17850", None, None, "1.5", "inf"]
    assert numbers.present.tolist() == [True, False, False, True, True]
    assert numbers.bad.tolist() == [False, False, False, False, True]  # infinity is given, and no number
    assert codes.codes.tolist() == [0, -1, -1, 1, 2]


def test_ids_stored_as_floats_keep_every_digit_and_those_too_large_to_be_exact_are_noted() -> None:
    text, note = id_text(pa.array([12345678901234568.0, 17850.0, None]))

    assert text.to_pylist() == ["12345678901234568", "17850", None]
    assert note == ("ids stored as floating-point numbers of 2**53 or more (e.g. 12345678901234568) keep only 15 to "
                    "17 digits: ids that differed in their last digits may have become one; export the ids as text "
                    "or whole numbers")
    assert id_text(pa.array([9007199254740991.0]))[1] is None  # 2**53 - 1: still exact


def test_whole_number_ids_some_written_as_floats_are_one_form() -> None:
    text, note = id_text(pa.array(["17850", "17850.0", "13047.0", None]))
    kept, none = id_text(pa.array(["17850", "12.5", "13047.0"]))

    assert (text.to_pylist(), note) == (["17850", "17850", "13047", None], "ids written as 17850.0 were read as 17850")
    assert (kept.to_pylist(), none) == (["17850", "12.5", "13047.0"], None)


def test_decimal_ids_are_the_numbers_they_are_without_the_zeros_of_their_scale() -> None:
    # Oracle's NUMBER through Spark is decimal(38,10): customer 101 is 101, as another file writes it.
    ids = pa.array([Decimal("101"), Decimal("102.5"), Decimal("0"), Decimal("0.0000000001"), None, Decimal("101")],
                   pa.decimal128(38, 10))

    codes, note = encode_text(ids, ids=True)

    assert codes.values.to_pylist() == ["101", "102.5", "0", "1E-10"]
    assert codes.codes.tolist() == [0, 1, 2, 3, -1, 0]
    assert note is None
    assert as_text(pa.array([Decimal("7"), Decimal("-7.10")], pa.decimal128(5, 2))).to_pylist() == ["7", "-7.1"]


@pytest.mark.parametrize("kind", [pa.decimal128(12, 2), pa.decimal256(12, 2), pa.decimal128(15, 2),
                                  pa.decimal128(38, 2), pa.decimal256(40, 2)])
def test_decimal_numbers_are_the_nearest_floats_as_the_same_text_in_a_csv_is(kind: pa.DataType) -> None:
    # Arrow's own cast gives 0.35000000000000003 and 0.7000000000000001 for the first two.
    written = ["0.35", "0.70", "0.57", None, "-1234.56", "9999999999.99"]
    rng = np.random.default_rng(7)
    written += [f"{cents / 100:.2f}" for cents in rng.integers(-10**12, 10**12, 2000)]
    amounts = pa.array([None if text is None else Decimal(text) for text in written], kind).slice(1)

    numbers = to_numbers(amounts)

    expected = [NAN if text is None else float(text) for text in written[1:]]
    assert numbers.values.tobytes() == np.array(expected).tobytes()  # every bit, NaN where there is no value
    assert numbers.present.tolist() == [text is not None for text in written[1:]]


def test_32_bit_decimals_are_read_through_their_text() -> None:
    # decimal32 (4 bytes) holds no 64-bit word to divide: its values go through their text.
    column = pa.array([Decimal("1.25"), None, Decimal("-0.35")], pa.decimal32(7, 2))

    numbers = to_numbers(column)

    assert numbers.present.tolist() == [True, False, True]
    assert numbers.values[[0, 2]].tolist() == [1.25, -0.35]


@pytest.mark.parametrize(("texts", "mark"), [
    (["12.50 ₺", "25.00 TL", "1,234.50 TL"], "."),  # LibreOffice's CSV of currency cells, en-US
    (["12,50 ₺", "25,00 TL", "1.234,50 TL"], ","),  # the same, Turkish
    (["(12.50)", "3.00-", "USD 7.25", "\u22124.75 €"], "."),
    (["(12,50)", "3,00-", "EUR 7,25", "\u22124,75 €"], ","),
])
def test_numbers_with_a_currency_or_negative_form_around_them_tell_the_decimal_mark(texts: list[str],
                                                                                    mark: DecimalMark) -> None:
    other: DecimalMark = "," if mark == "." else "."

    decision = decide_decimal_mark([pa.array(texts, pa.string())], default=other)

    assert (decision.mark, decision.comma_evidence + decision.dot_evidence) == (mark, len(texts))
