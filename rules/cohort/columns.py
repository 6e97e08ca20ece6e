"""Which column is which: header names recognised in English and Turkish, or an explicit mapping.

Names match however they are spelled: case, Turkish letters, accents, spaces and punctuation do not matter
(``Müşteri No``, ``MUSTERI_NO`` and ``musteri-no`` are the same key). When several columns could serve one
purpose, the more specific name wins (``Region`` over ``Country``), and a ``Country`` column is not the region
of a file with cities, nor an order's total the line amount of a file with products and unit prices; an
explicit mapping always wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from rules.errors import InvalidInput, Problem
from rules.text import fold

# Canonical name → header names it is recognised by, most specific first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer_id", "CustomerID", "Customer ID", "Customer No", "Customer Number", "Customer Code", "Cust ID",
        "Client ID", "Müşteri No", "Müşteri ID", "Müşteri Kodu", "Müşteri Numarası", "Cari Kod", "Cari Kodu",
        "Cari Hesap Kodu", "Üye No", "Üye ID", "Member ID", "User ID", "Customer", "Client", "Müşteri",
    ),
    "order_id": (
        "order_id", "InvoiceNo", "Invoice No", "Invoice Number", "Invoice ID", "Order No", "Order Number",
        "Sipariş No", "Sipariş ID", "Sipariş Numarası", "Sipariş Kodu", "Fatura No", "Fiş No", "Belge No",
        "Transaction ID", "amazon-order-id", "Invoice", "Order", "Sipariş",
    ),
    "order_date": (
        "order_date", "InvoiceDate", "Invoice Date", "Sipariş Tarihi", "Fatura Tarihi", "İşlem Tarihi",
        "Satış Tarihi", "Sale Date", "Purchase Date", "Transaction Date", "Date", "Tarih", "Created at",
    ),
    "product_id": (
        "product_id", "StockCode", "Stock Code", "Product Code", "Item ID", "Item Code", "Ürün Kodu", "Ürün ID",
        "Ürün No", "Stok Kodu", "Satıcı Stok Kodu", "Malzeme Kodu", "SKU", "Item SKU", "Lineitem sku", "Barkod",
        "Barcode", "Product",
    ),
    "product_name": (
        "product_name", "Description", "Item Name", "Item Description", "Ürün Adı", "Ürün İsmi",
        "Ürün Açıklaması", "Stok Adı", "Malzeme Adı", "Malzeme Açıklaması", "Lineitem name", "Açıklama", "Ürün",
    ),
    "category": (
        "category", "Kategori", "Product Category", "Ürün Kategorisi", "Kategori Adı", "Ürün Grubu",
        "Product Group", "Department", "Reyon",
    ),
    "quantity": ("quantity", "Qty", "Adet", "Miktar", "Units", "Quantity Ordered", "Satış Adedi", "Sipariş Adedi",
                 "Lineitem quantity", "quantity-purchased"),
    "amount": (
        "amount", "Tutar", "Line Total", "Order Line Total", "Item Total", "Total Price", "Toplam Tutar", "Net Tutar",
        "Satış Tutarı", "Sipariş Tutarı", "Net Amount", "Net Sales", "Order Total", "Grand Total (Base)",
        "Grand Total (Purchased)", "Grand Total", "Revenue", "Sales", "Total", "Toplam",
    ),
    "unit_price": ("unit_price", "UnitPrice", "Birim Fiyat", "Birim Fiyatı", "Satış Fiyatı", "Price", "Fiyat",
                   "Lineitem price"),
    "age": ("age", "Yaş"),
    "gender": ("gender", "Cinsiyet", "Sex"),
    "city": ("city", "Şehir", "İl", "Town", "Billing City", "Shipping City", "Ship City"),
    "region": ("region", "Bölge", "Country", "Ülke"),
    "registered_at": (
        "registered_at", "Registration Date", "Signup Date", "Sign Up Date", "Kayıt Tarihi", "Üyelik Tarihi",
        "Üye Olma Tarihi", "Join Date", "Joined", "Member Since", "Customer Since", "Signup", "Registered",
        "Registration",
    ),
    "status": ("status", "Item Status", "Order Status", "Durum", "Sipariş Durumu", "Sipariş Statüsü", "Statü",
               "Financial Status"),
    "total_quantity": ("total_quantity", "Toplam Adet", "Toplam Miktar", "Toplam Ürün Adedi"),
    "total_spent": ("total_spent", "Total Spend", "Toplam Harcama", "Toplam Harcama Tutarı"),
    "order_count": ("order_count", "Number of Orders", "Sipariş Sayısı", "Alışveriş Sayısı"),
    "first_purchase": ("first_purchase", "First Purchase Date", "First Order Date", "İlk Alışveriş",
                       "İlk Alışveriş Tarihi", "İlk Satın Alma", "İlk Satın Alma Tarihi", "İlk Sipariş Tarihi"),
    "last_purchase": ("last_purchase", "Last Purchase Date", "Last Order Date", "Son Alışveriş",
                      "Son Alışveriş Tarihi", "Son Satın Alma", "Son Satın Alma Tarihi", "Son Sipariş Tarihi"),
    "avg_days_between": ("avg_days_between", "Average Days Between", "Average Days Between Orders",
                         "Avg Days Between", "Ortalama Gün Aralığı", "Ortalama Alışveriş Aralığı",
                         "Ortalama Sipariş Aralığı", "Ortalama Gün"),
    "total_orders": ("total_orders", "Toplam Sipariş", "Toplam Sipariş Sayısı"),
}
CANONICAL: tuple[str, ...] = tuple(SYNONYMS)
ATTRIBUTES: tuple[str, ...] = ("city", "region", "age", "gender", "registered_at")


def name_key(name: str) -> str:
    """The key a header name is matched by: folded (case, Turkish letters, accents) with only letters and digits.

    Examples:
        >>> name_key("Müşteri No") == name_key("MUSTERI_NO") == name_key("müşteri-no") == "musterino"
        True
    """
    return re.sub(r"[^a-z0-9]", "", fold(name))


_BY_KEY: dict[str, tuple[str, int]] = {}
for _canonical, _names in SYNONYMS.items():
    for _rank, _name in enumerate(_names):
        _key = name_key(_name)
        if _key in _BY_KEY and _BY_KEY[_key][0] != _canonical:
            raise RuntimeError(f"header name {_name!r} is listed for both {_BY_KEY[_key][0]} and {_canonical}")
        _BY_KEY.setdefault(_key, (_canonical, _rank))


# A name key that ends in an e-mail: Email, E-Posta, Customer Email, Üye E-Posta Adresi, Email (Billing).
_EMAIL = re.compile(r"(?:email|eposta)(?:adresi|address|billing)?$")
# A name key of the buyers' names: Müşteri Adı Soyadı (Hepsiburada, n11), Alıcı, Buyer (Etsy), Bill-to Name and
# Customer Name (Magento), buyer-name (Amazon). Never taken unasked; the hint names it when nothing better is there.
_BUYER_NAME = re.compile(r"^(?:musteri|alici|buyer|customer|billto|uye)(?:adi|adisoyadi|adsoyad|ismi|name|fullname)?$")
_COUNTRY_KEYS = frozenset(name_key(name) for name in ("Country", "Ülke"))
# An order's total, written on each of its lines (Ticimax's "Sipariş Tutarı") or on its first (Shopify's "Total"
# beside "Subtotal"): summed per line it would count the order once per line, with its shipping and tax.
_ORDER_TOTAL_KEYS = frozenset(name_key(name) for name in (
    "Order Total", "Sipariş Tutarı", "Grand Total", "Grand Total (Base)", "Grand Total (Purchased)"))
# "item-price" is a unit price in most exports (Ecwid's item_price), but Amazon's order reports write the line's
# total there (quantity × unit price). It is read as the amount only beside a column name that only Amazon writes.
_LINE_TOTAL_PRICE_KEY = name_key("item-price")
_AMAZON_KEYS = frozenset(name_key(name) for name in ("amazon-order-id", "order-item-id", "quantity-purchased",
                                                     "asin"))
_SUBTOTAL_KEYS = frozenset(name_key(name) for name in ("Subtotal", "Ara Toplam"))
_TOTAL_KEYS = frozenset(name_key(name) for name in ("Total", "Toplam"))


@dataclass(frozen=True)
class Columns:
    """The columns a file's rows are read from.

    Attributes:
        used: canonical name → the file's column.
        unused: the file's columns that serve no purpose (kept in rejected rows, not read otherwise).
        notes: how ties between columns were settled.
    """

    used: dict[str, str]
    unused: list[str]
    notes: list[str] = field(default_factory=list)

    def has(self, canonical: str) -> bool:
        return canonical in self.used


_LISTED, _NAME_CHARACTERS = 40, 60
# A canonical name whose column may be left empty for another that serves in its place: products are told apart
# by their name when the product id column holds nothing.
_STANDS_IN = {"product_id": "product_name"}


def shortened(name: str) -> str:
    """A column name as a message shows it: at most 60 characters (a header cell whose quote never closed holds
    the rows below it)."""
    return name if len(name) <= _NAME_CHARACTERS else name[:_NAME_CHARACTERS - 1] + "…"


def listed(columns: Sequence[str]) -> str:
    """Column names for a message: each `shortened`, the first 40 of them."""
    more = len(columns) - _LISTED
    return ", ".join(shortened(column) for column in columns[:_LISTED]) + (f", … ({more} more)" if more > 0 else "")


def recognised_names(row: Sequence[str], named: Collection[str] = ()) -> int:
    """How many cells of a row are column names this reader knows (CustomerID, Müşteri No, Tarih, …) or a
    mapping names (``named``: their `name_key`)."""
    return sum(1 for cell in row if name_key(cell) in _BY_KEY or name_key(cell) in named)


def header_index(rows: Sequence[Sequence[str]], width: int, named: Collection[str] = ()) -> int:
    """Which of a file's first rows is the header: of those with two column names at least that this reader
    knows or a mapping names (``named``: their `name_key`), the one holding the most names the mapping names
    (in a two-row header, the row the mapped names are in), then the one with the most names; else one holding
    a name the mapping names alone; else the first with at least half of its ``width`` fields filled (a title line, or a
    "Report date;12.02.2026;;" line, exported above the table has most of them empty)."""
    if named:
        known = [recognised_names(row, named) for row in rows]
        headers = [index for index, count in enumerate(known) if count >= 2]
        if headers:  # max: the first of the best
            return max(headers, key=lambda index: (len(set(named) & {name_key(cell) for cell in rows[index]}),
                                                   known[index]))
        at = known.index(1) if 1 in known else -1
        if at >= 0 and any(name_key(cell) in named for cell in rows[at]):
            return at
    recognised = [recognised_names(row) for row in rows]
    if recognised and max(recognised) >= 2:
        return recognised.index(max(recognised))
    for index, row in enumerate(rows):
        if sum(1 for cell in row if cell.strip()) * 2 >= width:
            return index
    return 0


def recognise(columns: Sequence[str], mapping: Mapping[str, str | None] | None = None, *,
              allowed: Sequence[str] = CANONICAL, label: str = "mapping", file_label: str = "the file",
              city_elsewhere: bool = False, filled: Callable[[str], bool] | None = None) -> Columns:
    """Which column is which: the explicit mapping first, the recognised header names for the rest.

    Args:
        columns: the file's column names.
        mapping: canonical name → column name. A column given as None or "" turns that canonical name off
            (e.g. ``{"region": None}`` keeps a ``Country`` column from being read as the region).
        allowed, label, file_label: the canonical names the mapping may use, and how problems name the
            mapping and the file (a customers file takes its id and the attributes only).
        city_elsewhere: the cohort's other file has cities. A ``Country`` column is not read as the region
            when there are cities (unless the mapping names it): a country would override their regions.
        filled: whether a column of this file holds any value (a city column left empty gives no cities; a
            product id column left empty is not read when a product name column has values); columns are taken
            as filled when not given.

    Raises:
        InvalidInput: the mapping names an unknown canonical name, the same column twice, or a column the file
            does not have.
    """
    explicit = resolve_mapping(columns, mapping or {}, allowed=allowed, label=label, file_label=file_label)
    taken = {column for column in explicit.values() if column is not None}
    best: dict[str, tuple[int, int, str]] = {}
    notes: list[str] = []
    keys = {column: _BY_KEY.get(name_key(column), ("", 0))[0] for column in columns}
    for position, column in enumerate(columns):
        match = _BY_KEY.get(name_key(column))
        if match is None or column in taken:
            continue
        canonical, rank = match
        if canonical in explicit:
            continue
        if canonical in _STANDS_IN and filled is not None and not filled(column) and any(
                filled(other) for other in _serving(_STANDS_IN[canonical], columns, keys, explicit, taken)):
            # Etsy writes a SKU column that most shops leave empty: read, its every row would lack its product.
            notes.append(f"{canonical}: column {column!r} holds no value, not read (the {_STANDS_IN[canonical]} "
                         "serves)")
            continue
        candidate = (rank, position, column)
        if canonical in best:
            kept, other = sorted([best[canonical], candidate])
            notes.append(f"{canonical}: used column {kept[2]!r}, not {other[2]!r}")
            best[canonical] = kept
        else:
            best[canonical] = candidate
    used = {c: column for c, column in explicit.items() if column is not None}
    region = best.get("region")
    city = explicit.get("city") or (best["city"][2] if "city" in best else None)
    has_city = city_elsewhere or (city is not None and (filled is None or filled(city)))
    if region is not None and name_key(region[2]) in _COUNTRY_KEYS and has_city:
        # One country for every customer would override the region each customer's city gives.
        notes.append(f"region: column {region[2]!r} is a country, not read as the region (the cities give it); "
                     f"map it with {label}={{'region': {region[2]!r}}} to read it")
        del best["region"]
    amount, chosen = best.get("amount"), best.keys() | used.keys()
    if amount is not None and _is_order_total(amount[2], columns) and "unit_price" in chosen \
            and chosen & {"product_id", "product_name"}:
        notes.append(f"amount: column {amount[2]!r} is an order's total, not a line's: amount = quantity × unit "
                     f"price; map it with {label}={{'amount': {amount[2]!r}}} to read it")
        del best["amount"]
    used.update({canonical: choice[2] for canonical, choice in best.items()})
    item_price = _amazon_item_price(columns, used)
    if item_price is not None:
        used["amount"] = item_price
        notes.append(f"amount: column {item_price!r} is the line's total in an Amazon order report (quantity × unit "
                     "price), read as the amount")
    ordered = {c: used[c] for c in CANONICAL if c in used}
    unused = [c for c in columns if c not in set(ordered.values())]
    return Columns(ordered, unused, notes)


def _serving(canonical: str, columns: Sequence[str], keys: Mapping[str, str],
             explicit: Mapping[str, str | None], taken: Collection[str]) -> list[str]:
    """The columns that may be read as ``canonical``: the one the mapping names (none when it turns it off),
    else those whose name is one of its synonyms and that the mapping gives to nothing else."""
    if canonical in explicit:
        named = explicit[canonical]
        return [named] if named is not None else []
    return [column for column in columns if keys[column] == canonical and column not in taken]


def _is_order_total(column: str, columns: Sequence[str]) -> bool:
    """Whether an amount column is named as an order's total: "Order Total", "Sipariş Tutarı", or a "Total" beside
    a "Subtotal" (Shopify's, Magento's)."""
    key = name_key(column)
    return key in _ORDER_TOTAL_KEYS or (key in _TOTAL_KEYS and any(name_key(c) in _SUBTOTAL_KEYS for c in columns))


def _amazon_item_price(columns: Sequence[str], used: Mapping[str, str]) -> str | None:
    """Amazon's "item-price" column when the file is an Amazon order report and nothing else gives the amount."""
    if "amount" in used or "unit_price" in used or not any(name_key(c) in _AMAZON_KEYS for c in columns):
        return None
    return next((c for c in columns if name_key(c) == _LINE_TOTAL_PRICE_KEY and c not in used.values()), None)


