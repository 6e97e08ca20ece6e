"""Encoding the history's texts: through the product ids when they decide the text, by hashing otherwise."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.columnar_input import Encoded
from rules.cohort.columnar_strings import TEXT, follow_keys

PRODUCTS = ["P-1", "P-2", "P-3", "P-10"]
NAMES = ["Gül Suyu", "Krem", "Krem 50 ml, uzun bir ürün adı", "", "Şampuan"]


def _decoded(encoded: Encoded) -> list[str | None]:
    values = encoded.values.to_pylist()
    return [values[code] if code >= 0 else None for code in encoded.codes.tolist()]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PRODUCTS), max_size=30), st.dictionaries(st.sampled_from(PRODUCTS),
                                                                          st.sampled_from(NAMES)),
       st.lists(st.tuples(st.integers(0, 29), st.none() | st.sampled_from(NAMES)), max_size=2))
def test_through_equals_hashing(products: list[str], name_of: dict[str, str],
                                changes: list[tuple[int, str | None]]) -> None:
    names: list[str | None] = [name_of.get(p, "Krem") for p in products]
    for row, name in changes:  # sometimes a line names its product differently, or not at all
        if row < len(names):
            names[row] = name
    key = Encoded.of(pa.array(products, TEXT))
    texts = pa.array(names, TEXT)

    through, hashed = Encoded.through(key, texts), Encoded.of(texts)

    assert _decoded(through) == _decoded(hashed) == names
    assert through.values.to_pylist() == hashed.values.to_pylist()  # same dictionary, same order


def test_follow_keys_finds_first_rows_or_a_difference() -> None:
    keys = Encoded.of(pa.array(["a", "b", "a", "c", "b"], TEXT)).codes
    found = follow_keys(keys, pa.array(["x", "y", "x", "x", "y"], TEXT))
    assert found is not None
    assert found.tolist() == [0, 1, 3]
    assert follow_keys(keys, pa.array(["x", "y", "x", "x", "yy"], TEXT)) is None
    assert follow_keys(keys, pa.array(["x", "y", "x", "x", None], TEXT)) is None
    # Texts longer than a word differ only in their last byte.
    assert follow_keys(keys[:3], pa.array(["abcdefghij", "b", "abcdefghik"], TEXT)) is None
