"""What the Customer page shows, as pure functions: input parsing, segment cards, product tables.

A customer can be entered three ways: picked from the loaded cohort, typed into a form, or pasted as the
seed's JSON (a whole request, its ``customerData`` or just the ``customer`` object).
"""

from __future__ import annotations

import json
import math
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import pandas as pd

from dashboard.charts import DIMENSION_TITLES, UNKNOWN_COLOUR
from dashboard.wording import plain
from rules.cohort.values import INVISIBLE
from rules.rulebook import Rulebook, default_rulebook

CARD_FIELDS: tuple[str, ...] = (
    "churnSegment", "valueSegment", "loyaltyTier", "ageSegment", "affinityType", "diversityProfile",
    "affinityCategory",
)
AMBIGUOUS_SHOWN: Final = 10  # candidates an ambiguous id lists; the rest are counted
PRODUCT_LINE_COLUMNS: tuple[str, ...] = (
    "productId", "productName", "category", "totalQuantity", "totalSpent", "orderCount", "firstPurchase",
    "lastPurchase", "avgDaysBetween",
)


EXAMPLE_JSON = json.dumps({"customerData": {"customerId": "C-9001", "city": "Izmir", "customer": {
    "customerId": "C-9001", "age": 41, "gender": "F", "registeredAt": "2025-01-10", "productHistory": [
        {"productId": "P-2001", "category": "SKINCARE", "totalQuantity": 6, "totalSpent": 359.4, "orderCount": 6,
         "firstPurchase": "2025-02-01", "lastPurchase": "2025-11-20", "avgDaysBetween": 40}]}}}, indent=2)


class CustomerInputError(ValueError):
    """The entered customer cannot be read; the message says where."""


@dataclass(frozen=True, slots=True)
class SegmentCard:
    """One segment of a customer, ready to draw.

    Attributes:
        title: the dimension in words ("Churn risk").
        code: the segment code, None when undecided.
        label: the code with its English name ("Riskli — at risk"), or the category.
        colour: the segment's colour (a neutral grey for categories and undecided segments).
        reason: why it was assigned.
    """

    title: str
    code: str | None
    label: str | None
    colour: str
    reason: str | None


def parse_customer_json(text: str) -> dict[str, Any]:
    """The seed's ``customerData`` from pasted JSON.

    Accepts a whole request ``{"customerData": {...}}``, a ``customerData`` object, or a bare seed customer
    (an object with ``productHistory`` or ``registeredAt``, as in the seed's mock data).

    Raises:
        CustomerInputError: the text is not JSON, or not an object of one of those shapes.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CustomerInputError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except RecursionError:  # Python's parser recurses once per level: [[[[… a hundred thousand deep
        raise CustomerInputError("the JSON is nested too deeply to be a customer") from None
    except ValueError:  # Python reads no integer longer than its limit (4,300 digits), valid JSON as it is
        raise CustomerInputError(f"a number has more than {sys.get_int_max_str_digits():,} digits, more than any "
                                 "customer field holds") from None
    if not isinstance(data, dict):
        raise CustomerInputError(f"expected a JSON object, got {json_kind(data)}")
    if "customerData" in data:
        inner = data["customerData"]
        if not isinstance(inner, dict):
            raise CustomerInputError(f"customerData must be a JSON object, got {json_kind(inner)}")
        return inner
    if "productHistory" in data or "registeredAt" in data:
        return {"customerId": data.get("customerId"), "city": data.get("city"), "customer": data}
    if "customer" in data or isinstance(data.get("region"), dict):
        return data
    raise CustomerInputError(
        "expected a request {\"customerData\": ...}, a customerData object {\"customer\": ...} or a seed customer "
        f"with productHistory; got an object with keys {sorted(data)[:12]}"
    )


def json_kind(value: Any) -> str:
    """What a decoded JSON value is, in JSON's words (an array, not a Python list).

    Examples:
        >>> json_kind([1]), json_kind(None), json_kind(True), json_kind(2.5), json_kind("x")
        ('an array', 'null', 'true/false', 'a number', 'a string')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value == ""


def _day(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp | date):
        return value.isoformat()[:10]
    return str(value).strip()


def customer_from_form(fields: Mapping[str, Any], lines: pd.DataFrame) -> dict[str, Any]:
    """The seed's ``customerData`` from the form's fields and its product-lines table.

    Empty fields are left out (the agent then says what it could not decide); rows of the table with no
    product id and no spend are ignored as blank rows.
    """
    customer: dict[str, Any] = {
        key: (value.isoformat() if isinstance(value, date) else value)
        for key, value in fields.items() if not _blank(value)
    }
    history = []
    for row in lines.to_dict("records"):
        if _blank(row.get("productId")) and _blank(row.get("totalSpent")):
            continue
        line: dict[str, Any] = {}
        for column in PRODUCT_LINE_COLUMNS:
            value: Any = row.get(column)
            if column in ("firstPurchase", "lastPurchase"):
                value = _day(value)
            if not _blank(value):
                line[column] = value.item() if hasattr(value, "item") else value  # numpy scalars → JSON types
        history.append(line)
    customer["productHistory"] = history
    return {"customerId": customer.get("customerId"), "city": customer.get("city"), "customer": customer}


