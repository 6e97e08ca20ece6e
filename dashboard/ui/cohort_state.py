"""The session's cohort: which file is loaded, its column mapping, the read cohort and its segments.

A cohort is one file, optionally with a second file of customer attributes (age, gender, city, signup day).
Reading is cached with `st.cache_data` keyed by the files' content hashes and the mapping, scoped to the
session (never shared between users). Segments are kept in the session's state, keyed by file, mapping,
as-of day and backend, so reruns (filters, tabs, other pages) never call the agent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from dashboard import sources
from dashboard.client import AgentClient
from dashboard.segmenting import SegmentedCohort, segment_with_agent
from dashboard.settings import Settings
from dashboard.sources import CohortFile, WorkbookSheets
from dashboard.ui import session
from dashboard.wording import plain
from rules.cohort.dates import DateOrder
from rules.cohort.model import Cohort
from rules.cohort.segment import cohort_region_medians
from rules.errors import InvalidInput

FILE_KEY = "cohort_file"
UPLOAD_KEY = "cohort_upload"
ADOPTED_UPLOAD_KEY = "cohort_adopted_upload"
FROM_UPLOAD_KEY = "cohort_from_upload"
ATTRIBUTES_UPLOAD_KEY = "attributes_upload"
ATTRIBUTES_KEY = "attributes_file"
ADOPTED_ATTRIBUTES_KEY = "attributes_adopted_upload"
REFUSED_ATTRIBUTES_KEY = "attributes_refused"
MAPPINGS_KEY = "cohort_mappings"
SHEETS_KEY = "cohort_sheets"
DATE_ORDERS_KEY = "cohort_date_orders"
RESULTS_KEY = "cohort_results"
MEDIANS_KEY = "cohort_region_medians"
KEPT_RESULTS = 3  # segment tables kept per session (a 100k-customer table is tens of MB)


@dataclass(frozen=True, slots=True)
class ResultKey:
    """What a segment table depends on."""

    digest: str
    sheet: str | None
    mapping: tuple[tuple[str, str], ...]
    date_order: DateOrder | None
    attributes_digest: str | None
    as_of: date
    backend: str
    target: str


@st.cache_data(ttl="2h", max_entries=6, scope="session", show_spinner="Reading the file…")
def _read(
    digest: str, name: str, sheet: str | None, mapping: tuple[tuple[str, str], ...], date_order: DateOrder | None,
    attributes_digest: str | None, _file: CohortFile, _attributes: CohortFile | None,
) -> Cohort:
    # The digests (with the sheet, mapping and date order) key the cache; the files carry the bytes, not hashed
    # again.
    return sources.read(_file, dict(mapping), customers=_attributes, sheet=sheet, date_order=date_order)


@st.cache_data(ttl="2h", max_entries=6, scope="session", show_spinner=False)
def _sheets(digest: str, name: str, _file: CohortFile) -> WorkbookSheets:
    return sources.workbook_sheets(_file)


def sheets(file: CohortFile) -> WorkbookSheets:
    """The sheets of an Excel workbook (`sources.workbook_sheets`), opened once per file and not again on every
    rerun (a filter click): keyed by the file's content hash, cached for the session."""
    return _sheets(file.digest, file.name, file)


@st.cache_data(ttl="2h", max_entries=6, scope="session", show_spinner=False)
def _columns(digest: str, name: str, sheet: str | None, _file: CohortFile) -> list[str]:
    try:
        return sources.file_columns(_file, sheet)
    except Exception:  # an unreadable file: reading it says why; there is nothing to map, and no reason to retry
        return []


def columns(file: CohortFile) -> list[str]:
    """The column names of the file's chosen sheet (`sources.file_columns`), for the mapping editor; empty for a
    file without columns to map or that cannot be read. Sniffed (a workbook opened, a gzipped file unpacked)
    once per file and sheet, not on every rerun."""
    sheet_name = sheet(file)
    return _columns(file.digest, file.name, sheet_name, file)


def attributes_file() -> CohortFile | None:
    """The optional second file with customer attributes, when one is uploaded."""
    file = st.session_state.get(ATTRIBUTES_KEY)
    return file if isinstance(file, CohortFile) else None


def adopt_attributes(name: str, file_id: str, content: bytes) -> None:
    """Use an uploaded customer-attributes file with uploaded cohorts (hashed once per upload)."""
    current = st.session_state.get(ATTRIBUTES_KEY)
    if st.session_state.get(ADOPTED_ATTRIBUTES_KEY) != file_id or not isinstance(current, CohortFile):
        st.session_state[ADOPTED_ATTRIBUTES_KEY] = file_id
        st.session_state[ATTRIBUTES_KEY] = CohortFile.from_bytes(name, content)


