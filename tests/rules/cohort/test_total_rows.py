"""Total rows told apart by their customer id cell."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rules.cohort.read import read_cohort
from rules.cohort.total_rows import total_rows
from rules.cohort.values import Codes


def test_subtotal_rows_are_an_id_of_the_file_and_a_total_word_and_a_null_id_is_none() -> None:
    ids = pa.array(["C1", "C1 Toplam", "Acme Total", None, "C9 Total", "GENEL TOPLAM:", "C1 sum"])

    codes = Codes(np.arange(len(ids), dtype=np.int64), ids)
    undated = np.array([False, True, True, True, True, True, True])

    assert total_rows(codes, undated).tolist() == [False, True, False, False, False, True, True]
    # With a purchase date, "C1 Toplam" is a customer's line; a customers file (no dates given) has no subtotals.
    assert total_rows(codes, ~undated | np.eye(7, dtype=np.bool_)[1]).tolist() == [False, True, False, False,
                                                                                   False, True, False]
    assert total_rows(codes).tolist() == [False, False, False, False, False, True, False]


def test_a_dated_line_of_a_customer_named_like_a_subtotal_is_a_purchase() -> None:
    data = (b"customer_id,order_date,product_id,amount\nAcme,2026-01-05,P1,10\nAcme Total,2026-01-06,P1,20\n"
            b"Mega Sum,2026-01-06,P1,5\nMega,2026-01-07,P1,5\nAcme Total,,,30\n")
    customers = b"customer_id,city\nAcme,Izmir\nAcme Total,Ankara\n"

    cohort = read_cohort(data, customers=customers)

    assert cohort.customers["customer_id"].tolist() == ["Acme", "Acme Total", "Mega Sum", "Mega"]
    assert {reason: rejection.count for reason, rejection in cohort.report.rejected_by_reason.items()} == {
        "total_row": 1}
    assert cohort.report.customers_file is not None
    assert cohort.report.customers_file.rows_rejected == 0
