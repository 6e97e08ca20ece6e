"""Rebuild the bundled sample cohort: `python -m dashboard.sample.build_sample`.

It is the project's own generator (`segment generate`: 300 customers, seed 2026, as of 2026-02-12) with the
customer attributes joined onto the order lines, written the way a Turkish shop's Excel export looks:
Turkish column names, semicolons, decimal commas and DD.MM.YYYY dates. The messy rows the generator adds
(returns, shipping lines, guest checkouts, duplicates, missing ages) stay in, so the import report has something
to report.
"""

from __future__ import annotations

import json
from pathlib import Path

from rules.cohort.generate import DEFAULT_AS_OF, generate
from rules.cohort.read import read_cohort

HERE = Path(__file__).parent
FILE = "siparis_satirlari.csv"
CUSTOMERS = 300
SEED = 2026
TURKISH_HEADERS = {
    "order_id": "Sipariş No", "order_date": "Tarih", "customer_id": "Müşteri No", "product_id": "Ürün Kodu",
    "product_name": "Ürün Adı", "category": "Kategori", "quantity": "Adet", "unit_price": "Birim Fiyat",
    "amount": "Tutar", "city": "Şehir", "region": "Bölge", "age": "Yaş", "gender": "Cinsiyet",
    "registered_at": "Kayıt Tarihi",
}


def build() -> Path:
    """Write the sample and its description; returns the sample's path."""
    generated = generate(CUSTOMERS, seed=SEED, as_of=DEFAULT_AS_OF)
    lines = generated.order_lines.merge(generated.customers, on="customer_id", how="left")
    lines["order_date"] = lines["order_date"].str.slice(0, 16)
    for column in ("order_date", "registered_at"):
        day = lines[column].str.slice(0, 10)
        lines[column] = (day.str.slice(8, 10) + "." + day.str.slice(5, 7) + "." + day.str.slice(0, 4)
                         + lines[column].str.slice(10))
    lines["age"] = lines["age"].astype("Int64")
    if lines["region"].isna().all():  # regions come from the cities; the column only matters abroad
        lines = lines.drop(columns="region")
    path = HERE / FILE
    lines.rename(columns=TURKISH_HEADERS).to_csv(path, sep=";", decimal=",", index=False, float_format="%.2f",
                                                 lineterminator="\n")
    cohort = read_cohort(path)
    meta = {
        "file": FILE,
        "asOf": DEFAULT_AS_OF.isoformat(),
        "description": f"{cohort.report.customers} customers of a beauty shop, {cohort.report.rows_read:,} order "
                       f"lines over 3 years: a Turkish shop export, generated (seed {SEED}).",
    }
    (HERE / "sample.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(build())
