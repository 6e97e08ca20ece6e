"""Magento's "Closed" (refunded in full) is a cancellation only beside "Complete"; elsewhere "Closed" means done."""

from __future__ import annotations

import pytest

from rules.cohort.closed_status import closed_as_refunded


@pytest.mark.parametrize(("statuses", "refunded"), [
    (["Complete", "Closed", "Canceled", "Processing"], [False, True, False, False]),  # Magento's labels
    (["complete", " CLOSED "], [False, True]),
    (["Open", "Closed"], [False, False]),  # an ERP's "Closed" is a finished order
    (["Completed", "Closed"], [False, False]),  # WooCommerce writes "Completed" and has no "Closed"
    (["Closed"], [False]),
    ([], []),
])
def test_closed_is_refunded_only_beside_complete(statuses: list[str], refunded: list[bool]) -> None:
    assert closed_as_refunded(statuses) == refunded
