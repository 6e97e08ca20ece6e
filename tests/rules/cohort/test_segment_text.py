"""Column-at-a-time numbers agree with Python's own rounding and formatting, digit for digit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rules.cohort.columnar_numbers import money
from rules.cohort.columnar_render import render
from rules.cohort.columnar_text import fixed_text, number_pieces
from rules.segments import num

# Half-cent ties that are exact in binary, near-ties that are not, and amounts too large for the fast path.
TRICKY = [0.0, 0.125, 0.375, 2.675, 1.005, 0.995, 1.995, 99.995, 0.1 + 0.2, 1e-9, 65535.5, 65536.25,
          2.0**38 - 0.005, 2.0**38 + 0.125, 3e11 + 0.015, 1e15 + 0.5, 123456789012345.67]


def _python_num(values: np.ndarray) -> list[str]:
    return [num(v) for v in values.tolist()]


def test_tricky_values_round_and_print_like_python() -> None:
    values = np.array(TRICKY)

    assert money(values).tolist() == [round(v, 2) for v in TRICKY]
    assert render(*number_pieces(values)).to_pylist() == _python_num(values)
    assert fixed_text(values, 4).to_pylist() == [f"{v:.4f}" for v in TRICKY]


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 300), elements=st.floats(0, 1e7, allow_nan=False)
              | st.integers(0, 10**6).map(lambda cents: cents / 100)))
def test_any_amounts_round_and_print_like_python(values: np.ndarray) -> None:
    assert money(values).tolist() == [round(v, 2) for v in values.tolist()]
    assert render(*number_pieces(values)).to_pylist() == _python_num(values)
    assert fixed_text(values, 2).to_pylist() == [f"{v:.2f}" for v in values.tolist()]


def test_pieces_left_out_where_not_present() -> None:
    values = np.array([1.5, 2.0, 3.25])

    assert render("x=", *number_pieces(values, np.array([True, False, True]))).to_pylist() == ["x=1.50", "x=",
                                                                                              "x=3.25"]


def test_money_outside_the_exact_range_is_pythons_round() -> None:
    values = [float("nan"), float("inf"), -float("inf"), 1e300, -2.675, -0.005, 2.0**38 + 0.125]

    rounded = money(np.array(values)).tolist()

    assert str(rounded) == str([round(v, 2) for v in values])  # as text: nan == nan there


def test_whole_amounts_too_large_for_the_fast_path_print_like_python_when_every_value_is_whole() -> None:
    values = np.array([3e11, 5.0, 2.0**53, 9e15])

    assert render(*number_pieces(values)).to_pylist() == _python_num(values) == [
        "300000000000", "5", "9007199254740992", "9000000000000000"]