def example_product_lines() -> pd.DataFrame:
    """The form's purchase history to start from: two products, one bought regularly, one once."""
    return pd.DataFrame([
        {"productId": "P-2001", "productName": None, "category": "SKINCARE", "totalQuantity": 5, "totalSpent": 299.5,
         "orderCount": 5, "firstPurchase": date(2025, 3, 10), "lastPurchase": date(2025, 12, 1),
         "avgDaysBetween": 45.0},
        {"productId": "P-1002", "productName": None, "category": "MAKEUP", "totalQuantity": 1, "totalSpent": 54.9,
         "orderCount": 1, "firstPurchase": date(2025, 6, 2), "lastPurchase": date(2025, 6, 2),
         "avgDaysBetween": None},
    ], columns=list(PRODUCT_LINE_COLUMNS))


def customer_heading(analysis: Mapping[str, Any]) -> str:
    """``C-1001 · Istanbul, Marmara``: who and where, as plain text (the page escapes it)."""
    place = ", ".join(str(p) for p in (analysis.get("city"), analysis.get("region")) if p) or "location unknown"
    return f"{analysis.get('customerId') or 'Unnamed customer'} · {place}"


def money(value: Any, currency: str) -> str:
    """An amount with its currency, a dash when unknown.

    Examples:
        >>> money(1234.5, "TRY"), money(None, "TRY")
        ('1,234.50 TRY', '—')
    """
    return "—" if value is None else f"{float(value):,.2f} {currency}"


def days_since_purchase(analysis: Mapping[str, Any]) -> str:
    """Days since the last purchase, or "never bought" for a new customer."""
    return "never bought" if analysis.get("isNewCustomer") else f"{analysis.get('lastPurchaseDaysAgo', 0):,}"


def no_missing_regulars_note(analysis: Mapping[str, Any]) -> str:
    """What to say when no regular product is overdue: nothing is, or it cannot be told without product detail."""
    if analysis.get("topProducts") or analysis.get("isNewCustomer"):
        return "Nothing overdue."
    return "Cannot tell without product detail."


def explanation_note(source: str | None) -> str:
    """Who wrote the agent's explanation."""
    return "Explanation by the agent's " + ("language model." if source == "model" else
                                            "template explainer (no language model configured).")


def segment_cards(analysis: Mapping[str, Any], rulebook: Rulebook | None = None) -> list[SegmentCard]:
    """A card per segment of the analysis, in the order marketers read them (churn first)."""
    rules = rulebook or default_rulebook()
    reasons = analysis.get("reasons") or {}
    cards = []
    for field in CARD_FIELDS:
        code = analysis.get(field)
        reason = reasons.get(field, {}).get("text") if isinstance(reasons.get(field), dict) else None
        if code is None:
            cards.append(SegmentCard(DIMENSION_TITLES[field], None, None, UNKNOWN_COLOUR, reason))
            continue
        try:
            segment = rules.segment(code)
        except KeyError:  # categories (SKINCARE) are data, not rulebook codes
            cards.append(SegmentCard(DIMENSION_TITLES[field], code, code, UNKNOWN_COLOUR, reason))
            continue
        cards.append(SegmentCard(DIMENSION_TITLES[field], code, rules.display_name(code), segment.color, reason))
    return cards


def top_products_frame(analysis: Mapping[str, Any]) -> pd.DataFrame:
    """The customer's top products: ``product, category, quantity, spent, lastBought``."""
    items = analysis.get("topProducts") or []
    return pd.DataFrame({
        "product": [_product(i) for i in items],
        "category": [i.get("category") for i in items],
        "quantity": pd.array([i.get("totalQuantity") for i in items], dtype="Int64"),
        "spent": pd.array([i.get("totalSpent") for i in items], dtype="float64"),
        "lastBought": [str(i.get("lastBought", ""))[:10] for i in items],
    })


def missing_regulars_frame(analysis: Mapping[str, Any]) -> pd.DataFrame:
    """The customer's overdue regulars: ``product, category, usualGapDays, daysSinceLastPurchase, daysOverdue``."""
    items = analysis.get("missingRegulars") or []
    return pd.DataFrame({
        "product": [_product(i) for i in items],
        "category": [i.get("category") for i in items],
        "usualGapDays": pd.array([i.get("avgDaysBetween") for i in items], dtype="float64"),
        "daysSinceLastPurchase": pd.array([i.get("daysSinceLastPurchase") for i in items], dtype="Int64"),
        "daysOverdue": pd.array([i.get("daysOverdue") for i in items], dtype="float64"),
        "lastBought": [str(i.get("lastBought", ""))[:10] for i in items],
    })


def _product(item: Mapping[str, Any]) -> str:
    name = item.get("productName")
    return f"{name} ({item.get('productId')})" if name else str(item.get("productId"))


