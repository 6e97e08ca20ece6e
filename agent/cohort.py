"""A batch of seed customers segmented in one call: per-customer analyses and the segment distribution.

The runtime takes at most `MAX_COHORT_CUSTOMERS` customers per call so that one invocation stays well
inside AgentCore's payload and time limits; callers split larger cohorts into chunks of that size and
send one call per chunk (the chunks' distributions add up).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from unicodedata import normalize

from pydantic import ValidationError

from rules import Analysis, InvalidInput, Problem, analyze_customer
from rules.errors import describe_input
from rules.models.request import CUSTOMER_DATA
from rules.rulebook import Rulebook, default_rulebook

MAX_COHORT_CUSTOMERS = 1000

T = TypeVar("T")

# The analysis fields that hold a segment, in the seed's order.
SEGMENT_FIELDS: tuple[str, ...] = (
    "ageSegment", "churnSegment", "valueSegment", "loyaltyTier", "affinityCategory", "affinityType",
    "diversityProfile",
)


@dataclass(frozen=True, slots=True)
class SegmentCount:
    """How many customers one segment value holds.

    Attributes:
        code: the segment code; None counts the customers whose segment could not be decided.
        name: the rulebook's English name of the code (None for categories and unknowns).
        count: customers with that value.
    """

    code: str | None
    name: str | None
    count: int


@dataclass(frozen=True)
class CohortSummary:
    """The segment distribution of a cohort.

    Attributes:
        customers: customers in the cohort.
        as_of: the day every analysis is for.
        distribution: segment field → counts; rulebook codes in rulebook order (zeros included), then
            undecided customers (code None) when there are any. `affinityCategory` lists the categories
            seen, most customers first.
        new_customers: customers without purchases.
        with_missing_regulars: customers with at least one overdue regular product.
    """

    customers: int
    as_of: date
    distribution: Mapping[str, tuple[SegmentCount, ...]]
    new_customers: int
    with_missing_regulars: int

    def to_json(self) -> dict[str, Any]:
        """The summary as the runtime answers it (camelCase keys, shares rounded to 4 places)."""
        return {
            "customers": self.customers,
            "asOf": self.as_of.isoformat(),
            "newCustomers": self.new_customers,
            "withMissingRegulars": self.with_missing_regulars,
            "distribution": {
                field: [{"code": c.code, "name": c.name, "count": c.count,
                         "share": round(c.count / self.customers, 4) if self.customers else 0.0}
                        for c in counts]
                for field, counts in self.distribution.items()
            },
        }


@dataclass(frozen=True)
class CohortResult:
    """Every customer's analysis, in request order, and their summary."""

    analyses: tuple[Analysis, ...]
    summary: CohortSummary


def analyze_cohort(
    customers: Any, as_of: date, *, loc: str = "customers", rulebook: Rulebook | None = None
) -> CohortResult:
    """Segment a batch of seed customers (the `customer` objects of `customerData`).

    Args:
        customers: a list of seed customer objects (customerId, city, region, age, productHistory, ...).
        as_of: the day every analysis is for.
        loc: where the list sits in the caller's payload; problem locations start with it.
        rulebook: thresholds and codes; the bundled rulebook when None.

    Returns:
        The analyses in request order and the segment distribution.

    Raises:
        InvalidInput: the list is not a list, is empty or too long, or any customer is invalid; every
            problem is listed, located like ``customers[3].productHistory[0].totalSpent``.
    """
    rules = rulebook or default_rulebook()
    _check_list(customers, loc)
    analyses, problems = _per_customer(
        customers, loc, lambda customer_data: analyze_customer(customer_data, as_of, rulebook=rules)
    )
    if problems:
        raise InvalidInput(problems)
    return CohortResult(tuple(analyses), summarize(analyses, as_of, rules))


def cohort_problems_without_day(customers: Any, loc: str = "customers") -> list[Problem]:
    """The problems of a cohort that do not depend on the as-of day (for when the day itself is invalid)."""
    try:
        _check_list(customers, loc)
    except InvalidInput as error:
        return list(error.problems)
    return _per_customer(customers, loc, check_without_day)[1]


def check_without_day(customer_data: Any) -> None:
    """Check what of a `customerData` object does not depend on the as-of day (for an invalid `asOf`).

    Raises:
        InvalidInput: the object has problems (located relative to `customerData`).
    """
    if not isinstance(customer_data, dict):
        raise InvalidInput([Problem("", "customerData must be a JSON object", describe_input(customer_data))])
    try:
        CUSTOMER_DATA.validate_python(customer_data, context={"as_of": None})
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error, given=customer_data) from None


def _check_list(customers: Any, loc: str) -> None:
    if not isinstance(customers, list):
        raise InvalidInput([Problem(loc, "expected a list of customer objects", describe_input(customers))])
    if not customers:
        raise InvalidInput([Problem(loc, "needs at least one customer", [])])
    if len(customers) > MAX_COHORT_CUSTOMERS:
        raise InvalidInput([Problem(
            loc, f"at most {MAX_COHORT_CUSTOMERS} customers per call; split the cohort into chunks of "
                 f"{MAX_COHORT_CUSTOMERS} and send one call per chunk", f"<list of {len(customers)}>",
        )])


