"""The seed's `customerData` request, validated.

Every part is a TypedDict keyed as in the JSON, so validation gives plain dicts: typed, and a fraction of the
cost of model instances (one analysis is meant to take microseconds, and validation is a good part of it).
Optional keys that the input leaves out are absent, unknown keys are dropped and texts are stripped. Checks that
involve the as-of day read it from the validation context key ``"as_of"``. `CUSTOMER_DATA` and `CUSTOMER` are
the validators; `rules.analyze.parse_customer_data` turns their errors into `InvalidInput`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, NotRequired
from unicodedata import normalize

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from rules.models.dates import Day

MAX_PRODUCT_LINES = 10_000
MAX_CITIES = 200
MAX_SEASON_ITEMS = 100
# Counts stay below 2**53 so that they are exact in the float64 columns of the batch path (`segment_cohort`).
MAX_COUNT = 2**53


def _not_a_boolean(value: Any) -> Any:
    # JSON's true and false arrive as Python's bools, which pydantic's lax int and float take for 1 and 0.
    if value is True or value is False:
        raise PydanticCustomError("number_type", "Input should be a number, not a boolean")
    return value


def _whole_number(value: Any) -> Any:
    value = _not_a_boolean(value)
    if type(value) is float and value.is_integer() and abs(value) >= 2**63:
        # pydantic-core parses no float beyond 64 bits into an int ("Unable to parse input string"); as an int,
        # the field's own bound says what is wrong with 1e20.
        return int(value)
    return value


NotBoolean = BeforeValidator(_not_a_boolean)
"""Refuses true and false where a number is expected (its place in `Annotated`: last, so that it runs first)."""

WholeNumber = BeforeValidator(_whole_number)
"""`NotBoolean` for integer fields, also reading a float such as 1e20 as the integer it is (out of bounds)."""

Id = Annotated[str, Field(min_length=1, max_length=128)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Label = Annotated[str, Field(min_length=1, max_length=64)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False), NotBoolean]
Count = Annotated[int, Field(ge=0, lt=MAX_COUNT), WholeNumber]

_CONFIG = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _not_after_as_of(day: date, info: ValidationInfo) -> date:
    as_of = (info.context or {}).get("as_of")
    if as_of is not None and day > as_of:
        raise ValueError(f"is after the as-of day {as_of.isoformat()}")
    return day


@with_config(_CONFIG)
class ProductLine(TypedDict):
    """One product in the customer's purchase history (one line per product), keyed as in the JSON.

    A line with no `productId` is order-level spend whose products are unknown (order-level exports).
    Optional keys that the input leaves out are absent.
    """

    productId: NotRequired[Id | None]
    productName: NotRequired[Name | None]
    category: NotRequired[Label | None]
    totalQuantity: Count
    totalSpent: Money
    orderCount: Annotated[int, Field(ge=1, lt=MAX_COUNT), WholeNumber]
    firstPurchase: NotRequired[Day | None]
    lastPurchase: Day
    avgDaysBetween: NotRequired[Annotated[float, Field(ge=0, allow_inf_nan=False), NotBoolean] | None]


def _last_purchase_in_order(last: date, info: ValidationInfo) -> date:
    first = (info.data or {}).get("firstPurchase")
    if first is not None and last < first:
        raise ValueError(f"is before firstPurchase {first.isoformat()}")
    return _not_after_as_of(last, info)


class _CheckedProductLine(ProductLine):
    """A product line whose lastPurchase is checked, as a field, against its firstPurchase and the as-of day.

    Used only to locate problems (see `_history_in_order`); a field check runs even when other fields of the
    line are invalid, so every problem of the line is listed.
    """

    # The same key with a check added: the one way to derive the checked line without repeating the others.
    lastPurchase: Annotated[Day, AfterValidator(_last_purchase_in_order)]


_CHECKED_HISTORY: TypeAdapter[list[_CheckedProductLine]] = TypeAdapter(
    Annotated[list[_CheckedProductLine], Field(max_length=MAX_PRODUCT_LINES)]
)


def _history_in_order(raw: Any, validate: ValidatorFunctionWrapHandler, info: ValidationInfo) -> list[ProductLine]:
    """Every line valid, and none bought last before it was bought first or after the as-of day.

    One Python call per history instead of one per line: the lines are validated together and their days checked
    in one loop. Only when something is wrong are they validated again with field checks (`_CheckedProductLine`),
    so that every problem is listed with its location.
    """
    try:
        lines: list[ProductLine] = validate(raw)
    except ValidationError:
        lines = []  # some line is invalid: the days of the valid ones may be wrong too
    else:
        as_of = (info.context or {}).get("as_of")
        for line in lines:
            last, first = line["lastPurchase"], line.get("firstPurchase")
            if (first is not None and last < first) or (as_of is not None and last > as_of):
                break
        else:
            return lines
    _CHECKED_HISTORY.validate_python(raw, context=info.context)
    raise AssertionError("a history that failed its checks passed them line by line")  # pragma: no cover


@with_config(_CONFIG)
class Customer(TypedDict):
    """The customer and their purchase history (no `productHistory`: no purchases yet)."""

    customerId: NotRequired[Id | None]
    city: NotRequired[Name | None]
    region: NotRequired[Name | None]
    age: NotRequired[Annotated[int, Field(ge=0, le=120), WholeNumber] | None]
    gender: NotRequired[Annotated[str, Field(max_length=32)] | None]
    registeredAt: NotRequired[Annotated[Day, AfterValidator(_not_after_as_of)] | None]
    totalOrders: NotRequired[Count | None]
    productHistory: NotRequired[
        Annotated[list[ProductLine], Field(max_length=MAX_PRODUCT_LINES), WrapValidator(_history_in_order)]
    ]


def _customer_consistent(customer: Customer) -> Customer:
    # Every real order shows up in at least one product line, and a line counts each order once. Each line's
    # totalSpent is finite; their sum, the customer's spend, must be too. (One validator: each costs a call.)
    lines = customer.get("productHistory")
    if not lines:
        return customer
    spent = 0.0
    for line in lines:
        spent += line["totalSpent"]
    if spent - spent != 0.0:  # inf - inf is NaN: the sum overflowed
        raise ValueError("the productHistory's totalSpent add up to more than a float holds")
    total = customer.get("totalOrders")
    if total is None:
        return customer
    line_orders = [line["orderCount"] for line in lines]
    if not max(line_orders) <= total <= sum(line_orders):
        raise ValueError(
            f"totalOrders {total} must lie between the largest product orderCount "
            f"({max(line_orders)}) and their sum ({sum(line_orders)})"
        )
    return customer


CheckedCustomer = Annotated[Customer, AfterValidator(_customer_consistent)]


@with_config(_CONFIG)
class Region(TypedDict):
    """A region object as the request gives it; fields it leaves out come from the reference table."""

    name: Name
    climateType: NotRequired[Label | None]
    medianBasket: NotRequired[Annotated[float, Field(gt=0, allow_inf_nan=False), NotBoolean] | None]
    # "cohort" when a batch computed the median from its own customers (region not in the reference);
    # "request" when left out.
    medianBasketSource: NotRequired[Literal["request", "cohort"]]
    trend: NotRequired[Label | None]
    seasonalNeeds: NotRequired[
        Annotated[dict[Label, Annotated[list[Name], Field(max_length=MAX_SEASON_ITEMS)]], Field(max_length=12)]
        | None
    ]
    cities: NotRequired[Annotated[list[Name], Field(max_length=MAX_CITIES)] | None]


@with_config(_CONFIG)
class CustomerData(TypedDict):
    """The seed's `customerData` object."""

    customerId: NotRequired[Id | None]
    city: NotRequired[Name | None]
    customer: NotRequired[CheckedCustomer | None]
    region: NotRequired[Region | None]


def _ids_agree(data: CustomerData) -> CustomerData:
    # Ids that differ only in their Unicode form (a decomposed Ü) are one id, as `read_cohort` has them.
    outer, inner = data.get("customerId"), (data.get("customer") or {}).get("customerId")
    if outer and inner and outer != inner and normalize("NFC", outer) != normalize("NFC", inner):
        raise ValueError(f"customerId {outer!r} differs from customer.customerId {inner!r}")
    return data


CUSTOMER_DATA: TypeAdapter[CustomerData] = TypeAdapter(Annotated[CustomerData, AfterValidator(_ids_agree)])
"""Validates a `customerData` object (pass the as-of day as ``context={"as_of": day}``)."""

CUSTOMER: TypeAdapter[Customer] = TypeAdapter(CheckedCustomer)
"""Validates a seed customer object on its own (the cohort reader's seed JSON)."""
