"""The parsing half's shortcuts must change nothing: rows taken as they are, chunks sent as
plain tuples, the collector paused while imports run."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.identity.drafts import CompanyDraft, LeadDraft, draft_from_fields
from leadflow.imports import parsing
from leadflow.imports.columns import ColumnMap
from leadflow.imports.parsing import ParsedChunk, RowCells
from tests.imports.support import run_import, table, write

HEADER = ["First Name", "Last Name", "Email", "Job Title", "Favourite Colour", "Notes"]
# What cells hold that cleaning changes: spaces at the ends and doubled, tabs, line breaks,
# NUL, no-break spaces, defused formulas, and the separator the quick look joins cells with.
TRICKY = st.sampled_from(
    [" ", "  ", "\t", "\n", "\r", "\x00", "\u00a0", "'", "'=", "'+", "=", "\u00a6", "a", "b", ""]
)
PLAIN = st.sampled_from(["Ann", "Lee", "ann@example.com", "CEO", "a b", ""])
# Mostly plain cells, so that a row often has a single fault the quick look must not miss.
CELLS = st.lists(
    st.one_of(PLAIN, PLAIN, PLAIN, st.text(max_size=8), st.lists(TRICKY, max_size=4).map("".join)),
    min_size=0,
    max_size=len(HEADER) + 2,
)


def cleaned_one_by_one(columns: ColumnMap, cells: list[str]) -> tuple[dict, dict]:
    """What RowCells must give: every cell through the cleaning on its own."""
    reader = RowCells(columns)
    forced = parsing._clean
    try:
        parsing._clean = lambda cells: False
        return reader.read(cells)
    finally:
        parsing._clean = forced


@settings(max_examples=400, derandomize=True)
@given(cells=CELLS)
def test_rows_taken_as_they_are_read_as_cleaning_would(cells: list[str]) -> None:
    columns = ColumnMap.from_header(HEADER)
    assert RowCells(columns).read(cells) == cleaned_one_by_one(columns, cells)


@pytest.mark.parametrize(
    "cell",
    [
        " Ann",
        "Ann ",
        "  Ann",
        "Ann  ",
        "An  n",
        "'Ann",
        "'=1+2",
        "A\tnn",
        "A\x00nn",
        "A\u00a0nn",
        "Ann\u00a6 ",
    ],
)
@pytest.mark.parametrize("at", range(len(HEADER)))
def test_a_cell_needing_cleaning_is_cleaned_wherever_it_is(cell: str, at: int) -> None:
    columns = ColumnMap.from_header(HEADER)
    cells = ["Ann", "Lee", "ann@example.com", "CEO", "red", "call"]
    cells[at] = cell
    assert RowCells(columns).read(cells) == cleaned_one_by_one(columns, cells)
    assert not parsing._clean(cells)


def test_a_chunk_arrives_in_the_importing_process_as_it_was_sent() -> None:
    with_company = draft_from_fields(
        {"first_name": "Ann", "email": "ann@acme.com", "company": "Acme", "employee_count": "5k"},
        region="US",
        custom_fields={"colour": "red"},
    )
    without = draft_from_fields({"phone": "+1 415 555 2671"}, region="US")
    chunk = ParsedChunk([with_company, without], [{"line": 3, "reason": "x", "raw": ""}], 3, 99)

    received = ParsedChunk.unpacked(chunk.packed())

    assert received == chunk
    assert [type(d) for d in received.drafts] == [LeadDraft, LeadDraft]
    assert type(received.drafts[0].company) is CompanyDraft
    assert received.drafts[0].company.employee_count == 5000
    assert received.drafts[1].company is None


def test_the_collector_runs_again_after_an_import(session, workspace, tmp_path) -> None:
    path = write(tmp_path, table(["Email"], [["ann@example.com"], ["bob@example.com"]]))
    assert gc.isenabled()
    run_import(session, workspace, path)
    assert gc.isenabled()
