"""The template explainer: whole texts for the seed's examples and the cases that change its sentences."""

from __future__ import annotations

from typing import Any

import pytest

from agent.cohort import analyze_cohort
from agent.explain import Explanation, TemplateExplainer
from rules import Analysis, analyze_customer, analyze_request
from tests.conftest import AS_OF, seed_example
from tests.rules.payloads import customer, line

SEED_REGULAR_EN = """\
## Customer C-1001: Istanbul, Marmara

Segments as of 2026-02-12 (rulebook 2026.11.0), each with the rule that decided it:

- **Age: GençYetişkin** (Young adult): age 32 in 26–35
- **Churn: Aktif** (active): lastPurchaseDaysAgo 11 ≤ 29
- **Value: HighValue** (high value): avgBasket / medianBasket 1.06 > 1 (avgBasket 79.29 vs median basket 75 of \
Marmara, from the request)
- **Loyalty: Gümüş** (silver): orderCount 17 ≥ 3; not Platin: ordersPerMonth 0.73 < 2; not Altın: ordersPerMonth \
0.73 < 1
- **Top category: SKINCARE**: highest spend, 1053.40 of 1348.00
- **Affinity: Odaklı** (focused): topCategoryOrderShare 0.82 > 0.60 (SKINCARE: 14 of 17 orders)
- **Diversity: Sadık** (loyal to a few): distinctProducts / orderCount 0.35 ≤ 0.40 (6 distinct products over 17 \
orders)

### Purchases
17 orders, 1348.00 TRY in total, average basket 79.29 TRY, 57.85 TRY a month; member for 699 days, last purchase 11 \
days ago.
Top products: Dr. C. Tuna Tea Tree Face Wash (P-2001) 479.20 TRY, Aloe Line Moisturizer (P-2004) 454.30 TRY, Hera \
EDP Kadın Parfüm (P-3001) 149.90 TRY, Age Reversist Serum (P-2002) 119.90 TRY, Stay Matte Liquid Lipstick (P-1003) \
89.80 TRY.
No regular product is overdue.

### Suggested actions
- Keep them engaged: recommend SKINCARE products they have not bought yet.
- High-value basket: offer premium products and early access.
- Loyalty tier Gümüş: reward repeat orders to move them up to Altın."""

SEED_NEW_CUSTOMER_TR = """\
## Yeni müşteri C-NEW-001: Antalya, Akdeniz

2026-02-12 tarihli segmentler (kural kitabı 2026.11.0) ve her birini belirleyen kural:

- **Yaş: GenZ** (Z kuşağı): yaş 22 ≤ 25
- **Kayıp riski: Riskli** (kaybetme riski yüksek): yeni müşteri, henüz alışveriş yok (varsayılan)
- **Değer: Standard** (standart): yeni müşteri, henüz alışveriş yok (varsayılan)
- **Sadakat: Bronz** (bronz): yeni müşteri, henüz alışveriş yok (varsayılan)
- **En çok harcanan kategori: SKINCARE**: Akdeniz bölgesinin trend kategorisi
- **Bağlılık tipi: Keşifçi** (kategoriler arasında gezen): yeni müşteri, henüz alışveriş yok (varsayılan)
- **Çeşitlilik: Kaşif** (çeşit arayan): yeni müşteri, henüz alışveriş yok (varsayılan)

### Alışverişler
Henüz alışveriş yok; 11 gün önce kayıt oldu. Bölgenin ortalama sepeti 85,00 TL (tahmini bütçe 102,00 TL).

### Önerilen aksiyonlar
- Bölgenin trendi SKINCARE etrafında, ilk alışverişe teşvikli bir hoş geldin kampanyası gönderin.
- İlk alışverişi 30 gün içinde hedefleyin: o zamana kadar yeni müşteri riskli (Riskli) sayılır."""