def forget_attributes() -> None:
    """The attributes uploader was cleared."""
    st.session_state.pop(ADOPTED_ATTRIBUTES_KEY, None)
    st.session_state.pop(ATTRIBUTES_KEY, None)


def attributes_unused_with(file: CohortFile | None) -> bool:
    """Whether an attributes file is uploaded but not applied to the loaded cohort ``file``: the bundled sample
    is one complete file, and an attributes file belongs to the user's own export."""
    return file is not None and file.digest == sources.sample().file.digest and attributes_file() is not None


def refused_attributes() -> InvalidInput | None:
    """Why the reader refused the uploaded attributes file, when it did: the cohort is then read without it, and
    the pages say so, until another attributes file is uploaded or it is removed."""
    file = attributes_file()
    refused = st.session_state.get(REFUSED_ATTRIBUTES_KEY)
    if file is None or refused is None or refused[0] != file.digest:
        return None
    error: InvalidInput = refused[1]
    return error


def refused_attributes_note() -> str | None:
    """A line for the pages that use the cohort, when it is read without its refused attributes file."""
    attributes = attributes_file()
    if attributes is None or refused_attributes() is None:
        return None
    return (f"Read without the customer attributes file **{plain(attributes.name)}**, which could not be "
            "read: the **Cohort** page says why.")


def _attributes_for(file: CohortFile) -> CohortFile | None:
    return None if attributes_unused_with(file) or refused_attributes() is not None else attributes_file()


def current_file() -> CohortFile | None:
    """The loaded cohort file, if any."""
    file = st.session_state.get(FILE_KEY)
    return file if isinstance(file, CohortFile) else None


def load_sample() -> None:
    """Load the bundled sample and set the as-of day it is meant for (a button callback)."""
    sample = sources.sample()
    st.session_state[FILE_KEY] = sample.file
    st.session_state[FROM_UPLOAD_KEY] = False
    st.session_state[session.AS_OF_KEY] = sample.as_of


def upload_changed() -> None:
    """The cohort uploader's callback: the user uploaded a file or cleared it.

    Only the user's own changes count: a page left and come back to finds its uploader empty (Streamlit drops
    the state of widgets a page run does not show), and the loaded cohort must stay.
    """
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        forget_upload()
    else:
        adopt_upload(uploaded.name, uploaded.file_id, uploaded.getvalue())


def attributes_changed() -> None:
    """The customer-attributes uploader's callback, as `upload_changed`."""
    uploaded = st.session_state.get(ATTRIBUTES_UPLOAD_KEY)
    if uploaded is None:
        forget_attributes()
    else:
        adopt_attributes(uploaded.name, uploaded.file_id, uploaded.getvalue())


def adopt_upload(name: str, file_id: str, content: bytes) -> None:
    """Make a newly uploaded file the loaded cohort (once per upload, so "Load sample" can replace it)."""
    if st.session_state.get(ADOPTED_UPLOAD_KEY) == file_id:
        return
    st.session_state[ADOPTED_UPLOAD_KEY] = file_id
    st.session_state[FILE_KEY] = CohortFile.from_bytes(name, content)
    st.session_state[FROM_UPLOAD_KEY] = True


def loaded_from_upload() -> bool:
    """Whether the loaded cohort came from the uploader, not the sample button (recorded, not told from its bytes:
    the sample's own file may be uploaded too)."""
    return bool(st.session_state.get(FROM_UPLOAD_KEY))


def forget_upload() -> None:
    """The uploader was cleared: unload the uploaded file (a sample loaded with the button stays)."""
    st.session_state.pop(ADOPTED_UPLOAD_KEY, None)
    if st.session_state.pop(FROM_UPLOAD_KEY, False):
        st.session_state.pop(FILE_KEY, None)


def mapping(file: CohortFile) -> dict[str, str]:
    """The column mapping the user set for this file (empty: the reader's own detection)."""
    mappings: dict[str, dict[str, str]] = st.session_state.get(MAPPINGS_KEY, {})
    return dict(mappings.get(file.digest, {}))


def set_mapping(file: CohortFile, chosen: Mapping[str, str]) -> None:
    """Read this file with the given mapping from now on."""
    mappings: dict[str, dict[str, str]] = dict(st.session_state.get(MAPPINGS_KEY, {}))
    mappings[file.digest] = dict(chosen)
    st.session_state[MAPPINGS_KEY] = mappings


def sheet(file: CohortFile) -> str | None:
    """The workbook sheet the user chose for this file (None: the reader's default, the first visible sheet, or not a
    workbook)."""
    sheets: dict[str, str] = st.session_state.get(SHEETS_KEY, {})
    return sheets.get(file.digest)


