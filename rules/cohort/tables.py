"""The cohort's two tables, built from columns with exactly the dtypes `rules.cohort.model` promises."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from rules.cohort.dates import days_to_datetimes
from rules.cohort.model import CUSTOMER_COLUMNS, HISTORY_COLUMNS
from rules.cohort.values import BoolArray, FloatArray, IntArray


@dataclass
class Known:
    """Integer values per entry, and which are known."""

    values: IntArray
    known: BoolArray

    @classmethod
    def unknown(cls, size: int) -> Known:
        return cls(np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.bool_))

    def take(self, positions: IntArray) -> Known:
        return Known(self.values[positions], self.known[positions])


@dataclass
class CustomerColumns:
    """The customers table as columns (text as Arrow arrays, numbers and days as `Known`)."""

    customer_id: pa.Array
    city: pa.Array
    region: pa.Array
    gender: pa.Array
    age: Known
    registered_at: Known
    total_orders: Known

    @classmethod
    def only_ids(cls, ids: pa.Array) -> CustomerColumns:
        size = len(ids)
        empty = pa.nulls(size, pa.string())
        return cls(ids, empty, empty, empty, Known.unknown(size), Known.unknown(size), Known.unknown(size))

    def take(self, positions: IntArray) -> CustomerColumns:
        index = pa.array(positions, pa.int64())
        return CustomerColumns(
            self.customer_id.take(index), self.city.take(index), self.region.take(index), self.gender.take(index),
            self.age.take(positions), self.registered_at.take(positions), self.total_orders.take(positions))


def customers_frame(columns: CustomerColumns) -> pd.DataFrame:
    """The customers table (columns and dtypes of `CUSTOMER_COLUMNS`)."""
    frame = pd.DataFrame({
        "customer_id": _text(columns.customer_id),
        "city": _text(columns.city),
        "region": _text(columns.region),
        "age": _int(columns.age),
        "gender": _text(columns.gender),
        "registered_at": days_to_datetimes(columns.registered_at.values, columns.registered_at.known),
        "total_orders": _int(columns.total_orders),
    })
    return frame.astype(CUSTOMER_COLUMNS)[list(CUSTOMER_COLUMNS)]


@dataclass
class HistoryColumns:
    """The history table as columns; ``first_known`` says where firstPurchase is known."""

    customer_id: pa.Array
    product_id: pa.Array
    product_name: pa.Array
    category: pa.Array
    total_quantity: IntArray
    total_spent: FloatArray
    order_count: IntArray
    first: IntArray
    first_known: BoolArray
    last: IntArray
    avg_days_between: FloatArray


def history_frame(columns: HistoryColumns) -> pd.DataFrame:
    """The history table (columns and dtypes of `HISTORY_COLUMNS`)."""
    size = len(columns.customer_id)
    frame = pd.DataFrame({
        "customer_id": _text(columns.customer_id),
        "product_id": _text(columns.product_id),
        "product_name": _text(columns.product_name),
        "category": _text(columns.category),
        "total_quantity": np.asarray(columns.total_quantity, dtype=np.int64),
        "total_spent": np.asarray(columns.total_spent, dtype=np.float64),
        "order_count": np.asarray(columns.order_count, dtype=np.int64),
        "first_purchase": days_to_datetimes(columns.first, columns.first_known),
        "last_purchase": days_to_datetimes(columns.last, np.ones(size, dtype=np.bool_)),
        "avg_days_between": np.asarray(columns.avg_days_between, dtype=np.float64),
    })
    return frame.astype(HISTORY_COLUMNS)[list(HISTORY_COLUMNS)]


def _text(values: pa.Array) -> pd.arrays.ArrowStringArray:
    array = values.cast(pa.string()) if not pa.types.is_string(values.type) else values
    text: pd.arrays.ArrowStringArray = pd.array(array, dtype="string")
    return text


def _int(values: Known) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.asarray(values.values, dtype=np.int64), ~np.asarray(values.known, dtype=bool))
