"""The seed's `analysis` object, field for field, plus the reasons, as-of day and rulebook version.

`model_dump(mode="json", by_alias=True)` gives the seed's shape. In region mode the seed's object has no
`customerId` and no `age`, so they are left out there.

The analysis and its reasons are models. The items of the lists (conditions, top products, missing regulars) are
TypedDicts keyed as in the JSON: plain dicts, typed, and a fraction of a model's cost to build, which matters
as every analysis has several of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

Mode = Literal["regular", "new_customer", "region"]
Op = Literal["<", "<=", ">", ">=", "=="]


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True)


class Condition(TypedDict):
    """One comparison behind a segment, e.g. lastPurchaseDaysAgo 74 > 60."""

    metric: str
    value: float | int | str | None
    op: Op
    threshold: float | int | str | None


class Reason(_Out):
    """Why a segment was assigned, for machines (`conditions`, `basis`) and for people (`text`).

    `basis` is "rule" when thresholds decided, "default" when the seed's documented default for the mode
    applies, and "unknown" when data the rule needs is missing (the segment is then null).
    """

    code: str | None
    basis: Literal["rule", "default", "unknown"]
    text: str
    conditions: tuple[Condition, ...] = ()


class TopProduct(TypedDict):
    """One of the customer's top products by spend, keyed as in the JSON."""

    productId: str
    totalQuantity: int
    totalSpent: float
    lastBought: str
    productName: str | None
    category: str | None


class MissingRegular(TypedDict):
    """A regular product the customer is overdue to buy again, keyed as in the JSON."""

    productId: str
    productName: str | None
    category: str | None
    avgDaysBetween: float
    daysSinceLastPurchase: int
    daysOverdue: float
    lastBought: str


class Analysis(_Out):
    """One customer's (or one region's) segmentation."""

    # The seed's fields, in the seed's order.
    mode: Mode
    customer_id: str | None = Field(default=None, alias="customerId")
    city: str | None
    region: str | None
    climate_type: str | None = Field(alias="climateType")
    age: int | None = None
    age_segment: str | None = Field(alias="ageSegment")
    gender: str | None
    churn_segment: str = Field(alias="churnSegment")
    value_segment: str | None = Field(alias="valueSegment")
    loyalty_tier: str | None = Field(alias="loyaltyTier")
    affinity_category: str | None = Field(alias="affinityCategory")
    affinity_type: str | None = Field(alias="affinityType")
    diversity_profile: str | None = Field(alias="diversityProfile")
    estimated_budget: float | None = Field(alias="estimatedBudget")
    avg_basket: float | None = Field(alias="avgBasket")
    avg_monthly_spend: float = Field(alias="avgMonthlySpend")
    last_purchase_days_ago: int = Field(alias="lastPurchaseDaysAgo")
    order_count: int = Field(alias="orderCount")
    total_spent: float = Field(alias="totalSpent")
    membership_days: int = Field(alias="membershipDays")
    missing_regulars: tuple[MissingRegular, ...] | None = Field(alias="missingRegulars")
    top_products: tuple[TopProduct, ...] | None = Field(alias="topProducts")
    message: str

    # Additions.
    as_of: date = Field(alias="asOf")
    rulebook_version: str = Field(alias="rulebookVersion")
    is_new_customer: bool = Field(alias="isNewCustomer")
    median_basket: float | None = Field(alias="medianBasket")
    median_basket_source: Literal["request", "reference", "cohort"] | None = Field(
        alias="medianBasketSource"
    )
    reasons: dict[str, Reason]
    warnings: tuple[str, ...] = ()

    @model_serializer(mode="wrap")
    def _seed_shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.mode == "region":
            for key in ("customerId", "customer_id", "age"):
                data.pop(key, None)
        return data