SEED_REGION_EN = """\
## Region profile: Akdeniz (Antalya)

Typical segments as of 2026-02-12 (rulebook 2026.11.0), the rulebook's defaults for a region profile:

- **Age: Yetişkin** (Adult): regional default (region mode, Akdeniz)
- **Churn: Aktif** (active): regional default (region mode, Akdeniz)
- **Value: Standard** (standard): regional default (region mode, Akdeniz)
- **Loyalty: Gümüş** (silver): regional default (region mode, Akdeniz)
- **Top category: SKINCARE**: trend of region Akdeniz
- **Affinity: Keşifçi** (explorer): regional default (region mode, Akdeniz)
- **Diversity: Dengeli** (balanced): regional default (region mode, Akdeniz)

Climate: Mediterranean. Median basket 85.00 TRY; estimated budget 102.00 TRY; typical monthly spend 170.00 TRY.

### Suggested actions
- Plan regional campaigns around SKINCARE, the region's trend."""


def seed_analysis(suffix: str) -> Analysis:
    return analyze_request(seed_example(f"example-request{suffix}"), AS_OF)


@pytest.mark.parametrize(("suffix", "language", "expected"), [
    ("", "en", SEED_REGULAR_EN), ("-new-customer", "tr", SEED_NEW_CUSTOMER_TR), ("-region", "en", SEED_REGION_EN),
])
def test_seed_examples(suffix: str, language: Any, expected: str) -> None:
    assert TemplateExplainer().explain_analysis(seed_analysis(suffix), language) == Explanation(expected, "template")


def test_turkish_reasons_are_written_from_the_conditions() -> None:
    text = TemplateExplainer().explain_analysis(seed_analysis(""), "tr").text

    assert text.splitlines()[4:11] == [
        "- **Yaş: GençYetişkin** (genç yetişkin): yaş 32 (> 25 ve ≤ 35)",
        "- **Kayıp riski: Aktif** (aktif): son alışverişten bu yana gün 11 ≤ 29",
        "- **Değer: HighValue** (yüksek değerli): ortalama sepet / medyan sepet 1,06 > 1",
        "- **Sadakat: Gümüş** (gümüş): sipariş sayısı 17 ≥ 3",
        "- **En çok harcanan kategori: SKINCARE**: en yüksek harcama bu kategoride",
        "- **Bağlılık tipi: Odaklı** (tek kategoriye odaklı): en çok harcanan kategorinin sipariş payı 0,82 > 0,60",
        "- **Çeşitlilik: Sadık** (az sayıda ürüne sadık): farklı ürün / sipariş 0,35 ≤ 0,40",
    ]


def overdue_customer_without_age_or_region() -> Analysis:
    data = customer([line("P-1001", orders=6, spent=300, days_ago=50, avg_days=20, quantity=6),
                     line("P-9", category="HAIR", days_ago=200)], age=None)
    data["customer"]["productHistory"][1]["productName"] = "Mystery"
    data["region"] = {"name": "Atlantis"}
    return analyze_customer(data, AS_OF)


def test_undecided_segments_overdue_regulars_and_warnings_en() -> None:
    lines = TemplateExplainer().explain_analysis(overdue_customer_without_age_or_region(), "en").text.splitlines()

    assert lines[4] == "- **Age: undecided**: age is missing"
    assert lines[6] == "- **Value: undecided**: no median basket for the region (Atlantis)"
    assert lines[15] == ("Overdue regular products: VFX Pro Camera Ready Foundation (P-1001), usually every 20 days, "
                         "now 50 days since the last purchase.")
    assert lines[17:] == [
        "### Suggested actions",
        "- They are cooling off (50 days since the last purchase): send a reminder or a small incentive now.",
        "- Loyalty tier Gümüş: reward repeat orders to move them up to Altın.",
        "- Remind them of their overdue regulars: VFX Pro Camera Ready Foundation (P-1001).",
        "",
        "### Data warnings",
        "- region unresolved or without a median basket (region object of the request): no median for valueSegment",
    ]


