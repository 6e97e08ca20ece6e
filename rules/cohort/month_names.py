"""Dates written with the month's name, in English or Turkish, rewritten as ISO dates for the date reader.

Magento's order grid writes ``Mar 4, 2024 10:15:33 AM``, spreadsheets ``04-Mar-24`` or ``4 Mart 2024``. The day,
month and year are taken apart by Arrow's regular expressions and put together again as ``2024-03-04`` (what
followed the year, a time of day, kept), so the rest of `rules.cohort.dates` reads them as any ISO date; a value
of another shape is left as it is. A name is the month's full name or its usual abbreviation, in any case.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rules.text import fold

_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "ocak", "oca"),
    2: ("february", "feb", "şubat", "şub"),
    3: ("march", "mar", "mart"),
    4: ("april", "apr", "nisan", "nis"),
    5: ("may", "mayıs"),
    6: ("june", "jun", "haziran", "haz"),
    7: ("july", "jul", "temmuz", "tem"),
    8: ("august", "aug", "ağustos", "ağu"),
    9: ("september", "sep", "sept", "eylül", "eyl"),
    10: ("october", "oct", "ekim", "eki"),
    11: ("november", "nov", "kasım", "kas"),
    12: ("december", "dec", "aralık", "ara"),
}
# Names as `fold` writes them (case, Turkish letters and accents folded: "ŞUBAT", "Şubat", "subat" are one).
_MONTH_OF: dict[str, int] = {fold(name): month for month, names in _NAMES.items() for name in names}

_LETTERS = re.compile(r"[^\W\d_]{3,}")
_NAME = r"(?P<month>\pL{3,9})\.?"
# A weekday after the year is left out: Excel's Turkish long date is "4 Mart 2024 Pazartesi". So is a comma before
# the time, as Magento's order grid shows its dates ("Jan 30, 2017, 4:01:00 PM").
_YEAR_AND_REST = r"(?P<year>\d{4}|\d{2})(?:,?\s+\pL+)?,?(?P<rest>(?:[ T].*)?)$"
_WEEKDAY = r"(?:\pL+\.?,?\s+)?"  # Mon, 04 Mar 2024 (as e-mail headers write dates); Pazartesi, 4 Mart 2024
# 4 Mart 2024, 04-Mar-24; then Mar 4, 2024 and March 4th, 2024.
_DAY_FIRST = rf"^\s*{_WEEKDAY}(?P<day>\d{{1,2}})\.?[ ./-]+{_NAME}[ ./,-]+{_YEAR_AND_REST}"
_MONTH_FIRST = rf"^\s*{_WEEKDAY}{_NAME}[ ./-]+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?[ ./-]+{_YEAR_AND_REST}"


def names_months(sample: list[str]) -> bool:
    """Whether some value of the sample holds a month's name (the cheap test before `spell_months`)."""
    return any(fold(word) in _MONTH_OF for value in sample for word in _LETTERS.findall(value))


def spell_months(column: pa.Array) -> pa.Array:
    """`column` (text) with dates that name their month rewritten as ISO dates; other values as they are.

    Examples:
        >>> spell_months(pa.array(["Mar 4, 2024 10:15:33 AM", "4 Mart 2024", "04-DEC-99", "2024-01-02", None,
        ...                        "Foo 4, 2024"])).to_pylist()
        ['2024-03-04 10:15:33 AM', '2024-03-04', '1999-12-04', '2024-01-02', None, 'Foo 4, 2024']
    """
    text = column.cast(pa.string()) if not pa.types.is_string(column.type) else column
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        text = _rewritten(text, pattern)
    return text


def _rewritten(text: pa.Array, pattern: str) -> pa.Array:
    """`text` with the values `pattern` matches, and whose month is a name, written as ISO dates."""
    parts = pc.extract_regex(text, pattern)  # null where the value is of another shape
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    if not matched.any():
        return text
    rows = np.flatnonzero(matched)
    found = parts.take(pa.array(rows))
    names = pc.dictionary_encode(found.field("month"))
    # Each distinct name is looked up once (a column names a dozen months, in however many rows).
    months = np.array([_MONTH_OF.get(fold(str(name)), 0) for name in names.dictionary.to_pylist()] + [0],
                      dtype=np.int64)
    month = months[names.indices.to_numpy(zero_copy_only=False)]
    named = month > 0
    if not named.any():
        return text
    rows, found, month = rows[named], found.filter(pa.array(named)), month[named]
    year = pc.cast(found.field("year"), pa.int64()).to_numpy(zero_copy_only=False)
    year = np.where(year < 100, np.where(year >= 69, 1900 + year, 2000 + year), year)  # strptime's convention
    day = pc.cast(found.field("day"), pa.int64()).to_numpy(zero_copy_only=False)
    iso = np.char.add(np.char.add(np.char.zfill(year.astype(str), 4), "-"),
                      np.char.add(np.char.add(np.char.zfill(month.astype(str), 2), "-"),
                                  np.char.zfill(day.astype(str), 2)))
    written = pc.binary_join_element_wise(pa.array(iso, pa.string()), found.field("rest"), "")
    return _put(text, rows, written)


def _put(text: pa.Array, rows: npt.NDArray[np.int64], written: pa.Array) -> pa.Array:
    """`text` with the values at `rows` (ascending) replaced by `written`, in the same order."""
    where = np.zeros(len(text), dtype=np.bool_)
    where[rows] = True
    spread = written.take(pa.array(np.where(where, np.cumsum(where) - 1, 0)))
    return pc.if_else(pa.array(where), spread, text)
