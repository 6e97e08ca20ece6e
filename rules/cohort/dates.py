"""Dates, a whole column at a time: ISO (also 20260212), DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY, Excel serials.

Only the calendar day counts, so any time of day is cut off first, once it is checked to be a time at all
(`rules.cohort.times_of_day`: 2025-03-04 25:61 is a bad date). What is left has few distinct values (one per
day), so each distinct day text is parsed once and the result spread back over the rows. Whether 03/04/2025 is
the 3rd of April or the 4th of March is decided from the whole column: a first number above 12 means day first,
a second number above 12 means month first. When no value tells, the caller's hint (another date column of the
same file) or day first (the Turkish and European way) is used, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.iso_dates import iso_days
from rules.cohort.month_names import names_months, spell_months
from rules.cohort.times_of_day import TIME_OF_DAY, times_of_day_ok
from rules.cohort.values import AnyArray, BoolArray, IntArray, as_text, contiguous, encode, sample_texts, to_numbers
from rules.models.dates import EARLIEST as EARLIEST  # the reader takes the days requests take
from rules.models.dates import LATEST as LATEST
from rules.models.dates import today_utc

DateOrder = Literal["YMD", "DMY", "MDY"]

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
EXCEL_EPOCH_DAYS = -25569  # Excel's day 0 is 1899-12-30 (its serials count the non-existent 1900-02-29)
_SERIAL_RANGE = (10_000, 100_000)  # 1927 to 2173: five-digit serials only, so 20260212 is never one
_BASIC_RANGE = (10_000_101, 99_991_231)  # YYYYMMDD of years 1000-9999: those outside the days taken are told

_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_OR_MONTH_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]|$)")
_TIME = re.compile(r"[ T]")
_ISO_THEN_TIME = rf"^\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\s*{TIME_OF_DAY})?\s*$"


@dataclass(frozen=True)
class Days:
    """A column of calendar days.

    Attributes:
        days: days since 1970-01-01 (0 where there is no valid date).
        ok: a valid date was read.
        present: a value was given at all.
        order: how the text wrote its dates; None for typed dates and Excel serials.
        notes: how the column was read.
        warnings: what was assumed.
        outside: a calendar date, but outside `EARLIEST`..`LATEST` (not ok); None when there is none.
        no_time: a calendar date followed by a time of day that is no time (``2025-03-04 25:61``; not ok); None
            when there is none.
    """

    days: IntArray
    ok: BoolArray
    present: BoolArray
    order: DateOrder | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outside: BoolArray | None = None
    no_time: BoolArray | None = None

    @property
    def bad(self) -> BoolArray:
        """Given but not a date taken: no date at all, or one `outside` the days taken."""
        bad: BoolArray = self.present & ~self.ok
        return bad

    @property
    def no_date(self) -> BoolArray:
        """Given but no calendar date at all (``bad`` less the dates `outside` the days taken or with `no_time`)."""
        no_date = self.bad
        for told in (self.outside, self.no_time):
            no_date = no_date if told is None else no_date & ~told
        return no_date


def to_days(array: AnyArray, label: str, *, hint: DateOrder | None = None, order: DateOrder | None = None,
            unreadable: str = "rejected as bad_date") -> Days:
    """Calendar days from any column: text dates (with or without times), typed dates, Excel serial numbers.

    Args:
        array: the column.
        label: how notes and warnings name the column, e.g. ``"order_date ('Tarih')"``.
        hint: the day/month order to assume when this column's values do not tell.
        order: force the day/month order of dates written as 03/04/2025 (``"DMY"`` or ``"MDY"``).
        unreadable: what becomes of a date that cannot be read, for warnings ("left unknown" for a signup day).

    Examples:
        >>> to_days(pa.array(["13.02.2026", "01.02.2026 10:30", None]), "d").days.tolist()
        [20497, 20485, 0]
        >>> to_days(pa.array(["02/13/2026"]), "d").order
        'MDY'
    """
    column = contiguous(array)
    read = _read_days(column, label, hint, order, unreadable)
    # Told apart from text that is no date: 1850-01-01 is a real day, only not one a customer's dates fall on, and
    # 2025-03-04 25:61 a real day with a broken time.
    told = [(read.outside, f"are dates before {EARLIEST} or after {LATEST}, the days taken"),
            (read.no_time, "have a time of day that is no time")]
    warnings = [f"{label}: {int(rows.sum())} value(s) {what} (e.g. {str(column[int(np.argmax(rows))].as_py())!r}), "
                f"and are {unreadable}" for rows, what in told if rows is not None and rows.any()]
    return replace(read, warnings=[*read.warnings, *warnings]) if warnings else read


def _read_days(column: pa.Array, label: str, hint: DateOrder | None, order: DateOrder | None,
               unreadable: str) -> Days:
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return _typed_days(column)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return _numbered_days(column, label)
    sample = [value.strip() for value in sample_texts(column, 2000)]
    if names_months(sample):  # Mar 4, 2024 or 4 Mart 2024: rewritten as ISO dates first
        named = next(value for value in sample if names_months([value]))
        read = _text_days(spell_months(column), spell_months(pa.array(sample)).to_pylist(), label, hint, order,
                          unreadable)
        # Rewritten as year-month-day, they tell no day/month order (those written 03/04/2025 among them do).
        return replace(read, order=None if read.order == "YMD" else read.order,
                       notes=[*read.notes, f"{label}: dates that name their month (e.g. {named!r}) read as such"])
    if sample and sum(1 for value in sample if _SERIAL.match(value)) * 10 >= len(sample) * 9:
        serials = _numbered_days(column, label)
        if not serials.bad.any():
            return serials
        # Some are dates in text among the serials (or junk): only those rows are read as text dates.
        rest = np.flatnonzero(serials.bad)
        subset = column.take(pa.array(rest))
        others = _text_days(subset, [value.strip() for value in sample_texts(subset, 2000)], label, hint, order,
                            unreadable)
        days, ok, outside = serials.days.copy(), serials.ok.copy(), _outside_or_none(serials).copy()
        days[rest], ok[rest], outside[rest] = others.days, others.ok, _outside_or_none(others)
        no_time = np.zeros(len(days), dtype=np.bool_)
        no_time[rest] = others.no_time if others.no_time is not None else False
        return Days(days, ok, serials.present, others.order, serials.notes + others.notes, others.warnings, outside,
                    no_time)
    return _text_days(column, sample, label, hint, order, unreadable)


def _text_days(column: pa.Array, sample: list[str], label: str, hint: DateOrder | None,
               order: DateOrder | None, unreadable: str) -> Days:
    """Days from dates written as text: ISO in one pass when the sample says so, else each distinct value."""
    quick = _iso_days(column, sample)
    if quick is not None:
        return quick
    text = as_text(column)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    codes = encode(_date_part(text, sample))
    parsed = _parse_distinct([str(v) for v in codes.values.to_pylist()], label, hint, order, unreadable)
    valid_code = codes.codes >= 0
    safe = np.where(valid_code, codes.codes, 0)
    days = np.where(valid_code, parsed.days[safe] if len(parsed.days) else 0, 0).astype(np.int64)
    ok = valid_code & (parsed.ok[safe] if len(parsed.ok) else False)
    outside = valid_code & (parsed.outside[safe] if len(parsed.outside) else False)
    # Times are many distinct values (one per order), so they are checked row by row, in a compiled pass.
    no_time = (ok | outside) & ~times_of_day_ok(text)
    return Days(days, ok & ~no_time, present, parsed.order, parsed.notes, parsed.warnings, outside & ~no_time,
                no_time)


def _outside_or_none(read: Days) -> BoolArray:
    return read.outside if read.outside is not None else np.zeros(len(read.days), dtype=np.bool_)


def latest_day() -> int:
    """The last day a purchase or signup of a file read now can have, as days since 1970-01-01: tomorrow in UTC,
    since dates are written in the shop's own time zone, up to 14 hours ahead of UTC (an order placed at 01:00
    in Istanbul is dated a day after UTC's)."""
    return today_utc().toordinal() - EPOCH_ORDINAL + 1


