"""A quote that opens a value and never closes it: finding the lines it would swallow, so only its own is lost.

A CSV reader takes everything after an opening quote as one value until the next quote, line ends included.
In an export whose value was cut short (``"Kazak 32 inç``) that is thousands of rows. Arrow's multi-threaded
reader then drops the rest of its block without a word, and a read that keeps quoted values whole accepts them
as one row with a giant value or reports them as one malformed row. Neither may happen here:

- `count_line_ends` counts the body's line ends and quotes (compiled, beside the parse), so that a read that
  accounts for fewer rows than the body has lines is noticed (`may_have_lost_rows`);
- `find_broken_lines` then reads the quotes the strict way: a value may run over a line end only when its
  closing quote ends the value (a delimiter or line end follows) and no line inside it holds a whole row's
  delimiters; otherwise the line that opened it is broken, and reading goes on at the next line. The broken
  lines are cut out (`without_lines`) before the body is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rules.cohort.compiled import kernel

IntArray = npt.NDArray[np.int64]
_LF, _CR, _QUOTE = 10, 13, 34


@dataclass(frozen=True)
class LineEnds:
    """What a text body holds: its line feeds, whether its last line has none, and whether it has quotes."""

    line_feeds: int
    unterminated_last_line: bool
    has_quotes: bool


def count_line_ends(body: pa.Buffer) -> LineEnds:
    """Count the line feeds and quotes of ``body`` (several GB/s; the GIL is released)."""
    data = np.frombuffer(body, dtype=np.uint8)
    if not len(data):
        return LineEnds(0, False, False)
    line_feeds, quotes = _line_feeds_and_quotes(data)
    return LineEnds(int(line_feeds), bool(data[-1] != _LF), bool(quotes))


def may_have_lost_rows(body: pa.Buffer, counted: LineEnds, rows: int) -> bool:
    """Whether a read that gave ``rows`` rows (malformed ones included) may have lost some to a quote.

    Only a body with quotes can lose rows so, and only when it has more lines with a byte than rows (a value
    may also span lines rightly; `find_broken_lines` tells).
    """
    if not counted.has_quotes or rows >= counted.line_feeds + counted.unterminated_last_line:
        return False
    return rows < int(_filled_lines(np.frombuffer(body, dtype=np.uint8)))  # blank lines are no rows


@dataclass(frozen=True)
class BrokenLines:
    """The lines whose quoted value never closes, each a row of its own.

    Attributes:
        starts, ends: byte offsets of each line (its line end included in ``ends``).
        rows: each line's row number (1-based; rows are the lines with a byte, a value over several lines one).
    """

    starts: IntArray
    ends: IntArray
    rows: IntArray

    def __len__(self) -> int:
        return len(self.rows)

    def texts(self, body: pa.Buffer) -> list[str]:
        """The lines' text, without their line ends."""
        data = np.frombuffer(body, dtype=np.uint8)
        return [bytes(data[start:end]).decode("utf-8", errors="replace").rstrip("\r\n")
                for start, end in zip(self.starts, self.ends, strict=True)]


def find_broken_lines(body: pa.Buffer, delimiter: str, width: int) -> BrokenLines:
    """The lines of ``body`` (rows of ``width`` fields) that open a quoted value that does not close where a
    value can end.

    Within a line a closing quote may be followed by more text (Arrow reads ``"x"y`` as ``xy``); a value that
    ran over a line end must close before a delimiter or a line end, and must not hold a whole row, or the line
    that opened it is broken.
    """
    data = np.frombuffer(body, dtype=np.uint8)
    capacity = int(np.count_nonzero(data == _QUOTE)) + 1  # each broken line holds a quote
    starts, ends, rows = (np.zeros(capacity, dtype=np.int64) for _ in range(3))
    found = _broken_lines(data, ord(delimiter), width, starts, ends, rows)
    return BrokenLines(starts[:found], ends[:found], rows[:found])


