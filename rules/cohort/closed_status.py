"""Magento's "Closed": an order refunded in full, told from an ERP's "Closed" (done) by the statuses beside it.

Magento closes an order when a credit memo refunds all of it; the orders that went ahead are "Complete". Elsewhere
"Closed" means finished. So a "Closed" status is a cancellation only in a column that also says "Complete": there
it cannot mean the order was done.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.text import fold

_CLOSED, _COMPLETE = "closed", "complete"


def closed_as_refunded(statuses: Sequence[str]) -> list[bool]:
    """Per distinct status: whether it is "Closed" in a column whose statuses also hold "Complete" (Magento's).

    Examples:
        >>> closed_as_refunded(["Complete", "Closed", "Canceled"])
        [False, True, False]
        >>> closed_as_refunded(["Open", "Closed"])
        [False, False]
    """
    folded = [fold(status).strip() for status in statuses]
    magento = _COMPLETE in folded
    return [magento and status == _CLOSED for status in folded]