def resolve_mapping(columns: Sequence[str], mapping: Mapping[str, str | None], *,
                    allowed: Sequence[str] = CANONICAL, label: str = "mapping", file_label: str = "the file",
                    ) -> dict[str, str | None]:
    """An explicit mapping checked against the file: canonical name → the file's exact column name (or None).

    A mapped name matches the file's column exactly, else by `name_key` when that is unambiguous.

    Raises:
        InvalidInput: every unknown canonical name, every column the file does not have and every column
            mapped twice, each located.
    """
    problems: list[Problem] = []
    resolved: dict[str, str | None] = {}
    by_key: dict[str, list[str]] = {}
    for column in columns:
        by_key.setdefault(name_key(column), []).append(column)
    for canonical, wanted in mapping.items():
        if canonical not in allowed:
            problems.append(Problem(f"{label}.{canonical}", f"unknown name; the names are: {', '.join(allowed)}",
                                    canonical))
        elif wanted is not None and not isinstance(wanted, str):
            problems.append(Problem(f"{label}.{canonical}", "must be a column name or None", repr(wanted)))
        elif wanted is None or wanted == "":
            resolved[canonical] = None
        elif wanted in columns:
            resolved[canonical] = wanted
        elif len(by_key.get(name_key(wanted), [])) == 1:
            resolved[canonical] = by_key[name_key(wanted)][0]
        else:
            problems.append(Problem(
                f"{label}.{canonical}",
                f"column {wanted!r} is not in {file_label}; its columns are: {listed(columns)}", wanted))
    for column in {c for c in resolved.values() if c is not None}:
        names = [canonical for canonical, chosen in resolved.items() if chosen == column]
        if len(names) > 1:
            problems.append(Problem(f"{label}.{names[1]}", f"column {column!r} is already mapped to {names[0]}",
                                    column))
    if problems:
        raise InvalidInput(problems)
    return resolved