def date_order(file: CohortFile) -> DateOrder | None:
    """How the user said this file writes dates like 03/04/2025 (None: decided from the data)."""
    orders: dict[str, DateOrder] = st.session_state.get(DATE_ORDERS_KEY, {})
    return orders.get(file.digest)


def set_date_order(file: CohortFile, order: DateOrder | None) -> None:
    """Read this file's dates like 03/04/2025 day first (DMY) or month first (MDY); None: decide from the data."""
    orders: dict[str, DateOrder] = dict(st.session_state.get(DATE_ORDERS_KEY, {}))
    if order is None:
        orders.pop(file.digest, None)
    else:
        orders[file.digest] = order
    st.session_state[DATE_ORDERS_KEY] = orders


def set_sheet(file: CohortFile, name: str) -> None:
    """Read this workbook's sheet ``name`` from now on; a mapping made for the other sheet's columns is dropped."""
    sheets: dict[str, str] = dict(st.session_state.get(SHEETS_KEY, {}))
    sheets[file.digest] = name
    st.session_state[SHEETS_KEY] = sheets
    mappings: dict[str, dict[str, str]] = dict(st.session_state.get(MAPPINGS_KEY, {}))
    mappings.pop(file.digest, None)
    st.session_state[MAPPINGS_KEY] = mappings


def read(file: CohortFile) -> Cohort:
    """The cohort in the file (with the attributes file, if any), read with the session's mapping; cached by
    content hash.

    Raises:
        Whatever the reader raises for a cohort file it cannot read (an attributes file it cannot read is left
        out instead: `refused_attributes`).
    """
    attributes = _attributes_for(file)
    try:
        return _read(file.digest, file.name, sheet(file), tuple(sorted(mapping(file).items())), date_order(file),
                     attributes.digest if attributes else None, file, attributes)
    except InvalidInput as error:
        # The reader locates the attributes file's problems under "customers": when they are all there, the order
        # file is fine, and the cohort is read without the refused file (`refused_attributes` says why).
        if attributes is None or not all(problem.loc.startswith("customers") for problem in error.problems):
            raise
        st.session_state[REFUSED_ATTRIBUTES_KEY] = (attributes.digest, error)
    return read(file)


SourceKey = tuple[str, str | None, tuple[tuple[str, str], ...], DateOrder | None, str | None]


def source_key(file: CohortFile) -> SourceKey:
    """What the cohort read from this file depends on: its content, sheet, mapping, date order and attributes
    file."""
    attributes = _attributes_for(file)
    return (file.digest, sheet(file), tuple(sorted(mapping(file).items())), date_order(file),
            attributes.digest if attributes else None)


def region_medians(file: CohortFile, cohort: Cohort) -> dict[str, float]:
    """The cohort's median baskets for regions outside the reference table (what its segments used), once per
    file, mapping and as-of day."""
    key = (*source_key(file), session.as_of())
    known: dict[tuple[Any, ...], dict[str, float]] = st.session_state.setdefault(MEDIANS_KEY, {})
    if key not in known:
        known.clear()
        known[key] = cohort_region_medians(cohort, session.as_of())
    return dict(known[key])


def result_key(file: CohortFile, config: Settings, client: AgentClient) -> ResultKey:
    """The key of this file's segments for the session's as-of day and the configured backend."""
    del config  # the client's kind and target identify the backend
    return ResultKey(*source_key(file), session.as_of(), client.kind, client.target)


def cached_segments(key: ResultKey) -> SegmentedCohort | None:
    """The segments already computed in this session for that key."""
    results: dict[ResultKey, SegmentedCohort] = st.session_state.get(RESULTS_KEY, {})
    return results.get(key)


def segments(cohort: Cohort, key: ResultKey, client: AgentClient, config: Settings) -> SegmentedCohort:
    """The cohort's segments from the agent, computed once per key, with a progress bar while it runs.

    Raises:
        AgentError: the agent could not segment the cohort.
    """
    found = cached_segments(key)
    if found is not None:
        return found
    bar = st.progress(0.0, text="Segmenting with the agent…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0,
                     text=f"Segmenting with the agent… {done} of {total} invocation{'s' * (total != 1)}")

    try:
        result = segment_with_agent(cohort, client, config, as_of=key.as_of, session_id=session.session_id(),
                                    on_progress=progress)
    finally:
        bar.empty()
    results: dict[ResultKey, Any] = dict(st.session_state.get(RESULTS_KEY, {}))
    results[key] = result
    while len(results) > KEPT_RESULTS:
        results.pop(next(iter(results)))
    st.session_state[RESULTS_KEY] = results
    return result
