"""Total rows told apart by their customer id cell."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rules.cohort.total_rows import total_rows
from rules.cohort.values import Codes


def test_subtotal_rows_are_an_id_of_the_file_and_a_total_word_and_a_null_id_is_none() -> None:
    ids = pa.array(["C1", "C1 Toplam", "Acme Total", None, "C9 Total", "GENEL TOPLAM:", "C1 sum"])

    flags = total_rows(Codes(np.arange(len(ids), dtype=np.int64), ids))

    assert flags.tolist() == [False, True, False, False, False, True, True]
