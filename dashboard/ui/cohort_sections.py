"""The Cohort page's sections: file picker, column mapping, import report, filters, charts, table, exports."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import PurePath

import pandas as pd
import streamlit as st

from dashboard import charts, export, sources
from dashboard.cohort_view import (
    filter_label,
    kpis,
    missing_regular_opportunities,
    segment_labels,
    segment_values,
)
from dashboard.sources import CohortFile
from dashboard.ui import cohort_state
from dashboard.ui.layout import metric_row
from dashboard.wording import counted, plain, share
from rules import InvalidInput
from rules.cohort.model import IngestReport
from rules.rulebook import default_rulebook

NOT_USED = "(not used)"
DATE_ORDERS: dict[str, str] = {"": "Decide from the data", "DMY": "Day first (DD/MM/YYYY)",
                               "MDY": "Month first (MM/DD/YYYY)"}
MAPPING_EDITOR_KEY = "mapping_editor_digest"
KEPT_FILTERS_KEY = "cohort_kept_filters"
KEPT_FILTERS_COHORT_KEY = "cohort_kept_filters_digest"
DATE_ORDER_CHOICE_KEY = "date_order_choice"
TABLE_ROWS = 10_000

# Canonical fields offered in the mapping editor, with what they mean to people.
FIELD_LABELS: dict[str, str] = {
    "customer_id": "Customer id", "order_id": "Order id", "order_date": "Order date", "product_id": "Product id",
    "product_name": "Product name", "category": "Category", "quantity": "Quantity", "amount": "Amount",
    "unit_price": "Unit price", "status": "Order status", "age": "Age", "gender": "Gender", "city": "City",
    "region": "Region", "registered_at": "Signup date", "total_quantity": "Total quantity",
    "total_spent": "Total spent", "order_count": "Order count", "first_purchase": "First purchase",
    "last_purchase": "Last purchase", "avg_days_between": "Days between orders", "total_orders": "Total orders",
}
FORMAT_NAMES: dict[str, str] = {
    "seed_json": "seed JSON (customers with productHistory)",
    "purchase_history": "purchase history (customer × product)",
    "order_lines": "order lines (transactions)",
    "orders": "orders (no product detail)",
}
TABLE_COLUMNS: dict[str, str] = {
    "customerId": "Customer", "city": "City", "region": "Region", "age": "Age", "churnSegment": "Churn risk",
    "valueSegment": "Value", "loyaltyTier": "Loyalty", "ageSegment": "Age band", "affinityCategory": "Top category",
    "affinityType": "Affinity", "diversityProfile": "Diversity", "avgBasket": "Avg basket", "totalSpent": "Spent",
    "orderCount": "Orders", "lastPurchaseDaysAgo": "Days since purchase",
}
FILTER_COLUMNS: tuple[str, ...] = (
    "churnSegment", "valueSegment", "loyaltyTier", "ageSegment", "affinityType", "diversityProfile",
)


def source_picker() -> None:
    """The uploader and the sample button; a new upload or the sample becomes the session's cohort (the uploaders'
    callbacks adopt what the user uploads or clears)."""
    limit = st.get_option("server.maxUploadSize")
    sample = sources.sample()
    with st.container(border=True):
        left, right = st.columns([3, 1.2], vertical_alignment="center", gap="large")
        with left:
            st.file_uploader(
                "Upload a cohort", type=list(sources.UPLOAD_TYPES), key=cohort_state.UPLOAD_KEY,
                on_change=cohort_state.upload_changed,
                help=f"CSV or TSV (any common encoding and delimiter), Excel (.xlsx), the seed's JSON, or Parquet. "
                     f"Order lines, purchase histories and order-level exports all work. Up to {limit} MB.",
            )
            loaded = cohort_state.current_file()
            if loaded is not None and st.session_state.get(cohort_state.UPLOAD_KEY) is None and \
                    cohort_state.loaded_from_upload():
                st.caption(f"Showing **{plain(loaded.name)}**, uploaded earlier; upload another file to replace it.")
                st.button("Unload it", key="unload_cohort", on_click=cohort_state.forget_upload,
                          icon=":material/close:")
        with right:
            st.button("Load the sample cohort", on_click=cohort_state.load_sample, icon=":material/science:",
                      key="load_sample", width="stretch", type="primary")
            st.caption(sample.description)
        with st.expander("Customer attributes in a second file (optional)", icon=":material/badge:"):
            st.file_uploader(
                "Customer attributes", type=list(sources.UPLOAD_TYPES), key=cohort_state.ATTRIBUTES_UPLOAD_KEY,
                on_change=cohort_state.attributes_changed,
                help="A table with a customer id and any of age, gender, city, region and signup date (e.g. the "
                     "customers.csv of `segment generate`). Its values win over the order file's.",
            )
            attributes = cohort_state.attributes_file()
            unused = cohort_state.attributes_unused_with(cohort_state.current_file())
            refused = cohort_state.refused_attributes()
            if st.session_state.get(cohort_state.ATTRIBUTES_UPLOAD_KEY) is None and attributes is not None:
                state = "Not using" if refused is not None else "Kept" if unused else "Using"
                st.caption(f"{state} **{plain(attributes.name)}**, uploaded earlier.")
                st.button("Remove it" if refused is not None else "Stop using it", key="forget_attributes",
                          on_click=cohort_state.forget_attributes, icon=":material/close:")
        if unused and attributes is not None:
            st.info(f"**{plain(attributes.name)} is not used with the sample cohort**, which is one complete file: "
                    "it applies to a cohort you upload.", icon=":material/info:")
        st.caption(f"CSV · TSV · XLSX · JSON · Parquet — up to **{limit} MB** per file. Files stay in your "
                   "session; nothing is shared with other users.")


def sheet_picker(file: CohortFile) -> None:
    """Which sheet of an Excel workbook to read, when it has more than one; until one is chosen, the one the reader
    reads (the first visible sheet: a hidden one before it is skipped), hidden ones marked as such."""
    sheets = cohort_state.sheets(file)
    names = list(sheets.names)
    if len(names) < 2:
        return
    chosen = cohort_state.sheet(file) or sheets.default
    key = f"sheet_{file.digest[:16]}"
    st.selectbox("Sheet", names, index=names.index(chosen) if chosen in names else 0, key=key,
                 format_func=lambda name: f"{name} (hidden)" if name in sheets.hidden else name,
                 help="The workbook has several sheets; the data is read from this one.",
                 on_change=lambda: cohort_state.set_sheet(file, str(st.session_state[key])))


def refused_attributes_notice() -> None:
    """When the reader refused the attributes file: that it is not used, and its located problems (after the
    cohort is read: reading it is what finds out)."""
    attributes, error = cohort_state.attributes_file(), cohort_state.refused_attributes()
    if attributes is None or error is None:
        return
    st.error(f"**The customer attributes file {plain(attributes.name)} could not be read, so it is not used** — "
             f"{len(error.problems)} problem{'s' * (len(error.problems) != 1)}. The cohort is read without it. Fix "
             "it and upload it again, or remove it from the attributes uploader above (its ×).",
             icon=":material/error:")
    _problems_table(error)


def _problems_table(error: InvalidInput) -> None:
    st.dataframe(pd.DataFrame([{"where": p.loc, "problem": p.msg, "value": str(p.input)} for p in error.problems]),
                 hide_index=True, width="stretch")


def show_read_error(file: CohortFile, error: Exception) -> None:
    """A file the reader refused: which file, what it said (located), and what on this page may fix it.

    The problems' hints (the API's arguments, the command line's options) are left out: here the sheet box,
    the mapping editor and the uploaders are the way.
    """
    if not isinstance(error, InvalidInput):
        st.error(f"**{plain(file.name)} could not be read:** {type(error).__name__}: {plain(error)}",
                 icon=":material/error:")
        return
    count = f"{len(error.problems)} problem{'s' * (len(error.problems) != 1)}"
    where = "the sheet above and the column mapping below" if len(cohort_state.sheets(file).names) > 1 else \
        "the column mapping below"
    st.error(f"**{plain(file.name)} could not be read** — {count}. Check {where}, or fix the file and upload it "
             "again.", icon=":material/error:")
    _problems_table(error)


def mapping_editor(file: CohortFile, detected: Mapping[str, str], *, expanded: bool) -> None:
    """Which column feeds which field, and how dates like 03/04/2025 are read, as selectboxes; "Re-read" reads
    the file again with the choices."""
    columns = cohort_state.columns(file)
    if not columns:
        return
    if st.session_state.get(MAPPING_EDITOR_KEY) != file.digest:
        # Another file: drop the previous file's choices so the boxes show this file's detection.
        for key in [k for k in st.session_state if str(k).startswith("map_") or k == DATE_ORDER_CHOICE_KEY]:
            del st.session_state[key]
        st.session_state[MAPPING_EDITOR_KEY] = file.digest
    chosen = {**detected, **cohort_state.mapping(file)}
    fields = list(FIELD_LABELS)
    options = [NOT_USED, *columns]
    with st.expander("Column mapping", expanded=expanded, icon=":material/table_view:"):
        st.caption("The columns the reader recognised, by name (English and Turkish). Correct any of them and "
                   "re-read the file.")
        grid = st.columns(3)
        for index, field in enumerate(fields):
            current = chosen.get(field) or NOT_USED
            with grid[index % 3]:
                st.selectbox(FIELD_LABELS[field], options, index=options.index(current) if current in options else 0,
                             key=f"map_{field}")
        orders = list(DATE_ORDERS)
        st.selectbox("Dates like 03/04/2025", orders, index=orders.index(cohort_state.date_order(file) or ""),
                     format_func=DATE_ORDERS.__getitem__, key=DATE_ORDER_CHOICE_KEY,
                     help="Whether the first number is the day (Turkish and European exports) or the month (US "
                          "exports). By default a number above 12 decides, else the file's other dates, else day "
                          "first, with a warning. ISO dates (2026-02-12) are always year first.")
        st.button("Re-read with this mapping", key="apply_mapping", icon=":material/refresh:",
                  on_click=_apply_mapping, args=(file, tuple(fields)))


def _apply_mapping(file: CohortFile, fields: Sequence[str]) -> None:
    chosen = {}
    for field in fields:
        value = st.session_state.get(f"map_{field}", NOT_USED)
        chosen[field] = "" if value == NOT_USED else str(value)
    cohort_state.set_mapping(file, chosen)
    order = st.session_state.get(DATE_ORDER_CHOICE_KEY)
    cohort_state.set_date_order(file, order if order in ("DMY", "MDY") else None)


def import_summary(file: CohortFile, report: IngestReport) -> None:
    """One line on how the file was read."""
    parts = [f"**{plain(file.name)}** ({file.size_mb:.1f} MB)", FORMAT_NAMES.get(report.format, report.format)]
    if report.encoding:
        parts.append(f"encoding {report.encoding}")
    if report.delimiter:
        parts.append("delimiter " + {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
            report.delimiter, repr(report.delimiter)))
    if report.date_order:
        parts.append(f"dates {report.date_order}")
    parts.append(f"{counted(report.rows_read, 'row')} read, {report.rows_accepted:,} accepted, "
                 f"{report.rows_rejected:,} rejected → {counted(report.customers, 'customer')}")
    st.markdown(" · ".join(parts))


def import_report(file: CohortFile, report: IngestReport, rejected: pd.DataFrame) -> None:
    """The ingest report: row accounting, rejections by reason, warnings, and the rejected rows to download."""
    with metric_row():
        st.metric("Rows read", f"{report.rows_read:,}")
        st.metric("Accepted", f"{report.rows_accepted:,}")
        st.metric("Rejected", f"{report.rows_rejected:,}")
        st.metric("Customers", f"{report.customers:,}")
    extra = report.customers_file
    if report.rejected_by_reason:
        reasons = pd.DataFrame([
            {"reason": reason, "meaning": r.description or "", "rows": r.count,
             "first rows": ", ".join(map(str, r.rows[:10]))}
            for reason, r in sorted(report.rejected_by_reason.items(), key=lambda item: -item[1].count)
        ])
        st.dataframe(reasons, hide_index=True, width="stretch")
    elif report.rows_read == 0:
        st.info("The file has no records." if report.file_type == "json" else "The file has a header but no data rows.",
                icon=":material/info:")
    elif extra is None or extra.rows_rejected == 0:
        st.success("Every row was accepted.", icon=":material/check_circle:")
    if len(rejected):  # of either file
        st.download_button(
            "Download the rejected rows (CSV)", data=functools.partial(export.to_csv_bytes, rejected),
            file_name=f"{PurePath(file.name).stem}-rejected.csv", mime=export.CSV_MIME, key="download_rejected",
            icon=":material/download:", on_click="ignore",
        )
    if extra is not None:
        st.markdown(f"**Customer attributes file:** {counted(extra.rows_read, 'row')} read, {extra.rows_accepted:,} "
                    f"accepted, {extra.rows_rejected:,} rejected, {counted(extra.customers, 'customer')}.")
        for reason, rejection in extra.rejected_by_reason.items():
            st.caption(f"{reason}: {counted(rejection.count, 'row')} ({rejection.description or ''})")
    for warning in report.warnings:  # they quote the file's values and names: shown as text
        st.warning(plain(warning), icon=":material/warning:")
    for warning in extra.warnings if extra is not None else []:
        st.warning(f"Customer attributes file: {plain(warning)}", icon=":material/warning:")
    for note in report.notes:
        st.caption(plain(note))
    for note in extra.notes if extra is not None else []:
        st.caption(f"Customer attributes file: {plain(note)}")


def filters(frame: pd.DataFrame, file: CohortFile) -> dict[str, list[str]]:
    """Multiselects for every segment dimension and the region; returns the selections (empty: all).

    The selections are kept in the session apart from the widgets, so they are still set when the user comes back
    from another page (Streamlit drops the state of widgets a run does not show). They belong to the cohort `file`:
    another file starts without filters, as the picks made for one cohort would quietly narrow the next one's numbers.
    """
    rules = default_rulebook()
    if st.session_state.get(KEPT_FILTERS_COHORT_KEY) != file.digest:
        st.session_state[KEPT_FILTERS_COHORT_KEY] = file.digest
        st.session_state[KEPT_FILTERS_KEY] = {}
        for column in (*FILTER_COLUMNS, "region"):
            st.session_state.pop(f"filter_{column}", None)
    kept: dict[str, list[str]] = st.session_state[KEPT_FILTERS_KEY]
    selections: dict[str, list[str]] = {}
    with st.container(border=True):
        st.markdown("**Drill down** — pick segment values to narrow every number, chart and table below.")
        grid = st.columns(4)
        for index, column in enumerate((*FILTER_COLUMNS, "region")):
            title = "Region" if column == "region" else charts.DIMENSION_TITLES[column]
            options = segment_values(frame, column, rules)
            key = f"filter_{column}"
            if key not in st.session_state and kept.get(column):
                st.session_state[key] = [value for value in kept[column] if value in options]
            with grid[index % 4]:
                selections[column] = st.multiselect(
                    title, options, key=key, placeholder="All",
                    format_func=functools.partial(filter_label, column, rulebook=rules),
                )
            kept[column] = list(selections[column])
        active = {c: v for c, v in selections.items() if v}
        with grid[3]:
            st.button("Clear filters", key="clear_filters", on_click=_clear_filters, icon=":material/filter_alt_off:",
                      disabled=not active)
    return selections


def _clear_filters() -> None:
    for column in (*FILTER_COLUMNS, "region"):
        st.session_state[f"filter_{column}"] = []


def kpi_cards(filtered: pd.DataFrame, total: int) -> None:
    """Customers, revenue, average basket and share at risk of the filtered customers."""
    rules = default_rulebook()
    numbers = kpis(filtered, rules)
    share_of = f"{share(numbers.customers, total)} of the cohort" if total and numbers.customers != total else None
    with metric_row():
        st.metric("Customers", f"{numbers.customers:,}", delta=share_of, delta_color="off", delta_arrow="off",
                  border=True, help="Customers that match the filters.")
        st.metric("Revenue", f"{numbers.revenue:,.0f} {rules.currency}", border=True,
                  help="Total spend of these customers in the file.")
        st.metric("Average basket", f"{numbers.avg_basket:,.2f} {rules.currency}", border=True,
                  help="Revenue per order.")
        st.metric("Share at risk", f"{numbers.share_at_risk:.1%}", delta=counted(numbers.at_risk, "customer"),
                  delta_color="off", delta_arrow="off", border=True,
                  help="Customers who have not bought for more than 60 days (new customers included).")


def segment_charts(filtered: pd.DataFrame) -> None:
    """A bar chart per segment dimension, the loyalty × churn heat map and the top categories."""
    rules = default_rulebook()
    figures = charts.overview_figures(filtered, rules)
    rows = [("churnSegment", "valueSegment"), ("loyaltyTier", "ageSegment"), ("affinityType", "diversityProfile"),
            ("heatMap", "affinityCategory")]
    for pair in rows:
        columns = st.columns(2, gap="large")
        for column, name in zip(columns, pair, strict=True):
            with column:
                st.plotly_chart(figures[name], key=f"chart_{name}", config={"displayModeBar": False})
                st.caption(charts.CAPTIONS[name])


def customer_table(filtered: pd.DataFrame, file: CohortFile) -> None:
    """The filtered customers with their segments, and CSV and Excel downloads of all of them."""
    rules = default_rulebook()
    st.caption(f"{counted(len(filtered), 'customer')} match{'es' if len(filtered) == 1 else ''} the filters.")
    shown = filtered.head(TABLE_ROWS)[list(TABLE_COLUMNS)].copy()
    for column in (*FILTER_COLUMNS, "affinityCategory"):
        shown[column] = segment_labels(shown[column], rules)  # an undecided one reads as on the charts
    st.dataframe(
        shown.rename(columns=TABLE_COLUMNS), hide_index=True, width="stretch", height=420,
        column_config={"Avg basket": st.column_config.NumberColumn(format="%.2f"),
                       "Spent": st.column_config.NumberColumn(format="%.2f")},
    )
    if len(filtered) > TABLE_ROWS:
        st.caption(f"Showing the first {TABLE_ROWS:,} of {len(filtered):,} customers; the downloads hold all of them.")
    stem = PurePath(file.name).stem
    left, right, _ = st.columns([1, 1, 3])
    with left:
        st.download_button("Download CSV", data=functools.partial(export.to_csv_bytes, filtered),
                           file_name=f"{stem}-segments.csv", mime=export.CSV_MIME, key="download_csv",
                           icon=":material/download:", on_click="ignore", width="stretch")
    with right:
        if export.fits_excel(filtered):
            st.download_button("Download Excel", data=functools.partial(export.to_excel_bytes, filtered),
                               file_name=f"{stem}-segments.xlsx", mime=export.XLSX_MIME, key="download_xlsx",
                               icon=":material/table:", on_click="ignore", width="stretch")
        else:
            st.caption(f"No Excel download: a sheet holds {export.EXCEL_MAX_DATA_ROWS:,} customers and these are "
                       f"{len(filtered):,}. Download the CSV, or narrow the selection with the filters.")
    st.caption("Downloads hold every column, with the reason for each segment; segments stay codes, an undecided "
               "one empty with its basis `unknown`. Cells that would start a spreadsheet formula (= + - @) are "
               "neutralised.")


def win_back(filtered: pd.DataFrame, report: IngestReport) -> None:
    """Overdue regular products: a chart of the top ones and the full list."""
    rules = default_rulebook()
    found = missing_regular_opportunities(filtered)
    if found.empty and report.format == "orders":
        st.info("The file has no product detail (orders without products), so there are no regular products to "
                "be overdue for. Upload order lines with product ids to see win-back opportunities.",
                icon=":material/info:")
        return
    if found.empty:
        st.info("No customer in this selection is overdue for a regular product.", icon=":material/check_circle:")
        return
    st.plotly_chart(charts.opportunities_bar(found), key="chart_opportunities", config={"displayModeBar": False})
    st.caption(charts.CAPTIONS["opportunities"].format(factor=f"{rules.missing_regulars.overdue_factor:g}"))
    st.dataframe(
        found.rename(columns={"productId": "Product id", "productName": "Product", "category": "Category",
                              "customers": "Customers overdue", "medianDaysOverdue": "Median days overdue",
                              "medianUsualGapDays": "Usual gap (days)"}),
        hide_index=True, width="stretch",
        column_config={"Median days overdue": st.column_config.NumberColumn(format="%.0f"),
                       "Usual gap (days)": st.column_config.NumberColumn(format="%.0f")},
    )
