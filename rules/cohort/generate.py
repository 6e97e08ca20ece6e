"""A seeded generator of realistic order-line exports, for demos, tests and benchmarks.

`segment generate --customers N --out DIR [--seed S]` writes two files:

- ``order_lines.csv``: one row per order line (order_id, order_date, customer_id, product_id, product_name,
  category, quantity, unit_price, amount), sorted by date as shops export them;
- ``customers.csv``: customer attributes (customer_id, city, region, age, gender, registered_at).

The data has Turkish customers in all 81 provinces (so all 7 regions), a few in a region the reference table
does not know, the bundled catalog plus generated products in its categories, repeat purchases at regular
gaps (some customers stop buying, so missing regulars and churn appear), seasonal demand, returns (negative
quantities), and a few messy rows: lines without a customer id, shipping lines (KARGO, POST), exact
duplicates, customers without age, gender or signup date. Everything is drawn with numpy from one seed, in
whole-array steps; the same seed and as-of day give byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rules.cohort.columnar_text import TEXT, fixed_text, join
from rules.cohort.csv_cells import quoted, text_bytes
from rules.cohort.dates import EARLIEST
from rules.output_files import OutputFiles
from rules.reference import product_catalog, provinces

DEFAULT_AS_OF = date(2026, 2, 12)
ORDER_LINES_FILE = "order_lines.csv"
CUSTOMERS_FILE = "customers.csv"
HISTORY_DAYS = 2 * 365
LONGEST_MEMBERSHIP_DAYS = 5 * 365  # signups go back less than this from the export day
# The earliest export day whose every date (back to the earliest signup) is one the reader takes.
EARLIEST_AS_OF = EARLIEST + timedelta(days=LONGEST_MEMBERSHIP_DAYS)
MAX_REPEATS = 8
GENERATED_PRODUCTS_PER_CATEGORY = 12
# About 10 order lines (860 bytes of CSV) per customer: ten million customers make an 8 GiB file.
MAX_CUSTOMERS = 10_000_000
TYPICAL_PRICE = 40.0  # the median price of the generated products (the catalog's own median is 59.90)
# Customers of the Turkish Republic of Northern Cyprus: a region outside the reference table.
FOREIGN_REGION, FOREIGN_CITIES = "Kıbrıs", ("Lefkoşa", "Girne", "Gazimağusa")
BIG_CITIES = {"İstanbul": 18.0, "Ankara": 6.0, "İzmir": 5.0, "Bursa": 3.5, "Antalya": 3.0, "Konya": 2.5,
              "Adana": 2.5, "Gaziantep": 2.3, "Şanlıurfa": 2.2, "Kocaeli": 2.2, "Mersin": 2.0, "Diyarbakır": 1.9,
              "Kayseri": 1.6, "Eskişehir": 1.2, "Samsun": 1.5, "Trabzon": 1.1, "Van": 1.2, "Erzurum": 1.0}
# Relative demand per month (January first): summer for sun care and fragrance, winter for care.
SEASONS = {
    "SKINCARE": [1.2, 1.1, 1.0, 0.9, 1.0, 1.3, 1.4, 1.3, 0.9, 0.9, 1.0, 1.2],
    "MAKEUP": [1.0, 1.1, 1.0, 1.0, 1.1, 1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 1.5],
    "FRAGRANCE": [0.8, 1.3, 1.0, 0.9, 1.2, 1.1, 1.0, 0.9, 0.9, 1.0, 1.2, 1.6],
    "HAIRCARE": [1.0, 1.0, 1.0, 1.1, 1.1, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 1.0],
    "PERSONALCARE": [1.1, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.0, 1.1],
    "WELLNESS": [1.4, 1.2, 1.0, 0.9, 0.9, 0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3],
}
ORDER_LINE_COLUMNS = ["order_id", "order_date", "customer_id", "product_id", "product_name", "category",
                      "quantity", "unit_price", "amount"]
CUSTOMER_FILE_COLUMNS = ["customer_id", "city", "region", "age", "gender", "registered_at"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Generated:
    """The generated tables (before writing) and where they were written."""

    order_lines: pd.DataFrame
    customers: pd.DataFrame


def _catalog(rng: np.random.Generator) -> pd.DataFrame:
    catalog = product_catalog()
    known = pd.DataFrame({
        "product_id": list(catalog), "product_name": [p.product_name for p in catalog.values()],
        "category": [p.category for p in catalog.values()],
        "unit_price": [p.unit_price for p in catalog.values()],
    })
    per_category = range(GENERATED_PRODUCTS_PER_CATEGORY)
    categories = sorted(SEASONS)
    made = pd.DataFrame({
        "product_id": [f"P-{9000 + i:04d}" for i in range(len(categories) * len(per_category))],
        "product_name": [f"{c.title()} Ürün {i + 1}" for c in categories for i in per_category],
        "category": [c for c in categories for _ in per_category],
    })
    # Prices around the catalog's, so that baskets sit around the reference regions' median baskets and the value
    # segment splits the cohort as in a real shop; they end in .90, as Turkish shops price them.
    typical = np.exp(rng.normal(np.log(TYPICAL_PRICE), 0.5, len(made)))
    made["unit_price"] = np.maximum(np.round(typical / 5) * 5, 10) - 0.1
    return pd.concat([known, made], ignore_index=True)


def _customers(rng: np.random.Generator, count: int, as_of: date) -> tuple[pd.DataFrame, IntArray]:
    names = list(provinces())
    weights = np.array([BIG_CITIES.get(n, 0.4) for n in names])
    city = np.array(names, dtype=object)[rng.choice(len(names), count, p=weights / weights.sum())]
    region = np.full(count, None, dtype=object)
    foreign = rng.random(count) < 0.004
    foreign[[count // 3, (2 * count) // 3]] = True  # always a few, so that cohort medians show up
    city[foreign] = np.array(FOREIGN_CITIES, dtype=object)[rng.integers(0, len(FOREIGN_CITIES), foreign.sum())]
    region[foreign] = FOREIGN_REGION
    age = np.clip(np.rint(rng.normal(38, 12, count)), 18, 80).astype(np.int64)
    no_age = rng.random(count) < 0.03
    no_age[count // 2] = True  # at least one customer without an age
    gender = np.where(rng.random(count) < 0.8, "F", "M").astype(object)
    gender[rng.random(count) < 0.02] = None
    member_days = rng.integers(10, LONGEST_MEMBERSHIP_DAYS, count)
    registered = pd.Series(pd.Timestamp(as_of) - pd.to_timedelta(member_days, unit="D"))
    registered = registered.dt.strftime("%Y-%m-%d").astype(object)
    registered[rng.random(count) < 0.04] = None
    return pd.DataFrame({
        "customer_id": [f"C{i:07d}" for i in range(1, count + 1)],
        "city": city, "region": region,
        "age": pd.Series(pd.array(age, dtype="Int64")).mask(no_age),
        "gender": gender, "registered_at": registered,
    }), member_days


def _purchases(rng: np.random.Generator, member_days: IntArray, products: pd.DataFrame
               ) -> tuple[IntArray, IntArray, IntArray]:
    """Repeat purchases: per customer a few products, each bought at a regular gap while the habit lasts."""
    count = len(member_days)
    per_customer = np.clip(rng.poisson(2.2, count), 0, 8) + 1
    new_customers = rng.random(count) < 0.03  # signed up, never bought
    per_customer[new_customers] = 0
    owner = np.repeat(np.arange(count), per_customer)
    habits = len(owner)
    product = rng.integers(0, len(products), habits)
    gap = rng.choice([21, 30, 30, 45, 60, 60, 90, 120, 180, 365], habits)
    window = np.minimum(member_days[owner], HISTORY_DAYS)
    start = rng.integers(0, np.maximum(window, 1))  # days ago of the first purchase
    # Some habits stop (the customer goes quiet): their last purchase lies further back.
    stop = np.where(rng.random(habits) < 0.35, rng.integers(0, np.maximum(start, 1)), 0)
    times = np.maximum((start - stop) // gap, 0) + 1
    times = np.minimum(times, MAX_REPEATS)
    habit = np.repeat(np.arange(habits), times)
    step = np.arange(len(habit)) - np.repeat(np.cumsum(times) - times, times)
    jitter = rng.integers(-3, 4, len(habit))
    days_ago = np.clip(start[habit] - step * gap[habit] + jitter, 0, None)
    return owner[habit], product[habit], days_ago


def generate(customers: int, *, seed: int = 0, as_of: date = DEFAULT_AS_OF) -> Generated:
    """Generate the two tables in memory (`write` puts them in files).

    Args:
        customers: how many customers.
        seed: the random seed; the same seed gives the same tables.
        as_of: the day the export is taken; no purchase is later.
    """
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be from 1 to {MAX_CUSTOMERS:,}, got {customers:,}")
    rng = np.random.default_rng(seed)
    products = _catalog(rng)
    people, member_days = _customers(rng, customers, as_of)
    owner, product, days_ago = _purchases(rng, member_days, products)

    # Seasonality: drop purchases in a product's slow months.
    day = np.datetime64(as_of.isoformat()) - days_ago.astype("timedelta64[D]")
    month = (day.astype("datetime64[M]").astype(np.int64) % 12)
    category = products["category"].to_numpy()[product]
    demand = np.ones(len(product))
    for name, weights in SEASONS.items():
        chosen = category == name
        demand[chosen] = np.asarray(weights)[month[chosen]]
    keep = rng.random(len(product)) < demand / 1.6
    owner, product, day = owner[keep], product[keep], day[keep]

    quantity = rng.choice([1, 1, 1, 1, 2, 2, 3], len(product))
    order_key = owner.astype(np.int64) * 100_000 + (day - np.datetime64("1970-01-01")).astype(np.int64)
    unique_orders, order_index = np.unique(order_key, return_inverse=True)
    moments = day.astype("datetime64[s]") + rng.integers(9 * 3600, 22 * 3600, len(unique_orders))[order_index]
    order_number = rng.permutation(len(unique_orders)) + 100_001
    lines = pd.DataFrame({
        "order_id": _prefixed("SO-", order_number[order_index]),
        "order_date": moments,
        "customer_id": people["customer_id"].to_numpy()[owner],
        "product_id": products["product_id"].to_numpy()[product],
        "product_name": products["product_name"].to_numpy()[product],
        "category": category[keep],
        "quantity": quantity,
        "unit_price": products["unit_price"].to_numpy()[product],
    })
    lines = pd.concat([lines, _returns(rng, lines, as_of), _shipping(rng, lines)], ignore_index=True)
    lines = pd.concat([lines, _no_customer(rng, lines)], ignore_index=True)
    lines["amount"] = np.round(lines["quantity"].to_numpy() * lines["unit_price"].to_numpy(), 2)
    lines = pd.concat([lines, lines.iloc[_sample(rng, len(lines), 0.002)]], ignore_index=True)  # duplicates
    lines = lines.sort_values(["order_date", "order_id"], kind="stable", ignore_index=True)
    lines["order_date"] = pc.strftime(pa.array(lines["order_date"].to_numpy()), format="%Y-%m-%d %H:%M:%S").to_pandas()
    return Generated(order_lines=lines[ORDER_LINE_COLUMNS], customers=people[CUSTOMER_FILE_COLUMNS])


def _prefixed(prefix: str, numbers: IntArray) -> pd.Series:
    texts: pd.Series = pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "").to_pandas()
    return texts


def _sample(rng: np.random.Generator, count: int, share: float) -> IntArray:
    picked = np.flatnonzero(rng.random(count) < share)
    return picked if len(picked) or count == 0 else np.array([0], dtype=np.int64)


def _returns(rng: np.random.Generator, lines: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """About 2% of lines come back a few days later, on a return document with negative quantities."""
    returned = lines.iloc[_sample(rng, len(lines), 0.02)].copy()
    later = returned["order_date"].to_numpy() + rng.integers(1, 5, len(returned)).astype("timedelta64[D]")
    export_day_end = np.datetime64(as_of.isoformat(), "s") + np.timedelta64(86399, "s")
    returned["order_date"] = np.minimum(later, export_day_end)
    returned["order_id"] = returned["order_id"].str.replace("SO-", "RET-", regex=False)
    returned["quantity"] = -returned["quantity"]
    return returned


def _shipping(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """Shipping charged on some orders, as a line of its own (KARGO, or POST as English exports say)."""
    orders = lines.drop_duplicates("order_id").iloc[:, :3]
    charged = orders.iloc[_sample(rng, len(orders), 0.15)].copy()
    post = rng.random(len(charged)) < 0.3
    charged["product_id"] = np.where(post, "POST", "KARGO")
    charged["product_name"] = np.where(post, "POSTAGE", "Kargo Ücreti")
    charged["category"] = None
    charged["quantity"] = 1
    charged["unit_price"] = 29.9
    return charged


def _no_customer(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """A few lines whose customer id the shop did not record (guest checkouts)."""
    guests = lines.iloc[_sample(rng, len(lines), 0.001)].copy()
    guests["customer_id"] = None
    guests["order_id"] = guests["order_id"].str.replace("SO-", "G-", regex=False)
    return guests


def write(generated: Generated, out: Path) -> tuple[Path, Path]:
    """Write ``order_lines.csv`` and ``customers.csv`` (UTF-8, comma-separated, quoted only where needed), both
    or neither (`rules.output_files`): a full disk half-way leaves no cut-short export behind.

    Raises:
        WriteError: a file could not be written (named); no file was replaced.
    """
    out.mkdir(parents=True, exist_ok=True)
    order_lines, customers = out / ORDER_LINES_FILE, out / CUSTOMERS_FILE
    with OutputFiles() as files:
        files.write(order_lines, lambda file: _write_csv(generated.order_lines, file, ("unit_price", "amount")))
        files.write(customers, lambda file: _write_csv(generated.customers, file, ()))
        files.commit()
    return order_lines, customers


def _write_csv(frame: pd.DataFrame, out: BinaryIO, money_columns: tuple[str, ...]) -> None:
    """Every column as text: money with two decimals as exports show it, missing values empty, and quotes only
    around values that hold a comma, quote or line break (RFC 4180), as spreadsheets write them."""
    cells: list[pa.Array | str] = []
    for name in frame.columns:
        if name in money_columns:
            text = fixed_text(frame[name].to_numpy(dtype=np.float64), 2)
        else:
            text = pa.array(frame[name], from_pandas=True).cast(TEXT)
        cells += [quoted(text.fill_null("")), ","]
    out.write((",".join(frame.columns) + "\n").encode("utf-8"))
    out.write(text_bytes(join(*cells[:-1], "\n")))
