"""The seed's `customerData` request, validated.

Every part is a TypedDict keyed as in the JSON, so validation gives plain dicts: typed, and a fraction of the
cost of model instances (one analysis is meant to take microseconds, and validation is a good part of it).
Optional keys that the input leaves out are absent, unknown keys are dropped and texts are stripped. Checks that
involve the as-of day read it from the validation context key ``"as_of"``. `CUSTOMER_DATA` and `CUSTOMER` are
the validators; `rules.analyze.parse_customer_data` turns their errors into `InvalidInput`.

Validation takes two passes at most. The first uses the public types below, whose numbers are strict: pydantic-core
takes JSON numbers only, so true and false (which lax numbers take for 1 and 0) are refused without a call into
Python per field. Only input that the first pass refuses is validated again, with the lax types (`_Lax…`): they
also take numbers written as text and whole floats for whole numbers, refuse booleans with their own message, and
check every field on its own, so that every problem is listed with its location.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, Literal, NotRequired, TypeVar
from unicodedata import normalize

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    with_config,
)
from pydantic_core import PydanticCustomError, PydanticKnownError
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from rules.models.dates import Day

MAX_PRODUCT_LINES = 10_000
MAX_CITIES = 200
MAX_SEASON_ITEMS = 100
# Counts stay below 2**53 so that they are exact in the float64 columns of the batch path (`segment_cohort`).
MAX_COUNT = 2**53
# A rulebook's budget_factor is at most this (estimatedBudget = budget_factor × avgBasket), so that a customer whose
# spend times it is a finite float gets a finite budget (avgBasket is at most the spend: a customer has an order).
MAX_BUDGET_FACTOR = 10.0
BUDGET_BEYOND_RANGE = "the estimatedBudget, a multiple of the average basket, would be beyond a float's range"
MAX_AGE = 120


def _not_a_boolean(value: Any) -> Any:
    # JSON's true and false arrive as Python's bools, which pydantic's lax int and float take for 1 and 0.
    if value is True or value is False:
        raise PydanticCustomError("number_type", "Input should be a number, not a boolean")
    return value


def _whole_number(bounds: Interval) -> BeforeValidator:
    """`NotBoolean` for an integer field within `bounds` (its ``ge`` and its ``lt`` or ``le``), also refusing a
    whole float beyond 64 bits (1e20) with the bound it breaks, echoing it as the float it is."""

    def check(value: Any) -> Any:
        value = _not_a_boolean(value)
        if type(value) is float and value.is_integer() and abs(value) >= 2**63:
            # pydantic-core parses no float beyond 64 bits into an int ("Unable to parse input string"); the
            # field's own bound says what is wrong with 1e20, and the error keeps the input as written.
            if value < 0:
                raise PydanticKnownError("greater_than_equal", {"ge": bounds.ge})
            if bounds.lt is not None:
                raise PydanticKnownError("less_than", {"lt": bounds.lt})
            raise PydanticKnownError("less_than_equal", {"le": bounds.le})
        return value

    return BeforeValidator(check)


NotBoolean = BeforeValidator(_not_a_boolean)
"""Refuses true and false where a number is expected (its place in `Annotated`: last, so that it runs first)."""

Id = Annotated[str, Field(min_length=1, max_length=128)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Label = Annotated[str, Field(min_length=1, max_length=64)]

# A whole number's bounds, written once for both passes.
_COUNT_BOUNDS = Interval(ge=0, lt=MAX_COUNT)
_AGE_BOUNDS = Interval(ge=0, le=MAX_AGE)
_ORDER_COUNT_BOUNDS = Interval(ge=1, lt=MAX_COUNT)

# The first pass's numbers (see the module's docstring) ...
Money = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Count = Annotated[int, _COUNT_BOUNDS, Field(strict=True)]
_Age = Annotated[int, _AGE_BOUNDS, Field(strict=True)]
_OrderCount = Annotated[int, _ORDER_COUNT_BOUNDS, Field(strict=True)]
_Days = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
_MedianBasket = Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]

# ... and the second pass's: the same bounds.
_LaxMoney = Annotated[float, Field(ge=0, allow_inf_nan=False), NotBoolean]
_LaxCount = Annotated[int, _COUNT_BOUNDS, _whole_number(_COUNT_BOUNDS)]
_LaxAge = Annotated[int, _AGE_BOUNDS, _whole_number(_AGE_BOUNDS)]
_LaxOrderCount = Annotated[int, _ORDER_COUNT_BOUNDS, _whole_number(_ORDER_COUNT_BOUNDS)]
_LaxDays = Annotated[float, Field(ge=0, allow_inf_nan=False), NotBoolean]
_LaxMedianBasket = Annotated[float, Field(gt=0, allow_inf_nan=False), NotBoolean]

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
    orderCount: _OrderCount
    firstPurchase: NotRequired[Day | None]
    lastPurchase: Day
    avgDaysBetween: NotRequired[_Days | None]


def _last_purchase_in_order(last: date, info: ValidationInfo) -> date:
    first = (info.data or {}).get("firstPurchase")
    if first is not None and last < first:
        raise ValueError(f"is before firstPurchase {first.isoformat()}")
    return _not_after_as_of(last, info)


@with_config(_CONFIG)
class _LaxProductLine(ProductLine):
    """The second pass's product line: lax numbers, and lastPurchase checked as a field against its
    firstPurchase and the as-of day (a field check runs even when other fields of the line are invalid)."""

    # The same keys with the second pass's checks: the one way to derive the line without repeating the others.
    totalQuantity: _LaxCount
    totalSpent: _LaxMoney
    orderCount: _LaxOrderCount
    lastPurchase: Annotated[Day, AfterValidator(_last_purchase_in_order)]
    avgDaysBetween: NotRequired[_LaxDays | None]


def _history_in_order(lines: list[ProductLine], info: ValidationInfo) -> list[ProductLine]:
    """No line bought last before it was bought first or after the as-of day.

    One Python call per history instead of one per line; the second pass locates the line (`_LaxProductLine`).
    """
    as_of = (info.context or {}).get("as_of")
    for line in lines:
        last, first = line["lastPurchase"], line.get("firstPurchase")
        if (first is not None and last < first) or (as_of is not None and last > as_of):
            raise ValueError("a product line was bought last before it was bought first or after the as-of day")
    return lines


@with_config(_CONFIG)
class Customer(TypedDict):
    """The customer and their purchase history (no `productHistory`: no purchases yet)."""

    customerId: NotRequired[Id | None]
    city: NotRequired[Name | None]
    region: NotRequired[Name | None]
    age: NotRequired[_Age | None]
    gender: NotRequired[Annotated[str, Field(max_length=32)] | None]
    registeredAt: NotRequired[Annotated[Day, AfterValidator(_not_after_as_of)] | None]
    totalOrders: NotRequired[Count | None]
    productHistory: NotRequired[
        Annotated[list[ProductLine], Field(max_length=MAX_PRODUCT_LINES), AfterValidator(_history_in_order)]
    ]


@with_config(_CONFIG)
class _LaxCustomer(Customer):
    """The second pass's customer."""

    age: NotRequired[_LaxAge | None]
    totalOrders: NotRequired[_LaxCount | None]
    productHistory: NotRequired[Annotated[list[_LaxProductLine], Field(max_length=MAX_PRODUCT_LINES)]]


