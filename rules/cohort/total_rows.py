"""Total rows: the "Toplam;;;;1.234,50" line an export adds below its table, told apart by its customer id cell.

A total row has a customer id, often a date and always a number, so it would pass as a customer whose one
purchase is the whole file (and raise the cohort's median basket). Its id cell holds a word for a total instead,
or, below each customer's rows as Excel's Data › Subtotal writes them, that customer's id and the word ("C1
Toplam", "C1 Total").
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.values import BoolArray, Codes, spread_flags

# Lower case, as `pc.utf8_lower` gives them ("GENEL TOPLAM:" → "genel toplam").
TOTAL_WORDS = ("toplam", "genel toplam", "ara toplam", "toplam tutar", "total", "totals", "grand total",
               "sub total", "subtotal", "sub-total", "sum", "summe", "gesamt", "totaal", "somme", "totale")


# What Excel's Data › Subtotal writes in the grouped column: the group's value and the word, in the language of
# Excel's interface.
_SUBTOTAL_WORDS = ("toplam", "total", "sum", "summe", "totaal", "somme", "totale")
_SUBTOTAL = rf"(?i)^(?P<id>.*\S)\s+(?:{'|'.join(_SUBTOTAL_WORDS)})$"


def total_rows(customer: Codes, undated: BoolArray | None = None) -> BoolArray:
    """Per row: whether its customer id cell is a word for a total ("Toplam", "GENEL TOPLAM:", "Grand Total"),
    or, on a row of ``undated`` (no purchase date: a subtotal row holds the label and the sum only), another
    customer's id followed by one ("C1 Toplam"). "Acme Total" with a date is a customer's purchase, even if
    "Acme" is a customer too; without ``undated`` (a customers file has no subtotals) no row is a subtotal."""
    if customer.count is not None or not len(customer.values) or \
            (not pa.types.is_string(customer.values.type) and not pa.types.is_large_string(customer.values.type)):
        return np.zeros(len(customer.codes), dtype=np.bool_)  # ids that are all numbers: no words
    words = pc.utf8_rtrim(pc.utf8_trim_whitespace(pc.utf8_lower(customer.values)), ":").cast(pa.string())
    per_value = pc.is_in(pc.utf8_trim_whitespace(words), value_set=pa.array(TOTAL_WORDS)).to_numpy(
        zero_copy_only=False)
    totals = spread_flags(per_value, customer.codes) if per_value.any() else \
        np.zeros(len(customer.codes), dtype=np.bool_)
    if undated is not None and undated.any():
        subtotals = _subtotals(customer.values, words)
        if subtotals.any():
            totals |= spread_flags(subtotals, customer.codes) & undated
    return totals


def _subtotals(ids: pa.Array, words: pa.Array) -> BoolArray:
    """Per distinct id: whether it is another of the ids followed by a word for a total (only then: "Acme Total"
    is a customer unless "Acme" is one too); ``words`` are the ids lower-cased and trimmed."""
    # A regex over every distinct id costs ten times the rest of this module: it runs only when some id ends in
    # one of the words.
    ending = [pc.ends_with(words, f" {word}") for word in _SUBTOTAL_WORDS]
    if not any(pc.any(hit).as_py() for hit in ending):
        return np.zeros(len(ids), dtype=np.bool_)
    text = ids.cast(pa.string())
    extracted = pc.extract_regex(text, _SUBTOTAL)
    # A field of a struct that is null (no match) need not be null itself; and a null id is no subtotal's.
    subtotal = pc.and_(pc.is_valid(extracted), pc.is_in(pc.struct_field(extracted, [0]), value_set=text,
                                                       skip_nulls=True))
    found: BoolArray = pc.fill_null(subtotal, False).to_numpy(zero_copy_only=False)
    return found
