"""The deterministic explainer: Markdown written from the analysis and its reasons, in English or Turkish.

It answers when no model is configured, when the model fails and when the model is too slow. The same
analysis and language always give the same text. Every customer text in it (ids, cities, regions, categories,
product names, and the engine's reasons and warnings that quote them) goes through `markdown_text`, so that it
shows as text and never as Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.cohort import SEGMENT_FIELDS, CohortSummary, SegmentCount
from agent.explain.base import Explanation
from agent.explain.markdown import markdown_text
from agent.explain.phrases import PHRASES, Phrases
from agent.payloads import Language
from rules import Analysis, Reason
from rules.models.analysis import Condition
from rules.rulebook import Rulebook, default_rulebook
from rules.segments import num

_OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}


class TemplateExplainer:
    """Writes explanations from templates; it holds only the (immutable) rulebook."""

    def __init__(self, rulebook: Rulebook | None = None) -> None:
        """Use `rulebook` for segment names and tiers; the bundled rulebook when None."""
        self._rules = rulebook or default_rulebook()
        self._names = {s.code: s.name for segments in self._rules.dimensions.values() for s in segments}

    def explain_analysis(self, analysis: Analysis, language: Language) -> Explanation:
        """Explain one customer's analysis or one region's profile."""
        writer = _AnalysisWriter(analysis, PHRASES[language], self._rules, self._names)
        return Explanation(writer.text(), "template")

    def explain_cohort(self, summary: CohortSummary, language: Language) -> Explanation:
        """Explain a cohort's segment distribution."""
        return Explanation(_cohort_text(summary, PHRASES[language], self._rules), "template")


class _AnalysisWriter:
    def __init__(self, analysis: Analysis, phrases: Phrases, rules: Rulebook, names: dict[str, str]) -> None:
        self.a = analysis
        self.p = phrases
        self.rules = rules
        self.names = names

    def text(self) -> str:
        a, p = self.a, self.p
        sections = [self._heading(), ""]
        intro = p.region_segments_intro if a.mode == "region" else p.segments_intro
        sections.append(intro.format(as_of=a.as_of.isoformat(), version=a.rulebook_version))
        sections.append("")
        sections += [self._segment_line(field) for field in SEGMENT_FIELDS]
        sections += ["", *self._facts(), "", p.actions_heading]
        sections += [f"- {action}" for action in self._actions()]
        if a.warnings:
            sections += ["", p.warnings_heading, *(f"- {markdown_text(warning)}" for warning in a.warnings)]
        return "\n".join(sections)

    def _heading(self) -> str:
        a, p = self.a, self.p
        city, region = _text(a.city), _text(a.region)
        place = ", ".join(part for part in (city, region) if part) or "?"
        if a.mode == "region":
            place = f"{region} ({city})" if city and region else (region or city or "?")
            return p.region_heading.format(place=place)
        heading = p.new_customer_heading if a.mode == "new_customer" else p.customer_heading
        return heading.format(customer=_text(a.customer_id) or p.unnamed_customer, place=place)

    def _segment_line(self, field: str) -> str:
        reason = self.a.reasons.get(field)
        code = reason.code if reason else None
        label = self.p.labels[field]
        if code is None:
            return f"- **{label}: {self.p.unknown_code}**: {self._why(field, reason)}"
        meaning = self._meaning(code)
        shown = f"**{label}: {markdown_text(code)}**"  # a category is customer text
        shown = f"{shown} ({meaning})" if meaning else shown
        return f"- {shown}: {self._why(field, reason)}"

    def _meaning(self, code: str) -> str | None:
        # A category, e.g. SKINCARE, is no rulebook code and needs no gloss.
        return self.p.meanings.get(code) or self.names.get(code)

    def _why(self, field: str, reason: Reason | None) -> str:
        p = self.p
        if reason is None:
            return p.why_unknown
        if p.engine_reasons:
            prefix = f"{reason.code}: " if reason.code is not None else "unknown: "
            return markdown_text(reason.text.removeprefix(prefix))
        if reason.basis == "unknown":
            return p.why_unknown
        if reason.basis == "default":
            if field == "affinityCategory":
                return p.why_region_trend.format(region=_text(self.a.region))
            if self.a.mode == "region":
                return p.why_region_default.format(region=_text(self.a.region))
            return p.why_new_customer_default
        if field == "affinityCategory":
            return p.why_top_spend
        if not reason.conditions:
            return p.why_no_better_tier
        return "; ".join(self._conditions(reason.conditions))

    def _conditions(self, conditions: Iterable[Condition]) -> list[str]:
        by_metric: dict[str, list[Condition]] = {}
        for condition in conditions:
            by_metric.setdefault(condition["metric"], []).append(condition)
        parts = []
        for metric, group in by_metric.items():
            name = self.p.metrics.get(metric, metric)
            value = self._number(group[0]["value"])
            bounds = [f"{_OPS[c['op']]} {self._number(c['threshold'])}" for c in group]
            joined = f" {self.p.conjunction} ".join(bounds)
            parts.append(f"{name} {value} {joined}" if len(bounds) == 1 else f"{name} {value} ({joined})")
        return parts

    def _facts(self) -> list[str]:
        a, p = self.a, self.p
        if a.mode == "region":
            return [p.region_facts.format(
                climate=_text(a.climate_type) or p.not_given, basket=self._money(a.avg_basket),
                budget=self._money(a.estimated_budget), monthly=self._money(a.avg_monthly_spend),
            )]
        lines = [p.purchases_heading]
        if a.mode == "new_customer":
            lines.append(p.new_customer_purchases.format(
                member_days=a.membership_days, basket=self._money(a.avg_basket),
                budget=self._money(a.estimated_budget),
            ) if a.avg_basket is not None else p.new_customer_purchases_without_basket.format(
                member_days=a.membership_days))
            return lines
        lines.append(p.purchases.format(
            orders=a.order_count, spent=self._money(a.total_spent), basket=self._money(a.avg_basket),
            monthly=self._money(a.avg_monthly_spend), member_days=a.membership_days,
            last_days=a.last_purchase_days_ago,
        ))
        if a.top_products:
            items = ", ".join(f"{self._product(t['productId'], t['productName'])} {self._money(t['totalSpent'])}"
                              for t in a.top_products)
            lines.append(p.top_products.format(items=items))
        if a.missing_regulars:
            items = "; ".join(p.overdue_item.format(
                product=self._product(m["productId"], m["productName"]), every=self._number(m["avgDaysBetween"]),
                since=m["daysSinceLastPurchase"],
            ) for m in a.missing_regulars)
            lines.append(p.overdue.format(items=items))
        elif a.missing_regulars is not None:
            lines.append(p.no_overdue)
        return lines

    def _actions(self) -> list[str]:
        a, p = self.a, self.p
        # Without a category (a region or customer the reference does not know) no category campaign is made up.
        category = _text(a.affinity_category)
        if a.mode == "region":
            return [p.action_region.format(category=category) if category else p.action_without_trend]
        if a.mode == "new_customer":
            return [p.action_new_customer.format(category=category) if category else p.action_without_trend,
                    p.action_new_customer_first_purchase.format(code=a.churn_segment)]
        actions = []
        churn_action = p.action_churn.get(a.churn_segment or "")
        if churn_action and (category or "{category}" not in churn_action):
            actions.append(churn_action.format(category=category, days=a.last_purchase_days_ago))
        if a.value_segment == self.rules.value.bands[0].code:
            actions.append(p.action_high_value)
        tiers = [t.code for t in self.rules.loyalty.tiers]
        if a.loyalty_tier in tiers and tiers.index(a.loyalty_tier) > 0:
            better = tiers[tiers.index(a.loyalty_tier) - 1]
            actions.append(p.action_next_tier.format(tier=a.loyalty_tier, next=better))
        if a.missing_regulars:
            items = ", ".join(self._product(m["productId"], m["productName"]) for m in a.missing_regulars)
            actions.append(p.action_overdue.format(items=items))
        return actions

    def _product(self, product_id: str, name: str | None) -> str:
        return f"{markdown_text(name)} ({markdown_text(product_id)})" if name else markdown_text(product_id)

    def _number(self, value: float | int | str | None) -> str:
        if value is None:
            return "?"
        if isinstance(value, str):
            return markdown_text(value)
        return num(value).replace(".", self.p.decimal_point)

    def _money(self, amount: float | None) -> str:
        if amount is None:
            return "?"
        return f"{amount:.2f}".replace(".", self.p.decimal_point) + f" {self.p.currency}"


