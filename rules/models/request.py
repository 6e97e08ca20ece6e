"""The seed's `customerData` request, validated.

Field names are the seed's camelCase (aliases); Python code uses snake_case, except in the product lines, which
are plain dicts keyed as in the JSON (`ProductLine`). Unknown fields are ignored.
Checks that involve the as-of day read it from the validation context key ``"as_of"``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, NotRequired, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
    with_config,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from rules.models.dates import Day

MAX_PRODUCT_LINES = 10_000
MAX_CITIES = 200
MAX_SEASON_ITEMS = 100

Id = Annotated[str, Field(min_length=1, max_length=128)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Label = Annotated[str, Field(min_length=1, max_length=64)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Request(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", str_strip_whitespace=True)


def _not_after_as_of(day: date | None, info: ValidationInfo) -> date | None:
    as_of = (info.context or {}).get("as_of")
    if day is not None and as_of is not None and day > as_of:
        raise ValueError(f"is after the as-of day {as_of.isoformat()}")
    return day


# A customer has many product lines, so a line is a TypedDict (a plain dict keyed as in the JSON): validating
# it costs about half of building a model instance per line.
@with_config(ConfigDict(extra="ignore", str_strip_whitespace=True))
class ProductLine(TypedDict):
    """One product in the customer's purchase history (one line per product), keyed as in the JSON.

    A line with no `productId` is order-level spend whose products are unknown (order-level exports).
    Optional keys that the input leaves out are absent.
    """

    productId: NotRequired[Id | None]
    productName: NotRequired[Name | None]
    category: NotRequired[Label | None]
    totalQuantity: Annotated[int, Field(ge=0)]
    totalSpent: Money
    orderCount: Annotated[int, Field(ge=1)]
    firstPurchase: NotRequired[Day | None]
    lastPurchase: Day
    avgDaysBetween: NotRequired[Annotated[float, Field(ge=0, allow_inf_nan=False)] | None]


def _line_in_order(raw: Any, validate: ValidatorFunctionWrapHandler, info: ValidationInfo) -> ProductLine:
    """A valid line whose lastPurchase is neither before its firstPurchase nor after the as-of day.

    The problem is located at lastPurchase and echoes the value as given, like a field's own error.
    """
    line: ProductLine = validate(raw)
    last, first = line["lastPurchase"], line.get("firstPurchase")
    if first is not None and last < first:
        problem = f"is before firstPurchase {first.isoformat()}"
    else:
        as_of = (info.context or {}).get("as_of")
        if as_of is None or last <= as_of:
            return line
        problem = f"is after the as-of day {as_of.isoformat()}"
    raise ValidationError.from_exception_data("ProductLine", [InitErrorDetails(
        type=PydanticCustomError("value_error", problem), loc=("lastPurchase",), input=raw["lastPurchase"],
    )])


CheckedProductLine = Annotated[ProductLine, WrapValidator(_line_in_order)]


class Customer(_Request):
    """The customer and their purchase history."""

    customer_id: Id | None = Field(default=None, alias="customerId")
    city: Name | None = None
    region: Name | None = None
    age: int | None = Field(default=None, ge=0, le=120)
    gender: Annotated[str, Field(max_length=32)] | None = None
    registered_at: Day | None = Field(default=None, alias="registeredAt")
    total_orders: int | None = Field(default=None, alias="totalOrders", ge=0)
    product_history: list[CheckedProductLine] = Field(
        default_factory=list, alias="productHistory", max_length=MAX_PRODUCT_LINES
    )

    _registered_not_after_as_of = field_validator("registered_at")(_not_after_as_of)

    @model_validator(mode="after")
    def _total_orders_consistent(self) -> Self:
        # Every real order shows up in at least one product line, and a line counts each order once.
        if self.total_orders is None or not self.product_history:
            return self
        line_orders = [line["orderCount"] for line in self.product_history]
        if not max(line_orders) <= self.total_orders <= sum(line_orders):
            raise ValueError(
                f"totalOrders {self.total_orders} must lie between the largest product orderCount "
                f"({max(line_orders)}) and their sum ({sum(line_orders)})"
            )
        return self


class Region(_Request):
    """A region object as the request gives it; fields it leaves out come from the reference table."""

    name: Name
    climate_type: Label | None = Field(default=None, alias="climateType")
    median_basket: float | None = Field(default=None, alias="medianBasket", gt=0, allow_inf_nan=False)
    # "cohort" when a batch computed the median from its own customers (region not in the reference).
    median_basket_source: Literal["request", "cohort"] = Field(default="request", alias="medianBasketSource")
    trend: Label | None = None
    seasonal_needs: dict[Label, Annotated[list[Name], Field(max_length=MAX_SEASON_ITEMS)]] | None = Field(
        default=None, alias="seasonalNeeds", max_length=12
    )
    cities: Annotated[list[Name], Field(max_length=MAX_CITIES)] | None = None


class CustomerData(_Request):
    """The seed's `customerData` object."""

    customer_id: Id | None = Field(default=None, alias="customerId")
    city: Name | None = None
    customer: Customer | None = None
    region: Region | None = None

    @model_validator(mode="after")
    def _ids_agree(self) -> Self:
        inner = self.customer.customer_id if self.customer else None
        if self.customer_id and inner and self.customer_id != inner:
            raise ValueError(f"customerId {self.customer_id!r} differs from customer.customerId {inner!r}")
        return self