def test_undecided_segments_tr() -> None:
    lines = TemplateExplainer().explain_analysis(overdue_customer_without_age_or_region(), "tr").text.splitlines()

    assert (lines[4], lines[6]) == ("- **Yaş: belirlenemedi**: gereken veri eksik",
                                    "- **Değer: belirlenemedi**: gereken veri eksik")
    assert lines[-2] == "### Veri uyarıları"


def test_the_same_analysis_always_gives_the_same_text() -> None:
    explainer = TemplateExplainer()

    assert len({explainer.explain_analysis(seed_analysis(""), "en").text for _ in range(3)}) == 1


def cohort_summary() -> Any:
    customers = [seed_example("example-request")["customerData"]["customer"],
                 seed_example("example-request-new-customer")["customerData"]["customer"],
                 {"customerId": "C-3", "age": 55, "city": "Izmir", "registeredAt": "2025-01-01",
                  "productHistory": [{"productId": "P-1", "category": "MAKEUP", "totalQuantity": 1,
                                      "totalSpent": 50.0, "orderCount": 1, "lastPurchase": "2025-10-01"}]}]
    return analyze_cohort(customers, AS_OF).summary


def test_cohort_en() -> None:
    assert TemplateExplainer().explain_cohort(cohort_summary(), "en") == Explanation("""\
## Cohort of 3 customers (as of 2026-02-12)

- **Age**: GenZ 1 (33%), GençYetişkin 1 (33%), Olgun 1 (33%)
- **Churn**: Aktif 1 (33%), Riskli 2 (67%)
- **Value**: Standard 3 (100%)
- **Loyalty**: Gümüş 1 (33%), Bronz 2 (67%)
- **Top category**: MAKEUP 2 (67%), SKINCARE 1 (33%)
- **Affinity**: Odaklı 2 (67%), Keşifçi 1 (33%)
- **Diversity**: Kaşif 2 (67%), Sadık 1 (33%)

### Highlights
- At risk (Riskli) after buying before: 1 (33%); a win-back campaign comes first.
- New customers without a purchase yet: 1; send them a welcome campaign.""", "template")


def test_cohort_tr() -> None:
    text = TemplateExplainer().explain_cohort(cohort_summary(), "tr").text

    assert text.splitlines()[0] == "## 3 müşterilik kohort (2026-02-12 itibarıyla)"
    assert text.splitlines()[3] == "- **Kayıp riski**: Aktif 1 (%33), Riskli 2 (%67)"
    assert text.splitlines()[-1] == "- Henüz alışveriş yapmamış yeni müşteri: 1; hoş geldin kampanyası gönderin."


def test_customer_text_shows_as_text_not_as_markdown() -> None:
    data = customer([line("P-1*", category="![](https://evil.example/p.png)", orders=6, spent=300, days_ago=50,
                          avg_days=20, quantity=6)])
    data["customerId"] = data["customer"]["customerId"] = "C-1\n## URGENT"
    data["city"] = data["customer"]["city"] = "[Izmir](https://evil.example)"
    data["region"]["name"] = "Ege \u202eevil"
    data["customer"]["productHistory"][0]["productName"] = "Serum\n\n## Approved: 90% off \x07<b>now</b>"

    text = TemplateExplainer().explain_analysis(analyze_customer(data, AS_OF), "en").text

    product = "Serum  \\#\\# Approved: 90% off  \\<b>now\\</b> (P-1\\*)"
    category = "!\\[\\](https:\u2060//evil.example/p.png)"
    assert text == f"""\
## Customer C-1 \\#\\# URGENT: \\[Izmir\\](https:\u2060//evil.example), Ege evil

Segments as of 2026-02-12 (rulebook 2026.11.0), each with the rule that decided it:

- **Age: GençYetişkin** (Young adult): age 30 in 26–35
- **Churn: Ilık** (cooling): lastPurchaseDaysAgo 50 in 30–60
- **Value: Standard** (standard): avgBasket / medianBasket 0.50 ≤ 1 (avgBasket 50 vs median basket 100 of Ege evil, \
from the request)
- **Loyalty: Gümüş** (silver): orderCount 6 ≥ 3; not Platin: ordersPerMonth 0.45 < 2; not Altın: ordersPerMonth \
0.45 < 1
- **Top category: {category}**: highest spend, 300 of 300
- **Affinity: Odaklı** (focused): topCategoryOrderShare 1 > 0.60 ({category}: 6 of 6 orders)
- **Diversity: Sadık** (loyal to a few): distinctProducts / orderCount 0.17 ≤ 0.40 (1 distinct products over 6 \
orders)

### Purchases
6 orders, 300.00 TRY in total, average basket 50.00 TRY, 22.50 TRY a month; member for 400 days, last purchase 50 \
days ago.
Top products: {product} 300.00 TRY.
Overdue regular products: {product}, usually every 20 days, now 50 days since the last purchase.

### Suggested actions
- They are cooling off (50 days since the last purchase): send a reminder or a small incentive now.
- Loyalty tier Gümüş: reward repeat orders to move them up to Altın.
- Remind them of their overdue regulars: {product}."""


