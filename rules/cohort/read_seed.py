"""The seed's JSON (format a): a list of customers with their productHistory, as `customers.json` has them.

Each customer object is validated by the request model `analyze_customer` uses, so the cohort holds exactly
what a single-customer call would accept. A row here is one customer object; an invalid one is rejected whole
(with every problem in the report), and the others are kept.

Ids, cities, regions and genders are then read as in every other format: ids that print alike are one id
(`rules.cohort.values.encode_text`), and a city, region or gender that says it is unknown is left unknown
(`rules.cohort.parts.collect_attributes`), each noted or warned about. The cohort holds the customer so read,
and `Cohort.customer_data` hands that same customer to `analyze_customer`.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import ValidationError

from rules.cohort.columns import Columns
from rules.cohort.dates import latest_day
from rules.cohort.load import Loaded
from rules.cohort.parts import Part, collect_attributes
from rules.cohort.tables import CustomerColumns, HistoryColumns, Known, history_frame
from rules.cohort.values import encode_text
from rules.errors import InvalidInput
from rules.models.dates import today_utc
from rules.models.request import CUSTOMER, Customer, ProductLine

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
RECORD_TEXT_LIMIT = 2000
TEXT_ATTRIBUTES = ("city", "region", "gender")


def read_seed_json(loaded: Loaded) -> Part:
    """Customer objects → customers, history and row accounting."""
    records = loaded.records or []
    log = loaded.log
    raw_ids = [record.get("customerId") if isinstance(record, dict) else None for record in records]
    plain_ids, id_note = _ids_as_read(raw_ids)
    problems: list[str | None] = []
    valid: list[Customer] = []
    seen: set[str] = set()
    reasons: dict[str, list[int]] = {}
    latest = date.fromordinal(latest_day() + EPOCH_ORDINAL)
    late_signups: list[date] = []
    for position, record in enumerate(records):
        reason, problem, customer = _check(record, plain_ids[position])
        if customer is not None and (signup := customer.get("registeredAt")) is not None and signup > latest:
            # A signup in the future is a typo; kept, it would stop the whole cohort being segmented.
            late_signups.append(signup)
            customer = cast(Customer, {k: v for k, v in customer.items() if k != "registeredAt"})
        if customer is not None:
            key = customer.get("customerId") or ""
            if key in seen:  # an exact copy too: duplicate_customer comes first in the order of reasons
                reason = "duplicate_customer"
            elif (late := _late_purchase(customer, latest)) is not None:
                reason, problem = "future_date", late
            else:
                seen.add(key)
                valid.append(customer)
        problems.append(problem)
        if reason:
            reasons.setdefault(reason, []).append(position)
    for reason, positions in reasons.items():
        flags = np.zeros(len(records), dtype=np.bool_)
        flags[positions] = True
        log.reject(flags, reason)
    table = pa.table({  # the rejected rows show the id as the file wrote it
        "customerId": pa.array([None if raw is None else str(raw) for raw in raw_ids], pa.string()),
        "problems": pa.array(problems, pa.string()),
        "record": pa.array([json.dumps(r, ensure_ascii=False)[:RECORD_TEXT_LIMIT] for r in records], pa.string()),
    })
    warnings = list(loaded.warnings)
    if late_signups:
        warnings.append(f"registeredAt: {len(late_signups)} value(s) are in the future (e.g. {late_signups[0]}) "
                        "and are left unknown")
    notes = [*loaded.notes, *([f"customer_id: {id_note}"] if id_note else [])]
    return Part(_customers(valid, warnings), _history(valid), log, table, "seed_json", loaded.encoding, None, "YMD",
                None, {"customer_id": "customerId"}, notes, warnings)


def _ids_as_read(raw_ids: list[Any]) -> tuple[list[str | None], str | None]:
    """Each object's id as every format reads ids (`encode_text`), None where there is none (blank, or only
    invisible characters), and the note on ids that had to be read so. An id that is no text is left as it is
    (None here), for the request model to refuse."""
    texts = pa.array([raw if isinstance(raw, str) else None for raw in raw_ids], pa.string())
    codes, note = encode_text(texts, ids=True)
    plain: list[str | None] = codes.values.take(pa.array(codes.codes, mask=codes.codes < 0)).to_pylist()
    return plain, note


def _check(record: Any, plain_id: str | None) -> tuple[str | None, str | None, Customer | None]:
    """(reason, problems, customer): the reason is None for a valid customer, which has ``plain_id`` (the id as
    `_ids_as_read` reads it) as its id."""
    if not isinstance(record, dict):
        return "invalid_customer", f"a customer must be a JSON object, got {type(record).__name__}", None
    raw_id = record.get("customerId")
    if raw_id is None or (isinstance(raw_id, str) and plain_id is None):
        return "missing_customer_id", None, None
    if isinstance(raw_id, str) and plain_id != raw_id:
        record = {**record, "customerId": plain_id}
    try:
        customer = CUSTOMER.validate_python(record)
    except ValidationError as error:
        return "invalid_customer", str(InvalidInput.from_validation_error(error, given=record)), None
    return None, None, customer


def _late_purchase(customer: Customer, latest: date) -> str | None:
    """The problem of a purchase dated after ``latest`` (`rules.cohort.dates.latest_day`), if there is one."""
    for index, line in enumerate(customer.get("productHistory", ())):
        for field in ("lastPurchase", "firstPurchase"):
            day = line.get(field)
            if isinstance(day, date) and day > latest:
                return f"productHistory.{index}.{field}: {day} is in the future (read on {today_utc()}, UTC)"
    return None


def _customers(customers: list[Customer], warnings: list[str]) -> CustomerColumns:
    """The customers' columns; city, region and gender read as the other formats read them (a value that says it
    is unknown is left unknown, gender words become F and M), with their warnings."""
    def texts(values: list[Any]) -> pa.Array:
        return pa.array(values, pa.string())

    def known(values: list[int | None]) -> Known:
        return Known(np.array([v or 0 for v in values], dtype=np.int64), np.array([v is not None for v in values],
                                                                                  dtype=np.bool_))

    size = len(customers)
    given = pa.table({name: texts([c.get(name) for c in customers]) for name in TEXT_ATTRIBUTES})
    columns = collect_attributes(given, Columns({name: name for name in TEXT_ATTRIBUTES}, []),
                                 np.arange(size, dtype=np.int64), np.ones(size, dtype=np.bool_),
                                 texts([c.get("customerId") for c in customers]), ".", None, warnings)
    columns.age = known([c.get("age") for c in customers])
    columns.registered_at = known([_ordinal(registered) if (registered := c.get("registeredAt")) else None
                                   for c in customers])
    columns.total_orders = known([c.get("totalOrders") for c in customers])
    return columns


def _history(customers: list[Customer]) -> pd.DataFrame:
    lines: list[tuple[str, ProductLine]] = [(c.get("customerId") or "", line) for c in customers
                                            for line in c.get("productHistory", ())]

    def days(values: list[int]) -> np.ndarray:
        return np.array(values, dtype=np.int64)

    return history_frame(HistoryColumns(
        customer_id=pa.array([cid for cid, _ in lines], pa.string()),
        product_id=pa.array([line.get("productId") for _, line in lines], pa.string()),
        product_name=pa.array([line.get("productName") for _, line in lines], pa.string()),
        category=pa.array([line.get("category") for _, line in lines], pa.string()),
        total_quantity=np.array([line["totalQuantity"] for _, line in lines], dtype=np.int64),
        total_spent=np.array([line["totalSpent"] for _, line in lines], dtype=np.float64),
        order_count=np.array([line["orderCount"] for _, line in lines], dtype=np.int64),
        first=days([_ordinal(line.get("firstPurchase")) for _, line in lines]),
        first_known=np.array([line.get("firstPurchase") is not None for _, line in lines], dtype=np.bool_),
        last=days([_ordinal(line["lastPurchase"]) for _, line in lines]),
        avg_days_between=np.array([_or_nan(line.get("avgDaysBetween")) for _, line in lines], dtype=np.float64),
    ))


def _ordinal(day: date | None) -> int:
    """Days since the epoch the columnar code counts from (0 for an unknown day, which a mask marks)."""
    return day.toordinal() - EPOCH_ORDINAL if day is not None else 0


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value
