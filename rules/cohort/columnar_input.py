"""A cohort's tables as plain arrays, checked against the same rules the scalar engine's request model applies.

Text is trimmed the way the request model trims it (Unicode White_Space), dates become day numbers, and the
history is put in customer order (stably, so each customer's lines keep their table order, the order in
which `Cohort.customer_data` hands them to the scalar engine). Every broken rule is reported with its table,
row and value, never silently dropped.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_numbers import BoolArray, FloatArray, IntArray
from rules.cohort.columnar_strings import TEXT, ends_in, equal_to_previous, follow_keys, owners_in_order, repeated
from rules.cohort.model import CUSTOMER_COLUMNS, HISTORY_COLUMNS, Cohort
from rules.errors import InvalidInput, Problem
from rules.models.request import BUDGET_BEYOND_RANGE, MAX_BUDGET_FACTOR, MAX_COUNT, MAX_PRODUCT_LINES

MAX_PROBLEMS = 50

# Unicode White_Space, which the request model strips from both ends of every text.
_WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
               "\u200a\u2028\u2029\u202f\u205f\u3000"

# (table, column) → (min length, max length) of the request model's field the column feeds.
_TEXT_LIMITS: dict[tuple[str, str], tuple[int, int]] = {
    ("customers", "customer_id"): (1, 128), ("customers", "city"): (1, 200), ("customers", "region"): (1, 200),
    ("customers", "gender"): (0, 32), ("history", "product_id"): (1, 128), ("history", "product_name"): (1, 200),
    ("history", "category"): (1, 64),
}

# Below it, no customer's total (nor the estimated budget derived from it, `MAX_BUDGET_FACTOR`) overflows.
_SAFE_SPENT = np.finfo(np.float64).max / (MAX_PRODUCT_LINES + 1) / MAX_BUDGET_FACTOR

@dataclass(frozen=True)
class CustomerColumns:
    """The customers table, one array entry per customer, in table order."""

    customer_id: pa.Array
    city: pa.Array
    region: pa.Array
    gender: pa.Array
    age: IntArray
    has_age: BoolArray
    registered: IntArray
    has_registered: BoolArray
    total_orders: IntArray
    has_total_orders: BoolArray

    def __len__(self) -> int:
        return len(self.customer_id)


@dataclass(frozen=True)
class LineColumns:
    """The history, sorted by customer; ``starts[c]:starts[c + 1]`` are customer c's lines in table order."""

    customer: IntArray
    starts: IntArray
    product_id: pa.Array
    product_name: pa.Array
    category: pa.Array
    total_quantity: IntArray
    total_spent: FloatArray
    order_count: IntArray
    first: IntArray
    has_first: BoolArray
    last: IntArray
    avg_days_between: FloatArray

    def __len__(self) -> int:
        return len(self.customer)


@dataclass(frozen=True)
class Encoded:
    """A text column as codes into its distinct values (-1 for null)."""

    codes: npt.NDArray[np.int32]
    values: pa.Array
    null_count: int

    @classmethod
    def of(cls, texts: pa.Array) -> Encoded:
        encoded = pc.dictionary_encode(texts)
        indices = encoded.indices.fill_null(-1) if encoded.indices.null_count else encoded.indices
        codes = indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        return cls(codes, encoded.dictionary, texts.null_count)

    @classmethod
    def through(cls, key: Encoded, texts: pa.Array) -> Encoded:
        """`texts` encoded as `of` does, found through `key`'s codes when every row of a key has the same
        text (a product's name and category are usually the same on all its lines): comparing each row with
        its key's first row is cheaper than hashing every text. Otherwise `of`."""
        first_rows = follow_keys(key.codes, texts) if key.null_count == 0 else None
        if first_rows is None:
            return cls.of(texts)
        # Texts in order of their first rows, which is the order `of` finds them in.
        distinct = cls.of(texts.take(pa.array(first_rows)))
        return cls(distinct.codes[key.codes], distinct.values, 0)


@dataclass(frozen=True)
class LineCodes:
    """The history's product texts dictionary-encoded: a few thousand distinct values for millions of lines."""

    product: Encoded
    name: Encoded
    category: Encoded


