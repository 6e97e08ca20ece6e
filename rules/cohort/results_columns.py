"""Telling segment's own results apart from a customer export, by the columns only the results have.

A results file (`segment cohort --out`, the dashboard's download) fed back in as the input has `customerId`,
`orderCount` and `totalSpent`, so the reader takes it for a purchase history and then misses its other
columns. When such a file cannot be read, the error says what the file is instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.errors import InvalidInput, Problem

# Written by `segment_cohort` (see `rules.cohort.results_parquet.RESULTS_SCHEMA`) and by no export it reads.
RESULTS_ONLY_COLUMNS = (
    "ageSegment", "churnSegment", "valueSegment", "loyaltyTier", "affinityType", "diversityProfile",
    "rulebookVersion", "medianBasketSource", "isNewCustomer", "churnSegmentReason", "valueSegmentReason",
)
# A few of them make a results file; one alone may be a shop's own column.
_ENOUGH = 3


def results_columns(columns: Sequence[str]) -> list[str]:
    """The columns of ``columns`` that only segment's results have, when there are enough of them to tell a
    results file; else an empty list.

    Examples:
        >>> results_columns(["customerId", "churnSegment", "valueSegment", "rulebookVersion", "orderCount"])
        ['churnSegment', 'valueSegment', 'rulebookVersion']
        >>> results_columns(["Müşteri No", "churnSegment", "Tutar"])
        []
    """
    found = [column for column in columns if column.strip() in RESULTS_ONLY_COLUMNS]
    return found if len(found) >= _ENOUGH else []


def said_as_results(error: InvalidInput, columns: Sequence[str]) -> InvalidInput:
    """The error to raise for a file that could not be read: that it is segment's results, when its columns say
    so (no mapping of its columns would make it a customer export, so ``error``'s advice would mislead), else
    ``error`` itself."""
    found = results_columns(columns)
    if not found:
        return error
    return InvalidInput([Problem(
        "columns", "the file is segment's results (`segment cohort`, segment_cohort, the dashboard's download), not a "
                   "customer export: read the order lines or purchase history the results were made from",
        found[:4] + (["…"] if len(found) > 4 else []))])
