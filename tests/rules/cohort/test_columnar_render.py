"""Rendering reasons row by row from pieces."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.cohort.columnar_render import Ints, Texts, render
from rules.cohort.columnar_strings import TEXT

TABLE = pa.array(["Sadık: ", " ≤ ", None, ""], TEXT)


def test_each_row_takes_only_the_pieces_it_uses() -> None:
    rendered = render(
        Texts(TABLE, np.array([0, 1, -1, 2])),
        Ints(np.array([12, -3, 7, 0]), np.array([True, True, False, True])),
        " orders",
    )
    # Row 3 picks a null table entry, which counts as empty.
    assert rendered.to_pylist() == ["Sadık: 12 orders", " ≤ -3 orders", " orders", "0 orders"]
    assert rendered.type == TEXT


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**62), 2**62), st.booleans(), st.integers(-1, 3)), min_size=1,
                max_size=30))
def test_rendering_equals_python_formatting(rows: list[tuple[int, bool, int]]) -> None:
    values = np.array([r[0] for r in rows], dtype=np.int64)
    shown = np.array([r[1] for r in rows])
    codes = np.array([r[2] for r in rows], dtype=np.int64)
    table = TABLE.to_pylist()

    rendered = render("[", Ints(values, shown), Texts(TABLE, codes), Ints(values), "]")

    expected = [f"[{v if s else ''}{(table[c] or '') if c >= 0 else ''}{v}]" for v, s, c in
                zip(values.tolist(), shown.tolist(), codes.tolist(), strict=True)]
    assert rendered.to_pylist() == expected


def test_pieces_must_have_the_same_rows() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        render(Ints(np.array([1, 2])), Ints(np.array([1])))
    with pytest.raises(ValueError, match="at least one column"):
        render("only a constant")


def test_one_code_for_every_present_row() -> None:
    present = np.array([True, False, True])

    rendered = render(Texts(TABLE, 0, present), Texts(TABLE, np.array([1, 1, 0]), ~present), "x")

    assert rendered.to_pylist() == ["Sadık: x", " ≤ x", "Sadık: x"]
    with pytest.raises(ValueError, match="needs `present`"):
        Texts(TABLE, 0)