def _customer_consistent(customer: Customer) -> Customer:
    # Every real order shows up in at least one product line, and a line counts each order once. Each line's
    # totalSpent is finite; their sum, the customer's spend, must be too, with room for the estimated budget
    # derived from it (`MAX_BUDGET_FACTOR`). (One validator: each costs a call.)
    lines = customer.get("productHistory")
    if not lines:
        return customer
    spent = 0.0
    for line in lines:
        spent += line["totalSpent"]
    headroom = spent * MAX_BUDGET_FACTOR
    if headroom - headroom != 0.0:  # inf - inf is NaN: the sum, or the budget derived from it, overflowed
        raise ValueError("the productHistory's totalSpent add up to more than a float holds" if spent - spent != 0.0
                         else f"the productHistory's totalSpent add up to {spent:.4g}: {BUDGET_BEYOND_RANGE}")
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
_LaxCheckedCustomer = Annotated[_LaxCustomer, AfterValidator(_customer_consistent)]


@with_config(_CONFIG)
class Region(TypedDict):
    """A region object as the request gives it; fields it leaves out come from the reference table."""

    name: Name
    climateType: NotRequired[Label | None]
    medianBasket: NotRequired[_MedianBasket | None]
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
class _LaxRegion(Region):
    """The second pass's region."""

    medianBasket: NotRequired[_LaxMedianBasket | None]


@with_config(_CONFIG)
class CustomerData(TypedDict):
    """The seed's `customerData` object."""

    customerId: NotRequired[Id | None]
    city: NotRequired[Name | None]
    customer: NotRequired[CheckedCustomer | None]
    region: NotRequired[Region | None]


@with_config(_CONFIG)
class _LaxCustomerData(CustomerData):
    """The second pass's `customerData`."""

    customer: NotRequired[_LaxCheckedCustomer | None]
    region: NotRequired[_LaxRegion | None]


def _ids_agree(data: CustomerData) -> CustomerData:
    # Ids that differ only in their Unicode form (a decomposed Ü) are one id, as `read_cohort` has them.
    outer, inner = data.get("customerId"), (data.get("customer") or {}).get("customerId")
    if outer and inner and outer != inner and normalize("NFC", outer) != normalize("NFC", inner):
        raise ValueError(f"customerId {outer!r} differs from customer.customerId {inner!r}")
    return data


_T = TypeVar("_T")


class TwoPassValidator(Generic[_T]):
    """Validates with the first pass's strict types, and input they refuse again with the lax ones.

    The lax pass gives the answer for everything the strict one refuses: a value (numbers written as text, a whole
    float for a whole number) or every problem with its location.
    """

    def __init__(self, strict: Any, lax: Any) -> None:
        """Build both passes' validators.

        Args:
            strict: the first pass's type.
            lax: the second pass's type: derived from the first, with the same keys and bounds.
        """
        self.strict: TypeAdapter[_T] = TypeAdapter(strict)
        self.lax: TypeAdapter[_T] = TypeAdapter(lax)

    def validate_python(self, value: Any, *, context: dict[str, Any] | None = None) -> _T:
        """Validate `value` (see `pydantic.TypeAdapter.validate_python`).

        Raises:
            pydantic.ValidationError: the lax pass's errors.
        """
        try:
            return self.strict.validate_python(value, context=context)
        except ValidationError:
            return self.lax.validate_python(value, context=context)


CUSTOMER_DATA: TwoPassValidator[CustomerData] = TwoPassValidator(
    Annotated[CustomerData, AfterValidator(_ids_agree)], Annotated[_LaxCustomerData, AfterValidator(_ids_agree)]
)
"""Validates a `customerData` object (pass the as-of day as ``context={"as_of": day}``)."""

CUSTOMER: TwoPassValidator[Customer] = TwoPassValidator(CheckedCustomer, _LaxCheckedCustomer)
"""Validates a seed customer object on its own (the cohort reader's seed JSON)."""