def _per_customer(customers: list[Any], loc: str, step: Callable[[dict[str, Any]], T]) -> tuple[list[T], list[Problem]]:
    """Run `step` on every customer's `customerData`, collecting every problem (and duplicate ids) in one list.

    An item is a seed customer object, or a whole `customerData` object (recognised by its `customer` object),
    which may bring its own region.
    """
    problems: list[Problem] = []
    results: list[T] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(customers):
        where = f"{loc}[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, "expected a customer object", describe_input(item)))
            continue
        wrapped = isinstance(item.get("customer"), dict)
        customer_data = item if wrapped else {"customer": item}
        customer_id = item.get("customerId") or (item["customer"].get("customerId") if wrapped else None)
        if isinstance(customer_id, str) and customer_id.strip():
            key = normalize("NFC", customer_id.strip())  # one id however its letters are composed, as read_cohort
            if key in first_seen:
                problems.append(Problem(f"{where}.customerId",
                                        f"duplicate customerId, first at {loc}[{first_seen[key]}]", customer_id))
            first_seen.setdefault(key, index)
        try:
            results.append(step(customer_data))
        except InvalidInput as error:
            problems.extend(_relocate(error.problems, where, wrapped))
    return results, problems


def summarize(analyses: Sequence[Analysis], as_of: date, rulebook: Rulebook | None = None) -> CohortSummary:
    """The segment distribution of analysed customers."""
    rules = rulebook or default_rulebook()
    distribution: dict[str, tuple[SegmentCount, ...]] = {}
    for field in SEGMENT_FIELDS:
        counts: Counter[str | None] = Counter(getattr(a, _ATTRIBUTE_OF[field]) for a in analyses)
        distribution[field] = _ordered_counts(field, counts, rules)
    return CohortSummary(
        customers=len(analyses),
        as_of=as_of,
        distribution=distribution,
        new_customers=sum(1 for a in analyses if a.is_new_customer),
        with_missing_regulars=sum(1 for a in analyses if a.missing_regulars),
    )


def segment_counts(analyses: Iterable[Analysis], rulebook: Rulebook | None = None) -> dict[str, dict[str, int]]:
    """Rulebook dimension → segment code → customers, for telemetry.

    Only customers count (region profiles describe no customer), only rulebook dimensions (their codes
    are a small fixed set, unlike categories, which come from the data), and undecided segments are left
    out.
    """
    rules = rulebook or default_rulebook()
    out: dict[str, Counter[str]] = {dimension: Counter() for dimension in rules.dimensions}
    attributes = {dimension: _ATTRIBUTE_OF[dimension] for dimension in out}
    for analysis in analyses:
        if analysis.mode == "region":
            continue
        for dimension, counter in out.items():
            code = getattr(analysis, attributes[dimension])
            if code is not None:
                counter[code] += 1
    return {dimension: dict(counter) for dimension, counter in out.items() if counter}


# Analysis attribute name of each segment field (e.g. churnSegment → churn_segment).
_ATTRIBUTE_OF: dict[str, str] = {
    info.alias or name: name for name, info in Analysis.model_fields.items() if (info.alias or name) in SEGMENT_FIELDS
}


def _ordered_counts(field: str, counts: Counter[str | None], rules: Rulebook) -> tuple[SegmentCount, ...]:
    segments = rules.dimensions.get(field)
    if segments is None:  # affinityCategory: categories come from the data
        seen = sorted((c for c in counts if c is not None), key=lambda c: (-counts[c], c))
        ordered = [SegmentCount(code, None, counts[code]) for code in seen]
    else:
        known = {s.code for s in segments}
        ordered = [SegmentCount(s.code, s.name, counts.get(s.code, 0)) for s in segments]
        # A code outside the rulebook cannot come from the rulebook's engine; list it rather than drop it.
        ordered += [SegmentCount(c, None, counts[c]) for c in sorted(c for c in counts if c and c not in known)]
    if counts.get(None):
        ordered.append(SegmentCount(None, None, counts[None]))
    return tuple(ordered)


def _relocate(problems: Iterable[Problem], where: str, wrapped: bool) -> list[Problem]:
    """Problems of one item's `customerData`, located inside the cohort list instead."""
    out = []
    for problem in problems:
        if wrapped:  # the item is the customerData object itself
            loc = f"{where}.{problem.loc}" if problem.loc else where
        elif problem.loc == "customer":
            loc = where
        elif problem.loc.startswith("customer."):
            loc = where + problem.loc[len("customer"):]
        else:
            loc = f"{where}.{problem.loc}" if problem.loc else where
        out.append(Problem(loc, problem.msg, problem.input))
    return out