class Problems:
    """Collects problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.more = 0
        self.lead: Problem | None = None  # what explains the rest (a wrong as-of day): first, when there are any

    def add_rows(self, table: str, column: str, rows: IntArray, values: Any, message: str) -> None:
        room = max(0, MAX_PROBLEMS - len(self.found))
        for row in rows[:room]:
            value = values.iloc[int(row)] if isinstance(values, pd.Series) else values[int(row)]
            self.found.append(Problem(f"{table}[{int(row)}].{column}", message, _plain(value)))
        self.more += max(0, len(rows) - room)

    def extend(self, other: Problems) -> None:
        """Add another collector's problems after these."""
        room = max(0, MAX_PROBLEMS - len(self.found))
        self.found += other.found[:room]
        self.more += max(0, len(other.found) - room) + other.more

    def raise_if_any(self, *, checked_all: bool = False) -> None:
        """Raise the problems found; the lead alone too once ``checked_all`` the single-row checks."""
        if self.found or (checked_all and self.lead is not None):
            lead = [self.lead] if self.lead is not None else []
            extra = [Problem("", f"and {self.more} more problems", None)] if self.more else []
            raise InvalidInput([*lead, *self.found, *extra])


def _plain(value: Any) -> Any:
    if isinstance(value, pa.Scalar):
        value = value.as_py()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _require_columns(frame: pd.DataFrame, table: str, columns: dict[str, str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput([Problem(f"{table}.{c}", "column missing", list(map(str, frame.columns)))
                            for c in missing])


def _text_column(frame: pd.DataFrame, table: str, column: str, problems: Problems) -> pa.Array:
    array = pa.array(frame[column], from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_large_string(array.type):
        try:
            array = array.cast(TEXT)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            array = pa.array([None if v is None else str(v) for v in array.to_pylist()], TEXT)
    array = _trimmed(array)
    shortest, longest = _TEXT_LIMITS[(table, column)]
    # A text has at most as many characters as bytes: only texts longer in bytes need counting.
    lengths = _byte_lengths(array)
    valid = ~array.is_null().to_numpy(zero_copy_only=False) if array.null_count else np.ones(len(array), np.bool_)
    too_long = np.flatnonzero(valid & (lengths > longest))
    if len(too_long):
        characters = pc.utf8_length(array.take(pa.array(too_long))).to_numpy(zero_copy_only=False)
        too_long = too_long[characters > longest]
    if len(too_long):
        problems.add_rows(table, column, too_long, array, f"must have at most {longest} characters")
    if shortest:
        empty = np.flatnonzero(valid & (lengths == 0))
        if len(empty):
            problems.add_rows(table, column, empty, array, "must not be empty")
    return array


def _byte_lengths(array: pa.Array) -> IntArray:
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset: array.offset + len(array) + 1]
    return np.diff(offsets)


def _trimmed(array: pa.Array) -> pa.Array:
    """Strip Unicode White_Space from both ends; only texts that start or end with one are looked at."""
    rows = ends_in(array, _WHITE_SPACE)
    if len(rows) == 0:
        return array
    texts = array.take(pa.array(rows)).to_pylist()
    stripped = [t.strip(_WHITE_SPACE) if t is not None else None for t in texts]
    changed = [i for i, (a, b) in enumerate(zip(texts, stripped, strict=True)) if a != b]
    if not changed:
        return array
    mask = np.zeros(len(array), dtype=np.bool_)
    mask[rows[changed]] = True
    return pc.replace_with_mask(array, pa.array(mask), pa.array([stripped[i] for i in changed], TEXT))


def _int_column(frame: pd.DataFrame, column: str) -> tuple[IntArray, BoolArray, pd.Series]:
    """The column as whole numbers, where it has a value, and its values as given (for the problems: an age of
    150 is shown as 150, not 150.0)."""
    series = frame[column]
    present = ~series.isna().to_numpy()
    return _clipped(series.to_numpy(dtype=np.float64, na_value=0.0)), present, series


def _counts(series: pd.Series) -> tuple[IntArray, npt.NDArray[np.int64] | FloatArray]:
    """A count column as int64, and its values as given (for the problems): floats (a cohort built by hand) are
    clipped first, so that a value beyond int64 stays too large instead of wrapping to a negative one."""
    if series.dtype.kind in "iu":
        values = series.to_numpy(dtype=np.int64)
        return values, values
    given = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return _clipped(given), given


def _clipped(values: FloatArray) -> IntArray:
    # A missing count (NaN) becomes -1, which the checks refuse: it is no count of 0.
    clipped: IntArray = np.clip(np.nan_to_num(values, nan=-1.0), -(2.0**62), 2.0**62).astype(np.int64)
    return clipped


def _day_column(frame: pd.DataFrame, table: str, column: str) -> tuple[IntArray, BoolArray]:
    series = frame[column]
    if not isinstance(series.dtype, pd.DatetimeTZDtype) and series.dtype.kind != "M":
        raise InvalidInput([Problem(f"{table}.{column}", "must be a datetime column", str(series.dtype))])
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    moments = series.to_numpy(dtype="datetime64[ns]")
    present = ~np.isnat(moments)
    days = moments.astype("datetime64[D]").astype(np.int64)
    return np.where(present, days, 0), present


def customer_columns(cohort: Cohort, as_of: int, problems: Problems, pool: Executor) -> CustomerColumns:
    """The customers table as arrays, with its single-row rules checked (text columns as jobs on `pool`)."""
    frame = cohort.customers
    _require_columns(frame, "customers", CUSTOMER_COLUMNS)
    jobs = {c: pool.submit(_checked_text_column, frame, "customers", c) for c in ("city", "region", "gender")}
    texts = {"customer_id": _text_column(frame, "customers", "customer_id", problems)}
    for column, job in jobs.items():
        texts[column], found = job.result()
        problems.extend(found)
    if texts["customer_id"].null_count:
        problems.add_rows("customers", "customer_id", np.flatnonzero(texts["customer_id"].is_null()
                                                                       .to_numpy(zero_copy_only=False)),
                          texts["customer_id"], "is missing")
    age, has_age, age_given = _int_column(frame, "age")
    bad_age = has_age & ((age < 0) | (age > 120))
    problems.add_rows("customers", "age", np.flatnonzero(bad_age), age_given, "must be between 0 and 120")
    registered, has_registered = _day_column(frame, "customers", "registered_at")
    if problems.lead is None:  # else the lead says it once, for every customer
        problems.add_rows("customers", "registered_at", np.flatnonzero(has_registered & (registered > as_of)),
                          frame["registered_at"], "is after the as-of day")
    total_orders, has_total_orders, orders_given = _int_column(frame, "total_orders")
    problems.add_rows("customers", "total_orders", np.flatnonzero(has_total_orders & (total_orders < 0)),
                      orders_given, "must not be negative")
    problems.add_rows("customers", "total_orders", np.flatnonzero(has_total_orders & (total_orders >= MAX_COUNT)),
                      orders_given, f"must be less than {MAX_COUNT}")
    return CustomerColumns(texts["customer_id"], texts["city"], texts["region"], texts["gender"], age, has_age,
                           registered, has_registered, total_orders, has_total_orders)


def as_of_too_early(cohort: Cohort, as_of: int) -> Problem | None:
    """One problem for the as-of day itself when purchases or signup dates in the cohort come after it.

    A day chosen too early breaks every such row at once; naming the day and the latest date says more than the
    rows one by one (which are still listed after it).
    """
    late: list[tuple[int, str, int, Any]] = []
    for frame, column, what in ((cohort.history, "last_purchase", "purchases"),
                                (cohort.customers, "registered_at", "signup dates")):
        series = frame.get(column)
        if series is None or not (isinstance(series.dtype, pd.DatetimeTZDtype) or series.dtype.kind == "M"):
            continue  # the column checks say what is wrong with it
        latest = series.max()
        if pd.isna(latest) or _day_of(latest) <= as_of:
            continue
        days, present = _day_column(frame, "", column)
        after = present & (days > as_of)
        row = int(np.argmax(np.where(after, days, np.iinfo(np.int64).min)))
        customers = int(frame["customer_id"][after].nunique())
        late.append((customers, what, int(days[row]), frame["customer_id"].iloc[row]))
    if not late:
        return None
    counts = " and ".join(f"the {what} of {count} customer{'s' if count != 1 else ''}" for count, what, _, _ in late)
    _, what, day, customer = max(late, key=lambda found: found[2])
    written = str(np.datetime64(day, "D"))
    latest = "a purchase" if what == "purchases" else "the signup date"
    return Problem("as_of", f"is before {counts} in the cohort; the latest, {written}, is {latest} of customer "
                            f"{customer}: segment as of {written} or later", str(np.datetime64(as_of, "D")))


def _day_of(moment: pd.Timestamp) -> int:
    if moment.tzinfo is not None:
        moment = moment.tz_localize(None)
    return int(moment.value // 86_400_000_000_000)


def _report_repeated(again: BoolArray, ids: pa.Array, problems: Problems) -> None:
    problems.add_rows("customers", "customer_id", np.flatnonzero(again), ids, "appears more than once")


def _checked_text_column(frame: pd.DataFrame, table: str, column: str) -> tuple[pa.Array, Problems]:
    found = Problems()
    return _text_column(frame, table, column, found), found


def _customer_of_lines(customer_ids: pa.Array, line_ids: pa.Array, problems: Problems) -> IntArray:
    """Each history row's customer position; history rows usually come in runs per customer."""
    count = len(line_ids)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    # As `read_cohort` lays them out: the customers with history first, in the history's order.
    in_order = owners_in_order(line_ids, customer_ids)
    if in_order is not None:
        return in_order
    run_starts = np.flatnonzero(~equal_to_previous(line_ids))
    run_ids = line_ids.take(pa.array(run_starts))
    run_lengths = np.diff(np.append(run_starts, count))
    found = pc.index_in(run_ids, value_set=customer_ids)
    unknown = np.flatnonzero(found.is_null().to_numpy(zero_copy_only=False))
    if len(unknown):
        problems.add_rows("history", "customer_id", run_starts[unknown], line_ids,
                          "is not in the customers table")
    positions = found.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.repeat(positions, run_lengths)


def line_columns(cohort: Cohort, customers: CustomerColumns, as_of: int, problems: Problems, pool: Executor
                 ) -> LineColumns:
    """The history as arrays in customer order, with its single-row rules checked.

    The checks of whole text columns run as jobs on `pool`; their problems are reported in the same order
    as if they had run one after the other.
    """
    frame = cohort.history
    _require_columns(frame, "history", HISTORY_COLUMNS)
    # The longest job first. A wrong as-of day is explained once, by the problems' lead, not row by row.
    numbers_job = pool.submit(_line_numbers, frame, as_of, problems.lead is not None)
    repeats = pool.submit(repeated, customers.customer_id)
    text_jobs = {c: pool.submit(_checked_text_column, frame, "history", c)
                 for c in ("product_id", "product_name", "category")}
    line_ids = _text_column_plain(frame["customer_id"])
    if line_ids.null_count:
        _report_repeated(repeats.result(), customers.customer_id, problems)
        problems.add_rows("history", "customer_id",
                          np.flatnonzero(line_ids.is_null().to_numpy(zero_copy_only=False)), line_ids, "is missing")
        problems.raise_if_any()
    unmatched = Problems()
    customer = _customer_of_lines(customers.customer_id, line_ids, unmatched)
    _report_repeated(repeats.result(), customers.customer_id, problems)
    problems.extend(unmatched)
    texts = {}
    for column, job in text_jobs.items():
        texts[column], found = job.result()
        problems.extend(found)
    numbers, found = numbers_job.result()
    problems.extend(found)
    problems.raise_if_any(checked_all=True)
    quantity, spent, orders, first, has_first, last, gap = numbers

    if len(customer) > 1 and (np.diff(customer) < 0).any():
        order = np.argsort(customer, kind="stable")
        customer = customer[order]
        take = pa.array(order)
        texts = {c: a.take(take) for c, a in texts.items()}
        quantity, spent, orders = quantity[order], spent[order], orders[order]
        first, has_first, last, gap = first[order], has_first[order], last[order], gap[order]
    starts = np.zeros(len(customers) + 1, dtype=np.int64)
    np.cumsum(np.bincount(customer, minlength=len(customers)), out=starts[1:])
    crowded = np.flatnonzero(np.diff(starts) > MAX_PRODUCT_LINES)
    problems.add_rows("customers", "customer_id", crowded, customers.customer_id,
                      f"has more than {MAX_PRODUCT_LINES} history rows")
    if len(spent) and spent.max() > _SAFE_SPENT:  # only then can a customer's total overflow
        with np.errstate(over="ignore"):
            totals = np.bincount(customer, weights=spent, minlength=len(customers))
            budget_overflows = ~np.isfinite(totals * MAX_BUDGET_FACTOR)
        problems.add_rows("customers", "customer_id", np.flatnonzero(~np.isfinite(totals)), customers.customer_id,
                          "has history rows whose total_spent add up to more than a float holds")
        problems.add_rows("customers", "customer_id", np.flatnonzero(budget_overflows & np.isfinite(totals)),
                          customers.customer_id, f"has history rows whose total_spent add up to {BUDGET_BEYOND_RANGE}")
    problems.raise_if_any()
    return LineColumns(customer, starts, texts["product_id"], texts["product_name"], texts["category"], quantity,
                       spent, orders, first, has_first, last, gap)


_LineNumbers = tuple[IntArray, FloatArray, IntArray, IntArray, BoolArray, IntArray, FloatArray]


def _line_numbers(frame: pd.DataFrame, as_of: int, as_of_explained: bool) -> tuple[_LineNumbers, Problems]:
    """The history's numbers and days (quantity, spent, orders, first, has first, last, gap), checked; purchases
    after the as-of day only when no lead problem explains them already (``as_of_explained``)."""
    found = Problems()
    quantity, quantity_given = _counts(frame["total_quantity"])
    spent = frame["total_spent"].to_numpy(dtype=np.float64)
    orders, orders_given = _counts(frame["order_count"])
    first, has_first = _day_column(frame, "history", "first_purchase")
    last, has_last = _day_column(frame, "history", "last_purchase")
    gap = frame["avg_days_between"].to_numpy(dtype=np.float64, na_value=np.nan)
    day_text = frame["last_purchase"]
    checks: list[tuple[str, BoolArray, Any, str]] = [
        ("total_quantity", quantity < 0, quantity_given, "must not be negative"),
        ("total_quantity", quantity >= MAX_COUNT, quantity_given, f"must be less than {MAX_COUNT}"),
        ("total_spent", ~(spent >= 0) | ~np.isfinite(spent), spent, "must be a finite amount, not negative"),
        ("order_count", orders < 1, orders_given, "must be at least 1"),
        ("order_count", orders >= MAX_COUNT, orders_given, f"must be less than {MAX_COUNT}"),
        ("last_purchase", ~has_last, day_text, "is missing"),
        ("last_purchase", has_last & (last > as_of) & (not as_of_explained), day_text, "is after the as-of day"),
        ("last_purchase", has_last & has_first & (last < first), day_text, "is before first_purchase"),
        ("avg_days_between", np.isinf(gap) | (gap < 0), gap, "must be a finite number of days, not negative"),
    ]
    for column, given in (("total_quantity", quantity_given), ("order_count", orders_given)):
        if given.dtype.kind == "f":  # a cohort built by hand: 2.5 is no count (the request model refuses it too)
            checks.append((column, np.isfinite(given) & (given != np.floor(given)), given, "must be a whole number"))
    for column, bad, values, message in checks:
        if bad.any():
            found.add_rows("history", column, np.flatnonzero(bad), values, message)
    return (quantity, spent, orders, first, has_first, last, gap), found


def _text_column_plain(series: pd.Series) -> pa.Array:
    array = pa.array(series, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return _trimmed(array.cast(TEXT))

