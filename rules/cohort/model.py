"""A cohort: the customers table, their per-product purchase history, and the ingest report.

This is the contract between reading files (`read_cohort`) and segmenting them (`segment_cohort`).

Customers table, one row per customer (index: default RangeIndex):

| column | dtype | meaning |
| --- | --- | --- |
| customer_id | string | text, leading zeros kept |
| city, region, gender | string | <NA> when unknown |
| age | Int64 | <NA> when unknown |
| registered_at | datetime64[ns] | midnight of the signup day; NaT when unknown |
| total_orders | Int64 | distinct real orders when order ids (or days) are known; <NA> otherwise |

History table, one row per customer × product (`product_id` <NA> for order-level rows without products):

| column | dtype |
| --- | --- |
| customer_id, product_id, product_name, category | string |
| total_quantity, order_count | int64 |
| total_spent | float64 |
| first_purchase, last_purchase | datetime64[ns] (midnight) |
| avg_days_between | float64 (NaN when bought once) |

A customer with no history rows is a new customer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

CUSTOMER_COLUMNS: dict[str, str] = {
    "customer_id": "string", "city": "string", "region": "string", "age": "Int64", "gender": "string",
    "registered_at": "datetime64[ns]", "total_orders": "Int64",
}
HISTORY_COLUMNS: dict[str, str] = {
    "customer_id": "string", "product_id": "string", "product_name": "string", "category": "string",
    "total_quantity": "int64", "total_spent": "float64", "order_count": "int64",
    "first_purchase": "datetime64[ns]", "last_purchase": "datetime64[ns]", "avg_days_between": "float64",
}

CohortFormat = Literal["seed_json", "purchase_history", "order_lines", "orders"]
FileType = Literal["delimited", "json", "xlsx", "parquet"]  # delimited: CSV, TSV, … (see delimiter)


class Rejection(BaseModel):
    """Rows rejected for one reason: how many, which (1-based data row numbers, first ones), examples."""

    model_config = ConfigDict(populate_by_name=True)

    count: int = Field(ge=0)
    rows: list[int] = Field(default_factory=list, description="first row numbers, 1-based data rows")
    examples: list[dict[str, Any]] = Field(default_factory=list)
    description: str | None = Field(default=None, description="what the reason means, in words")


class CustomersFileReport(BaseModel):
    """What reading the second file (customer attributes, ``customers=``) did; rows add up as in IngestReport."""

    model_config = ConfigDict(populate_by_name=True)

    rows_read: int = Field(alias="rowsRead", ge=0)
    rows_accepted: int = Field(alias="rowsAccepted", ge=0)
    rows_rejected: int = Field(alias="rowsRejected", ge=0)
    rejected_by_reason: dict[str, Rejection] = Field(default_factory=dict, alias="rejectedByReason")
    customers: int = Field(ge=0, description="distinct customers in this file")
    file_type: FileType | None = Field(default=None, alias="fileType")
    encoding: str | None = None
    delimiter: str | None = None
    date_order: Literal["YMD", "DMY", "MDY"] | None = Field(default=None, alias="dateOrder")
    column_mapping: dict[str, str] = Field(default_factory=dict, alias="columnMapping")
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="how the file was read (not problems)")

    @model_validator(mode="after")
    def _rows_add_up(self) -> Self:
        _check_rows_add_up(self.rows_read, self.rows_accepted, self.rows_rejected, self.rejected_by_reason)
        return self


class IngestReport(BaseModel):
    """What reading a file did. rowsRead = rowsAccepted + rowsRejected, always."""

    model_config = ConfigDict(populate_by_name=True)

    rows_read: int = Field(alias="rowsRead", ge=0)
    rows_accepted: int = Field(alias="rowsAccepted", ge=0)
    rows_rejected: int = Field(alias="rowsRejected", ge=0)
    rejected_by_reason: dict[str, Rejection] = Field(default_factory=dict, alias="rejectedByReason")
    customers: int = Field(ge=0)
    format: CohortFormat
    file_type: FileType | None = Field(default=None, alias="fileType", description="what the file was")
    encoding: str | None = None
    delimiter: str | None = None
    date_order: Literal["YMD", "DMY", "MDY"] | None = Field(default=None, alias="dateOrder")
    column_mapping: dict[str, str] = Field(default_factory=dict, alias="columnMapping")
    warnings: list[str] = Field(default_factory=list)
    # Additions (optional): how numbers were read, how the file was read, and the customers file's own report.
    decimal_mark: Literal[".", ","] | None = Field(default=None, alias="decimalMark")
    notes: list[str] = Field(default_factory=list, description="how the file was read (not problems)")
    customers_file: CustomersFileReport | None = Field(default=None, alias="customersFile")

    @model_validator(mode="after")
    def _rows_add_up(self) -> Self:
        if self.rows_read != self.rows_accepted + self.rows_rejected:
            raise ValueError(f"rowsRead {self.rows_read} != rowsAccepted {self.rows_accepted} "
                             f"+ rowsRejected {self.rows_rejected}")
        if self.rows_rejected != sum(r.count for r in self.rejected_by_reason.values()):
            raise ValueError("rowsRejected must equal the sum of rejectedByReason counts")
        return self


def _check_rows_add_up(read: int, accepted: int, rejected: int, by_reason: Mapping[str, Rejection]) -> None:
    if read != accepted + rejected:
        raise ValueError(f"rowsRead {read} != rowsAccepted {accepted} + rowsRejected {rejected}")
    if rejected != sum(r.count for r in by_reason.values()):
        raise ValueError("rowsRejected must equal the sum of rejectedByReason counts")


@dataclass(frozen=True)
class Cohort:
    """A cohort read from one or more files."""

    customers: pd.DataFrame
    history: pd.DataFrame
    report: IngestReport
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)

    def customer_data(
        self, customer_id: str, region_medians: Mapping[str, float] | None = None
    ) -> dict[str, Any]:
        """One customer as the seed's `customerData` object, the input of `analyze_customer`.

        Args:
            customer_id: the customer.
            region_medians: median baskets the cohort computed for regions that are not in the reference
                table; such a region is sent as a region object with ``medianBasketSource: "cohort"``.
        """
        one = Cohort(
            customers=self.customers.loc[self.customers["customer_id"] == customer_id],
            history=self.history.loc[self.history["customer_id"] == customer_id],
            report=self.report,
        )
        found = next(one.iter_customer_data(region_medians), None)
        if found is None:
            raise KeyError(customer_id)
        return found


    def iter_customer_data(self, region_medians: Mapping[str, float] | None = None) -> Iterator[dict[str, Any]]:
        """Every customer as a seed `customerData` object, in the customers table's order.

        Groups the history once, so it is linear in the cohort's size (unlike calling `customer_data`
        per customer).
        """
        lines_by_customer: dict[str, list[dict[str, Any]]] = {}
        lines: Iterator[Any] = self.history.itertuples(index=False)
        for line in lines:
            lines_by_customer.setdefault(str(line.customer_id), []).append(_line(line))
        rows: Iterator[Any] = self.customers.itertuples(index=False)
        for row in rows:
            customer_id = str(row.customer_id)
            customer: dict[str, Any] = {
                "customerId": customer_id,
                "city": _text(row.city),
                "region": _text(row.region),
                "age": _int(row.age),
                "gender": _text(row.gender),
                "registeredAt": _day(row.registered_at),
                "totalOrders": _int(row.total_orders),
                "productHistory": lines_by_customer.get(customer_id, []),
            }
            data: dict[str, Any] = {"customerId": customer_id, "city": customer["city"], "customer": customer}
            region = customer["region"].strip() if customer["region"] is not None else None  # as the model trims
            if region is not None and region_medians and region in region_medians:
                data["region"] = {"name": region, "medianBasket": region_medians[region],
                                  "medianBasketSource": "cohort"}
            yield data


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _day(value: Any) -> str | None:
    return None if pd.isna(value) else str(value.date().isoformat())


def _line(line: Any) -> dict[str, Any]:
    return {
        "productId": _text(line.product_id),
        "productName": _text(line.product_name),
        "category": _text(line.category),
        "totalQuantity": int(line.total_quantity),
        "totalSpent": float(line.total_spent),
        "orderCount": int(line.order_count),
        "firstPurchase": _day(line.first_purchase),
        "lastPurchase": _day(line.last_purchase),
        "avgDaysBetween": None if math.isnan(line.avg_days_between) else float(line.avg_days_between),
    }


def empty_customers() -> pd.DataFrame:
    """An empty customers table with the contract's dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CUSTOMER_COLUMNS.items()})


def empty_history() -> pd.DataFrame:
    """An empty history table with the contract's dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in HISTORY_COLUMNS.items()})
