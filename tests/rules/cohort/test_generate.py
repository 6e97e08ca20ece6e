"""The order-line generator: seeded and byte-stable, realistic, and messy in the documented ways."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rules.cohort.generate import (
    CUSTOMER_FILE_COLUMNS,
    DEFAULT_AS_OF,
    MAX_CUSTOMERS,
    ORDER_LINE_COLUMNS,
    generate,
    write,
)
from rules.cohort.read import read_cohort
from rules.cohort.segment import segment_cohort
from rules.reference import product_catalog, provinces, reference_regions


@pytest.fixture(scope="module")
def generated() -> tuple[pd.DataFrame, pd.DataFrame]:
    made = generate(1500, seed=4)
    return made.order_lines, made.customers


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = write(generate(300, seed=9), tmp_path / "a")
    again = write(generate(300, seed=9), tmp_path / "b")
    other = write(generate(300, seed=10), tmp_path / "c")

    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert first[0].read_bytes() != other[0].read_bytes()


def test_files_have_the_documented_columns(tmp_path: Path) -> None:
    order_lines, customers = write(generate(50, seed=1), tmp_path)

    assert order_lines.read_text(encoding="utf-8").splitlines()[0] == ",".join(ORDER_LINE_COLUMNS)
    assert customers.read_text(encoding="utf-8").splitlines()[0] == ",".join(CUSTOMER_FILE_COLUMNS)


def test_customers_live_in_every_region(generated: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    _, customers = generated
    regions = {provinces().get(city) for city in customers["city"]}

    assert regions - {None} == {r.name for r in reference_regions()}
    assert "Kıbrıs" in set(customers["region"].dropna())
    assert customers["age"].isna().any()
    assert customers["registered_at"].isna().any()
    assert customers["customer_id"].str.fullmatch(r"C\d{7}").all()


def test_order_lines_hold_repeat_purchases_returns_and_messy_rows(
    generated: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    lines, _ = generated
    products = lines[~lines["product_id"].isin(["KARGO", "POST"])]
    repeats = products.groupby(["customer_id", "product_id"])["order_id"].nunique()

    assert (repeats >= 3).sum() > 100  # habits: the same product bought again and again
    assert (lines["quantity"] < 0).any()
    assert lines.loc[lines["quantity"] < 0, "order_id"].str.startswith("RET-").all()
    assert {"KARGO", "POST"} <= set(lines["product_id"])
    assert lines["customer_id"].isna().any()
    assert lines.duplicated().any()
    assert (lines["amount"] == (lines["quantity"] * lines["unit_price"]).round(2)).all()
    assert (lines["order_date"] <= "2026-02-12 23:59:59").all()


def test_demand_follows_the_seasons(generated: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    lines, _ = generated
    fragrance = lines[lines["category"] == "FRAGRANCE"]
    by_month = fragrance["order_date"].str[5:7].value_counts()

    assert by_month["12"] > 1.3 * by_month["01"]  # gifts in December, quiet January (SEASONS)


@pytest.mark.parametrize("customers", [0, MAX_CUSTOMERS + 1])
def test_needs_at_least_one_customer_and_at_most_the_limit(customers: int) -> None:
    with pytest.raises(ValueError, match=f"customers must be from 1 to 10,000,000, got {customers:,}"):
        generate(customers)


def test_catalog_products_keep_their_prices_and_the_value_segment_splits_the_cohort(
    generated: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    lines, customers = generated
    catalog = {product_id: product.unit_price for product_id, product in product_catalog().items()}
    sold = lines[lines["product_id"].isin(list(catalog))].groupby("product_id")["unit_price"].unique()

    assert len(sold) > 10
    assert {product_id: list(prices) for product_id, prices in sold.items()} == \
        {product_id: [catalog[product_id]] for product_id in sold.index}
    results = segment_cohort(read_cohort(_csv(lines), customers=_csv(customers)), DEFAULT_AS_OF)
    high_value = (results["valueSegment"] == "HighValue").mean()
    assert 0.3 < high_value < 0.7  # baskets around the reference regions' median baskets, as in a real shop


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def test_values_with_commas_quotes_and_line_breaks_round_trip(tmp_path: Path) -> None:
    made = generate(20, seed=2)
    made.order_lines.loc[0, "product_name"] = 'He said "hi", then\nleft'
    order_lines, _ = write(made, tmp_path)

    back = pd.read_csv(order_lines, dtype=str, keep_default_na=False)

    assert back.loc[0, "product_name"] == 'He said "hi", then\nleft'
    assert back.loc[1:, "product_name"].tolist() == made.order_lines.loc[1:, "product_name"].tolist()
    assert back["amount"].tolist() == [f"{a:.2f}" for a in made.order_lines["amount"]]