def test_region_and_cohort_texts_show_customer_text_as_text() -> None:
    region = analyze_customer({"region": {"name": "Ege", "climateType": "*hot*\n# x", "medianBasket": 80,
                                          "trend": "[MAKEUP](https://evil.example)"},
                               "city": "![](https://evil.example/p.png)"}, AS_OF)
    buyer = {"customerId": "C-3", "age": 55, "city": "Izmir", "registeredAt": "2025-01-01",
             "productHistory": [{"productId": "P-1", "category": "_MAKEUP_\n# x", "totalQuantity": 1,
                                 "totalSpent": 50.0, "orderCount": 1, "lastPurchase": "2025-10-01"}]}

    lines = TemplateExplainer().explain_analysis(region, "en").text.splitlines()
    cohort = TemplateExplainer().explain_cohort(analyze_cohort([buyer], AS_OF).summary, "en").text.splitlines()

    assert [lines[0], lines[8], lines[12], lines[15]] == [
        "## Region profile: Ege (!\\[\\](https:\u2060//evil.example/p.png))",
        "- **Top category: \\[MAKEUP\\](https:\u2060//evil.example)**: trend of region Ege",
        "Climate: \\*hot\\* \\# x. Median basket 80.00 TRY; estimated budget 96.00 TRY; typical monthly spend 160.00 "
        "TRY.",
        "- Plan regional campaigns around \\[MAKEUP\\](https:\u2060//evil.example), the region's trend."]
    assert cohort[6] == "- **Top category**: \\_MAKEUP\\_ \\# x 1 (100%)"


def test_facts_a_region_outside_the_reference_does_not_give_are_said_to_be_unknown() -> None:
    profile = analyze_customer({"region": {"name": "Kıbrıs", "medianBasket": 70.0}}, AS_OF)
    newcomer = analyze_customer(customer([], city="Atlantis") | {"region": None, "city": "Atlantis"}, AS_OF)

    english = TemplateExplainer().explain_analysis(profile, "en").text.splitlines()
    turkish = TemplateExplainer().explain_analysis(profile, "tr").text.splitlines()
    welcome = TemplateExplainer().explain_analysis(newcomer, "en").text.splitlines()

    assert english[-4:] == [
        "Climate: not given. Median basket 70.00 TRY; estimated budget 84.00 TRY; typical monthly spend 140.00 TRY.",
        "", "### Suggested actions",
        "- The region's trend category is not known, so no category campaign is suggested."]
    assert turkish[-4:] == [
        "İklim: belirtilmedi. Medyan sepet 70,00 TL; tahmini bütçe 84,00 TL; tipik aylık harcama 140,00 TL.",
        "", "### Önerilen aksiyonlar",
        "- Bölgenin trend kategorisi bilinmiyor; bu yüzden kategori kampanyası önerilmiyor."]
    assert welcome[12:17] == [
        "### Purchases", "No purchases yet; registered 400 days ago. The region's average basket is not known.", "",
        "### Suggested actions", "- The region's trend category is not known, so no category campaign is suggested."]
