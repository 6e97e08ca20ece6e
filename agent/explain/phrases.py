"""The template explainer's words, in English and Turkish.

Segment codes stay the seed's codes in both languages; each is followed by its meaning in the reader's
language. A code this table does not know (a rulebook change) falls back to the rulebook's English name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from agent.payloads import Language


@dataclass(frozen=True)
class Phrases:
    """Every sentence the template writes, as `str.format` templates.

    With `engine_reasons` the reason of each segment is the rule engine's own text (English); otherwise it
    is written from the reason's conditions with `metrics` and the `why_*` sentences.
    """

    engine_reasons: bool
    decimal_point: str
    currency: str
    labels: Mapping[str, str]
    meanings: Mapping[str, str]
    metrics: Mapping[str, str]
    conjunction: str
    customer_heading: str
    new_customer_heading: str
    region_heading: str
    unnamed_customer: str
    segments_intro: str
    region_segments_intro: str
    why_new_customer_default: str
    why_region_default: str
    why_region_trend: str
    why_top_spend: str
    why_no_better_tier: str
    why_unknown: str
    purchases_heading: str
    purchases: str
    top_products: str
    no_overdue: str
    overdue: str
    overdue_item: str
    new_customer_purchases: str
    new_customer_purchases_without_basket: str
    region_facts: str
    not_given: str
    actions_heading: str
    action_churn: Mapping[str, str]
    action_high_value: str
    action_next_tier: str
    action_overdue: str
    action_new_customer: str
    action_new_customer_first_purchase: str
    action_region: str
    action_without_trend: str
    warnings_heading: str
    cohort_heading: str
    cohort_highlights: str
    cohort_share: str
    cohort_at_risk: str
    cohort_new_customers: str
    cohort_missing_regulars: str
    unknown_code: str


_ENGLISH = Phrases(
    engine_reasons=True,  # the rule engine writes its reasons in English already, with more detail
    decimal_point=".",
    currency="TRY",
    labels=MappingProxyType({
        "ageSegment": "Age", "churnSegment": "Churn", "valueSegment": "Value", "loyaltyTier": "Loyalty",
        "affinityCategory": "Top category", "affinityType": "Affinity", "diversityProfile": "Diversity",
    }),
    meanings=MappingProxyType({}),  # English meanings come from the rulebook's names
    metrics=MappingProxyType({}),  # metric names stay the contract's field names
    conjunction="and",
    customer_heading="## Customer {customer}: {place}",
    new_customer_heading="## New customer {customer}: {place}",
    region_heading="## Region profile: {place}",
    unnamed_customer="(no id)",
    segments_intro="Segments as of {as_of} (rulebook {version}), each with the rule that decided it:",
    region_segments_intro="Typical segments as of {as_of} (rulebook {version}), the rulebook's defaults "
                          "for a region profile:",
    why_new_customer_default="new customer, no purchase history yet (default)",
    why_region_default="regional default ({region})",
    why_region_trend="trend of region {region}",
    why_top_spend="the highest spend is in this category",
    why_no_better_tier="the conditions of the better tiers are not met",
    why_unknown="the data it needs is missing",
    purchases_heading="### Purchases",
    purchases="{orders} orders, {spent} in total, average basket {basket}, {monthly} a month; member for "
              "{member_days} days, last purchase {last_days} days ago.",
    top_products="Top products: {items}.",
    no_overdue="No regular product is overdue.",
    overdue="Overdue regular products: {items}.",
    overdue_item="{product}, usually every {every} days, now {since} days since the last purchase",
    new_customer_purchases="No purchases yet; registered {member_days} days ago. The region's average basket "
                           "is {basket} (estimated budget {budget}).",
    new_customer_purchases_without_basket="No purchases yet; registered {member_days} days ago. The region's "
                                          "average basket is not known.",
    region_facts="Climate: {climate}. Median basket {basket}; estimated budget {budget}; typical monthly "
                 "spend {monthly}.",
    not_given="not given",
    actions_heading="### Suggested actions",
    action_churn=MappingProxyType({
        "Aktif": "Keep them engaged: recommend {category} products they have not bought yet.",
        "Ilık": "They are cooling off ({days} days since the last purchase): send a reminder or a small "
                "incentive now.",
        "Riskli": "At risk ({days} days since the last purchase): send a win-back offer.",
    }),
    action_high_value="High-value basket: offer premium products and early access.",
    action_next_tier="Loyalty tier {tier}: reward repeat orders to move them up to {next}.",
    action_overdue="Remind them of their overdue regulars: {items}.",
    action_new_customer="Send a welcome campaign around {category}, the region's trend, with a first-purchase "
                        "incentive.",
    action_new_customer_first_purchase="Aim for a first purchase within 30 days: until then a new customer "
                                       "counts as at risk ({code}).",
    action_region="Plan regional campaigns around {category}, the region's trend.",
    action_without_trend="The region's trend category is not known, so no category campaign is suggested.",
    warnings_heading="### Data warnings",
    cohort_heading="## Cohort of {customers} customers (as of {as_of})",
    cohort_highlights="### Highlights",
    cohort_share="{code} {count} ({percent}%)",
    cohort_at_risk="At risk ({code}) after buying before: {count} ({percent}%); a win-back campaign comes first.",
    cohort_new_customers="New customers without a purchase yet: {count}; send them a welcome campaign.",
    cohort_missing_regulars="Customers with overdue regular products: {count}; remind them.",
    unknown_code="undecided",
)

_TURKISH = Phrases(
    engine_reasons=False,
    decimal_point=",",
    currency="TL",
    labels=MappingProxyType({
        "ageSegment": "Yaş", "churnSegment": "Kayıp riski", "valueSegment": "Değer", "loyaltyTier": "Sadakat",
        "affinityCategory": "En çok harcanan kategori", "affinityType": "Bağlılık tipi",
        "diversityProfile": "Çeşitlilik",
    }),
    meanings=MappingProxyType({
        "GenZ": "Z kuşağı", "GençYetişkin": "genç yetişkin", "Yetişkin": "yetişkin", "Olgun": "olgun",
        "Aktif": "aktif", "Ilık": "soğumaya başlamış", "Riskli": "kaybetme riski yüksek",
        "HighValue": "yüksek değerli", "Standard": "standart",
        "Platin": "platin", "Altın": "altın", "Gümüş": "gümüş", "Bronz": "bronz",
        "Odaklı": "tek kategoriye odaklı", "Keşifçi": "kategoriler arasında gezen",
        "Kaşif": "çeşit arayan", "Dengeli": "dengeli", "Sadık": "az sayıda ürüne sadık",
    }),
    metrics=MappingProxyType({
        "age": "yaş", "lastPurchaseDaysAgo": "son alışverişten bu yana gün",
        "avgBasket / medianBasket": "ortalama sepet / medyan sepet", "membershipMonths": "üyelik süresi (ay)",
        "ordersPerMonth": "aylık sipariş", "orderCount": "sipariş sayısı",
        "topCategoryOrderShare": "en çok harcanan kategorinin sipariş payı",
        "distinctProducts / orderCount": "farklı ürün / sipariş",
    }),
    conjunction="ve",
    customer_heading="## Müşteri {customer}: {place}",
    new_customer_heading="## Yeni müşteri {customer}: {place}",
    region_heading="## Bölge profili: {place}",
    unnamed_customer="(kimliksiz)",
    segments_intro="{as_of} tarihli segmentler (kural kitabı {version}) ve her birini belirleyen kural:",
    region_segments_intro="{as_of} tarihli tipik segmentler (kural kitabı {version}), kural kitabının bölge "
                          "profili varsayılanları:",
    why_new_customer_default="yeni müşteri, henüz alışveriş yok (varsayılan)",
    why_region_default="bölge profili varsayılanı ({region})",
    why_region_trend="{region} bölgesinin trend kategorisi",
    why_top_spend="en yüksek harcama bu kategoride",
    why_no_better_tier="daha üst seviyelerin koşulları sağlanmadı",
    why_unknown="gereken veri eksik",
    purchases_heading="### Alışverişler",
    purchases="{orders} sipariş, toplam {spent}, ortalama sepet {basket}, ayda {monthly}; {member_days} gündür "
              "üye, son alışveriş {last_days} gün önce.",
    top_products="En çok harcanan ürünler: {items}.",
    no_overdue="Gecikmiş düzenli ürün yok.",
    overdue="Gecikmiş düzenli ürünler: {items}.",
    overdue_item="{product}, genellikle {every} günde bir, son alışverişten bu yana {since} gün",
    new_customer_purchases="Henüz alışveriş yok; {member_days} gün önce kayıt oldu. Bölgenin ortalama sepeti "
                           "{basket} (tahmini bütçe {budget}).",
    new_customer_purchases_without_basket="Henüz alışveriş yok; {member_days} gün önce kayıt oldu. Bölgenin "
                                          "ortalama sepeti bilinmiyor.",
    region_facts="İklim: {climate}. Medyan sepet {basket}; tahmini bütçe {budget}; tipik aylık harcama {monthly}.",
    not_given="belirtilmedi",
    actions_heading="### Önerilen aksiyonlar",
    action_churn=MappingProxyType({
        "Aktif": "İlgisini sıcak tutun: henüz almadığı {category} ürünlerini önerin.",
        "Ilık": "Soğumaya başladı (son alışverişten bu yana {days} gün): şimdi bir hatırlatma ya da küçük bir "
                "teşvik gönderin.",
        "Riskli": "Kaybetme riski var (son alışverişten bu yana {days} gün): geri kazanma teklifi gönderin.",
    }),
    action_high_value="Yüksek değerli sepet: premium ürünler ve erken erişim önerin.",
    action_next_tier="Sadakat seviyesi {tier}: tekrar eden siparişleri ödüllendirerek {next} seviyesine taşıyın.",
    action_overdue="Gecikmiş düzenli ürünlerini hatırlatın: {items}.",
    action_new_customer="Bölgenin trendi {category} etrafında, ilk alışverişe teşvikli bir hoş geldin kampanyası "
                        "gönderin.",
    action_new_customer_first_purchase="İlk alışverişi 30 gün içinde hedefleyin: o zamana kadar yeni müşteri "
                                       "riskli ({code}) sayılır.",
    action_region="Bölgesel kampanyaları bölgenin trendi {category} etrafında planlayın.",
    action_without_trend="Bölgenin trend kategorisi bilinmiyor; bu yüzden kategori kampanyası önerilmiyor.",
    warnings_heading="### Veri uyarıları",
    cohort_heading="## {customers} müşterilik kohort ({as_of} itibarıyla)",
    cohort_highlights="### Öne çıkanlar",
    cohort_share="{code} {count} (%{percent})",
    cohort_at_risk="Daha önce alışveriş yapmış riskli ({code}) müşteri: {count} (%{percent}); önce geri kazanma "
                   "kampanyası.",
    cohort_new_customers="Henüz alışveriş yapmamış yeni müşteri: {count}; hoş geldin kampanyası gönderin.",
    cohort_missing_regulars="Gecikmiş düzenli ürünü olan müşteri: {count}; hatırlatın.",
    unknown_code="belirlenemedi",
)

PHRASES: Mapping[Language, Phrases] = MappingProxyType({"en": _ENGLISH, "tr": _TURKISH})