def without_lines(body: pa.Buffer, lines: BrokenLines) -> pa.Buffer:
    """``body`` with ``lines`` cut out."""
    data = np.frombuffer(body, dtype=np.uint8)
    keep_from = np.concatenate([[0], lines.ends])
    keep_to = np.concatenate([lines.starts, [len(data)]])
    return pa.py_buffer(np.concatenate([data[a:b] for a, b in zip(keep_from, keep_to, strict=True)]).tobytes())


@kernel
def _line_feeds_and_quotes(data: npt.NDArray[np.uint8]) -> tuple[int, int]:
    line_feeds = 0
    quotes = 0
    for i in range(data.size):  # two sums of comparisons: vectorised by the compiler
        line_feeds += data[i] == _LF
        quotes += data[i] == _QUOTE
    return line_feeds, quotes


@kernel
def _filled_lines(data: npt.NDArray[np.uint8]) -> int:
    """Lines with at least one byte; a line ends at \\n, \\r\\n or a lone \\r (as Arrow's reader has it)."""
    count = 0
    filled = False
    i = 0
    while i < data.size:
        byte = data[i]
        if byte in (_LF, _CR):
            count += filled
            filled = False
            if byte == _CR and i + 1 < data.size and data[i + 1] == _LF:
                i += 1
        else:
            filled = True
        i += 1
    return count + filled


@kernel
def _quoted_value_end(data: npt.NDArray[np.uint8], at: int, delimiter: int, width: int) -> int:
    """Where the quoted value opening at ``at`` closes (the closing quote's offset), or -1 when it does not.

    A value over line ends must close before a delimiter or a line end (spaces between allowed), and no line
    wholly inside it may hold a row's worth of delimiters (``width`` fields): that is the quote of a value cut
    short, running over whole rows to a quote that happens to end a value (an inch mark, ``TV 55"``).
    """
    crossed = False  # a line end inside the value
    delimiters = 0  # on the current line inside the value
    j = at + 1
    while j < data.size:
        byte = data[j]
        if byte == _QUOTE:
            if j + 1 < data.size and data[j + 1] == _QUOTE:  # "" is a quote inside the value
                j += 2
                continue
            if j + 1 == data.size or not crossed:
                return j
            after = j + 1
            while after < data.size and data[after] in (32, 9) and data[after] != delimiter:
                after += 1
            return j if after == data.size or data[after] in (delimiter, _LF, _CR) else -1
        if byte in (_LF, _CR):
            if crossed and delimiters + 1 >= width > 1:
                return -1  # a whole row inside the value
            if not (byte == _CR and j + 1 < data.size and data[j + 1] == _LF):
                crossed = True
                delimiters = 0
        elif byte == delimiter:
            delimiters += 1
        j += 1
    return -1


@kernel
def _line_end(data: npt.NDArray[np.uint8], at: int) -> int:
    """The offset after the line end of the line that holds ``at``."""
    while at < data.size and data[at] != _LF and data[at] != _CR:
        at += 1
    if at + 1 < data.size and data[at] == _CR and data[at + 1] == _LF:
        at += 1
    return min(at + 1, data.size)


@kernel
def _broken_lines(data: npt.NDArray[np.uint8], delimiter: int, width: int, starts: IntArray, ends: IntArray,
                  rows: IntArray) -> int:
    found = 0
    row = 0
    i = 0
    while i < data.size:
        start = i
        filled = False
        value_start = True
        broken = False
        while i < data.size:
            byte = data[i]
            if value_start and byte == _QUOTE:
                close = _quoted_value_end(data, i, delimiter, width)
                if close < 0:
                    broken = True
                    break
                i = close + 1
                filled = True
                value_start = False
                continue
            if byte in (_LF, _CR):
                break
            value_start = byte == delimiter
            filled = True
            i += 1
        if broken:
            row += 1
            starts[found], ends[found], rows[found] = start, _line_end(data, start), row
            found += 1
            i = ends[found - 1]  # the next line starts a row
            continue
        row += filled
        i = _line_end(data, i) if i < data.size else i
    return found