def require_customer_id(columns: Columns, all_columns: Sequence[str], file_label: str = "the file",
                        mapping_name: str = "mapping", option: str = "--map") -> str:
    """The customer id column; ``mapping_name`` and ``option`` are the argument and the command-line option the
    hint names.

    Raises:
        InvalidInput: none was recognised; the message lists the names looked for and the file's columns.
    """
    if "customer_id" in columns.used:
        return columns.used["customer_id"]
    looked_for = ", ".join(SYNONYMS["customer_id"][1:9])
    role_of = {column: role for role, column in columns.used.items()}
    taken = [f"; {column!r} would be the customer id, but the mapping gives it to {role_of[column]}"
             for column in all_columns if _BY_KEY.get(name_key(column), ("",))[0] == "customer_id"
             and column in role_of]
    # Shop exports (Shopify, Trendyol, Magento) tell customers apart by their e-mail alone. It is not taken
    # unasked, since the results would then carry e-mail addresses, but the hint names it.
    email = next((shortened(column) for column in all_columns if _EMAIL.search(name_key(column))), None)
    hint = f"Name it with {mapping_name}={{'customer_id': '<column>'}} (on the command line: {option} " \
           "customer_id=<column>)"
    buyer = next((shortened(column) for column in all_columns if _BUYER_NAME.search(name_key(column))), None)
    if email is None and buyer is not None:
        hint = f"Its column {buyer!r} names the buyers, if nothing else tells them apart (customers of the same " \
               f"name are then one customer): name it with {mapping_name}={{'customer_id': {buyer!r}}} (on the " \
               f"command line: {option} \"customer_id={buyer}\")"
    if email is not None:
        hint = f"Its e-mail column {email!r} tells customers apart if nothing else does: name it with " \
               f"{mapping_name}={{'customer_id': {email!r}}} (on the command line: {option} \"customer_id={email}\")"
    raise InvalidInput([Problem(
        "columns",
        f"{file_label} has no customer id column (looked for {looked_for}, …); its columns are: "
        f"{listed(all_columns)}{''.join(taken[:1])}",
        [shortened(column) for column in all_columns[:_LISTED]], hint=hint)])