def days_to_datetimes(days: IntArray, ok: BoolArray) -> np.ndarray:
    """Midnight datetime64[ns] values (NaT where not ok).

    Raises:
        ValueError: a day that is ok lies outside `EARLIEST`..`LATEST` (every reader keeps to that range;
            datetime64[ns] would wrap a day before 1677-09-22 into another day without a word).
    """
    taken = days[ok]
    if taken.size and (taken.min() < _ordinal_days(EARLIEST) or taken.max() > _ordinal_days(LATEST)):
        raise ValueError(f"a day outside {EARLIEST}..{LATEST} reached the cohort's tables")
    values = days.astype("datetime64[D]").astype("datetime64[ns]")
    values[~ok] = np.datetime64("NaT")
    return values


def _typed_days(column: pa.Array) -> Days:
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        column = pc.local_timestamp(column)  # the day as written in the export's own time zone
    as_date = pc.cast(column, pa.date32())
    present = as_date.is_valid().to_numpy(zero_copy_only=False)
    days = pc.fill_null(pc.cast(as_date, pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    ok = present & (days >= _ordinal_days(EARLIEST)) & (days <= _ordinal_days(LATEST))
    return Days(days, ok, present, outside=present & ~ok)


def _numbered_days(column: pa.Array, label: str) -> Days:
    """Days written as numbers: Excel serials (five digits), or YYYYMMDD (eight, as 20260212 in a number cell)."""
    numbers = to_numbers(column)
    whole = np.floor(numbers.values)
    serial = np.isfinite(whole) & (whole >= _SERIAL_RANGE[0]) & (whole < _SERIAL_RANGE[1])
    days = np.where(serial, whole, 0).astype(np.int64) + EXCEL_EPOCH_DAYS * serial
    ok, outside = serial.copy(), np.zeros(len(serial), dtype=np.bool_)
    basic = (numbers.values == whole) & (whole >= _BASIC_RANGE[0]) & (whole <= _BASIC_RANGE[1])
    if basic.any():
        distinct, codes = np.unique(whole[basic].astype(np.int64), return_inverse=True)
        read = [_day_number(int(value) // 10_000, int(value) // 100 % 100, int(value) % 100) for value in distinct]
        days[basic] = np.array([day for day, _, _ in read], dtype=np.int64)[codes]
        ok[basic] = np.array([valid for _, valid, _ in read], dtype=np.bool_)[codes]
        outside[basic] = np.array([beyond for _, _, beyond in read], dtype=np.bool_)[codes]
    notes = [f"{label}: {kind}" for kind, used in (("Excel serial day numbers", serial.any()),
                                                   ("dates written as numbers YYYYMMDD", basic.any())) if used]
    return Days(days, ok, numbers.present, None, notes or [f"{label}: Excel serial day numbers"], outside=outside)


def _iso_days(column: pa.Array, sample: list[str]) -> Days | None:
    """The common case in one pass: every date written YYYY-MM-DD (times after it ignored), all valid."""
    if not sample or not all(_ISO_START.match(value) for value in sample) or not pa.types.is_string(column.type):
        return None
    days = iso_days(column)
    if days is None:
        if pc.any(pc.invert(pc.match_substring_regex(column, _ISO_THEN_TIME))).as_py():
            return None  # a time that is no time, or other text after the date: the slower path tells which
        try:
            as_date = pc.cast(pc.utf8_slice_codeunits(column, 0, 10), pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # some value is not a date: the slower path finds which
        days = pc.fill_null(pc.cast(as_date, pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    present = column.is_valid().to_numpy(zero_copy_only=False)
    ok = present & (days >= _ordinal_days(EARLIEST)) & (days <= _ordinal_days(LATEST))
    return Days(days, ok, present, "YMD", outside=present & ~ok)


def _date_part(text: pa.Array, sample: list[str]) -> pa.Array:
    """The text before any time of day ("2026-02-12T10:30" → "2026-02-12", "1/2/2010 8:26" → "1/2/2010").

    The sample only chooses how: when it shows no times, the text is kept whole (`_parse_distinct` cuts the
    times of the few distinct values that have one); a cut at one place is checked on every row first.
    """
    heads = [_TIME.split(value, maxsplit=1)[0] for value in sample]
    if not any(len(head) != len(value) for head, value in zip(heads, sample, strict=True)):
        return text
    widths = {len(head) for head in heads}
    if len(widths) == 1:
        width = widths.pop()
        after = pc.utf8_slice_codeunits(text, width, width + 1)
        if pc.all(pc.is_in(after, value_set=pa.array([" ", "T"]))).as_py() is not False:
            return pc.utf8_slice_codeunits(text, 0, width)  # fixed width: every row cuts at the same place
    return pc.replace_substring_regex(text, r"[ T].*$", "", max_replacements=1)


@dataclass(frozen=True)
class _Parsed:
    days: IntArray
    ok: BoolArray
    outside: BoolArray
    order: DateOrder | None
    notes: list[str]
    warnings: list[str]


def _parse_distinct(texts: list[str], label: str, hint: DateOrder | None, forced: DateOrder | None,
                    unreadable: str) -> _Parsed:
    """Parse each distinct date text once (the column's distinct days, not its rows)."""
    year_first: dict[int, tuple[int, int, int]] = {}
    ambiguous: dict[int, tuple[int, int, int]] = {}
    serials: dict[int, float] = {}
    for index, written in enumerate(texts):
        value = _TIME.split(written, maxsplit=1)[0]
        if match := _YEAR_FIRST.match(value) or _BASIC.match(value):
            year_first[index] = (int(match[1]), int(match[2]), int(match[3]))
        elif match := _DAY_OR_MONTH_FIRST.match(value):
            ambiguous[index] = (int(match[1]), int(match[2]), _full_year(match[3]))
        elif _SERIAL.match(value):
            serials[index] = float(value)
    notes: list[str] = []
    warnings: list[str] = []
    order: DateOrder | None = "YMD" if year_first else None
    days = np.zeros(len(texts), dtype=np.int64)
    ok = np.zeros(len(texts), dtype=np.bool_)
    outside = np.zeros(len(texts), dtype=np.bool_)
    for index, (year, month, day) in year_first.items():
        days[index], ok[index], outside[index] = _day_number(year, month, day)
    if ambiguous:
        order = forced or _decide_order(ambiguous, texts, label, hint, notes, warnings, unreadable)
        for index, (first, second, year) in ambiguous.items():
            day, month = (first, second) if order == "DMY" else (second, first)
            days[index], ok[index], outside[index] = _day_number(year, month, day)
    for index, serial in serials.items():
        if _SERIAL_RANGE[0] <= serial < _SERIAL_RANGE[1]:
            days[index], ok[index] = int(serial) + EXCEL_EPOCH_DAYS, True
    return _Parsed(days, ok, outside, order, notes, warnings)


def _example(candidates: list[int], values: dict[int, tuple[int, int, int]], order: DateOrder) -> int:
    """The first candidate that is a real date in ``order`` (31.02.2026 shows the order but is no date), else the
    first."""
    for index in candidates:
        first, second, year = values[index]
        day, month = (first, second) if order == "DMY" else (second, first)
        if _day_number(year, month, day)[1]:
            return index
    return candidates[0]


def _decide_order(
    values: dict[int, tuple[int, int, int]], texts: list[str], label: str, hint: DateOrder | None,
    notes: list[str], warnings: list[str], unreadable: str,
) -> DateOrder:
    day_first = [i for i, (first, _, _) in values.items() if first > 12]
    month_first = [i for i, (_, second, _) in values.items() if second > 12]
    if day_first and not month_first:
        notes.append(f"{label}: day first (DD/MM/YYYY), as in {texts[_example(day_first, values, 'DMY')]!r}")
        return "DMY"
    if month_first and not day_first:
        notes.append(f"{label}: month first (MM/DD/YYYY), as in {texts[_example(month_first, values, 'MDY')]!r}")
        return "MDY"
    if day_first and month_first:
        chosen: DateOrder = "DMY" if len(day_first) >= len(month_first) else "MDY"
        warnings.append(f"{label}: some dates are day first ({texts[_example(day_first, values, 'DMY')]!r}) and "
                        f"some month first ({texts[_example(month_first, values, 'MDY')]!r}); read them as "
                        f"{chosen}, so dates that only fit the other order are {unreadable}")
        return chosen
    # Only another column's day/month order tells; ISO dates elsewhere in the file say nothing about it.
    told = hint in ("DMY", "MDY")
    chosen = hint if told and hint is not None else "DMY"
    why = "as the file's other dates" if told else "the Turkish and European convention"
    warnings.append(f"{label}: no date tells whether it is day or month first (no number above 12); "
                    f"read as {chosen} ({why})")
    return chosen


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # the strptime convention: 69-99 are 1969-1999, 00-68 are 2000-2068
        year += 1900 if year >= 69 else 2000
    return year


def _day_number(year: int, month: int, day: int) -> tuple[int, bool, bool]:
    """The day (days since 1970-01-01, 0 when not taken), whether it is taken, and whether it is a calendar date
    outside `EARLIEST`..`LATEST` (1850-01-01: a date, but not one taken)."""
    try:
        value = date(year, month, day)
    except ValueError:
        return 0, False, False
    if not EARLIEST <= value <= LATEST:
        return 0, False, True
    return value.toordinal() - EPOCH_ORDINAL, True, False


def _ordinal_days(value: date) -> int:
    return value.toordinal() - EPOCH_ORDINAL