def _cohort_text(summary: CohortSummary, p: Phrases, rules: Rulebook) -> str:
    lines = [p.cohort_heading.format(customers=summary.customers, as_of=summary.as_of.isoformat()), ""]
    for field in SEGMENT_FIELDS:
        shares = [_share(c, summary.customers, p) for c in summary.distribution.get(field, ()) if c.count]
        lines.append(f"- **{p.labels[field]}**: {', '.join(shares)}")
    highlights = []
    at_risk_code = rules.churn.bands[-1].code
    at_risk = next((c.count for c in summary.distribution.get("churnSegment", ()) if c.code == at_risk_code), 0)
    # New customers are "at risk" by the seed's default; the win-back advice is for those who bought before.
    returning_at_risk = at_risk - summary.new_customers
    if returning_at_risk > 0:
        highlights.append(p.cohort_at_risk.format(count=returning_at_risk, code=at_risk_code,
                                                  percent=_percent(returning_at_risk, summary.customers)))
    if summary.new_customers:
        highlights.append(p.cohort_new_customers.format(count=summary.new_customers))
    if summary.with_missing_regulars:
        highlights.append(p.cohort_missing_regulars.format(count=summary.with_missing_regulars))
    if highlights:
        lines += ["", p.cohort_highlights, *(f"- {h}" for h in highlights)]
    return "\n".join(lines)


def _share(count: SegmentCount, total: int, p: Phrases) -> str:
    return p.cohort_share.format(code=_text(count.code) or p.unknown_code, count=count.count,
                                 percent=_percent(count.count, total))


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _text(value: str | None) -> str | None:
    """Customer text as Markdown text (None stays None)."""
    return None if value is None else markdown_text(value)
