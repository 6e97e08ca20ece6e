"""Order codes too sparse for a ranking key are renumbered first; the key's bits for them."""

from __future__ import annotations

import numpy as np

from rules.cohort.orderlines import _compact_orders


def test_sparse_order_codes_are_renumbered_in_their_order() -> None:
    order = np.array([7, 2**40, 7, 3], dtype=np.int64)

    codes, bits = _compact_orders(order, 2**41, 2**22)

    assert codes.tolist() == [1, 2, 1, 0]
    assert bits == 2


def test_codes_that_fit_are_kept() -> None:
    order = np.array([7, 2**40, 7], dtype=np.int64)

    codes, bits = _compact_orders(order, 2**41, 1000)

    assert codes is order
    assert bits == 41
