"""Customer attributes (city, region, age, gender, signup day) from rows that repeat them, one value per customer.

Order lines repeat a customer's attributes on every row, and exports disagree with themselves now and then (two
ages for one customer). The most frequent value wins; on a tie, the one that comes last in the file. Every
attribute with disagreements gets one warning that says so, with an example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.compiled import kernel
from rules.cohort.values import AnyArray, BoolArray, Codes, IntArray, Numbers, encode, encode_text, shown
from rules.text import fold

MAX_AGE = 120
MAX_TEXT = {"city": 200, "region": 200, "gender": 32}
_FEMALE = {"f", "female", "woman", "w", "k", "kadin", "bayan", "kiz", "\u2640"}  # ♀
_MALE = {"m", "male", "man", "e", "erkek", "bay", "\u2642"}  # ♂
_SYMBOLS = "\u2640\u2642\u26a5"  # ♀ ♂ ⚥: no letter, yet a value
_UNKNOWN = {"unknown", "not known", "not specified", "unspecified", "not given", "n/a", "na", "none", "null", "nan",
            "#n/a", "bilinmiyor", "bilinmeyen", "belirtilmemis", "belirtilmedi", "belirsiz"}
# In brackets, as pivot tables and reports write a missing value ("(blank)", "(unknown)", "[boş]"), these words
# say nothing was given too; alone, "Blank" or "Empty" could be a name.
_BRACKETED_UNKNOWN = _UNKNOWN | {"blank", "empty", "bos", "missing", "eksik", "yok"}
_BRACKETS = ("()", "[]", "<>", "{}")
_LONGEST_UNKNOWN = max(map(len, _BRACKETED_UNKNOWN)) + 6  # room for brackets, and spaces and dots that fold away
# A boolean cell (a checkbox, a formula such as =A2>0) as a workbook reads it and as Excel writes it to CSV, in
# English and in Turkish (DOĞRU, YANLIŞ): no city, region or gender, whichever column it landed in.
_BOOLEANS = {"true", "false", "dogru", "yanlis"}


@dataclass(frozen=True)
class PerCustomer:
    """One attribute, one value per customer code: ``values[c]`` where ``known[c]``."""

    values: IntArray
    known: BoolArray


def resolve(
    customer: IntArray, values: IntArray, present: BoolArray, rows: IntArray | None, customers: int,
    label: str, describe: Callable[[int], str], customer_ids: pa.Array, warnings: list[str], owner: str = "customer",
) -> PerCustomer:
    """One value per customer from per-row values.

    Args:
        customer: each row's customer code (rows that do not count are left out by the caller).
        values: each row's value as an integer (a code, an age, a day number).
        present: the row has a value.
        rows: each row's position in the file (ties go to the highest); None when the rows are the file's
            rows in order.
        customers: how many customer codes there are.
        label: the attribute's name in warnings.
        describe: a value as text, for warnings.
        customer_ids: customer code → id, for warnings.
        warnings: where the disagreement warning goes.
        owner: what ``customer`` codes stand for, in the warning (the same resolution gives each product one
            name).
    """
    low = np.full(customers, np.iinfo(np.int64).max)
    high = np.full(customers, np.iinfo(np.int64).min)
    _value_range(customer, values, present, low, high)
    known = high != np.iinfo(np.int64).min
    chosen = np.where(known, high, 0)
    disputed = known & (low != high)
    if disputed.any():
        who, what = customer[present], values[present]
        where = np.flatnonzero(present) if rows is None else rows[present]
        in_dispute = disputed[who]
        frame = pd.DataFrame({"c": who[in_dispute], "v": what[in_dispute], "r": where[in_dispute]})
        tally = frame.groupby(["c", "v"], sort=False).agg(n=("r", "size"), last=("r", "max")).reset_index()
        tally = tally.sort_values(["c", "n", "last"], ascending=[True, False, False], kind="stable")
        winners = tally.drop_duplicates("c")
        chosen[winners["c"].to_numpy()] = winners["v"].to_numpy()
        example = int(winners["c"].iloc[0])
        others = tally.loc[(tally["c"] == example) & (tally["v"] != chosen[example]), "v"]
        warnings.append(
            f"{label}: {int(disputed.sum())} {owner}(s) have more than one value; used the most frequent "
            f"(on a tie, the last in the file), e.g. {owner} {shown(customer_ids[example].as_py())}: "
            f"{describe(int(chosen[example]))} over {', '.join(describe(int(v)) for v in others)}")
    return PerCustomer(chosen.astype(np.int64), known)


@kernel
def _value_range(customer: IntArray, values: IntArray, present: BoolArray, low: IntArray, high: IntArray) -> None:
    """The smallest and largest value of each customer's present rows: one pass, nothing gathered first."""
    for row in range(len(customer)):
        if present[row]:
            who, value = customer[row], values[row]
            low[who] = min(low[who], value)
            high[who] = max(high[who], value)