def normalised_ids(ids: pd.Series) -> pd.Series:
    """Every id as `find_customers` compares it when none is written exactly as typed: in Unicode NFKC, aligned
    with `ids`. An ASCII id is its own NFKC form, so only the others are normalised (a cohort's ids are distinct,
    so there is nothing to deduplicate); a page computes this once per cohort, not on every failed lookup.
    """
    others = ~ids.str.isascii()
    if not others.any():
        return ids
    normalised = ids.copy()
    texts = ids[others]
    forms = [unicodedata.normalize("NFKC", str(text)) for text in texts.tolist()]
    normalised[others] = pd.Series(forms, index=texts.index, dtype=ids.dtype)  # of the column's type: set at once
    return normalised


def typed_id(text: str) -> str:
    r"""A typed or pasted id as the reader reads ids: spaces and invisible characters (a zero-width space, a
    byte-order mark; `rules.cohort.values.INVISIBLE`) cut at both ends.

    Examples:
        >>> typed_id(" \ufeffC-1\u200b "), typed_id("C\u200b-1")
        ('C-1', 'C\u200b-1')
    """
    while True:
        cut = text.strip().strip(INVISIBLE)
        if cut == text:
            return text
        text = cut


def find_customers(ids: pd.Series, typed: str, normalised: Callable[[], pd.Series] | None = None) -> list[str]:
    """The cohort's ids that ``typed`` names: the id written exactly so, else every id that reads the same once
    both are normalised (Unicode NFKC, so ``Ş`` written as S + cedilla and a non-breaking space match what a
    keyboard types), in the cohort's order. One id is a match; more are ambiguous (`ambiguous_id_note`).

    Args:
        ids: the cohort's customer ids, as text.
        typed: what the user typed.
        normalised: gives `normalised_ids` of `ids` (kept once per cohort by the page); computed here when None.
    """
    wanted = typed_id(typed)
    if not wanted:
        return []
    if (ids == wanted).any():
        return [wanted]
    key = unicodedata.normalize("NFKC", wanted)
    keys = normalised_ids(ids) if normalised is None else normalised()
    matches = ids[keys == key].unique()
    return [str(match) for match in matches]


@dataclass(frozen=True, slots=True)
class Lookup:
    """What looking up a typed or picked id in a cohort found.

    Attributes:
        customer_id: the one customer it names, or None.
        problem: otherwise why not, as Markdown for the page: nothing asked, no such customer, or several.
    """

    customer_id: str | None
    problem: str | None = None


def look_up(
    ids: pd.Series, asked: str, file_name: str, normalised: Callable[[], pd.Series] | None = None,
) -> Lookup:
    """The customer of the cohort ``file_name`` whose id ``asked`` names (`find_customers`, with `normalised`),
    or why there is none."""
    wanted = typed_id(asked)
    if not wanted:
        return Lookup(None, "Type a customer id, or pick one.")
    found = find_customers(ids, wanted, normalised)
    if not found:  # an invisible character inside the id would make "No customer C-1" read as a contradiction
        return Lookup(None, f"No customer with id **{plain(visible_id(wanted))}** in {plain(file_name)}.")
    if len(found) > 1:
        return Lookup(None, ambiguous_id_note(wanted, found, file_name))
    return Lookup(found[0])


def ambiguous_id_note(typed: str, candidates: Sequence[str], file_name: str) -> str:
    """Markdown saying that ``typed`` names several customers once normalised, listing at most
    `AMBIGUOUS_SHOWN` of them with the characters that tell them apart made visible (`visible_id`)."""
    shown = ", ".join(plain(visible_id(candidate)) for candidate in candidates[:AMBIGUOUS_SHOWN])
    more = f" and {len(candidates) - AMBIGUOUS_SHOWN:,} more" if len(candidates) > AMBIGUOUS_SHOWN else ""
    return (f"**{plain(typed)}** is ambiguous in {plain(file_name)}: {len(candidates):,} customers' ids read as it "
            f"once written the same way ({shown}{more}). Pick one from the list, or paste its id exactly.")


def visible_id(text: str) -> str:
    """An id with every character that Unicode normalisation would change, and every invisible one (a zero-width
    space, a direction mark: Unicode's format characters), written as its code point, so ids that look the same
    tell apart.

    Examples:
        >>> visible_id("C\u00a01"), visible_id("S\u0327-1"), visible_id("Ş-1"), visible_id("C\u200b1")
        ('C⟨U+00A0⟩1', 'S⟨U+0327⟩-1', 'Ş-1', 'C⟨U+200B⟩1')
    """
    return "".join(char if unicodedata.normalize("NFKC", char) == char and not unicodedata.combining(char)
                   and unicodedata.category(char) != "Cf" else f"⟨U+{ord(char):04X}⟩" for char in text)


def no_products_note(analysis: Mapping[str, Any]) -> str:
    """What to say when a customer has no top products: never bought, or bought without product detail (an
    order-level export: its lines carry no product ids)."""
    if analysis.get("isNewCustomer") or not analysis.get("orderCount"):
        return "No purchases yet."
    return "No product detail: the file's purchases carry no product ids (orders without products)."
