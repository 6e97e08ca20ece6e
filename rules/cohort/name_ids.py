"""A warning when a file's customer ids are people's names (WooCommerce's ``Customer``, a ``Müşteri`` column).

Names are read as ids like any other text, but two customers of one name become one customer, and the results
carry the names: the warning says so and what to map instead.
"""

from __future__ import annotations

import re

import pyarrow as pa

from rules.cohort.values import sample_texts, shown

# Two or more words of letters (an apostrophe or a hyphen inside a word allowed), no digits: "Ayşe Yılmaz",
# "Jean-Luc O'Neill". Ids are codes: C0042, 17850, ayse@example.com, AB-12.
_PERSON_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*(?:\s+[^\W\d_]+(?:['’-][^\W\d_]+)*)+")
_SHARE = 0.8  # of the sampled ids; a few names among codes are some guests' ids, not the column's kind
_SAMPLE = 500


def names_as_ids(ids: pa.Array, column: str) -> list[str]:
    """The warning (in a list, empty when none) for distinct customer ids that look like people's names.

    Examples:
        >>> names_as_ids(pa.array(["Ayşe Yılmaz", "Mehmet Öz", "Jean-Luc O'Neill"]), "Customer")[0][:61]
        "customer_id ('Customer'): its values look like people's names"
        >>> names_as_ids(pa.array(["C0042", "17850", "ayse@example.com"]), "Müşteri No")
        []
    """
    sample = sample_texts(ids, _SAMPLE)
    if not sample:
        return []
    named = [value for value in sample if _PERSON_NAME.fullmatch(value.strip())]
    if len(named) < _SHARE * len(sample):
        return []
    return [f"customer_id ({column!r}): its values look like people's names (e.g. {shown(named[0])!r}): customers "
            "of the same name are one customer, and the results carry the names; map an id or e-mail column "
            "instead if the file has one (mapping={'customer_id': '<column>'})"]