def text_codes(column: AnyArray, label: str, limit: int, warnings: list[str]) -> Codes:
    """Codes for a text attribute; values that say the value is unknown (``-``, ``Belirtilmemiş``), booleans
    (``TRUE``, a workbook's boolean cell) and values longer than the engine accepts become unknown, with a
    warning."""
    codes = encode_text(column)[0]
    texts = [str(text) for text in codes.values.to_pylist()]  # the distinct values, not the rows
    boolean = np.array([len(text) <= 12 and fold(text) in _BOOLEANS for text in texts], dtype=np.bool_)
    if boolean.any():
        dropped = np.isin(codes.codes, np.flatnonzero(boolean))
        warnings.append(f"{label}: {int(dropped.sum())} value(s) that are true or false (a boolean cell, e.g. "
                        f"{shown(texts[int(np.flatnonzero(boolean)[0])])!r}) are left unknown")
        codes = Codes(np.where(dropped, -1, codes.codes), codes.values)
    said_unknown = np.array([_says_unknown(text) for text in texts], dtype=np.bool_)
    if said_unknown.any():
        dropped = np.isin(codes.codes, np.flatnonzero(said_unknown))
        warnings.append(f"{label}: {int(dropped.sum())} value(s) that say it is unknown (e.g. "
                        f"{shown(texts[int(np.flatnonzero(said_unknown)[0])])!r}) are left unknown")
        codes = Codes(np.where(dropped, -1, codes.codes), codes.values)
    too_long = pc.fill_null(pc.greater(pc.utf8_length(codes.values), limit), False).to_numpy(zero_copy_only=False)
    if too_long.any():
        dropped = np.isin(codes.codes, np.flatnonzero(too_long))
        warnings.append(f"{label}: {int(dropped.sum())} value(s) longer than {limit} characters are left unknown")
        codes = Codes(np.where(dropped, -1, codes.codes), codes.values)
    return codes


def _says_unknown(text: str) -> bool:
    """A placeholder for a value nobody gave: punctuation only (``-``, ``?``), a word for unknown, or one for
    unknown or blank in brackets (``(blank)``, as Excel's pivot tables write it). Kept, it would be a city or
    gender that overrides the one the other file knows."""
    if not any(character.isalnum() or character in _SYMBOLS for character in text):
        return True
    # Only a short text can be one of the words (folding every distinct value costs seconds per million).
    if len(text) > _LONGEST_UNKNOWN:
        return False
    key = fold(text)
    if len(key) > 2 and key[0] + key[-1] in _BRACKETS:
        return key[1:-1].strip() in _BRACKETED_UNKNOWN
    return key in _UNKNOWN


def gender_codes(column: AnyArray, warnings: list[str]) -> Codes:
    """Gender as the seed writes it: F and M for the usual English and Turkish words, anything else as given."""
    codes = text_codes(column, "gender", MAX_TEXT["gender"], warnings)
    labels = []
    for value in codes.values.to_pylist():
        key = fold(str(value))
        labels.append("F" if key in _FEMALE else "M" if key in _MALE else value)
    normalised = encode(pa.array(labels, pa.string()))
    mapped = np.where(codes.codes >= 0, normalised.codes[np.maximum(codes.codes, 0)] if len(labels) else -1, -1)
    return Codes(mapped.astype(np.int64), normalised.values)


def age_values(numbers: Numbers, warnings: list[str]) -> tuple[IntArray, BoolArray]:
    """Ages as whole years 0..120; other values are left unknown, with a warning."""
    values = numbers.values
    whole = np.isfinite(values) & (values == np.round(values)) & (values >= 0) & (values <= MAX_AGE)
    rejected = numbers.present & ~whole
    if rejected.any():
        warnings.append(f"age: {int(rejected.sum())} value(s) are not a whole number of years from 0 to {MAX_AGE} "
                        "and are left unknown")
    return np.where(whole, values, 0).astype(np.int64), whole
